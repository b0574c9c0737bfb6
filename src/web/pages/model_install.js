// Getting a model onto this machine, shared by the first-run (welcome) and
// Models pages: pull by name with progress (POST /api/pull, NDJSON), and
// import a GGUF file from this computer — hashed in the browser (sha256.js),
// uploaded as a blob with progress (POST /api/blobs/sha256:…), then created
// under a name (POST /api/create with "files"), Ollama's own import flow.
import { h, errorText, formatBytes, labelled, setHidden } from './ui_parts.js';
import { sha256File } from '../sha256.js';

// A pull form. onDone() runs after each pull ends. Returns {element, setName}.
export function pullForm(app, { onDone } = {}) {
  const { field, input } = labelled(app, 'Model name',
    h(app, 'input', { type: 'text', required: true, testid: 'pull-name', autocomplete: 'off',
                      placeholder: 'e.g. llama3.2:1b or hf.co/ORG/REPO:Q4_K_M' }));
  const button = h(app, 'button', { type: 'submit', class: 'primary', testid: 'pull-start' }, 'Pull');
  const cancel = h(app, 'button', { type: 'button', hidden: true, testid: 'pull-cancel' }, 'Cancel');
  const progress = h(app, 'progress', { class: 'pull-progress', max: 1, hidden: true, 'aria-label': 'Pull progress' });
  const status = h(app, 'p', { class: 'pull-status', 'aria-live': 'polite', testid: 'pull-status' });
  const form = h(app, 'form', { class: 'inline-form' }, field, button, cancel, progress, status);
  let controller = null;
  cancel.addEventListener('click', () => controller?.abort());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (!name || controller) return;
    controller = new AbortController();
    button.disabled = true;
    setHidden(cancel, false);
    setHidden(progress, false);
    progress.removeAttribute('value');
    status.textContent = 'Starting…';
    status.textContent = await pull(app, name, progress, status, controller.signal);
    controller = null;
    button.disabled = false;
    setHidden(cancel, true);
    setHidden(progress, true);
    await onDone?.();
  });
  return {
    element: form,
    setName(name) {
      input.value = name;
      input.focus();
    },
  };
}

// Streams /api/pull; returns the line to leave in the status.
async function pull(app, name, progress, status, signal) {
  let error = null;
  let succeeded = false;
  const onLine = (line) => {
    if (line?.error) {
      error = line.error;
      return;
    }
    if (line?.status === 'success') succeeded = true;
    if (line?.total > 0) {
      progress.max = line.total;
      progress.value = line.completed ?? 0;
      status.textContent = `${line.status}: ${formatBytes(line.completed ?? 0)} of ${formatBytes(line.total)}`;
    } else if (line?.status) {
      progress.removeAttribute('value');
      status.textContent = line.status;
    }
  };
  try {
    const result = await app.ndjson('/api/pull', { model: name, stream: true }, onLine, signal);
    if (result && typeof result.status === 'number' && result.status >= 400) error = errorText(result);
  } catch (caught) {
    if (caught?.name === 'AbortError') return 'Pull cancelled; pulling again resumes it.';
    error = caught?.message ?? String(caught);
  }
  if (error) {
    app.toast(`Pull of ${name} failed: ${error}`, 'error');
    return `Failed: ${error}`;
  }
  if (succeeded) app.toast(`${name} pulled`, 'ok');
  return succeeded ? `${name} is installed.` : 'The pull ended without success.';
}

// An import form for a local .gguf file. onDone() runs after a success.
export function importForm(app, { onDone } = {}) {
  const file = labelled(app, 'GGUF file', h(app, 'input', { type: 'file', accept: '.gguf', required: true,
                                                             testid: 'import-file' }));
  const name = labelled(app, 'Name', h(app, 'input', { type: 'text', required: true, autocomplete: 'off',
                                                       testid: 'import-name', placeholder: 'e.g. my-model:q4' }));
  const button = h(app, 'button', { type: 'submit', class: 'primary', testid: 'import-start' }, 'Import');
  const progress = h(app, 'progress', { class: 'pull-progress', max: 1, hidden: true, 'aria-label': 'Import progress' });
  const status = h(app, 'p', { class: 'pull-status', 'aria-live': 'polite', testid: 'import-status' });
  const form = h(app, 'form', { class: 'inline-form' }, file.field, name.field, button, progress, status);
  file.input.addEventListener('change', () => {
    const chosen = file.input.files?.[0];
    if (chosen && !name.input.value) name.input.value = chosen.name.replace(/\.gguf$/i, '').toLowerCase();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.input.files?.[0];
    const model = name.input.value.trim();
    if (!chosen || !model) return;
    button.disabled = true;
    setHidden(progress, false);
    const outcome = await importGguf(app, chosen, model, (label, done, total) => {
      progress.max = total || 1;
      progress.value = done;
      status.textContent = `${label}: ${formatBytes(done)} of ${formatBytes(total)}`;
    });
    status.textContent = outcome.text;
    app.toast(outcome.text, outcome.ok ? 'ok' : 'error');
    setHidden(progress, true);
    button.disabled = false;
    if (outcome.ok) await onDone?.();
  });
  return form;
}

// Hash, upload (unless the server has the blob already), create.
async function importGguf(app, file, model, onProgress) {
  const digest = `sha256:${await sha256File(file, (done, total) => onProgress('Checking the file', done, total))}`;
  const known = await app.api('GET', `/api/blobs/${digest}`);
  if (known.status !== 200) {
    const sent = await app.uploadRaw(`/api/blobs/${digest}`, file,
                                     (done, total) => onProgress('Uploading', done, total));
    if (sent.status >= 400 || sent.status === 0) return { ok: false, text: `Upload failed: ${errorText(sent)}` };
  }
  const created = await app.api('POST', '/api/create', { model, files: { 'model.gguf': digest }, stream: false });
  if (created.status >= 400) return { ok: false, text: `Import failed: ${errorText(created)}` };
  return { ok: true, text: `${model} is installed.` };
}
