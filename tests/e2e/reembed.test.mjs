// Changing a workspace's embedder end to end: PATCH answers 202 with a
// reembed job; the workspace keeps its old embedder (and index) until the
// job has made every vector with the new one, then switches at once; the
// old index file is deleted, `hearth check` agrees. A PATCH naming another
// embedder cancels the running job; a bad name changes nothing; a server
// killed with SIGKILL mid-reembed resumes it at the next start.
// Three fixture embedders (random weights, different seeds) stand in for
// real ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { hearthBin, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const corpus = path.join(dataDir, 'corpus');
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !existsSync(corpus) ? `test data ${corpus} is absent (set HEARTH_TEST_DATA)`
  : !fixtureBin ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)' : false;

const small = ['formats/md/pandoc__README.md', 'formats/csv/pandoc__01.csv',
               'formats/html/unst__example-with-scripts.html'].map((file) => path.join(corpus, file));
const big = path.join(corpus, 'formats/docx/unst__handbook-872p.docx');

let home;
let server;

async function api(method, route, body) {
  const response = await fetch(server.url + route, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function upload(slug, file) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)]), path.basename(file));
  const uploaded = await fetch(`${server.url}/api/v1/workspaces/${slug}/documents`, { method: 'POST', body: form });
  assert.equal(uploaded.status, 202);
  return (await uploaded.json()).documents[0].job_id;
}

