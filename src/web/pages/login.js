// Sign-in (multi-user mode): name and password → POST /api/v1/auth/login,
// which sets the session and CSRF cookies. In single-user mode there is
// nothing to sign in to: the page goes straight on.
export async function mount(root, app) {
  const me = await app.refreshMe();
  if (me && (me.mode === 'single-user' || me.user)) {
    app.navigate(await app.defaultRoute());
    return undefined;
  }
  const error = app.el('p', { class: 'error-text', role: 'alert', testid: 'login-error' });
  const name = app.el('input', { id: 'login-name', name: 'name', autocomplete: 'username', required: true });
  const password = app.el('input', { id: 'login-password', name: 'password', type: 'password',
                                     autocomplete: 'current-password', required: true });
  const submit = app.el('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = app.el('form', { class: 'form panel', 'aria-labelledby': 'login-title' },
    app.el('h1', { id: 'login-title' }, 'Sign in to hearth'),
    app.el('div', { class: 'field' }, app.el('label', { for: 'login-name' }, 'Name'), name),
    app.el('div', { class: 'field' }, app.el('label', { for: 'login-password' }, 'Password'), password),
    error, app.el('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      const answer = await app.api('POST', '/api/v1/auth/login', { name: name.value, password: password.value });
      if (answer.status !== 200) {
        error.textContent = answer.body?.error ?? `sign-in failed (${answer.status})`;
        password.select();
        return;
      }
      await app.refreshMe();
      app.navigate(await app.defaultRoute());
    } finally {
      submit.disabled = false;
    }
  });
  root.append(app.el('div', { class: 'login' }, form));
  name.focus();
  return undefined;
}
