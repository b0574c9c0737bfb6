// The models page (#/models): the memory budget and what each loaded model
// holds (GET /api/v1/system), installed models (GET /api/tags) with load,
// unload and delete, pulling with progress (POST /api/pull, NDJSON), and
// quantizing (POST /api/create with "quantize"; hearth answers 412 and names
// the `hearth quantize` command, which the page shows).
import { h, clear, confirmDialog, copyButton, errorText, formatBytes, formatTime, labelled, memoryBar, request,
         section, setHidden, table } from './ui_parts.js';

const kQuantizeTypes = ['q4_K_M', 'q5_K_M', 'q6_K', 'q8_0', 'q4_0'];
const kRefreshMs = 5000;

export async function mount(root, app) {
  const memory = h(app, 'div', { class: 'memory', testid: 'memory' });
  const installed = h(app, 'div', { testid: 'installed-models' });
  const running = h(app, 'div', { testid: 'loaded-models' });
  const view = { app, memory, installed, running, loaded: new Map(), models: [], pullController: null };
  const quantize = quantizeForm(view);

  root.appendChild(h(app, 'h1', {}, 'Models'));
  root.appendChild(section(app, 'Memory', memory));
  root.appendChild(section(app, 'Loaded', running));
  root.appendChild(section(app, 'Installed', installed));
  root.appendChild(section(app, 'Pull a model', pullForm(view)));
  root.appendChild(section(app, 'Quantize', quantize.element));
  view.refreshQuantize = quantize.refresh;

  await refresh(view);
  const timer = setInterval(() => refreshMemory(view), kRefreshMs);
  return () => {
    clearInterval(timer);
    view.pullController?.abort();
  };
}

async function refresh(view) {
  await Promise.all([refreshMemory(view), refreshLoaded(view)]);
  const body = await request(view.app, 'GET', '/api/tags');
  view.models = body?.models ?? [];
  renderInstalled(view);
  view.refreshQuantize();
}

async function refreshMemory(view) {
  let answer;
  try {
    answer = await view.app.api('GET', '/api/v1/system');
  } catch {
    return;
  }
  if (answer.status >= 400) return;
  const memory = answer.body.memory ?? {};
  const before = [...view.loaded.keys()].join('\n');
  view.loaded = new Map((memory.models ?? []).map((m) => [m.name, m]));
  renderMemory(view, memory);
  if ([...view.loaded.keys()].join('\n') !== before && view.models.length) {
    renderInstalled(view);
    refreshLoaded(view);
  }
}

// What /api/ps says is loaded: the scheduler's view, with its live counts.
async function refreshLoaded(view) {
  const { app, running } = view;
  const body = await request(app, 'GET', '/api/ps');
  clear(running);
  const models = body?.models ?? [];
  if (models.length === 0) {
    running.appendChild(h(app, 'p', { class: 'muted' }, 'No model is loaded.'));
    return;
  }
  const rows = models.map((model) => {
    const extra = model.hearth ?? {};
    const unload = h(app, 'button', { type: 'button', 'aria-label': `Unload ${model.name}`, disabled: extra.pinned,
                                      testid: 'loaded-unload' }, 'Unload');
    unload.addEventListener('click', () => generate(view, model.name, 0, `${model.name} unloaded`));
    return [model.name, formatBytes(model.size), String(model.context_length ?? ''),
            extra.pinned ? 'pinned' : (formatTime(model.expires_at) || 'while serving'),
            String(extra.active_requests ?? 0), extra.load_reason ?? '', unload];
  });
  running.appendChild(table(app, ['Name', 'Memory', 'Context', 'Unloads', 'Requests', 'Loaded for', ''], rows,
                            { testid: 'loaded-table' }));
}

function renderMemory(view, memory) {
  clear(view.memory);
  view.memory.appendChild(memoryBar(view.app, memory));
}

function renderInstalled(view) {
  const { app, installed, models } = view;
  clear(installed);
  if (models.length === 0) {
    installed.appendChild(h(app, 'p', { class: 'muted' }, 'No model is installed: pull one below.'));
    return;
  }
  const rows = models.map((model) => {
    const loaded = view.loaded.get(model.name);
    const details = model.details ?? {};
    return [
      h(app, 'span', { class: 'model-name' }, model.name),
      details.family ?? '',
      details.parameter_size ?? '',
      details.quantization_level ?? '',
      formatBytes(model.size),
      loaded ? `loaded (${formatBytes(loaded.bytes)})` : '',
      h(app, 'div', { class: 'row-actions' }, modelActions(view, model.name, loaded)),
    ];
  });
  installed.appendChild(table(app, ['Name', 'Family', 'Parameters', 'Quantization', 'Size', 'State', 'Actions'],
                              rows, { testid: 'models-table' }));
}

function modelActions(view, name, loaded) {
  const { app } = view;
  const action = (label, handler, props = {}) => {
    const button = h(app, 'button', { type: 'button', 'aria-label': `${label} ${name}`, ...props }, label);
    button.addEventListener('click', async () => {
      button.disabled = true;
      await handler();
      button.disabled = false;
    });
    return button;
  };
  const load = action('Load', () => generate(view, name, '30m', `${name} loaded`), { testid: 'model-load' });
  const unload = action('Unload', () => generate(view, name, 0, `${name} unloaded`), { testid: 'model-unload' });
  const remove = action('Delete', async () => {
    if (!await confirmDialog(app, 'Delete model', `Delete ${name}? Its files are removed unless another model uses them.`)) return;
    if (await request(app, 'DELETE', '/api/delete', { model: name }) !== null) {
      app.toast(`${name} deleted`, 'ok');
      await refresh(view);
    }
  }, { class: 'danger', testid: 'model-delete' });
  return loaded ? [unload, remove] : [load, remove];
}

