// The admin page (#/admin; admins only): users (create, role, suspension,
// password reset, delete), workspace memberships, API keys (create with
// actions and workspaces, the secret shown once, revoke) and the audit log.
// The server decides what is allowed; this page only offers it.
import { h, clear, setHidden, confirmDialog, copyButton, formatTime, labelled, openDialog, request, scrollBox,
         section, table } from './ui_parts.js';

const kRoles = ['default', 'manager', 'admin'];
const kKeyActions = ['read', 'chat', 'write', 'admin'];
const kAuditPage = 50;

export async function mount(root, app) {
  root.appendChild(h(app, 'h1', {}, 'Administration'));
  if (!isAdmin(app.me)) {
    root.appendChild(h(app, 'p', { class: 'muted', testid: 'admins-only' }, 'This page is for admins only.'));
    return undefined;
  }
  if (app.me?.mode === 'single-user') {
    root.appendChild(h(app, 'p', { class: 'muted', testid: 'single-user' },
      'hearth runs in single-user mode: there are no users, keys or memberships to manage. Create the first ' +
      'admin with `hearth user add NAME --role admin` on the server to turn on sign-in.'));
    const auditView = { app, auditBox: h(app, 'div', { testid: 'admin-audit' }) };
    root.appendChild(section(app, 'Audit log', auditView.auditBox));
    await loadAudit(auditView, true);
    return undefined;
  }
  const view = { app, users: [], workspaces: [] };
  view.usersBox = h(app, 'div', { testid: 'admin-users' });
  view.membersBox = h(app, 'div', { testid: 'admin-members' });
  view.keysBox = h(app, 'div', { testid: 'admin-keys' });
  view.auditBox = h(app, 'div', { testid: 'admin-audit' });
  root.appendChild(section(app, 'Users', view.usersBox, createUserForm(view)));
  root.appendChild(section(app, 'Workspace members', view.membersBox));
  root.appendChild(section(app, 'API keys', view.keysBox));
  root.appendChild(section(app, 'Audit log', view.auditBox));
  await Promise.all([loadUsers(view), loadWorkspaces(view)]);
  renderMembersPicker(view);
  await Promise.all([loadKeys(view), loadAudit(view, true)]);
  return undefined;
}

// Single-user mode's local owner may do everything.
function isAdmin(me) {
  return me?.mode === 'single-user' || me?.user?.role === 'admin';
}

async function loadWorkspaces(view) {
  const body = await request(view.app, 'GET', '/api/v1/workspaces');
  view.workspaces = body?.workspaces ?? [];
}

// ---- Users

async function loadUsers(view) {
  const { app, usersBox } = view;
  const body = await request(app, 'GET', '/api/v1/users');
  view.users = body?.users ?? [];
  clear(usersBox);
  const rows = view.users.map((user) => [
    user.name,
    roleSelect(view, user),
    user.suspended ? 'suspended' : 'active',
    formatTime(user.created_at),
    h(app, 'div', { class: 'row-actions' }, userActions(view, user)),
  ]);
  usersBox.appendChild(table(app, ['Name', 'Role', 'State', 'Created', 'Actions'], rows, { testid: 'users-table' }));
}

function roleSelect(view, user) {
  const { app } = view;
  const select = h(app, 'select', { 'aria-label': `Role of ${user.name}`, testid: 'user-role' },
                   kRoles.map((role) => h(app, 'option', { value: role, selected: role === user.role }, role)));
  select.addEventListener('change', async () => {
    const done = await request(app, 'PATCH', `/api/v1/users/${user.id}`, { role: select.value });
    if (done !== null) app.toast(`${user.name} is now ${select.value}`, 'ok');
    await loadUsers(view);
  });
  return select;
}

function userActions(view, user) {
  const { app } = view;
  const button = (label, props, handler) => {
    const b = h(app, 'button', { type: 'button', 'aria-label': `${label} ${user.name}`, ...props }, label);
    b.addEventListener('click', handler);
    return b;
  };
  return [
    button(user.suspended ? 'Unsuspend' : 'Suspend', { testid: 'user-suspend' }, async () => {
      if (await request(app, 'PATCH', `/api/v1/users/${user.id}`, { suspended: !user.suspended }) !== null) {
        app.toast(`${user.name} ${user.suspended ? 'may sign in again' : 'is suspended'}`, 'ok');
      }
      await loadUsers(view);
    }),
    button('Reset password', { testid: 'user-password' }, () => resetPassword(view, user)),
    button('Delete', { class: 'danger', testid: 'user-delete' }, async () => {
      if (!await confirmDialog(app, 'Delete user', `Delete ${user.name}? Their sessions and keys end.`)) return;
      if (await request(app, 'DELETE', `/api/v1/users/${user.id}`) !== null) app.toast(`${user.name} deleted`, 'ok');
      await loadUsers(view);
    }),
  ];
}

