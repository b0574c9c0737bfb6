// The models page (#/models): the memory budget and what each loaded model
// holds (GET /api/v1/system), installed models (GET /api/tags) with load,
// unload, pin (POST /api/v1/models/pin) and delete, pulling and importing
// with progress (model_install.js), and quantizing (POST /api/create with
// "quantize", its status lines streamed).
import { h, clear, confirmDialog, errorText, formatBytes, formatTime, labelled, memoryBar, request,
         section, table } from './ui_parts.js';
import { importForm, pullForm } from './model_install.js';

const kQuantizeTypes = ['q4_K_M', 'q5_K_M', 'q6_K', 'q8_0', 'q4_0'];
const kRefreshMs = 5000;

export async function mount(root, app) {
  const memory = h(app, 'div', { class: 'memory', testid: 'memory' });
  const installed = h(app, 'div', { testid: 'installed-models' });
  const running = h(app, 'div', { testid: 'loaded-models' });
  const view = { app, memory, installed, running, loaded: new Map(), models: [] };
  const quantize = quantizeForm(view);
  const pulling = pullForm(app, { onDone: () => refresh(view) });

  root.appendChild(h(app, 'h1', {}, 'Models'));
  root.appendChild(section(app, 'Memory', memory));
  root.appendChild(section(app, 'Loaded', running));
  root.appendChild(section(app, 'Installed', installed));
  root.appendChild(section(app, 'Pull a model', pulling.element));
  root.appendChild(section(app, 'Import a GGUF file', importForm(app, { onDone: () => refresh(view) })));
  root.appendChild(section(app, 'Quantize', quantize.element));
  view.refreshQuantize = quantize.refresh;

  await refresh(view);
  const timer = setInterval(() => refreshMemory(view), kRefreshMs);
  return () => clearInterval(timer);
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
  const pinned = Boolean(loaded?.pinned);
  const unload = action('Unload', () => generate(view, name, 0, `${name} unloaded`),
                        { testid: 'model-unload', disabled: pinned, title: pinned ? 'Unpin it first' : null });
  const remove = action('Delete', async () => {
    if (!await confirmDialog(app, 'Delete model', `Delete ${name}? Its files are removed unless another model uses them.`)) return;
    if (await request(app, 'DELETE', '/api/delete', { model: name }) !== null) {
      app.toast(`${name} deleted`, 'ok');
      await refresh(view);
    }
  }, { class: 'danger', testid: 'model-delete' });
  const pin = action(pinned ? 'Unpin' : 'Pin', () => setPinned(view, name, !pinned),
                     { testid: pinned ? 'model-unpin' : 'model-pin' });
  return loaded ? [unload, pin, remove] : [load, pin, remove];
}

// A pinned model stays loaded, whatever its keep-alive, until unpinned.
async function setPinned(view, name, pinned) {
  const body = await request(view.app, 'POST', '/api/v1/models/pin', { model: name, pinned });
  if (body !== null) view.app.toast(`${name} ${pinned ? 'pinned: it stays loaded' : 'unpinned'}`, 'ok');
  await refresh(view);
}

// Ollama's load / unload: /api/generate with no prompt.
async function generate(view, name, keepAlive, done) {
  const body = await request(view.app, 'POST', '/api/generate', { model: name, keep_alive: keepAlive, stream: false });
  if (body !== null) view.app.toast(done, 'ok');
  await refresh(view);
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

// Streams /api/create with "quantize": each status line as it comes.
async function quantize(view, from, type, name, output) {
  const { app } = view;
  clear(output);
  if (!from || !name) return;
  const status = h(app, 'p', { class: 'pull-status', testid: 'quantize-status' }, 'Starting…');
  output.appendChild(status);
  let error = null;
  let succeeded = false;
  try {
    const result = await app.ndjson('/api/create', { model: name, from, quantize: type, stream: true }, (line) => {
      if (line?.error) error = line.error;
      if (line?.status === 'success') succeeded = true;
      if (line?.status) status.textContent = line.status;
    });
    if (result.status >= 400) error = errorText(result);
  } catch (caught) {
    error = caught?.message ?? String(caught);
  }
  if (error || !succeeded) {
    status.className = 'error-text';
    status.textContent = `Failed: ${error ?? 'the quantization ended without success'}`;
    app.toast(status.textContent, 'error');
    return;
  }
  status.textContent = `${name} is installed.`;
  app.toast(`${name} created`, 'ok');
  await refresh(view);
}