async function waitForJob(id, done, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = await api('GET', `/api/v1/jobs/${id}`);
    if (job.status === 200 && done(job.body)) return job.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${id} did not reach the expected state in ${timeoutMs} ms`);
}

const ended = (job) => ['done', 'failed', 'cancelled'].includes(job.state);

// The workspace's vector index files.
// The workspace's vector index files (one per embedder); its lexical index
// file (ws-N-lexical.hlx) does not depend on the embedder.
function indexFiles(workspaceId) {
  const dir = path.join(home.dir, 'index');
  return existsSync(dir)
    ? readdirSync(dir).filter((name) => name.startsWith(`ws-${workspaceId}-`) && name.endsWith('.usearch')).sort()
    : [];
}

// `hearth check` on the stopped server's home: consistent, and the chunk count.
function check() {
  const result = spawnSync(hearthBin, ['check'], { env: { ...process.env, HEARTH_HOME: home.dir }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^consistent$/m);
  const counts = result.stdout.match(/(\d+) chunks, (\d+) vectors/);
  assert.equal(counts[1], counts[2], result.stdout);
  return Number(counts[1]);
}

async function restart() {
  await server?.stop();
  server = await startServer(['--threads', '1'], { env: { HEARTH_HOME: home.dir } });
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-reembed-');
  for (const [name, seed] of [['alpha', 1], ['beta', 2], ['gamma', 3]]) {
    const file = path.join(home.dir, `${name}.gguf`);
    const made = spawnSync(fixtureBin, ['embedder', '--preset', 'tiny', '--seed', String(seed), '--out', file],
                           { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const created = spawnSync(hearthBin, ['create', name, '--from', file],
                              { env: { ...process.env, HEARTH_HOME: home.dir }, encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
  }
  server = await startServer(['--threads', '1'], { env: { HEARTH_HOME: home.dir } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('a new embedder re-embeds in the background and the workspace switches when done', { skip }, async () => {
  const created = await api('POST', '/api/v1/workspaces', { slug: 'notes', embedder: 'alpha', chunk_tokens: 64, chunk_overlap_tokens: 8 });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  for (const file of small) {
    const job = await waitForJob(await upload('notes', file), ended);
    assert.equal(job.state, 'done', JSON.stringify(job));
  }
  await restart();  // the indexes are on disk and `hearth check` may read them
  const before = indexFiles(id);
  assert.equal(before.length, 1, before.join());

  const patched = await api('PATCH', '/api/v1/workspaces/notes', { embedder: 'beta', name: 'Notes' });
  assert.equal(patched.status, 202, JSON.stringify(patched.body));
  assert.equal(patched.body.embedder, 'alpha');  // until the switch
  assert.equal(patched.body.pending_embedder, 'beta');
  assert.equal(patched.body.name, 'Notes');  // other settings apply at once
  const job = await waitForJob(patched.body.reembed_job, ended);
  assert.equal(job.state, 'done', JSON.stringify(job));
  assert.equal(job.kind, 'reembed');
  assert.equal(job.target_embedder, 'beta');
  assert.equal(job.chunks_done, job.chunks_total);
  assert.ok(job.chunks_total > 0);
  const now = await api('GET', '/api/v1/workspaces/notes');
  assert.equal(now.body.embedder, 'beta');
  assert.equal(now.body.pending_embedder, null);
  assert.equal(now.body.reembed_job, null);

  await server.stop();
  server = null;
  const after = indexFiles(id);
  assert.equal(after.length, 1, after.join());
  assert.notEqual(after[0], before[0]);  // the old index is gone, the new one saved
  assert.equal(check(), job.chunks_total);  // every chunk kept, each with a vector from beta
  await restart();
});

test('a bad embedder name is refused and changes nothing', { skip }, async () => {
  const unknown = await api('PATCH', '/api/v1/workspaces/notes', { embedder: 'nowhere', name: 'Changed' });
  assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
  assert.match(unknown.body.error, /nowhere/);
  const malformed = await api('PATCH', '/api/v1/workspaces/notes', { embedder: 'Bad Name!!' });
  assert.equal(malformed.status, 400, JSON.stringify(malformed.body));
  const now = await api('GET', '/api/v1/workspaces/notes');
  assert.equal(now.body.embedder, 'beta');
  assert.equal(now.body.name, 'Notes');
});

test('another embedder cancels the running reembed; the current one cancels any; SIGKILL mid-reembed resumes', { skip }, async () => {
  const created = await api('POST', '/api/v1/workspaces', { slug: 'big', embedder: 'alpha', chunk_tokens: 48, chunk_overlap_tokens: 4 });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const ingested = await waitForJob(await upload('big', big), ended, 240_000);
  assert.equal(ingested.state, 'done', JSON.stringify(ingested));

  const first = await api('PATCH', '/api/v1/workspaces/big', { embedder: 'beta' });
  assert.equal(first.status, 202, JSON.stringify(first.body));
  const again = await api('PATCH', '/api/v1/workspaces/big', { embedder: 'beta' });
  assert.equal(again.body.reembed_job, first.body.reembed_job);  // the same target keeps its job
  const second = await api('PATCH', '/api/v1/workspaces/big', { embedder: 'gamma' });
  assert.equal(second.status, 202, JSON.stringify(second.body));
  assert.notEqual(second.body.reembed_job, first.body.reembed_job);
  assert.equal(second.body.pending_embedder, 'gamma');
  assert.equal((await waitForJob(first.body.reembed_job, ended)).state, 'cancelled');
  const back = await api('PATCH', '/api/v1/workspaces/big', { embedder: 'alpha' });
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.equal(back.body.pending_embedder, null);
  assert.equal((await api('GET', '/api/v1/workspaces/big')).body.pending_embedder, null);
  assert.equal((await waitForJob(second.body.reembed_job, ended)).state, 'cancelled');

  const third = await api('PATCH', '/api/v1/workspaces/big', { embedder: 'gamma' });
  assert.equal(third.status, 202, JSON.stringify(third.body));
  const jobId = third.body.reembed_job;
  const during = await api('GET', '/api/v1/workspaces/big');  // GET shows what PATCH did
  assert.equal(during.body.embedder, 'alpha');
  assert.equal(during.body.pending_embedder, 'gamma');
  assert.equal(during.body.reembed_job, jobId);
  const partway = await waitForJob(jobId, (body) => body.chunks_done > 0 || ended(body));
  assert.equal(partway.state, 'running', JSON.stringify(partway));
  assert.equal(partway.target_embedder, 'gamma');
  assert.ok(partway.chunks_done < partway.chunks_total, JSON.stringify(partway));
  server.child.kill('SIGKILL');
  await server.exited;

  server = await startServer(['--threads', '1'], { env: { HEARTH_HOME: home.dir } });
  assert.match(server.logs(), /resuming reembed job/);
  const finished = await waitForJob(jobId, ended, 240_000);
  assert.equal(finished.state, 'done', JSON.stringify(finished));
  assert.equal(finished.chunks_done, finished.chunks_total);
  const switched = await api('GET', '/api/v1/workspaces/big');
  assert.equal(switched.body.embedder, 'gamma');
  assert.equal(switched.body.pending_embedder, null);
  await server.stop();
  server = null;
  assert.equal(indexFiles(created.body.id).length, 1);
  check();
});