// Ollama's load / unload: /api/generate with no prompt.
async function generate(view, name, keepAlive, done) {
  const body = await request(view.app, 'POST', '/api/generate', { model: name, keep_alive: keepAlive, stream: false });
  if (body !== null) view.app.toast(done, 'ok');
  await refresh(view);
}

function pullForm(view) {
  const { app } = view;
  const { field, input } = labelled(app, 'Model name',
    h(app, 'input', { type: 'text', required: true, testid: 'pull-name', autocomplete: 'off',
                      placeholder: 'e.g. llama3.2:1b or hf.co/ORG/REPO:Q4_K_M' }));
  const button = h(app, 'button', { type: 'submit', class: 'primary', testid: 'pull-start' }, 'Pull');
  const cancel = h(app, 'button', { type: 'button', hidden: true, testid: 'pull-cancel' }, 'Cancel');
  const progress = h(app, 'progress', { class: 'pull-progress', max: 1, hidden: true, 'aria-label': 'Pull progress' });
  const status = h(app, 'p', { class: 'pull-status', 'aria-live': 'polite', testid: 'pull-status' });
  const form = h(app, 'form', { class: 'inline-form' }, field, button, cancel, progress, status);
  cancel.addEventListener('click', () => view.pullController?.abort());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (!name || view.pullController) return;
    view.pullController = new AbortController();
    button.disabled = true;
    setHidden(cancel, false);
    setHidden(progress, false);
    progress.removeAttribute('value');
    status.textContent = 'Starting…';
    const outcome = await pull(view, name, progress, status);
    status.textContent = outcome;
    view.pullController = null;
    button.disabled = false;
    setHidden(cancel, true);
    setHidden(progress, true);
    await refresh(view);
  });
  return form;
}

// Streams /api/pull; returns the line to leave in the status.
async function pull(view, name, progress, status) {
  let error = null;
  let succeeded = false;
  const onLine = (raw) => {
    const line = typeof raw === 'string' ? JSON.parse(raw) : raw;
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
    const result = await view.app.ndjson('/api/pull', { model: name, stream: true }, onLine,
                                         view.pullController.signal);
    if (result && typeof result.status === 'number' && result.status >= 400) error = errorText(result);
  } catch (caught) {
    if (caught?.name === 'AbortError') return 'Pull cancelled; pulling again resumes it.';
    error = caught?.message ?? String(caught);
  }
  if (error) {
    view.app.toast(`Pull of ${name} failed: ${error}`, 'error');
    return `Failed: ${error}`;
  }
  if (succeeded) view.app.toast(`${name} pulled`, 'ok');
  return succeeded ? `${name} is installed.` : 'The pull ended without success.';
}

function quantizeForm(view) {
  const { app } = view;
  const from = labelled(app, 'Model', h(app, 'select', { required: true, testid: 'quantize-from' }));
  const type = labelled(app, 'Type', h(app, 'select', { testid: 'quantize-type' },
    kQuantizeTypes.map((t) => h(app, 'option', { value: t }, t))));
  const target = labelled(app, 'New name', h(app, 'input', { type: 'text', required: true, autocomplete: 'off',
                                                              testid: 'quantize-name' }));
  const output = h(app, 'div', { class: 'quantize-output', 'aria-live': 'polite' });
  const button = h(app, 'button', { type: 'submit', class: 'primary', testid: 'quantize-start' }, 'Quantize');
  const form = h(app, 'form', { class: 'inline-form' }, from.field, type.field, target.field, button, output);
  from.input.addEventListener('change', () => {
    if (!target.input.value) target.input.value = `${from.input.value.split(':')[0]}:${type.input.value}`;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    await quantize(view, from.input.value, type.input.value, target.input.value.trim(), output);
    button.disabled = false;
  });
  const refresh = () => {
    const chosen = from.input.value;
    clear(from.input);
    for (const model of view.models) {
      if (model.details?.family === 'remote') continue;
      from.input.appendChild(h(app, 'option', { value: model.name, selected: model.name === chosen }, model.name));
    }
  };
  return { element: form, refresh };
}

async function quantize(view, from, type, name, output) {
  const { app } = view;
  clear(output);
  if (!from || !name) return;
  let answer;
  try {
    answer = await app.api('POST', '/api/create', { model: name, from, quantize: type, stream: false });
  } catch (error) {
    output.appendChild(h(app, 'p', { class: 'error-text' }, error?.message ?? String(error)));
    return;
  }
  if (answer.status < 400) {
    app.toast(`${name} created`, 'ok');
    await refresh(view);
    return;
  }
  output.appendChild(h(app, 'p', { class: answer.status === 412 ? 'muted' : 'error-text' }, errorText(answer)));
  if (answer.status !== 412) return;
  // The HTTP API does not quantize (yet): the command that does.
  const command = `hearth quantize ${from} --type ${type} --as ${name}`;
  output.appendChild(h(app, 'p', {}, 'Run this on the server’s machine:'));
  output.appendChild(h(app, 'pre', { class: 'code-block' }, h(app, 'code', {}, command)));
  output.appendChild(copyButton(app, 'Copy command', () => command));
}
