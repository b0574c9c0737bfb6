// The Ollama model-management API against the real binary: show, create
// (from an installed model and from an uploaded blob), copy, delete, pull
// errors, blob upload with digest checks, and HEAD /. Every bad request is
// answered with a clear error and leaves the store as it was.
//
// Uses the real tiny TinyStories model from the shared test data (skips when
// it is absent).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runHearth, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;

let home;
let server;

async function call(method, route, body) {
  const response = await fetch(server.url + route, {
    method,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* NDJSON or empty */ }
  return { status: response.status, text, body: json };
}

// What a bad request must not change: the models listed and the blobs held.
async function storeState() {
  const tags = await (await fetch(server.url + '/api/tags')).json();
  const blobs = readdirSync(path.join(home.dir, 'models', 'blobs')).filter((name) => name !== 'tmp').sort();
  const temp = readdirSync(path.join(home.dir, 'models', 'blobs', 'tmp'));
  return { models: tags.models.map((model) => model.name).sort(), blobs, temp };
}

async function expectError(method, route, body, status, pattern) {
  const state = await storeState();
  const result = await call(method, route, body);
  assert.equal(result.status, status, `${route} ${JSON.stringify(body).slice(0, 200)}: ${result.text}`);
  assert.match(result.body.error, pattern);
  assert.deepEqual(await storeState(), state);
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-ollama-api-');
  assert.equal(runHearth(['create', 'stories', '--from', stories], { env: { HEARTH_HOME: home.dir } }).status, 0);
  if (fixtureBin) {
    const embedder = path.join(home.dir, 'embedder.gguf');
    const made = spawnSync(fixtureBin, ['embedder', '--preset', 'tiny', '--out', embedder], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    assert.equal(runHearth(['create', 'embedder', '--from', embedder], { env: { HEARTH_HOME: home.dir } }).status, 0);
  }
  server = await startServer(['--threads', '1', '--context', '256', '--max-request-size', '4MiB'],
                             { env: { HEARTH_HOME: home.dir } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('HEAD / answers 200', { skip }, async () => {
  const response = await fetch(server.url + '/', { method: 'HEAD' });
  assert.equal(response.status, 200);
});

test('show gives Ollama\'s shape with GGUF metadata and capabilities', { skip }, async () => {
  const result = await call('POST', '/api/show', { model: 'stories' });
  assert.equal(result.status, 200, result.text);
  const show = result.body;
  assert.match(show.modelfile, /^FROM /m);
  assert.equal(typeof show.parameters, 'string');
  assert.equal(typeof show.template, 'string');
  assert.equal(show.details.family, 'llama');
  assert.equal(show.model_info['general.architecture'], 'llama');
  assert.equal(typeof show.model_info['llama.context_length'], 'number');
  assert.equal(typeof show.model_info['general.parameter_count'], 'number');
  assert.ok(Object.keys(show.model_info).every((key) => /^(general|llama|tokenizer)\./.test(key)));
  assert.deepEqual(show.capabilities, ['completion']);
});

test('create from an installed model with overrides, then show, copy and delete it', { skip }, async () => {
  const created = await call('POST', '/api/create', {
    model: 'brief', from: 'stories', system: 'Be brief.', parameters: { temperature: 0.2, stop: ['END'] },
    stream: false,
  });
  assert.equal(created.status, 200, created.text);
  assert.equal(created.body.status, 'success');
  const show = (await call('POST', '/api/show', { model: 'brief' })).body;
  assert.equal(show.system, 'Be brief.');
  assert.match(show.parameters, /^temperature\s+0.2$/m);
  assert.match(show.parameters, /^stop\s+"END"$/m);

  assert.equal((await call('POST', '/api/copy', { source: 'brief', destination: 'brief2' })).status, 200);
  assert.ok((await storeState()).models.includes('brief2:latest'));
  assert.equal((await call('DELETE', '/api/delete', { model: 'brief2' })).status, 200);
  assert.equal((await call('DELETE', '/api/delete', { model: 'brief' })).status, 200);
  const models = (await storeState()).models;
  assert.ok(!models.includes('brief:latest') && !models.includes('brief2:latest'));
});

test('create takes null for the legacy fields it does not use', { skip }, async () => {
  const created = await call('POST', '/api/create', {
    model: 'nulls', from: 'stories', modelfile: null, quantize: null, adapters: null, stream: false,
  });
  assert.equal(created.status, 200, created.text);
  assert.equal((await call('DELETE', '/api/delete', { model: 'nulls' })).status, 200);
  await expectError('POST', '/api/create', { model: 'x', modelfile: 'FROM stories' }, 400, /modelfile/);
});

test('create streams NDJSON status lines by default', { skip }, async () => {
  const result = await call('POST', '/api/create', { model: 'streamed', from: 'stories' });
  assert.equal(result.status, 200, result.text);
  const lines = result.text.trim().split('\n').map((line) => JSON.parse(line));
  assert.ok(lines.length >= 2);
  assert.equal(lines.at(-1).status, 'success');
  assert.equal((await call('DELETE', '/api/delete', { model: 'streamed' })).status, 200);
});

test('a GGUF uploaded as a blob becomes a model with files', { skip }, async () => {
  const bytes = readFileSync(stories);
  const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
  const other = 'sha256:' + 'ab'.repeat(32);
  assert.equal((await fetch(`${server.url}/api/blobs/${other}`, { method: 'HEAD' })).status, 404);
  const upload = await fetch(`${server.url}/api/blobs/${digest}`, { method: 'POST', body: bytes });
  assert.equal(upload.status, 201, await upload.text());
  assert.equal((await fetch(`${server.url}/api/blobs/${digest}`, { method: 'HEAD' })).status, 200);
  const created = await call('POST', '/api/create', { model: 'uploaded', files: { 'model.gguf': digest }, stream: false });
  assert.equal(created.status, 200, created.text);
  const show = await call('POST', '/api/show', { model: 'uploaded' });
  assert.equal(show.body.model_info['general.architecture'], 'llama');
  assert.equal((await call('DELETE', '/api/delete', { model: 'uploaded' })).status, 200);
});

test('an upload whose bytes do not match its digest is refused and nothing is kept', { skip }, async () => {
  const digest = 'sha256:' + createHash('sha256').update('something else').digest('hex');
  await expectError('POST', `/api/blobs/${digest}`, 'not the right bytes', 400, /digest|sha256/i);
  assert.equal((await fetch(`${server.url}/api/blobs/${digest}`, { method: 'HEAD' })).status, 404);
  await expectError('POST', '/api/blobs/sha256:nothex', 'x', 400, /digest/);
  await expectError('POST', '/api/blobs/../../etc', 'x', 404, /no route|digest/);
});

test('bad requests get clear errors and leave the store unchanged', { skip }, async () => {
  await expectError('POST', '/api/show', { model: 'missing' }, 404, /missing/);
  await expectError('POST', '/api/show', { model: 7 }, 400, /model/);
  await expectError('POST', '/api/show', '{not json', 400, /JSON/);
  await expectError('POST', '/api/create', { model: '../../evil', from: 'stories' }, 400, /name|model/i);
  await expectError('POST', '/api/create', { model: 'x', from: 'missing' }, 404, /missing/);
  await expectError('POST', '/api/create', { model: 'x' }, 400, /from.*files/);
  await expectError('POST', '/api/create', { model: 'x', from: 'stories', parameters: { temprature: 1 } }, 400, /temprature/);
  await expectError('POST', '/api/create', { model: 'x', from: 'stories', quantize: 'q3_K_S' }, 400, /q4_0, q4_K_M/);
  await expectError('POST', '/api/create',
                    { model: 'x', files: { 'model.gguf': 'sha256:' + 'cd'.repeat(32) } }, 400, /not uploaded/);
  await expectError('POST', '/api/copy', { source: 'stories', destination: '../x' }, 400, /name|destination/i);
  await expectError('POST', '/api/copy', { source: 'missing', destination: 'y' }, 404, /missing/);
  await expectError('DELETE', '/api/delete', { model: 'missing' }, 404, /missing/);
  await expectError('DELETE', '/api/delete', { name: '../../stories' }, 400, /name/i);
  await expectError('POST', '/api/pull', { model: '' }, 400, /model/);
});

// Sends only the headers of a request declaring `length` body bytes and
// returns the raw response: the server must refuse it from the header.
function declareLargeBody(route, length, port = server.port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST ${route} HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (chunk) => { text += chunk; });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    setTimeout(() => { socket.destroy(); resolve(text); }, 5000);
  });
}

test('bodies over --max-request-size and uploads over --max-blob-size are refused with 413', { skip }, async () => {
  const state = await storeState();
  const digest = 'sha256:' + 'ef'.repeat(32);
  const create = await declareLargeBody('/api/create', 5 << 20);
  assert.match(create, /^HTTP\/1.1 413/, create);
  assert.match(create, /too large: the limit is 4 MiB \(--max-request-size\)/);
  // The default blob limit is far above --max-request-size: 5 MiB is not refused from its length.
  const blob = await declareLargeBody(`/api/blobs/${digest}`, 5 << 20);
  assert.doesNotMatch(blob, /^HTTP\/1.1 413/, blob);
  const huge = await declareLargeBody(`/api/blobs/${digest}`, 2 ** 40);
  assert.match(huge, /^HTTP\/1.1 413/, huge);
  assert.match(huge, /--max-blob-size/);
  assert.deepEqual(await storeState(), state);
});

test('a model upload larger than --max-request-size streams into the store and creates a model', { skip }, async (t) => {
  const own = tempDir('hearth-blob-limit-');
  const small = await startServer(['--threads', '1', '--max-request-size', '64KiB', '--max-blob-size', '2MiB'],
                                  { env: { HEARTH_HOME: own.dir } });
  t.after(async () => { await small.stop(); own.cleanup(); });
  const bytes = readFileSync(stories);
  assert.ok(bytes.length > 64 << 10 && bytes.length < 2 << 20);
  const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
  const uploaded = await fetch(`${small.url}/api/blobs/${digest}`, { method: 'POST', body: bytes });
  assert.equal(uploaded.status, 201, await uploaded.text());
  const created = await fetch(`${small.url}/api/create`, {
    method: 'POST',
    body: JSON.stringify({ model: 'uploaded', files: { 'model.gguf': digest }, stream: false }),
  });
  assert.equal(created.status, 200, await created.text());
  const tags = await (await fetch(`${small.url}/api/tags`)).json();
  assert.ok(tags.models.some((model) => model.name === 'uploaded:latest'));
  // Over the blob limit: refused, nothing kept.
  const other = 'sha256:' + 'ab'.repeat(32);
  const refused = await declareLargeBody(`/api/blobs/${other}`, 3 << 20, small.port);
  assert.match(refused, /^HTTP\/1.1 413/, refused);
  assert.match(refused, /2 MiB \(--max-blob-size\)/);
  assert.equal((await fetch(`${small.url}/api/blobs/${other}`, { method: 'HEAD' })).status, 404);
});

test('pull of a name no registry serves reports the error (stream false and streamed)', { skip }, async () => {
  // --insecure is off, so an http host of the name's own is refused before any connection.
  const state = await storeState();
  const plain = await call('POST', '/api/pull', { model: '127.0.0.1:1/ns/model', stream: false });
  assert.ok(plain.status >= 400, plain.text);
  assert.ok(plain.body.error.length > 0);
  const streamed = await call('POST', '/api/pull', { model: '127.0.0.1:1/ns/model' });
  const lines = streamed.text.trim().split('\n').map((line) => JSON.parse(line));
  assert.ok(lines.at(-1).error, streamed.text);
  assert.deepEqual(await storeState(), state);
});

test('legacy /api/embeddings returns one vector for one prompt',
     { skip: skip || (!fixtureBin && 'HEARTH_FIXTURE_BIN is not set') }, async () => {
  const result = await call('POST', '/api/embeddings', { model: 'embedder', prompt: 'a document' });
  assert.equal(result.status, 200, result.text);
  assert.ok(Array.isArray(result.body.embedding) && result.body.embedding.length > 0);
  assert.ok(result.body.embedding.every((value) => typeof value === 'number'));
  const empty = await call('POST', '/api/embeddings', { model: 'embedder', prompt: '' });
  assert.deepEqual(empty.body, { embedding: [] });
  const wrong = await call('POST', '/api/embeddings', { model: 'embedder', prompt: ['a'] });
  assert.equal(wrong.status, 400);
  assert.match(wrong.body.error, /prompt/);
  // Only "prompt" is read: "input" beside it is ignored, and alone it is refused.
  const both = await call('POST', '/api/embeddings', { model: 'embedder', prompt: 'a document', input: 'other words' });
  assert.equal(both.status, 200, both.text);
  assert.deepEqual(both.body.embedding, result.body.embedding);
  const inputOnly = await call('POST', '/api/embeddings', { model: 'embedder', input: 'a document' });
  assert.equal(inputOnly.status, 400);
  assert.match(inputOnly.body.error, /"prompt" is required.*\/api\/embed/);
  const neither = await call('POST', '/api/embeddings', { model: 'embedder' });
  assert.equal(neither.status, 400);
  assert.match(neither.body.error, /"prompt" is required/);
  const show = await call('POST', '/api/show', { model: 'embedder' });
  assert.deepEqual(show.body.capabilities, ['embedding']);
});

test('a prompt longer than the loaded context is refused with 400 naming both numbers', { skip }, async () => {
  const prompt = 'Once upon a time there was a little girl. '.repeat(100);
  const result = await call('POST', '/api/generate', { model: 'stories', prompt, stream: false });
  assert.equal(result.status, 400, result.text);
  assert.match(result.body.error, /256/);
  assert.match(result.body.error, /\d{3,}.*\d{3,}/);
});
