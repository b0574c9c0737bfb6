// A workspace's chat settings through the HTTP API of the real binary: new
// workspaces show the defaults, every setting round-trips through POST, PATCH
// and GET, and every out-of-range value is refused with a 400 that names the
// field while the workspace stays as it was. No model is needed: settings
// name models without loading them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDir } from '../support/hearth_process.mjs';

let home;
let server;

async function api(method, route, body) {
  const response = await fetch(server.url + route, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const defaults = {
  chat_model: '',
  reranker: '',
  mode: 'chat',
  top_k: 6,
  similarity_threshold: 0,
  context_budget_tokens: 3000,
  temperature: 0.7,
  history_messages: 20,
  history_tokens: 2000,
  refusal_text: 'There is no relevant information in this workspace to answer your query.',
  retention_days: 0,
};

const changed = {
  chat_model: 'qwen3:4b',
  reranker: 'bge-reranker-v2-m3',
  mode: 'query',
  top_k: 12,
  similarity_threshold: 0.25,
  context_budget_tokens: 8000,
  temperature: 1.5,
  system_prompt: 'Réponds en français et cite [n].',
  history_messages: 4,
  history_tokens: 1024,
  refusal_text: 'Nothing in these documents answers that.',
  retention_days: 30,
};

// [body, field the error must name]: each one bound past its limit or of
// the wrong type.
const refused = [
  [{ mode: 'rag' }, 'mode'],
  [{ mode: 3 }, 'mode'],
  [{ top_k: 0 }, 'top_k'],
  [{ top_k: 101 }, 'top_k'],
  [{ top_k: 2.5 }, 'top_k'],
  [{ similarity_threshold: -0.01 }, 'similarity_threshold'],
  [{ similarity_threshold: 1.01 }, 'similarity_threshold'],
  [{ similarity_threshold: '0.5' }, 'similarity_threshold'],
  [{ context_budget_tokens: 99 }, 'context_budget_tokens'],
  [{ context_budget_tokens: 131073 }, 'context_budget_tokens'],
  [{ temperature: -0.1 }, 'temperature'],
  [{ temperature: 2.01 }, 'temperature'],
  [{ history_messages: -1 }, 'history_messages'],
  [{ history_messages: 1001 }, 'history_messages'],
  [{ history_tokens: -1 }, 'history_tokens'],
  [{ history_tokens: 131073 }, 'history_tokens'],
  [{ retention_days: -1 }, 'retention_days'],
  [{ retention_days: 36501 }, 'retention_days'],
  [{ chat_model: 7 }, 'chat_model'],
  [{ chat_model: 'm'.repeat(513) }, 'chat_model'],
  [{ reranker: 'r'.repeat(513) }, 'reranker'],
  [{ system_prompt: 'p'.repeat(65537) }, 'system_prompt'],
  [{ refusal_text: 'n'.repeat(4097) }, 'refusal_text'],
];

// The same, each at its limit: accepted.
const atLimit = [
  { top_k: 1 }, { top_k: 100 }, { similarity_threshold: 0 }, { similarity_threshold: 1 },
  { context_budget_tokens: 100 }, { context_budget_tokens: 131072 }, { temperature: 0 },
  { temperature: 2 }, { history_messages: 0 }, { history_messages: 1000 },
  { history_tokens: 0 }, { history_tokens: 131072 }, { retention_days: 0 },
  { retention_days: 36500 }, { chat_model: 'm'.repeat(512) }, { reranker: '' },
  { system_prompt: '' }, { system_prompt: 'p'.repeat(65536) }, { refusal_text: 'n'.repeat(4096) },
];

function assertSettings(workspace, expected) {
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(workspace[key], value, `${key} in ${JSON.stringify(workspace).slice(0, 400)}`);
  }
}

async function get(slug) {
  const got = await api('GET', `/api/v1/workspaces/${slug}`);
  assert.equal(got.status, 200, JSON.stringify(got.body));
  return got.body;
}

before(async () => {
  home = tempDir('hearth-settings-');
  server = await startServer(['--threads', '1'], { env: { HEARTH_HOME: home.dir } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('a new workspace shows the default chat settings', async () => {
  const created = await api('POST', '/api/v1/workspaces', { slug: 'plain' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assertSettings(created.body, defaults);
  assert.match(created.body.system_prompt, /\[n\]/);
  assertSettings(await get('plain'), defaults);
});

test('every chat setting round-trips through POST and GET', async () => {
  const created = await api('POST', '/api/v1/workspaces', { slug: 'posted', ...changed });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assertSettings(created.body, changed);
  assertSettings(await get('posted'), changed);
});

test('every chat setting round-trips through PATCH, and PATCH keeps what it does not name', async () => {
  assert.equal((await api('POST', '/api/v1/workspaces', { slug: 'patched' })).status, 201);
  const patched = await api('PATCH', '/api/v1/workspaces/patched', changed);
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assertSettings(patched.body, changed);
  const one = await api('PATCH', '/api/v1/workspaces/patched', { top_k: 7 });
  assert.equal(one.status, 200, JSON.stringify(one.body));
  assertSettings(await get('patched'), { ...changed, top_k: 7 });
});

test('each setting is accepted at its limit', async () => {
  assert.equal((await api('POST', '/api/v1/workspaces', { slug: 'limits' })).status, 201);
  for (const body of atLimit) {
    const patched = await api('PATCH', '/api/v1/workspaces/limits', body);
    assert.equal(patched.status, 200, `${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(patched.body)}`);
    assertSettings(await get('limits'), body);
  }
});

test('an out-of-range PATCH is a 400 naming the field and changes nothing', async () => {
  assert.equal((await api('POST', '/api/v1/workspaces', { slug: 'strict', ...changed })).status, 201);
  const before = await get('strict');
  for (const [body, field] of refused) {
    // Alongside a valid change, which must not be applied either.
    const patched = await api('PATCH', '/api/v1/workspaces/strict', { name: 'Renamed', ...body });
    const shown = JSON.stringify(body).slice(0, 80);
    assert.equal(patched.status, 400, `${shown}: ${JSON.stringify(patched.body)}`);
    assert.match(patched.body.error, new RegExp(field), shown);
    assert.deepEqual(await get('strict'), before, shown);
  }
});

test('an out-of-range POST is a 400 naming the field and creates nothing', async () => {
  for (const [body, field] of refused) {
    const created = await api('POST', '/api/v1/workspaces', { slug: 'never', ...body });
    const shown = JSON.stringify(body).slice(0, 80);
    assert.equal(created.status, 400, `${shown}: ${JSON.stringify(created.body)}`);
    assert.match(created.body.error, new RegExp(field), shown);
  }
  assert.equal((await api('GET', '/api/v1/workspaces/never')).status, 404);
});
