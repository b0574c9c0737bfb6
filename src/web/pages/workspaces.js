// The workspaces the signed-in user can see, and a form to create one
// (POST /api/v1/workspaces; the server checks who may).
const kSlugRule = 'lowercase letters, digits and dashes, 1 to 64 characters';

function card(app, workspace) {
  const base = `#/w/${encodeURIComponent(workspace.slug)}`;
  const models = [workspace.chat_model ? `chat: ${workspace.chat_model}` : 'no chat model',
                  workspace.embedder ? `embedder: ${workspace.embedder}` : 'no embedder'].join(' · ');
  return app.el('li', { class: 'card', testid: `workspace-${workspace.slug}` },
    app.el('h2', {}, app.el('a', { href: `${base}/chat` }, workspace.name || workspace.slug)),
    app.el('p', { class: 'muted' }, workspace.slug, ' — ', models),
    app.el('div', { class: 'actions' },
      app.el('a', { class: 'button', href: `${base}/chat` }, 'Chat'),
      app.el('a', { class: 'button', href: `${base}/documents` }, 'Documents'),
      app.el('a', { class: 'button', href: `${base}/settings` }, 'Settings')));
}

function createForm(app, onCreated) {
  const error = app.el('p', { class: 'error-text', role: 'alert', testid: 'create-error' });
  const slug = app.el('input', { id: 'new-slug', name: 'slug', required: true, pattern: '[a-z0-9-]{1,64}',
                                 'aria-describedby': 'new-slug-hint' });
  const name = app.el('input', { id: 'new-name', name: 'name' });
  const form = app.el('form', { class: 'form panel', 'aria-labelledby': 'create-title' },
    app.el('h2', { id: 'create-title' }, 'New workspace'),
    app.el('div', { class: 'row' },
      app.el('div', { class: 'field' }, app.el('label', { for: 'new-slug' }, 'Slug'), slug,
             app.el('span', { id: 'new-slug-hint', class: 'hint' }, kSlugRule)),
      app.el('div', { class: 'field' }, app.el('label', { for: 'new-name' }, 'Name (optional)'), name),
      app.el('button', { type: 'submit', class: 'primary' }, 'Create workspace')),
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const body = { slug: slug.value.trim() };
    if (name.value.trim() !== '') body.name = name.value.trim();
    const answer = await app.api('POST', '/api/v1/workspaces', body);
    if (answer.status !== 201) {
      error.textContent = answer.body?.error ?? `could not create the workspace (${answer.status})`;
      return;
    }
    app.toast(`Workspace ${answer.body.slug} created`, 'ok');
    form.reset();
    onCreated(answer.body);
  });
  return form;
}

export async function mount(root, app) {
  const list = app.el('ul', { class: 'cards', testid: 'workspace-list', 'aria-label': 'Workspaces' });
  const empty = app.el('p', { class: 'muted' });
  const load = async () => {
    const answer = await app.api('GET', '/api/v1/workspaces');
    if (answer.status !== 200) {
      empty.textContent = `Could not list workspaces: ${answer.body?.error ?? answer.status}`;
      return;
    }
    const workspaces = answer.body.workspaces ?? [];
    list.replaceChildren(...workspaces.map((w) => card(app, w)));
    empty.textContent = workspaces.length === 0 ? 'No workspaces yet: create one below.' : '';
  };
  root.append(app.el('h1', {}, 'Workspaces'), empty, list, createForm(app, load));
  await load();
  return undefined;
}
