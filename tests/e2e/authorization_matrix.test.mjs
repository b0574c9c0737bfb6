// The authorization matrix: every route of `hearth routes --json` × every
// kind of principal × own and other workspace, thread, document, user and
// key, checked against the rules of issue 7 as this test writes them down
// (not as the server computes them). The server is asked with the
// X-Hearth-Authorize-Only header, so each check runs the real
// authentication, resource lookup and Authorize() of the route, and nothing
// else (no side effects). A route this file has no entry for fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hearthBin, startServer, tempDir } from '../support/hearth_process.mjs';

// Each route: [action, resource lookup]. Keep in step with
// src/server/route_specs.cc — on purpose: a change there must be made here.
const kExpected = {
  'GET /': ['read', 'public'],
  'GET /assets/(.+)': ['read', 'public'],
  'GET /health': ['read', 'public'],
  'GET /api/version': ['read', 'public'],
  'GET /metrics': ['read', 'system'],
  'GET /api/v1/system': ['read', 'system'],
  'GET /api/v1/doctor': ['read', 'system'],
  'POST /api/v1/auth/login': ['read', 'public'],
  'POST /api/v1/auth/logout': ['read', 'system'],
  'GET /api/v1/auth/me': ['read', 'system'],
  'GET /api/v1/users': ['admin', 'system'],
  'POST /api/v1/users': ['admin', 'system'],
  'GET /api/v1/users/:id': ['read', 'user'],
  'PATCH /api/v1/users/:id': ['admin', 'system'],
  'DELETE /api/v1/users/:id': ['admin', 'system'],
  'POST /api/v1/users/:id/password': ['manage', 'user'],
  'GET /api/v1/keys': ['read', 'self'],
  'POST /api/v1/keys': ['manage', 'self'],
  'DELETE /api/v1/keys/:id': ['manage', 'api_key'],
  'GET /api/v1/audit': ['admin', 'system'],
  'GET /api/tags': ['read', 'model'],
  'GET /api/ps': ['read', 'model'],
  'POST /api/show': ['read', 'model'],
  'POST /api/generate': ['chat', 'model'],
  'POST /api/chat': ['chat', 'model'],
  'POST /api/embed': ['chat', 'model'],
  'POST /api/embeddings': ['chat', 'model'],
  'POST /api/create': ['admin', 'model'],
  'POST /api/v1/models/pin': ['admin', 'model'],
  'POST /api/copy': ['admin', 'model'],
  'DELETE /api/delete': ['admin', 'model'],
  'POST /api/pull': ['admin', 'model'],
  'GET /api/blobs/:digest': ['admin', 'model'],
  'POST /api/blobs/:digest': ['admin', 'model'],
  'GET /v1/models': ['read', 'model'],
  'GET /v1/models/(.+)': ['read', 'model'],
  'POST /v1/chat/completions': ['chat', 'model'],
  'POST /v1/completions': ['chat', 'model'],
  'POST /v1/embeddings': ['chat', 'model'],
  'POST /v1/rerank': ['chat', 'model'],
  'POST /v1/rerankings': ['chat', 'model'],
  'POST /api/v1/workspaces': ['create_workspace', 'system'],
  'GET /api/v1/workspaces': ['read', 'system'],
  'GET /api/v1/workspaces/:slug': ['read', 'workspace'],
  'PATCH /api/v1/workspaces/:slug': ['manage', 'workspace'],
  'DELETE /api/v1/workspaces/:slug': ['manage', 'workspace'],
  'GET /api/v1/workspaces/:slug/members': ['read', 'workspace'],
  'POST /api/v1/workspaces/:slug/members': ['manage', 'workspace'],
  'DELETE /api/v1/workspaces/:slug/members/:id': ['manage', 'workspace'],
  'POST /api/v1/workspaces/:slug/documents': ['write', 'workspace'],
  'GET /api/v1/workspaces/:slug/documents': ['read', 'workspace'],
  'GET /api/v1/workspaces/:slug/documents/:id': ['read', 'document'],
  'DELETE /api/v1/workspaces/:slug/documents/:id': ['write', 'document'],
  'POST /api/v1/workspaces/:slug/documents/:id/pin': ['write', 'document'],
  'GET /api/v1/jobs/:id': ['read', 'job'],
  'GET /api/v1/jobs/:id/events': ['read', 'job'],
  'POST /api/v1/workspaces/:slug/threads': ['chat', 'workspace'],
  'GET /api/v1/workspaces/:slug/threads': ['read', 'workspace'],
  'GET /api/v1/workspaces/:slug/threads/:id/messages': ['read', 'thread'],
  'DELETE /api/v1/workspaces/:slug/threads/:id': ['chat', 'thread'],
  'POST /api/v1/workspaces/:slug/chat': ['chat', 'workspace'],
  'POST /api/v1/workspaces/:slug/search': ['read', 'workspace'],
  'GET /api/v1/workspaces/:slug/export': ['read', 'workspace'],
};

