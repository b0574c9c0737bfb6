// Every setting of a workspace, each with its default, saved with one
// PATCH /api/v1/workspaces/{slug} of the fields that changed. The server
// checks the values: its error is shown as it is (the form does not
// second-guess it). Changing the embedder of a workspace with documents
// starts a re-embedding job (202), which is shown.
import { workspaceNav } from './workspace_nav.js';

const kSystemPrompt = 'You are a helpful assistant. Answer the question using the context passages given with '
  + 'it, and cite each passage you use as [n], where n is its number. If the context does not '
  + 'contain the answer, say so plainly instead of guessing.';
const kRefusal = 'There is no relevant information in this workspace to answer your query.';

// [key, label, kind, default, extra]. Defaults mirror store/workspace_table.h.
const kSettings = [
  ['name', 'Name', 'text', '(the slug)', {}],
  ['chat_model', 'Chat model', 'model', '(none)', { hint: 'the model that writes answers' }],
  ['embedder', 'Embedder', 'model', '(none)', { hint: 'changing it re-embeds every document' }],
  ['reranker', 'Reranker', 'model', '(none: no reranking)', {}],
  ['mode', 'Mode', 'select', 'chat', { options: ['chat', 'query'],
    hint: 'query answers only from the documents, with the refusal text when nothing is relevant' }],
  ['top_k', 'Passages per question', 'int', 6, { min: 1, max: 100 }],
  ['similarity_threshold', 'Similarity threshold', 'number', 0, { min: 0, max: 1, step: 0.01 }],
  ['context_budget_tokens', 'Context budget (tokens)', 'int', 3000, { min: 100, max: 131072 }],
  ['temperature', 'Temperature', 'number', 0.7, { min: 0, max: 2, step: 0.05 }],
  ['history_messages', 'Earlier messages sent', 'int', 20, { min: 0, max: 1000 }],
  ['history_tokens', 'Earlier messages budget (tokens)', 'int', 2000, { min: 0, max: 131072 }],
  ['system_prompt', 'System prompt', 'textarea', kSystemPrompt, {}],
  ['refusal_text', 'Refusal text', 'textarea', kRefusal, {}],
  ['chunk_tokens', 'Chunk size (tokens)', 'int', 400, { min: 16, max: 8192 }],
  ['chunk_overlap_tokens', 'Chunk overlap (tokens)', 'int', 60, { min: 0, max: 4096 }],
  ['vector_type', 'Vector type', 'select', 'f16', { options: ['f16', 'i8'] }],
  ['retention_days', 'Keep messages (days)', 'int', 0, { min: 0, max: 36500, hint: '0 keeps them forever' }],
  ['members_can_upload', 'Members may upload', 'bool', false, { hint: 'multi-user mode: members with the default role may add, pin and delete documents' }],
];

function control(app, key, kind, extra) {
  const id = `setting-${key}`;
  if (kind === 'textarea') return app.el('textarea', { id, name: key, rows: 4 });
  if (kind === 'bool') return app.el('input', { id, name: key, type: 'checkbox' });
  if (kind === 'select') {
    return app.el('select', { id, name: key }, extra.options.map((option) => app.el('option', { value: option }, option)));
  }
  if (kind === 'int' || kind === 'number') {
    return app.el('input', { id, name: key, type: 'number', min: String(extra.min), max: String(extra.max),
                             step: kind === 'int' ? '1' : 'any', inputmode: kind === 'int' ? 'numeric' : 'decimal' });
  }
  return app.el('input', { id, name: key, type: 'text', list: kind === 'model' ? 'installed-models' : null });
}

function readValue(input, kind) {
  if (kind === 'bool') return input.checked;
  if (kind === 'int' || kind === 'number') return input.value.trim() === '' ? null : Number(input.value);
  return input.value;
}

function writeValue(input, kind, value) {
  if (kind === 'bool') input.checked = Boolean(value);
  else input.value = value === null || value === undefined ? '' : String(value);
}

function defaultText(kind, value) {
  if (kind === 'bool') return value ? 'on' : 'off';
  if (kind === 'textarea') return value.length > 60 ? `“${value.slice(0, 60)}…”` : `“${value}”`;
  return String(value);
}

export async function mount(root, app, params) {
  const base = `/api/v1/workspaces/${encodeURIComponent(params.slug)}`;
  const inputs = new Map();
  const error = app.el('p', { class: 'error-text', role: 'alert', testid: 'settings-error' });
  const saved = app.el('p', { class: 'muted', role: 'status', testid: 'settings-status' });
  const models = app.el('datalist', { id: 'installed-models' });
  const fields = kSettings.map(([key, label, kind, fallback, extra]) => {
    const input = control(app, key, kind, extra);
    inputs.set(key, { input, kind });
    const hint = app.el('span', { class: 'hint', id: `setting-${key}-hint` },
                        `Default: ${defaultText(kind, fallback)}`, extra.hint ? ` — ${extra.hint}` : '');
    input.setAttribute('aria-describedby', hint.id);
    if (kind === 'bool') {
      return app.el('div', { class: 'field' }, app.el('label', { class: 'checkbox', for: input.id }, input, label), hint);
    }
    return app.el('div', { class: 'field' }, app.el('label', { for: input.id }, label), input, hint);
  });
  const submit = app.el('button', { type: 'submit', class: 'primary' }, 'Save settings');
  const form = app.el('form', { class: 'form', noValidate: true, testid: 'settings-form' },
                      fields, error, app.el('div', { class: 'actions' }, submit), saved);
  let current = {};
  const show = (workspace) => {
    current = workspace;
    for (const [key, { input, kind }] of inputs) writeValue(input, kind, workspace[key]);
    if (workspace.pending_embedder) {
      saved.textContent = `Re-embedding every document with ${workspace.pending_embedder} (job ${workspace.reembed_job}); `
        + `searches use ${workspace.embedder || 'the old embedder'} until it is done.`;
    }
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    saved.textContent = '';
    const changes = {};
    for (const [key, { input, kind }] of inputs) {
      const value = readValue(input, kind);
      if (value !== current[key]) changes[key] = value;
    }
    if (Object.keys(changes).length === 0) { saved.textContent = 'Nothing changed.'; return; }
    submit.disabled = true;
    try {
      const answer = await app.api('PATCH', base, changes);
      if (answer.status !== 200 && answer.status !== 202) {
        error.textContent = answer.body?.error ?? `could not save (${answer.status})`;
        return;
      }
      show(answer.body);
      if (!answer.body.pending_embedder) saved.textContent = `Saved: ${Object.keys(changes).join(', ')}.`;
      app.toast('Settings saved', 'ok');
    } finally {
      submit.disabled = false;
    }
  });
  root.append(app.el('h1', {}, `Settings — ${params.slug}`), workspaceNav(app, params.slug, 'settings'), models, form);
  const [workspace, tags] = await Promise.all([app.api('GET', base), app.api('GET', '/api/tags')]);
  if (workspace.status !== 200) {
    form.replaceChildren(app.el('p', { class: 'error-text', role: 'alert' },
                                `Could not load the workspace: ${workspace.body?.error ?? workspace.status}`));
    return undefined;
  }
  for (const model of tags.body?.models ?? []) models.append(app.el('option', { value: model.name }));
  show(workspace.body);
  return undefined;
}