function resetPassword(view, user) {
  const { app } = view;
  const { field, input } = labelled(app, 'New password',
    h(app, 'input', { type: 'password', autocomplete: 'new-password', required: true, testid: 'new-password' }));
  const save = h(app, 'button', { type: 'submit', class: 'primary' }, 'Set password');
  const form = h(app, 'form', {}, field, save);
  const dialog = openDialog(app, { title: `Reset the password of ${user.name}`, content: [form],
                                   testid: 'password-dialog' });
  input.focus();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const done = await request(app, 'POST', `/api/v1/users/${user.id}/password`, { password: input.value });
    if (done === null) return;
    app.toast(`Password of ${user.name} changed; their sessions ended`, 'ok');
    dialog.close();
  });
}

function createUserForm(view) {
  const { app } = view;
  const name = labelled(app, 'Name', h(app, 'input', { type: 'text', required: true, autocomplete: 'off',
                                                        testid: 'new-user-name' }));
  const password = labelled(app, 'Password', h(app, 'input', { type: 'password', required: true,
                                                                autocomplete: 'new-password', testid: 'new-user-password' }));
  const role = labelled(app, 'Role', h(app, 'select', { testid: 'new-user-role' },
                                       kRoles.map((r) => h(app, 'option', { value: r }, r))));
  const form = h(app, 'form', { class: 'inline-form', 'aria-label': 'Create a user' },
                 h(app, 'h3', {}, 'Create a user'), name.field, password.field, role.field,
                 h(app, 'button', { type: 'submit', class: 'primary', testid: 'new-user-create' }, 'Create user'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: name.input.value.trim(), password: password.input.value, role: role.input.value };
    if (await request(app, 'POST', '/api/v1/users', body) === null) return;
    app.toast(`${body.name} created`, 'ok');
    form.reset();
    await loadUsers(view);
    renderMembersPicker(view);
  });
  return form;
}

// ---- Memberships

function renderMembersPicker(view) {
  const { app, membersBox, workspaces } = view;
  clear(membersBox);
  if (workspaces.length === 0) {
    membersBox.appendChild(h(app, 'p', { class: 'muted' }, 'No workspaces yet.'));
    return;
  }
  const picker = labelled(app, 'Workspace', h(app, 'select', { testid: 'members-workspace' },
    workspaces.map((w) => h(app, 'option', { value: w.slug }, w.name || w.slug))));
  const list = h(app, 'div', { class: 'members-list' });
  picker.input.addEventListener('change', () => loadMembers(view, picker.input.value, list));
  membersBox.append(picker.field, list);
  loadMembers(view, picker.input.value, list);
}

async function loadMembers(view, slug, list) {
  const { app } = view;
  const path = `/api/v1/workspaces/${encodeURIComponent(slug)}/members`;
  const body = await request(app, 'GET', path);
  clear(list);
  const members = body?.members ?? [];
  const rows = members.map((member) => {
    const remove = h(app, 'button', { type: 'button', class: 'danger', 'aria-label': `Remove ${member.name}`,
                                      testid: 'member-remove' }, 'Remove');
    remove.addEventListener('click', async () => {
      if (!await confirmDialog(app, 'Remove member', `Remove ${member.name} from ${slug}?`, 'Remove')) return;
      await request(app, 'DELETE', `${path}/${member.id}`);
      await loadMembers(view, slug, list);
    });
    return [member.name, member.role, remove];
  });
  list.appendChild(rows.length ? table(app, ['Name', 'Role', ''], rows, { testid: 'members-table' })
                               : h(app, 'p', { class: 'muted' }, 'No members.'));
  const others = view.users.filter((u) => !members.some((m) => m.id === u.id));
  if (others.length === 0) return;
  const user = labelled(app, 'User', h(app, 'select', { testid: 'member-user' },
                                       others.map((u) => h(app, 'option', { value: u.name }, u.name))));
  const form = h(app, 'form', { class: 'inline-form', 'aria-label': 'Add a member' }, user.field,
                 h(app, 'button', { type: 'submit', testid: 'member-add' }, 'Add member'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await request(app, 'POST', path, { user: user.input.value }) !== null) {
      app.toast(`${user.input.value} added to ${slug}`, 'ok');
    }
    await loadMembers(view, slug, list);
  });
  list.appendChild(form);
}

// ---- API keys

async function loadKeys(view) {
  const { app, keysBox } = view;
  const body = await request(app, 'GET', '/api/v1/keys');
  clear(keysBox);
  const names = new Map(view.users.map((u) => [u.id, u.name]));
  const rows = (body?.keys ?? []).map((key) => {
    let revoke = '';
    if (!key.revoked) {
      revoke = h(app, 'button', { type: 'button', class: 'danger', testid: 'key-revoke',
                                  'aria-label': `Revoke key ${key.name}` }, 'Revoke');
      revoke.addEventListener('click', async () => {
        if (!await confirmDialog(app, 'Revoke key', `Revoke ${key.name}? Programs using it stop working.`, 'Revoke')) return;
        await request(app, 'DELETE', `/api/v1/keys/${key.id}`);
        await loadKeys(view);
      });
    }
    return [key.name, names.get(key.user_id) ?? String(key.user_id), key.preview ?? '',
            (key.actions ?? []).join(', '), (key.workspaces ?? ['all']).join(', '),
            formatTime(key.created_at), key.revoked ? 'revoked' : 'active', revoke];
  });
  keysBox.appendChild(rows.length
    ? table(app, ['Name', 'User', 'Key', 'Actions', 'Workspaces', 'Created', 'State', ''], rows, { testid: 'keys-table' })
    : h(app, 'p', { class: 'muted' }, 'No API keys.'));
  keysBox.appendChild(createKeyForm(view));
}

