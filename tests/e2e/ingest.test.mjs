// Document ingestion end to end: `hearth ingest` uploads files of every
// format to a workspace of the running server, which converts them in the
// hearth-convert child, chunks and embeds them (a fixture embedder: random
// weights, so the vectors carry no meaning, but every stage runs for real)
// and indexes them. Hostile files fail alone; a server killed with SIGKILL in
// the middle of a document resumes it; `hearth check` proves that the
// database, the full-text index and the vector index agree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { hearthBin, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const corpus = path.join(dataDir, 'corpus');
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !existsSync(corpus) ? `test data ${corpus} is absent (set HEARTH_TEST_DATA)`
  : !fixtureBin ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)' : false;

const oneOfEach = [
  'pdf/normal/opf-ebooks__lorem-ipsum.pdf',
  'formats/docx/unst__docx-tables.docx',
  'formats/odt/pandoc__simpleTableWithHeader.odt',
  'formats/pptx/pandoc__deleted.pptx',
  'formats/xlsx/pandoc__basic.xlsx',
  'formats/epub/pandoc__sample.epub',
  'formats/html/unst__example-with-scripts.html',
  'formats/md/pandoc__README.md',
  'formats/csv/pandoc__01.csv',
  'formats/txt/unst__language-docs_eng_spa.txt',
].map((file) => path.join(corpus, file));

let home;
let server;

const env = () => ({ ...process.env, HEARTH_HOME: home.dir, HEARTH_PORT: String(server?.port ?? 1) });

