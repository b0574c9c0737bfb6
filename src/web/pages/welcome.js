// First run: no model is installed yet. Explains what hearth needs (a chat
// model to answer and an embedder to index documents), shows what
// GET /api/tags has, and points to the models page.
export async function mount(root, app) {
  const tags = await app.api('GET', '/api/tags');
  const models = tags.status === 200 ? (tags.body?.models ?? []) : [];
  const installed = models.length === 0
    ? app.el('p', { class: 'muted', testid: 'no-models' }, 'No models are installed yet.')
    : app.el('ul', { testid: 'installed-models' },
             models.map((model) => app.el('li', {}, `${model.name} (${model.details?.family ?? 'unknown family'})`)));
  root.append(
    app.el('h1', {}, 'Welcome to hearth'),
    app.el('p', {}, 'hearth answers questions about your documents on this machine. It needs two kinds of model:'),
    app.el('ul', {},
      app.el('li', {}, app.el('strong', {}, 'a chat model'), ' that writes the answers, and'),
      app.el('li', {}, app.el('strong', {}, 'an embedder'),
             ' that turns your documents into vectors so the passages relevant to a question can be found.')),
    app.el('h2', {}, 'Installed models'),
    tags.status === 200 ? installed
      : app.el('p', { class: 'error-text' }, `Could not list models: ${tags.body?.error ?? tags.status}`),
    app.el('p', {}, app.el('a', { class: 'button primary', href: '#/models' }, 'Get models')),
    app.el('p', { class: 'muted' }, 'Then create a workspace, choose its models in its settings, and upload documents.'),
    app.el('p', {}, app.el('a', { href: '#/workspaces' }, 'Go to workspaces')));
  return undefined;
}
