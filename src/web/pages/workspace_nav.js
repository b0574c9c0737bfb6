// The tabs of a workspace's pages (chat, documents, settings), shared by the
// documents and settings pages.
export function workspaceNav(app, slug, current) {
  const base = `#/w/${encodeURIComponent(slug)}`;
  const tabs = [['chat', 'Chat'], ['documents', 'Documents'], ['settings', 'Settings']];
  return app.el('nav', { class: 'actions', 'aria-label': `Workspace ${slug}` },
    tabs.map(([page, label]) => app.el('a', { class: page === current ? 'button primary' : 'button',
                                              href: `${base}/${page}`,
                                              'aria-current': page === current ? 'page' : null }, label)));
}
