// Pinning a document, end to end: POST .../documents/{id}/pin marks it, GET
// shows it, and a chat answer then lists the pinned document's passage first
// (flagged "pinned") whatever the question; unpinning puts retrieval back.
// Bad requests change nothing. A fixture embedder (random weights) and
// stories260K stand in for real models: the tests lean on the lexical
// retriever for relevance and never look at the answer's wording.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startServer, tempDir, installTestModels } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)`
  : !fixtureBin ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)' : false;

const walrusText = [
  '# Walrus field notes',
  '',
  'The walrus uses its long tusks to haul its heavy body out of icy water onto the floe.',
  '',
  'A walrus eats clams from the sea floor, finding them with its sensitive whiskers.',
].join('\n');

const otterText = [
  '# Otter notes',
  '',
  'Sea otters float on their backs and crack shellfish open with stones.',
].join('\n');

let home;
let server;
const ids = {};  // document name -> id, per workspace

async function api(method, route, body) {
  const response = await fetch(server.url + route, {
    method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  return { status: response.status, body: parsed };
}

async function makeWorkspace(slug, files) {
  const created = await api('POST', '/api/v1/workspaces', { slug, embedder: 'embedder', chat_model: 'stories',
    chunk_tokens: 48, chunk_overlap_tokens: 8, temperature: 0, top_k: 4, context_budget_tokens: 300 });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const form = new FormData();
  for (const [name, text] of files) form.append('file', new Blob([text]), name);
  const uploaded = await fetch(`${server.url}/api/v1/workspaces/${slug}/documents`, { method: 'POST', body: form });
  assert.equal(uploaded.status, 202);
  for (let i = 0; i < 600; ++i) {
    const docs = (await api('GET', `/api/v1/workspaces/${slug}/documents`)).body.documents;
    if (docs.every((doc) => doc.status === 'ready' || doc.status === 'failed')) {
      for (const doc of docs) {
        assert.equal(doc.status, 'ready', JSON.stringify(doc));
        ids[`${slug}/${doc.name}`] = doc.id;
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('ingestion did not finish');
}

const pin = (slug, id, body) => api('POST', `/api/v1/workspaces/${slug}/documents/${id}/pin`, body);
const ask = (question) => api('POST', '/api/v1/workspaces/zoo/chat', { message: question });

before(async () => {
  if (skip) return;
  home = tempDir('hearth-pin-');
  installTestModels(home.dir, { storiesFile: stories });
  server = await startServer(['--threads', '1'], { env: { HEARTH_HOME: home.dir } });
  await makeWorkspace('zoo', [['walrus.md', walrusText], ['otter.md', otterText]]);
  await makeWorkspace('other', [['lone.md', 'A lone heron stands in the reeds.']]);
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('a pinned document comes first in answers until it is unpinned', { skip }, async () => {
  const otter = ids['zoo/otter.md'];
  const unpinned = await ask('What do walrus tusks do?');
  assert.equal(unpinned.status, 200, JSON.stringify(unpinned.body));
  assert.equal(unpinned.body.sources[0].document, 'Walrus field notes', JSON.stringify(unpinned.body.sources));
  assert.ok(unpinned.body.sources.every((s) => !s.pinned), JSON.stringify(unpinned.body.sources));

  const pinned = await pin('zoo', otter, { pinned: true });
  assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
  assert.equal(pinned.body.id, otter);
  assert.equal(pinned.body.pinned, true);
  assert.equal(pinned.body.status, 'ready');
  assert.equal((await api('GET', `/api/v1/workspaces/zoo/documents/${otter}`)).body.pinned, true);
  const listed = (await api('GET', '/api/v1/workspaces/zoo/documents')).body.documents;
  assert.deepEqual(listed.map((d) => [d.id, d.pinned]).sort(),
                   [[ids['zoo/walrus.md'], false], [otter, true]].sort());

  const answered = await ask('What do walrus tusks do?');
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  const first = answered.body.sources[0];
  assert.equal(first.document_id, otter, JSON.stringify(answered.body.sources));
  assert.equal(first.pinned, true);
  assert.equal(first.in_prompt, true);
  assert.match(first.snippet, /otters float/);
  assert.ok(answered.body.sources.some((s) => s.document === 'Walrus field notes' && !s.pinned),
            JSON.stringify(answered.body.sources));
  assert.ok(answered.body.ledger.pinned > 0, JSON.stringify(answered.body.ledger));

  const unpinnedAgain = await pin('zoo', otter, { pinned: false });
  assert.equal(unpinnedAgain.status, 200, JSON.stringify(unpinnedAgain.body));
  assert.equal(unpinnedAgain.body.pinned, false);
  const after = await ask('What do walrus tusks do?');
  assert.equal(after.body.sources[0].document, 'Walrus field notes', JSON.stringify(after.body.sources));
  assert.ok(after.body.sources.every((s) => !s.pinned), JSON.stringify(after.body.sources));
});

test('an empty body pins; pinning twice is harmless', { skip }, async () => {
  const walrus = ids['zoo/walrus.md'];
  try {
    for (let i = 0; i < 2; ++i) {
      const response = await fetch(`${server.url}/api/v1/workspaces/zoo/documents/${walrus}/pin`, { method: 'POST' });
      assert.equal(response.status, 200);
      assert.equal((await response.json()).pinned, true);
    }
    const noField = await pin('zoo', walrus, {});
    assert.equal(noField.body.pinned, true);
  } finally {
    assert.equal((await pin('zoo', walrus, { pinned: false })).body.pinned, false);
  }
});

test('bad pin requests are refused and pin nothing', { skip }, async () => {
  const walrus = ids['zoo/walrus.md'];
  const cases = [
    ['/api/v1/workspaces/nowhere/documents/1/pin', { pinned: true }, 404, /nowhere/],
    [`/api/v1/workspaces/zoo/documents/999999/pin`, { pinned: true }, 404, /999999/],
    [`/api/v1/workspaces/zoo/documents/${ids['other/lone.md']}/pin`, { pinned: true }, 404, /document/],
    ['/api/v1/workspaces/zoo/documents/abc/pin', { pinned: true }, 404, /./],
    [`/api/v1/workspaces/zoo/documents/${walrus}/pin`, { pinned: 'yes' }, 400, /"pinned" must be true or false/],
    [`/api/v1/workspaces/zoo/documents/${walrus}/pin`, { pinned: 1 }, 400, /"pinned"/],
    [`/api/v1/workspaces/zoo/documents/${walrus}/pin`, { pinned: null }, 400, /"pinned"/],
    [`/api/v1/workspaces/zoo/documents/${walrus}/pin`, '[true]', 400, /object/],
    [`/api/v1/workspaces/zoo/documents/${walrus}/pin`, 'pinned', 400, /JSON/],
  ];
  for (const [route, body, status, message] of cases) {
    const response = await api('POST', route, body);
    assert.equal(response.status, status, `${route} ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`);
    assert.match(response.body.error, message, route);
  }
  const docs = [...(await api('GET', '/api/v1/workspaces/zoo/documents')).body.documents,
                ...(await api('GET', '/api/v1/workspaces/other/documents')).body.documents];
  assert.equal(docs.length, 3);
  assert.ok(docs.every((d) => d.pinned === false), JSON.stringify(docs));
});
