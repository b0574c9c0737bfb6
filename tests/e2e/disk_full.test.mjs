// A full disk during upload and during ingestion, made by the store's
// test-only write-fault hook (store/write_faults.h): writes fail as on a
// full disk once HEARTH_TEST_DISK_FULL_BLOB_BYTES (originals) or
// HEARTH_TEST_DISK_FULL_DB_BYTES (SQLite) bytes were written by the server.
// The client gets 507 with a message that says what is full; nothing is half-stored; the server keeps serving reads; `hearth check` stays clean;
// with space again, the interrupted ingestion resumes and the refused upload
// goes through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { installTestModels, runHearth, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !process.env.HEARTH_FIXTURE_BIN ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)' : false;

let home;
let server;

const start = (env = {}) => startServer(['--threads', '1'], { env: { HEARTH_HOME: home.dir, ...env } });

async function api(method, route, body) {
  const response = await fetch(server.url + route, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

async function upload(name, text) {
  const form = new FormData();
  form.append('file', new Blob([text]), name);
  const response = await fetch(`${server.url}/api/v1/workspaces/d/documents`, { method: 'POST', body: form });
  return { status: response.status, body: await response.json() };
}

const documents = async () => (await api('GET', '/api/v1/workspaces/d/documents')).body.documents;

async function waitFor(predicate, what) {
  for (let i = 0; i < 1200; ++i) {
    const docs = await documents();
    if (predicate(docs)) return docs;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const allReady = (docs) => docs.every((doc) => doc.status === 'ready');

function longText(words) {
  return Array.from({ length: words / 10 }, (_, i) => `Line ${i}: the heron waits in the reeds for a fish.`).join('\n\n');
}

function check() {
  const result = runHearth(['check'], { env: { HEARTH_HOME: home.dir } });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^consistent$/m);
  return result.stdout;
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-disk-full-');
  installTestModels(home.dir, existsSync(stories) ? { storiesFile: stories } : {});
  server = await start();
  const created = await api('POST', '/api/v1/workspaces', { slug: 'd', embedder: 'embedder', chunk_tokens: 48, chunk_overlap_tokens: 4 });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal((await upload('first.md', '# First\n\nA heron stood in the river.')).status, 202);
  await waitFor(allReady, 'the first document');
  await server.stop();
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

// Runs `body` with a server started with `env`; the server is stopped
// whatever happens.
async function withServer(env, body) {
  server = await start(env);
  try {
    return await body();
  } finally {
    await server.stop();
    server = null;
  }
}

test('uploads that fill the disk: 507 for a model blob and for a document, nothing stored; retried later they go through', { skip }, async () => {
  const big = longText(4000);
  const weights = Buffer.alloc(64 * 1024, 7);
  const digest = `sha256:${createHash('sha256').update(weights).digest('hex')}`;
  await withServer({ HEARTH_TEST_DISK_FULL_BLOB_BYTES: '16KiB' }, async () => {
    assert.match(server.logs(), /test fault injection is on/);
    assert.equal((await upload('small.md', '# Small\n\nIt fits.')).status, 202, 'a write below the limit works');
    const blob = await fetch(`${server.url}/api/blobs/${digest}`, { method: 'POST', body: weights });
    assert.equal(blob.status, 507);
    assert.match((await blob.json()).error, /is full; nothing was stored; free space and retry/);
    assert.equal((await fetch(`${server.url}/api/blobs/${digest}`, { method: 'HEAD' })).status, 404);
    const refused = await upload('big.md', big);
    assert.equal(refused.status, 507, JSON.stringify(refused.body));
    assert.match(refused.body.error, /is full; nothing was stored; free space and retry/);
    assert.equal(refused.body.documents[0].document_id, undefined, JSON.stringify(refused.body));
    assert.match(refused.body.documents[0].error, /is full; nothing was stored/);
    await waitFor((docs) => docs.length === 2 && allReady(docs), 'the small document');
    assert.ok(!(await documents()).some((doc) => doc.name === 'big.md'));
    assert.equal((await fetch(server.url + '/health')).status, 200);
  });
  check();

  await withServer({}, async () => {
    const retried = await upload('big.md', big);
    assert.equal(retried.status, 202, JSON.stringify(retried.body));
    assert.ok(retried.body.documents[0].job_id > 0, JSON.stringify(retried.body));
    const docs = await waitFor((all) => all.length === 3 && allReady(all), 'the retried upload');
    assert.ok(docs.some((doc) => doc.name === 'big.md'));
    const blob = await fetch(`${server.url}/api/blobs/${digest}`, { method: 'POST', body: weights });
    assert.equal(blob.status, 201);
  });
  check();
});

test('the database disk fills up during ingestion: clear errors, reads go on, the job resumes once there is space', { skip }, async () => {
  let job;
  await withServer({ HEARTH_TEST_DISK_FULL_DB_BYTES: '160KiB' }, async () => {
    const accepted = await upload('long.md', longText(20000));
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    job = accepted.body.documents[0].job_id;
    assert.ok(job > 0, JSON.stringify(accepted.body));
    const failed = new RegExp(`ingest job ${job}: .*the disk holding the database is full .*free space and retry`);
    for (let i = 0; i < 600 && !failed.test(server.logs()); ++i) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(server.logs(), failed, 'the ingestion runs out of space');
    let stalled = await api('GET', `/api/v1/jobs/${job}`);
    for (let i = 0; i < 50 && stalled.body.state !== 'stalled'; ++i) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stalled = await api('GET', `/api/v1/jobs/${job}`);
    }
    assert.equal(stalled.body.state, 'stalled', JSON.stringify(stalled.body));
    assert.match(stalled.body.error, /the disk holding the database is full.*runs again every 30 s/);
    const refused = await upload('later.md', '# Later\n\nNo room for this one.');
    assert.equal(refused.status, 507, JSON.stringify(refused.body));
    assert.match(refused.body.error,
                 /the disk holding the database is full .*the change was not saved; free space and retry/);
    const created = await api('POST', '/api/v1/workspaces', { slug: 'more', embedder: 'embedder' });
    assert.equal(created.status, 507, JSON.stringify(created.body));
    assert.match(created.body.error, /the disk holding the database is full/);
    const found = await api('POST', '/api/v1/workspaces/d/search', { query: 'heron river' });
    assert.equal(found.status, 200, 'reads go on while the disk is full');
    const docs = await documents();
    assert.ok(!docs.some((doc) => doc.name === 'later.md'));
    assert.notEqual(docs.find((doc) => doc.name === 'long.md').status, 'ready');
  });
  check();

  await withServer({}, async () => {
    assert.match(server.logs(), new RegExp(`resuming ingest job ${job}`));
    const docs = await waitFor((all) => all.length === 4 && allReady(all), 'the resumed job');
    assert.ok(docs.some((doc) => doc.name === 'long.md'));
    assert.equal((await upload('later.md', '# Later\n\nRoom again.')).status, 202);
    await waitFor((all) => all.length === 5 && allReady(all), 'the retried upload');
  });
  const counts = check().match(/(\d+) chunks, (\d+) vectors/);
  assert.equal(counts[1], counts[2]);
});