// Runs the hearth CLI without blocking the event loop.
function hearth(args) {
  return new Promise((resolve) => {
    const child = spawn(hearthBin, args, { env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function api(method, route, body) {
  const response = await fetch(server.url + route, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function documents(slug) {
  const listed = await api('GET', `/api/v1/workspaces/${slug}/documents`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.documents;
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-ingest-');
  const embedder = path.join(home.dir, 'embedder.gguf');
  const made = spawnSync(fixtureBin, ['embedder', '--preset', 'tiny', '--out', embedder], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const created = spawnSync(hearthBin, ['create', 'embedder', '--from', embedder],
                            { env: { ...process.env, HEARTH_HOME: home.dir }, encoding: 'utf8' });
  assert.equal(created.status, 0, created.stderr);
  server = await startServer(['--threads', '1'], { env: { HEARTH_HOME: home.dir } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('hearth ingest makes one file of every format searchable, with pages kept for PDFs', { skip }, async () => {
  const result = await hearth(['ingest', 'docs', ...oneOfEach, '--create', '--embedder', 'embedder']);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, new RegExp(`^${oneOfEach.length} ingested, 0 already there, 0 failed`, 'm'));
  const docs = await documents('docs');
  assert.equal(docs.length, oneOfEach.length);
  for (const doc of docs) assert.equal(doc.status, 'ready', JSON.stringify(doc));
  const formats = docs.map((doc) => doc.format).sort();
  assert.deepEqual(formats, ['csv', 'docx', 'epub', 'html', 'markdown', 'odt', 'pdf', 'pptx', 'text', 'xlsx']);
  const pdf = docs.find((doc) => doc.format === 'pdf');
  assert.ok(pdf.pages > 0);
});

test('the same file again is recognized and not ingested twice', { skip }, async () => {
  const result = await hearth(['ingest', 'docs', oneOfEach[0]]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /0 ingested, 1 already there, 0 failed/);
  assert.equal((await documents('docs')).length, oneOfEach.length);
});

test('hostile and unsupported files fail alone, with their reason, and harm nothing', { skip }, async () => {
  const garbage = path.join(home.dir, 'garbage.bin');
  writeFileSync(garbage, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]));
  const locked = path.join(corpus, 'pdf/hostile/opf-office__simple-open-password.pdf');
  const fine = path.join(corpus, 'formats/md/unst__codeblock.md');
  const result = await hearth(['ingest', 'docs', garbage, locked, fine]);
  assert.equal(result.status, 1, result.stdout);
  assert.match(result.stdout, /1 ingested, 0 already there, 2 failed/);
  assert.match(result.stdout, /garbage\.bin: .*unsupported/);
  assert.match(result.stdout, /simple-open-password\.pdf: .*password/i);
  const docs = await documents('docs');
  assert.equal(docs.filter((doc) => doc.status === 'ready').length, oneOfEach.length + 1);
  assert.equal(docs.filter((doc) => doc.status === 'failed').length, 2);
  assert.equal((await fetch(server.url + '/health')).status, 200);
});

test('bad requests get clear errors', { skip }, async () => {
  const missing = await hearth(['ingest', 'nowhere', oneOfEach[0]]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no workspace 'nowhere'; add --create --embedder NAME/);
  const badSlug = await api('POST', '/api/v1/workspaces', { slug: 'Bad Slug!' });
  assert.equal(badSlug.status, 400);
  const duplicate = await api('POST', '/api/v1/workspaces', { slug: 'docs' });
  assert.equal(duplicate.status, 409);
  const badType = await api('POST', '/api/v1/workspaces', { slug: 'x', chunk_tokens: 'many' });
  assert.equal(badType.status, 400);
  assert.match(badType.body.error, /chunk_tokens/);
  const notMultipart = await fetch(server.url + '/api/v1/workspaces/docs/documents', { method: 'POST', body: 'x' });
  assert.equal(notMultipart.status, 400);
  const noEmbedder = await api('POST', '/api/v1/workspaces', { slug: 'plain' });
  assert.equal(noEmbedder.status, 201);
  const result = await hearth(['ingest', 'plain', oneOfEach[7]]);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /has no embedder/);
  assert.equal((await api('GET', '/api/v1/jobs/999999')).status, 404);
  const overlap = await api('POST', '/api/v1/workspaces', { slug: 'y', chunk_tokens: 100, chunk_overlap_tokens: 50 });
  assert.equal(overlap.status, 400);
  assert.match(overlap.body.error, /below half/);
  const renamed = await api('PATCH', '/api/v1/workspaces/docs', { name: 'Documents' });
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
  assert.equal(renamed.body.name, 'Documents');
  const switched = await api('PATCH', '/api/v1/workspaces/docs', { embedder: 'other' });
  assert.equal(switched.status, 404);  // 'other' is not installed: nothing changes
  assert.match(switched.body.error, /other/);
  assert.equal((await api('GET', '/api/v1/workspaces/docs')).body.embedder, 'embedder');
  assert.equal((await api('GET', '/api/v1/workspaces/docs/documents/abc')).status, 404);
});

test('deleting a document removes it; other workspaces cannot reach it', { skip }, async () => {
  const docs = await documents('docs');
  const victim = docs.find((doc) => doc.format === 'csv');
  assert.equal((await api('DELETE', `/api/v1/workspaces/plain/documents/${victim.id}`)).status, 404);
  assert.equal((await api('DELETE', `/api/v1/workspaces/docs/documents/${victim.id}`)).status, 200);
  assert.equal((await api('GET', `/api/v1/workspaces/docs/documents/${victim.id}`)).status, 404);
  assert.equal((await documents('docs')).length, docs.length - 1);
});

async function waitForJob(id, done, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = await api('GET', `/api/v1/jobs/${id}`);
    if (job.status === 200 && done(job.body)) return job.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${id} did not reach the expected state in ${timeoutMs} ms`);
}

test('a server killed with SIGKILL mid-document resumes it, and the stores agree', { skip }, async () => {
  const created = await api('POST', '/api/v1/workspaces',
                            { slug: 'big', embedder: 'embedder', chunk_tokens: 48, chunk_overlap_tokens: 4 });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const form = new FormData();
  const handbook = path.join(corpus, 'formats/docx/unst__handbook-872p.docx');
  form.append('file', new Blob([spawnSync('cat', [handbook]).stdout]), 'handbook.docx');
  const uploaded = await fetch(server.url + '/api/v1/workspaces/big/documents', { method: 'POST', body: form });
  assert.equal(uploaded.status, 202);
  const { job_id: job } = (await uploaded.json()).documents[0];
  const partway = await waitForJob(job, (body) => body.chunks_done > 0 || body.state !== 'queued' && body.state !== 'running');
  assert.equal(partway.state, 'running', JSON.stringify(partway));
  assert.ok(partway.chunks_done < partway.chunks_total, JSON.stringify(partway));
  assert.ok(partway.eta_seconds > 0 && partway.chunks_per_second > 0, JSON.stringify(partway));
  server.child.kill('SIGKILL');
  await server.exited;

  server = await startServer(['--threads', '1'], { env: { HEARTH_HOME: home.dir } });
  assert.match(server.logs(), /resuming ingest job/);
  const finished = await waitForJob(job, (body) => body.state === 'done' || body.state === 'failed');
  assert.equal(finished.state, 'done', JSON.stringify(finished));
  assert.equal(finished.chunks_done, finished.chunks_total);
  assert.ok(finished.chunks_done > partway.chunks_done);
  await server.stop();
  server = null;

  const check = spawnSync(hearthBin, ['check'], { env: env(), encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /^consistent$/m);
  const counts = check.stdout.match(/(\d+) chunks, (\d+) vectors/);
  assert.equal(counts[1], counts[2], check.stdout);
});
