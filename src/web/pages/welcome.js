// First run (#/welcome): what hearth needs (a chat model and an embedder),
// what this machine can run — `hearth doctor`'s advice from GET
// /api/v1/doctor: the recommended quantization and memory of each common
// size with the server's budget, beside an embedder — and getting models
// here: pull with progress or import a local GGUF (model_install.js).
import { h, clear, errorText, formatBytes, section, table } from './ui_parts.js';
import { importForm, pullForm } from './model_install.js';

// Embedders worth pulling, small to large (Ollama library names).
const kEmbedders = [
  ['nomic-embed-text', 'good quality, about 274 MB'],
  ['all-minilm', 'smallest and fastest, about 46 MB'],
];

export async function mount(root, app) {
  const installed = h(app, 'div', { testid: 'installed-list' });
  const pulling = pullForm(app, { onDone: () => showInstalled(app, installed) });
  const advice = h(app, 'div', { testid: 'doctor-advice' });
  root.append(
    h(app, 'h1', {}, 'Welcome to hearth'),
    h(app, 'p', {}, 'hearth answers questions about your documents on this machine. It needs two kinds of model:'),
    h(app, 'ul', {},
      h(app, 'li', {}, h(app, 'strong', {}, 'a chat model'), ' that writes the answers, and'),
      h(app, 'li', {}, h(app, 'strong', {}, 'an embedder'),
        ' that turns your documents into vectors so the passages relevant to a question can be found.')),
    section(app, 'What this machine can run', advice),
    section(app, 'Installed models', installed),
    section(app, 'Pull a model', pulling.element),
    section(app, 'Or import a GGUF file from this computer', importForm(app, { onDone: () => showInstalled(app, installed) })),
    h(app, 'p', { class: 'muted' }, 'Then create a workspace, choose its models in its settings, and upload documents.'),
    h(app, 'p', {}, h(app, 'a', { href: '#/workspaces' }, 'Go to workspaces'), ' · ',
      h(app, 'a', { href: '#/models' }, 'Models and memory')));
  await Promise.all([showAdvice(app, advice, pulling), showInstalled(app, installed)]);
  return undefined;
}

async function showInstalled(app, container) {
  const tags = await app.api('GET', '/api/tags');
  clear(container);
  if (tags.status !== 200) {
    container.appendChild(h(app, 'p', { class: 'error-text' }, `Could not list models: ${errorText(tags)}`));
    return;
  }
  const models = tags.body?.models ?? [];
  container.appendChild(models.length === 0
    ? h(app, 'p', { class: 'muted', testid: 'no-models' }, 'No models are installed yet.')
    : h(app, 'ul', { testid: 'installed-models' }, models.map((model) =>
      h(app, 'li', {}, `${model.name} (${model.details?.family ?? 'unknown family'}, ${formatBytes(model.size)})`))));
}

async function showAdvice(app, container, pulling) {
  const answer = await app.api('GET', '/api/v1/doctor');
  if (answer.status !== 200) {
    container.appendChild(h(app, 'p', { class: 'error-text' }, `No advice: ${errorText(answer)}`));
    return;
  }
  const report = answer.body;
  const use = (name) => {
    const button = h(app, 'button', { type: 'button', 'aria-label': `Pull ${name}`, testid: 'use-suggestion' }, 'Pull…');
    button.addEventListener('click', () => pulling.setName(name));
    return button;
  };
  const rows = report.advice.map((sized) => {
    const chosen = sized.rows.find((row) => row.type === sized.recommended);
    return [sized.model, sized.recommended ?? 'does not fit',
            chosen ? formatBytes(chosen.total_bytes) : '—',
            sized.suggested_pull ? h(app, 'code', {}, sized.suggested_pull) : '',
            sized.suggested_pull ? use(sized.suggested_pull) : ''];
  });
  const best = report.advice.find((sized) => sized.model === report.largest_comfortable);
  container.append(
    h(app, 'p', { testid: 'doctor-machine' },
      `This machine has ${formatBytes(report.machine.total_bytes)} of memory; hearth may use ` +
      `${formatBytes(report.budget_bytes)}. Sizes below are for a ${report.context}-token context` +
      (report.companions.length ? `, beside ${report.companions.map((c) => `${c.name} (${formatBytes(c.bytes)})`).join(' and ')}.` : '.')),
    best ? h(app, 'p', { testid: 'doctor-recommendation' }, h(app, 'strong', {}, 'Recommended chat model: '),
             `${best.model} parameters at ${best.recommended}, e.g. `, h(app, 'code', {}, best.suggested_pull),
             '. Smaller models answer faster.')
      : h(app, 'p', { class: 'error-text', testid: 'doctor-recommendation' },
          'No common model size fits this budget comfortably; raise the memory budget or free memory.'),
    table(app, ['Size', 'Quantization', 'Memory', 'Ollama name', ''], rows, { testid: 'doctor-table' }),
    h(app, 'p', {}, h(app, 'strong', {}, 'Embedder: '), 'one of these.'),
    h(app, 'ul', {}, kEmbedders.map(([name, note]) => h(app, 'li', {}, h(app, 'code', {}, name), ` — ${note} `, use(name)))));
}
