// `hearth backup` and `hearth restore` end to end: a backup taken while the
// server keeps ingesting uploads is restored into a fresh home, where
// `hearth check` is clean and the server shows the same documents, threads
// and search results; a damaged backup, a running server and a home that
// holds data are refused with a clear error and nothing is overwritten.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { hearthBin, installTestModels, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)`
  : !process.env.HEARTH_FIXTURE_BIN ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)' : false;

let work;     // a temporary folder for the homes and backups
let live;     // the home the server runs on
let server;

const notes = [
  ['walrus.md', '# Walrus\n\nThe walrus hauls itself onto the ice with its long tusks.\n\nIt eats clams.'],
  ['otter.md', '# Otter\n\nSea otters float on their backs and crack shellfish with stones.'],
  ['heron.md', '# Heron\n\nThe grey heron stands still in shallow water, waiting for fish.'],
];

// Runs the hearth CLI on `home` without blocking the event loop.
function hearth(args, home) {
  return new Promise((resolve) => {
    const child = spawn(hearthBin, args, { env: { ...process.env, HEARTH_HOME: home } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function api(at, method, route, body) {
  const response = await fetch(at.url + route, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

async function upload(at, slug, files) {
  const form = new FormData();
  for (const [name, text] of files) form.append('file', new Blob([text]), name);
  const response = await fetch(`${at.url}/api/v1/workspaces/${slug}/documents`, { method: 'POST', body: form });
  assert.equal(response.status, 202, await response.text());
}

async function readyDocuments(at, slug) {
  for (let i = 0; i < 1200; ++i) {
    const docs = (await api(at, 'GET', `/api/v1/workspaces/${slug}/documents`)).body.documents;
    if (docs.every((doc) => doc.status === 'ready' || doc.status === 'failed')) return docs;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the documents of ${slug} did not finish`);
}

// What a user sees of a workspace: documents, threads with their messages, a search.
async function view(at) {
  const docs = (await readyDocuments(at, 'notes')).map((doc) => `${doc.name} ${doc.status} ${doc.digest}`).sort();
  const threads = (await api(at, 'GET', '/api/v1/workspaces/notes/threads')).body.threads;
  const messages = [];
  for (const thread of threads) {
    const read = await api(at, 'GET', `/api/v1/workspaces/notes/threads/${thread.id}/messages`);
    messages.push(read.body.messages.map((m) => `${m.role}: ${m.content}`));
  }
  const found = await api(at, 'POST', '/api/v1/workspaces/notes/search', { query: 'walrus tusks ice' });
  assert.equal(found.status, 200, JSON.stringify(found.body));
  const results = found.body.results.map((r) => `${r.document}: ${r.text}`);
  return { docs, threads: threads.map((t) => t.title), messages, results };
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

before(async () => {
  if (skip) return;
  work = tempDir('hearth-backup-e2e-');
  live = path.join(work.dir, 'live');
  mkdirSync(live);
  installTestModels(live, { storiesFile: stories });
  server = await startServer(['--threads', '1'], { env: { HEARTH_HOME: live } });
  for (const slug of ['notes', 'busy']) {
    const created = await api(server, 'POST', '/api/v1/workspaces', { slug, embedder: 'embedder', chat_model: 'stories',
      chunk_tokens: 48, chunk_overlap_tokens: 8, temperature: 0 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
  await upload(server, 'notes', notes);
  await readyDocuments(server, 'notes');
  const asked = await api(server, 'POST', '/api/v1/workspaces/notes/chat', { message: 'What do walrus tusks do?' });
  assert.equal(asked.status, 200, JSON.stringify(asked.body));
});

after(async () => {
  await server?.stop();
  work?.cleanup();
});

test('a backup taken while uploads go on restores into a fresh home: check clean, same documents, threads and search', { skip }, async () => {
  const backup = path.join(work.dir, 'backup');
  let uploading = true;
  let uploaded = 0;
  const writes = (async () => {
    while (uploading) {
      await upload(server, 'busy', [[`busy-${uploaded}.md`, `# Busy ${uploaded}\n\n${'Lorem ipsum dolor. '.repeat(40)}`]]);
      ++uploaded;
    }
  })();
  while (uploaded < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  const before = uploaded;
  const made = await hearth(['backup', backup], live);
  uploading = false;
  await writes;
  assert.equal(made.status, 0, made.stdout + made.stderr);
  assert.match(made.stdout, /^backed up .* the database, \d+ documents, \d+ model files/m);
  assert.ok(uploaded > before, 'uploads went on during the backup');
  const liveView = await view(server);

  const fresh = path.join(work.dir, 'fresh');
  const restored = await hearth(['restore', backup], fresh);
  assert.equal(restored.status, 0, restored.stdout + restored.stderr);
  assert.match(restored.stdout, /^restored .* verified\)$/m);
  const check = await hearth(['check'], fresh);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /^consistent$/m);

  const copy = await startServer(['--threads', '1'], { env: { HEARTH_HOME: fresh } });
  try {
    assert.deepEqual(await view(copy), liveView);
    const busy = await readyDocuments(copy, 'busy');  // those mid-ingestion in the snapshot resume
    assert.ok(busy.length >= before && busy.length <= uploaded, `${busy.length} of ${before}..${uploaded}`);
    for (const doc of busy) assert.equal(doc.status, 'ready', JSON.stringify(doc));
  } finally {
    await copy.stop();
  }
});

test('a damaged backup, a running server and a home with data are refused; nothing is overwritten', { skip }, async () => {
  const backup = path.join(work.dir, 'backup');
  const fresh = path.join(work.dir, 'fresh');
  const dbBefore = sha256(path.join(fresh, 'hearth.db'));

  const notEmpty = await hearth(['restore', backup], fresh);
  assert.equal(notEmpty.status, 1);
  assert.match(notEmpty.stderr, /already holds hearth data; .*--force/);

  const damaged = path.join(work.dir, 'damaged');
  cpSync(backup, damaged, { recursive: true });
  const blobs = path.join(damaged, 'documents', 'blobs');
  const victim = path.join(blobs, readdirSync(blobs)[0]);
  const bytes = readFileSync(victim);
  bytes[0] ^= 0xff;
  writeFileSync(victim, bytes);
  const refused = await hearth(['restore', damaged, '--force'], fresh);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /the backup is damaged: 'documents\/blobs\/sha256-[0-9a-f]{64}' has \d+ bytes with SHA-256 [0-9a-f]{64}, the manifest says/);
  assert.match(refused.stderr, /nothing was restored/);
  assert.equal(sha256(path.join(fresh, 'hearth.db')), dbBefore);
  assert.equal(existsSync(path.join(fresh, '.restore-staging')), false);

  const running = await startServer(['--threads', '1'], { env: { HEARTH_HOME: fresh } });
  try {
    const busy = await hearth(['restore', backup, '--force'], fresh);
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /a hearth server \(or a backup\) is using .*; stop it first/);
    assert.equal((await readyDocuments(running, 'notes')).length, notes.length);
  } finally {
    await running.stop();
  }
  const check = await hearth(['check'], fresh);
  assert.equal(check.status, 0, check.stdout);
});