const kPassword = 'correct horse battery';
let home;
let server;
const users = {};      // name → { id, role, member: Set(workspace slug), session? }
const principals = []; // { label, headers(method), user?, scopes?, ws? }
const targets = {};    // lookup → [{ label, ws?, owner?, canUpload?, path(pattern) }]

async function call(method, route, { headers = {}, body } = {}) {
  const response = await fetch(server.url + route, {
    method, headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  return { status: response.status, body: parsed };
}

async function login(name) {
  const response = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', body: JSON.stringify({ name, password: kPassword }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  const body = JSON.parse(text);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: body.csrf_token, headers: { cookie, 'x-csrf-token': body.csrf_token } };
}

function sessionOf(name) { return users[name].session.headers; }

before(async () => {
  home = tempDir('hearth-authz-');
  const env = { ...process.env, HEARTH_HOME: home.dir };
  const added = spawnSync(hearthBin, ['user', 'add', 'boss', '--role', 'admin'],
                          { env, input: `${kPassword}\n`, encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);
  server = await startServer([], { env: { HEARTH_HOME: home.dir } });
  users.boss = { role: 'admin', member: new Set(), session: await login('boss') };
  users.boss.id = (await call('GET', '/api/v1/auth/me', { headers: sessionOf('boss') })).body.user.id;
  for (const [name, role] of [['dm', 'default'], ['dn', 'default'], ['mm', 'manager'], ['mn', 'manager']]) {
    const made = await call('POST', '/api/v1/users', { headers: sessionOf('boss'), body: { name, password: kPassword, role } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    users[name] = { id: made.body.id, role, member: new Set(), session: await login(name) };
  }
  for (const slug of ['wa', 'wb']) {
    const made = await call('POST', '/api/v1/workspaces', { headers: sessionOf('boss'), body: { slug } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    users.boss.member.add(slug);
  }
  for (const name of ['dm', 'mm']) {
    const joined = await call('POST', '/api/v1/workspaces/wa/members', { headers: sessionOf('boss'), body: { user: name } });
    assert.equal(joined.status, 201, JSON.stringify(joined.body));
    users[name].member.add('wa');
  }
  // A document (and its job) in each workspace.
  const docs = {};
  const jobs = {};
  for (const slug of ['wa', 'wb']) {
    const form = new FormData();
    form.append('file', new Blob([`notes of ${slug}`]), `${slug}.txt`);
    const response = await fetch(`${server.url}/api/v1/workspaces/${slug}/documents`, {
      method: 'POST', headers: sessionOf('boss'), body: form });
    const body = await response.json();
    assert.equal(response.status, 202, JSON.stringify(body));
    docs[slug] = body.documents[0].document_id ?? body.documents[0].id;
    jobs[slug] = body.documents[0].job_id ?? body.documents[0].job;
    assert.ok(docs[slug] && jobs[slug], JSON.stringify(body));
  }
  // Threads: dm's and mm's in wa, boss's in wb.
  const threads = {};
  for (const [name, slug] of [['dm', 'wa'], ['mm', 'wa'], ['boss', 'wb']]) {
    const made = await call('POST', `/api/v1/workspaces/${slug}/threads`, { headers: sessionOf(name), body: { title: name } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    threads[name] = made.body.id;
  }
  // Keys.
  const keys = {};
  const makeKey = async (owner, label, actions, workspaces) => {
    const made = await call('POST', '/api/v1/keys', { headers: sessionOf(owner), body: { name: label, actions, workspaces } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    keys[label] = { id: made.body.id, secret: made.body.key, owner };
  };
  await makeKey('boss', 'boss-read', ['read']);
  await makeKey('boss', 'boss-full', ['read', 'chat', 'write', 'admin']);
  await makeKey('boss', 'boss-wb', ['read', 'chat', 'write', 'admin'], ['wb']);
  await makeKey('dm', 'dm-full', ['read', 'chat', 'write', 'admin']);

  principals.push({ label: 'anonymous', headers: () => ({}) });
  for (const name of ['dm', 'dn', 'mm', 'mn', 'boss']) {
    principals.push({ label: `${users[name].role} ${name}`, user: users[name], headers: () => sessionOf(name) });
  }
  const scopesOf = { 'boss-read': ['read'], 'boss-full': ['read', 'chat', 'write', 'admin'],
                     'boss-wb': ['read', 'chat', 'write', 'admin'], 'dm-full': ['read', 'chat', 'write', 'admin'] };
  for (const [label, key] of Object.entries(keys)) {
    principals.push({ label: `key ${label}`, user: users[key.owner], scopes: scopesOf[label],
                      ws: label === 'boss-wb' ? ['wb'] : null,
                      headers: () => ({ authorization: `Bearer ${key.secret}` }) });
  }
  const fill = (pattern, values) => pattern.replace(':slug', values.slug ?? 'wa').replace(':id', String(values.id ?? 1))
    .replace(':digest', 'sha256:' + '0'.repeat(64)).replace('(.+)', 'stories');
  targets.public = [{ label: '-', path: (p) => fill(p, {}) }];
  targets.system = targets.public;
  targets.model = targets.public;
  targets.self = targets.public;
  targets.workspace = ['wa', 'wb'].map((slug) => ({ label: slug, ws: slug, path: (p) => fill(p, { slug, id: users.dm.id }) }));
  targets.document = ['wa', 'wb'].map((slug) => ({ label: `doc of ${slug}`, ws: slug, path: (p) => fill(p, { slug, id: docs[slug] }) }));
  targets.job = ['wa', 'wb'].map((slug) => ({ label: `job of ${slug}`, ws: slug, path: (p) => fill(p, { id: jobs[slug] }) }));
  targets.thread = [['dm', 'wa'], ['mm', 'wa'], ['boss', 'wb']].map(([name, slug]) => ({
    label: `${name}'s thread in ${slug}`, ws: slug, owner: users[name].id, path: (p) => fill(p, { slug, id: threads[name] }) }));
  targets.user = ['dm', 'boss'].map((name) => ({ label: `user ${name}`, owner: users[name].id, path: (p) => fill(p, { id: users[name].id }) }));
  targets.api_key = ['dm-full', 'boss-read'].map((label) => ({ label: `key ${label}`, owner: users[keys[label].owner].id,
                                                                path: (p) => fill(p, { id: keys[label].id }) }));
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

// The rules of issue 7, written down independently of src/auth/access.cc.
function userMay(user, action, lookup, target) {
  if (user.role === 'admin') return true;
  switch (lookup) {
    case 'system':
      if (action === 'read') return true;
      return action === 'create_workspace' && user.role === 'manager';
    case 'model':
      return action === 'read' || action === 'chat';
    case 'self':
      return action === 'read' || action === 'manage';
    case 'user':
    case 'api_key':
      return target.owner === user.id && (action === 'read' || action === 'manage');
    case 'thread':
      return user.member.has(target.ws) && target.owner === user.id && (action === 'read' || action === 'chat');
    default:  // workspace, document, job
      if (!user.member.has(target.ws)) return false;
      if (action === 'read' || action === 'chat') return true;
      if (action === 'write') return user.role === 'manager' || Boolean(target.canUpload);
      if (action === 'manage') return user.role === 'manager';
      return false;
  }
}

function expectAllowed(principal, action, lookup, target) {
  if (lookup === 'public') return true;
  if (!principal.user) return false;
  if (principal.scopes) {
    const needs = ['manage', 'create_workspace', 'admin'].includes(action) ? 'admin' : action;
    if (!principal.scopes.includes(needs)) return false;
    if (principal.ws && !principal.ws.includes(target.ws)) return false;
  }
  return userMay(principal.user, action, lookup, target);
}

test('every route in the route table has an expectation here, with the same action and resource', () => {
  const listed = spawnSync(hearthBin, ['routes', '--json'], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  const routes = JSON.parse(listed.stdout);
  assert.ok(routes.length >= Object.keys(kExpected).length);
  for (const route of routes) {
    const key = `${route.method} ${route.pattern}`;
    assert.ok(kExpected[key], `route ${key} has no entry in the authorization matrix test`);
    assert.deepEqual([route.action, route.resource], kExpected[key], key);
  }
  for (const key of Object.keys(kExpected)) {
    assert.ok(routes.some((r) => `${r.method} ${r.pattern}` === key), `${key} is no longer a route`);
  }
});

test('every route × principal × resource is allowed or denied as the rules say', async () => {
  const mismatches = [];
  let checks = 0;
  for (const [key, [action, lookup]] of Object.entries(kExpected)) {
    const [method, pattern] = key.split(' ');
    if (lookup === 'public') continue;  // they run; nothing to authorize
    for (const target of targets[lookup]) {
      for (const principal of principals) {
        const response = await fetch(server.url + target.path(pattern), {
          method, headers: { ...principal.headers(method), 'x-hearth-authorize-only': '1' },
        });
        await response.arrayBuffer();
        const allowed = response.status === 204;
        const denied = [401, 403, 404].includes(response.status);
        ++checks;
        if (!allowed && !denied) {
          mismatches.push(`${key} on ${target.label} by ${principal.label}: unexpected status ${response.status}`);
        } else if (allowed !== expectAllowed(principal, action, lookup, target)) {
          mismatches.push(`${key} on ${target.label} by ${principal.label}: ${allowed ? 'allowed' : `denied (${response.status})`}, expected the opposite`);
        }
      }
    }
  }
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${checks} checks disagree`);
  assert.ok(checks >= 800, `only ${checks} checks`);  // 59 routes × their targets × 10 principals
});
