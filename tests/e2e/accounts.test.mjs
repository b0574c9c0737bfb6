// Users, sessions, API keys and access, end to end with the real binary:
// the first admin from the command line, sign-in with cookies and CSRF,
// suspension and demotion taking effect at once (open streams included),
// keys narrowed to a workspace, private threads, the login limiter, the bind
// rule of single-user mode, and no password ever echoed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { hearthBin, runHearth, startServer, tempDir, installTestModels } from '../support/hearth_process.mjs';

const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !fixtureBin ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)' : false;
const kPassword = 'correct horse battery';
const kOtherPassword = 'another fine password';
let home;
let server;
const seen = [];  // every response body, to check that no password ever appears

async function call(method, route, { headers = {}, body } = {}) {
  const response = await fetch(server.url + route, {
    method, headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  seen.push(text);
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  return { status: response.status, body: parsed, headers: response.headers };
}

async function login(name, password = kPassword) {
  const answer = await call('POST', '/api/v1/auth/login', { body: { name, password } });
  if (answer.status !== 200) return answer;
  const cookie = answer.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { ...answer, setCookies: answer.headers.getSetCookie(), cookie,
           headers: { cookie, 'x-csrf-token': answer.body.csrf_token } };
}

async function makeUser(admin, name, role) {
  const made = await call('POST', '/api/v1/users', { headers: admin.headers, body: { name, password: kPassword, role } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body;
}

async function makeKey(session, name, actions, workspaces) {
  const made = await call('POST', '/api/v1/keys', { headers: session.headers, body: { name, actions, workspaces } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return { id: made.body.id, headers: { authorization: `Bearer ${made.body.key}` }, secret: made.body.key };
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-accounts-');
  installTestModels(home.dir, { storiesFile: existsSync(stories) ? stories : undefined });
  const env = { HEARTH_HOME: home.dir };
  server = await startServer(['--ingest-workers', '1'],
                             { env: { ...env, HEARTH_ADMIN_PASSWORD: kPassword, HEARTH_ADMIN_NAME: 'boss' } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('the first admin comes from HEARTH_ADMIN_PASSWORD; then nothing works without signing in', { skip }, async () => {
  assert.match(server.logs(), /multi-user mode/);
  for (const [method, route] of [['GET', '/api/v1/workspaces'], ['GET', '/api/tags'], ['POST', '/api/generate'],
                                 ['GET', '/v1/models'], ['GET', '/metrics']]) {
    const answer = await call(method, route);
    assert.equal(answer.status, 401, `${method} ${route}: ${JSON.stringify(answer.body)}`);
  }
  assert.equal((await call('GET', '/health')).status, 200);
  const wrong = await login('boss', 'not the password');
  assert.equal(wrong.status, 401);
  const unknown = await login('nobody', 'not the password');
  assert.equal(unknown.status, 401);
  assert.equal(unknown.body.error, wrong.body.error, 'an unknown name and a wrong password look the same');
  const boss = await login('boss');
  assert.equal(boss.status, 200, JSON.stringify(boss.body));
  assert.match(boss.setCookies.join('\n'), /hearth_session=[^;]+;.*HttpOnly/);
  assert.match(boss.setCookies.join('\n'), /SameSite=Strict/);
  const me = await call('GET', '/api/v1/auth/me', { headers: boss.headers });
  assert.equal(me.body.user.role, 'admin');
  assert.equal(me.body.mode, 'multi-user');
});

test('a cookie mutation without the CSRF token is refused; with it, it runs', { skip }, async () => {
  const boss = await login('boss');
  const bare = await call('POST', '/api/v1/workspaces', { headers: { cookie: boss.cookie }, body: { slug: 'csrf' } });
  assert.equal(bare.status, 403, JSON.stringify(bare.body));
  const wrong = await call('POST', '/api/v1/workspaces',
                           { headers: { cookie: boss.cookie, 'x-csrf-token': 'x'.repeat(43) }, body: { slug: 'csrf' } });
  assert.equal(wrong.status, 403);
  const listed = await call('GET', '/api/v1/workspaces', { headers: boss.headers });
  assert.ok(!listed.body.workspaces.some((w) => w.slug === 'csrf'), 'nothing was created');
  const right = await call('POST', '/api/v1/workspaces', { headers: boss.headers, body: { slug: 'csrf' } });
  assert.equal(right.status, 201, JSON.stringify(right.body));
  // GET with the cookie alone is fine (no change).
  assert.equal((await call('GET', '/api/v1/workspaces', { headers: { cookie: boss.cookie } })).status, 200);
});

test('a suspended user\'s sessions and keys stop at once; a demoted admin loses admin at once', { skip }, async () => {
  const boss = await login('boss');
  const sam = await makeUser(boss, 'sam', 'admin');
  const samSession = await login('sam');
  const samKey = await makeKey(samSession, 'sam-key', ['read', 'admin']);
  assert.equal((await call('GET', '/api/v1/users', { headers: samSession.headers })).status, 200);
  assert.equal((await call('GET', '/api/v1/users', { headers: samKey.headers })).status, 200);

  const demoted = await call('PATCH', `/api/v1/users/${sam.id}`, { headers: boss.headers, body: { role: 'default' } });
  assert.equal(demoted.status, 200, JSON.stringify(demoted.body));
  assert.equal((await call('GET', '/api/v1/users', { headers: samSession.headers })).status, 401, 'the session ended');
  assert.equal((await call('GET', '/api/v1/users', { headers: samKey.headers })).status, 403, 'the key is a default user now');

  const suspended = await call('PATCH', `/api/v1/users/${sam.id}`, { headers: boss.headers, body: { suspended: true } });
  assert.equal(suspended.status, 200);
  assert.equal((await call('GET', '/api/v1/auth/me', { headers: samKey.headers })).status, 401);
  assert.equal((await login('sam')).status, 401);
  await call('PATCH', `/api/v1/users/${sam.id}`, { headers: boss.headers, body: { suspended: false } });
  assert.equal((await call('GET', '/api/tags', { headers: samKey.headers })).status, 200, 'the key works again');

  // The last admin cannot be demoted, suspended or deleted.
  const me = await call('GET', '/api/v1/auth/me', { headers: boss.headers });
  const last = await call('PATCH', `/api/v1/users/${me.body.user.id}`, { headers: boss.headers, body: { role: 'default' } });
  assert.equal(last.status, 412, JSON.stringify(last.body));
});

test('an open job stream ends when its reader is demoted', { skip }, async () => {
  const boss = await login('boss');
  const ada = await makeUser(boss, 'ada', 'admin');
  const adaKey = await makeKey(await login('ada'), 'ada-key', ['read', 'admin']);
  assert.equal((await call('POST', '/api/v1/workspaces', { headers: boss.headers, body: { slug: 'big', embedder: 'embedder' } })).status, 201);
  // A long document: its job runs for a while.
  const text = Array.from({ length: 6000 }, (_, i) => `Paragraph ${i} about rivers, stones and the long slow work of water.`).join('\n\n');
  const form = new FormData();
  form.append('file', new Blob([text]), 'long.txt');
  const uploaded = await fetch(`${server.url}/api/v1/workspaces/big/documents`, { method: 'POST', headers: boss.headers, body: form });
  const job = (await uploaded.json()).documents[0].job_id;
  const response = await fetch(`${server.url}/api/v1/jobs/${job}/events`, { headers: adaKey.headers });
  assert.equal(response.status, 200);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let streamed = decoder.decode((await reader.read()).value);
  assert.match(streamed, /^event: progress/);
  const demoted = await call('PATCH', `/api/v1/users/${ada.id}`, { headers: boss.headers, body: { role: 'default' } });
  assert.equal(demoted.status, 200);
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) streamed += decoder.decode(chunk.value);
  assert.match(streamed, /event: error\ndata: \{"error":"[^"]*not found/, streamed.slice(-300));
  assert.doesNotMatch(streamed, /event: done/);
});

test('an Ollama generation stream stops when its key\'s owner is suspended',
     { skip: skip || (!existsSync(stories) && `test data ${stories} is absent`) }, async () => {
  const boss = await login('boss');
  const gen = await makeUser(boss, 'gen', 'default');
  const key = await makeKey(await login('gen'), 'gen-key', ['read', 'chat']);
  const response = await fetch(`${server.url}/api/generate`, {
    method: 'POST', headers: key.headers,
    body: JSON.stringify({ model: 'stories', prompt: 'Once upon a time', options: { num_predict: 1500, temperature: 0 } }),
  });
  assert.equal(response.status, 200);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let streamed = decoder.decode((await reader.read()).value);
  const suspended = await call('PATCH', `/api/v1/users/${gen.id}`, { headers: boss.headers, body: { suspended: true } });
  assert.equal(suspended.status, 200);
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) streamed += decoder.decode(chunk.value);
  } catch {
    // the server ended the stream mid-way: what a revoked stream looks like
  }
  assert.doesNotMatch(streamed, /"done":true/, 'the generation did not run to its end');
  await call('PATCH', `/api/v1/users/${gen.id}`, { headers: boss.headers, body: { suspended: false } });
});

test('a key scoped to one workspace cannot reach another through any route', { skip }, async () => {
  const boss = await login('boss');
  for (const slug of ['alpha', 'beta']) {
    assert.equal((await call('POST', '/api/v1/workspaces', { headers: boss.headers, body: { slug } })).status, 201);
  }
  const key = await makeKey(boss, 'alpha-only', ['read', 'chat', 'write'], ['alpha']);
  assert.equal((await call('GET', '/api/v1/workspaces/alpha/documents', { headers: key.headers })).status, 200);
  const listed = await call('GET', '/api/v1/workspaces', { headers: key.headers });
  assert.ok(listed.status === 403 || !listed.body.workspaces.some((w) => w.slug === 'beta'), JSON.stringify(listed.body));
  for (const [method, route, body] of [
    ['GET', '/api/v1/workspaces/beta', undefined],
    ['GET', '/api/v1/workspaces/beta/documents', undefined],
    ['POST', '/api/v1/workspaces/beta/search', { query: 'anything' }],
    ['POST', '/api/v1/workspaces/beta/chat', { message: 'anything' }],
    ['GET', '/api/v1/workspaces/beta/threads', undefined],
    ['GET', '/api/v1/workspaces/beta/export', undefined],
    ['POST', '/api/chat', { model: 'beta', messages: [{ role: 'user', content: 'hi' }] }],
    ['POST', '/api/generate', { model: 'beta', prompt: 'hi' }],
    ['POST', '/v1/chat/completions', { model: 'beta', messages: [{ role: 'user', content: 'hi' }] }],
    ['GET', '/v1/models', undefined],
  ]) {
    const answer = await call(method, route, { headers: key.headers, body });
    assert.ok([403, 404].includes(answer.status), `${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
});

test('the CLI verbs that talk to the server send HEARTH_API_KEY', { skip }, async () => {
  const key = await makeKey(await login('boss'), 'cli', ['read', 'chat', 'admin']);
  const env = { HEARTH_HOME: home.dir, HEARTH_PORT: String(server.port) };
  const without = runHearth(['ps'], { env });
  assert.notEqual(without.status, 0);
  assert.match(without.stderr, /sign in|API key/i);
  const withKey = runHearth(['ps'], { env: { ...env, HEARTH_API_KEY: key.secret } });
  assert.equal(withKey.status, 0, withKey.stderr);
});

test('bad key and user requests get a clear error and change nothing', { skip }, async () => {
  const boss = await login('boss');
  const before = (await call('GET', '/api/v1/keys', { headers: boss.headers })).body.keys.length;
  for (const [body, status, pattern] of [
    [{ name: 'k' }, 400, /actions/],
    [{ name: 'k', actions: [] }, 400, /actions/],
    [{ name: 'k', actions: ['fly'] }, 400, /unknown key action/],
    [{ name: 'k', actions: ['read'], workspaces: [] }, 400, /workspaces/],
    [{ name: 'k', actions: ['read'], workspaces: [7] }, 400, /slugs/],
    [{ name: 'k', actions: ['read'], workspaces: ['no-such-space'] }, 404, /no-such-space|not found/i],
    [{ actions: ['read'] }, 400, /name/],
  ]) {
    const answer = await call('POST', '/api/v1/keys', { headers: boss.headers, body });
    assert.equal(answer.status, status, JSON.stringify([body, answer.body]));
    assert.match(answer.body.error, pattern);
  }
  assert.equal((await call('GET', '/api/v1/keys', { headers: boss.headers })).body.keys.length, before);
  const victim = await makeUser(boss, 'vic', 'default');
  for (const body of [{ role: 'emperor' }, { role: 3 }, { suspended: 'yes' }]) {
    const answer = await call('PATCH', `/api/v1/users/${victim.id}`, { headers: boss.headers, body });
    assert.equal(answer.status, 400, JSON.stringify([body, answer.body]));
  }
  const after = await call('GET', `/api/v1/users/${victim.id}`, { headers: boss.headers });
  assert.equal(after.body.role, 'default');
  assert.equal(after.body.suspended, false);
  assert.equal((await call('PATCH', '/api/v1/users/999999', { headers: boss.headers, body: { role: 'manager' } })).status, 404);
});

test('threads are private to their owner, even within a shared workspace', { skip }, async () => {
  const boss = await login('boss');
  assert.equal((await call('POST', '/api/v1/workspaces', { headers: boss.headers, body: { slug: 'team' } })).status, 201);
  for (const name of ['ann', 'bob']) {
    await makeUser(boss, name, 'default');
    assert.equal((await call('POST', '/api/v1/workspaces/team/members', { headers: boss.headers, body: { user: name } })).status, 201);
  }
  const ann = await login('ann');
  const bob = await login('bob');
  const thread = await call('POST', '/api/v1/workspaces/team/threads', { headers: ann.headers, body: { title: 'ann only' } });
  assert.equal(thread.status, 201);
  const bobs = await call('GET', '/api/v1/workspaces/team/threads', { headers: bob.headers });
  assert.equal(bobs.status, 200);
  assert.deepEqual(bobs.body.threads, []);
  assert.equal((await call('GET', `/api/v1/workspaces/team/threads/${thread.body.id}/messages`, { headers: bob.headers })).status, 404);
  assert.equal((await call('DELETE', `/api/v1/workspaces/team/threads/${thread.body.id}`, { headers: bob.headers })).status, 404);
  assert.equal((await call('POST', '/api/v1/workspaces/team/chat', { headers: bob.headers, body: { message: 'hi', thread: thread.body.id } })).status, 404);
  const anns = await call('GET', '/api/v1/workspaces/team/threads', { headers: ann.headers });
  assert.deepEqual(anns.body.threads.map((t) => t.id), [thread.body.id]);
  // A default member cannot upload unless the workspace allows it.
  const form = new FormData();
  form.append('file', new Blob(['hello']), 'a.txt');
  const upload = await fetch(`${server.url}/api/v1/workspaces/team/documents`, { method: 'POST', headers: bob.headers, body: form });
  assert.equal(upload.status, 403);
  const allowed = await call('PATCH', '/api/v1/workspaces/team', { headers: boss.headers, body: { members_can_upload: true } });
  assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
  assert.equal(allowed.body.members_can_upload, true);
  const second = await fetch(`${server.url}/api/v1/workspaces/team/documents`, { method: 'POST', headers: bob.headers, body: form });
  const stored = await second.json();
  assert.equal(second.status, 202, JSON.stringify(stored));
  const doc = await call('GET', `/api/v1/workspaces/team/documents/${stored.documents[0].document_id}`, { headers: bob.headers });
  assert.equal(doc.body.uploaded_by, (await call('GET', '/api/v1/auth/me', { headers: bob.headers })).body.user.id);
  // Settings stay the managers' and admins'.
  assert.equal((await call('PATCH', '/api/v1/workspaces/team', { headers: bob.headers, body: { top_k: 3 } })).status, 403);
});

test('a user changes their own password with the current one, and nobody else\'s', { skip }, async () => {
  const boss = await login('boss');
  const pat = await makeUser(boss, 'pat', 'default');
  const other = await makeUser(boss, 'quinn', 'default');
  const session = await login('pat');
  const route = `/api/v1/users/${pat.id}/password`;
  assert.equal((await call('POST', route, { headers: session.headers, body: { password: kOtherPassword } })).status, 400);
  assert.equal((await call('POST', route, { headers: session.headers,
                                            body: { password: kOtherPassword, current_password: 'wrong one!' } })).status, 401);
  assert.equal((await call('POST', `/api/v1/users/${other.id}/password`, { headers: session.headers,
                                            body: { password: kOtherPassword, current_password: kPassword } })).status, 403);
  const changed = await call('POST', route, { headers: session.headers,
                                              body: { password: kOtherPassword, current_password: kPassword } });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.equal((await call('GET', '/api/v1/auth/me', { headers: session.headers })).status, 401, 'old sessions end');
  assert.equal((await login('pat', kOtherPassword)).status, 200);
  assert.equal((await login('pat', kPassword)).status, 401);
});

test('failed logins are limited; passwords never appear in responses or the log', { skip }, async () => {
  await makeUser(await login('boss'), 'eve', 'default');
  const statuses = [];
  for (let i = 0; i < 7; ++i) statuses.push((await login('eve', kOtherPassword)).status);
  assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.equal(statuses[6], 429, JSON.stringify(statuses));
  const changed = await call('POST', '/api/v1/users/1/password', { headers: (await login('boss')).headers,
                                                                   body: { password: kOtherPassword } });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  const audit = await call('GET', '/api/v1/audit?limit=1000', { headers: (await login('boss', kOtherPassword)).headers });
  assert.equal(audit.status, 200);
  assert.ok(audit.body.events.some((e) => e.action === 'login_failed'));
  for (const text of [...seen, server.logs()]) {
    assert.ok(!text.includes(kPassword) && !text.includes(kOtherPassword), `a password leaked: ${text.slice(0, 200)}`);
  }
});

test('single-user mode refuses a non-loopback address unless --insecure-no-auth; web signup is refused', { skip }, async () => {
  const fresh = tempDir('hearth-single-');
  try {
    const refused = runHearth(['serve', '--port', '0', '--host', '0.0.0.0'], { env: { HEARTH_HOME: fresh.dir }, timeoutMs: 30_000 });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /insecure-no-auth/);
    const single = await startServer([], { env: { HEARTH_HOME: fresh.dir } });
    try {
      const signup = await fetch(`${single.url}/api/v1/users`, { method: 'POST', body: JSON.stringify({ name: 'x', password: kPassword, role: 'admin' }) });
      assert.equal(signup.status, 412, await signup.text());
      const me = await (await fetch(`${single.url}/api/v1/auth/me`)).json();
      assert.equal(me.mode, 'single-user');
    } finally {
      await single.stop();
    }
  } finally {
    fresh.cleanup();
  }
});

test('hearth user: add, list, role, suspend, join, leave, rm from the command line', () => {
  const fresh = tempDir('hearth-user-cli-');
  const env = { HEARTH_HOME: fresh.dir };
  const hearth = (args, input = '') => {
    const result = spawnSync(hearthBin, args, { env: { ...process.env, ...env }, input, encoding: 'utf8' });
    return { status: result.status, out: result.stdout + result.stderr };
  };
  try {
    assert.match(hearth(['user', 'list']).out, /single-user mode/);
    assert.equal(hearth(['user', 'add', 'root', '--role', 'admin'], `${kPassword}\n`).status, 0);
    const short = hearth(['user', 'add', 'tiny'], 'short\n');
    assert.notEqual(short.status, 0);
    assert.match(short.out, /8/);
    assert.notEqual(hearth(['user', 'add', 'x', '--role', 'emperor'], `${kPassword}\n`).status, 0);
    assert.notEqual(hearth(['user', 'add', 'ROOT'], `${kPassword}\n`).status, 0, 'names are case-insensitive');
    assert.equal(hearth(['user', 'add', 'kim'], `${kPassword}\n`).status, 0);
    assert.equal(hearth(['user', 'role', 'kim', 'manager']).status, 0);
    assert.equal(hearth(['user', 'suspend', 'kim']).status, 0);
    const listed = hearth(['user', 'list']);
    assert.match(listed.out, /kim\s+manager\s+suspended/);
    assert.ok(!listed.out.includes(kPassword) && !listed.out.includes('argon2'), listed.out);
    assert.notEqual(hearth(['user', 'join', 'kim', 'nowhere']).status, 0, 'an unknown workspace');
    assert.notEqual(hearth(['user', 'rm', 'root']).status, 0, 'the last admin stays');
    assert.equal(hearth(['user', 'rm', 'kim']).status, 0);
    assert.doesNotMatch(hearth(['user', 'list']).out, /kim/);
  } finally {
    fresh.cleanup();
  }
});