function checkboxGroup(app, legend, values, testid) {
  const boxes = values.map((value) => {
    const input = h(app, 'input', { type: 'checkbox', value: value.value, testid: `${testid}-${value.value}` });
    return { input, label: h(app, 'label', { class: 'checkbox' }, input, ` ${value.label}`) };
  });
  const fieldset = h(app, 'fieldset', { class: 'checkbox-group' }, h(app, 'legend', {}, legend),
                     boxes.map((b) => b.label));
  return { fieldset, checked: () => boxes.filter((b) => b.input.checked).map((b) => b.input.value) };
}

function createKeyForm(view) {
  const { app } = view;
  const name = labelled(app, 'Key name', h(app, 'input', { type: 'text', required: true, autocomplete: 'off',
                                                            testid: 'key-name' }));
  const actions = checkboxGroup(app, 'Actions', kKeyActions.map((a) => ({ value: a, label: a })), 'key-action');
  const scope = checkboxGroup(app, 'Workspaces (none checked: all the owner may use)',
                              view.workspaces.map((w) => ({ value: w.slug, label: w.name || w.slug })), 'key-workspace');
  const owner = labelled(app, 'Owner', h(app, 'select', { testid: 'key-owner' },
    h(app, 'option', { value: '' }, 'me'), view.users.map((u) => h(app, 'option', { value: String(u.id) }, u.name))));
  const form = h(app, 'form', { class: 'inline-form', 'aria-label': 'Create an API key' },
                 h(app, 'h3', {}, 'Create an API key'), name.field, owner.field, actions.fieldset,
                 view.workspaces.length ? scope.fieldset : null,
                 h(app, 'button', { type: 'submit', class: 'primary', testid: 'key-create' }, 'Create key'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: name.input.value.trim(), actions: actions.checked() };
    if (body.actions.length === 0) {
      app.toast('Choose at least one action for the key', 'error');
      return;
    }
    const workspaces = scope.checked();
    if (workspaces.length) body.workspaces = workspaces;
    if (owner.input.value) body.user_id = Number(owner.input.value);
    const key = await request(app, 'POST', '/api/v1/keys', body);
    if (key === null) return;
    showSecret(app, key);
    await loadKeys(view);
  });
  return form;
}

// The secret exists only in this answer: shown once, with a copy button.
function showSecret(app, key) {
  const secret = h(app, 'input', { type: 'text', readOnly: true, value: key.key, testid: 'key-secret',
                                   'aria-label': 'The new key', class: 'secret' });
  openDialog(app, {
    title: `Key ${key.name} created`,
    testid: 'key-dialog',
    content: [h(app, 'p', {}, 'Copy the key now: it is shown only this once (hearth stores only its hash).'), secret],
    actions: [copyButton(app, 'Copy key', () => key.key, { testid: 'key-copy' })],
  });
  secret.select();
}

// ---- Audit

async function loadAudit(view, fresh) {
  const { app, auditBox } = view;
  if (fresh) {
    view.auditBefore = 0;
    clear(auditBox);
    view.auditRows = h(app, 'tbody', {});
    auditBox.appendChild(scrollBox(app, h(app, 'table', { class: 'data-table', testid: 'audit-table' },
      h(app, 'thead', {}, h(app, 'tr', {}, ['When', 'Who', 'Action', 'Target', 'Detail', 'Address']
        .map((t) => h(app, 'th', { scope: 'col' }, t)))), view.auditRows)));
    view.auditMore = h(app, 'button', { type: 'button', testid: 'audit-more' }, 'Older events');
    view.auditMore.addEventListener('click', () => loadAudit(view, false));
    auditBox.appendChild(view.auditMore);
  }
  const query = `?limit=${kAuditPage}${view.auditBefore ? `&before=${view.auditBefore}` : ''}`;
  const body = await request(app, 'GET', `/api/v1/audit${query}`);
  const events = body?.events ?? [];
  for (const event of events) {
    view.auditRows.appendChild(h(app, 'tr', {}, [formatTime(event.at), event.actor, event.action, event.target,
                                                 event.detail, event.address].map((c) => h(app, 'td', {}, c ?? ''))));
    view.auditBefore = event.id;
  }
  setHidden(view.auditMore, events.length < kAuditPage);
}
