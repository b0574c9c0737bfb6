// Every limit of docs/limits.md against the real binary, started with small
// limits: a request at the limit is served, one unit more is refused with
// the documented status, in the API's error shape, with the limit's value
// and flag in the message, and nothing of a refused request is stored.
//
// Multi-user mode (the per-user and per-key caps apply to signed-in users and
// keys). The tiny fixture embedder serves the JSON-size and search cases; the
// TinyStories model from the shared test data serves the generation case at
// its limit (skipped when absent).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { startServer, tempDir, installTestModels } from '../support/hearth_process.mjs';

const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !fixtureBin ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)' : false;
const kPassword = 'correct horse battery';

// The limits the server runs with.
const kJsonBytes = 2048;          // --max-json-size 2KiB
const kRequestBytes = 16384;      // --max-request-size 16KiB
const kJsonDepth = 8;
const kHeaderBytes = 4096;        // --max-header-size 4KiB
const kUploadFiles = 2;
const kUploadParts = 3;
const kDocumentBytes = 1000;
const kFilenameBytes = 20;
const kMessageBytes = 100;
const kGenerationTokens = 8;
const kPerUser = 2;
const kPerKey = 1;

let home;
let server;
let boss;    // a session of the admin: { headers }
let key;     // an admin API key of boss: { headers }
let key2;    // another one

async function call(method, route, { headers = key?.headers ?? {}, body, raw, type } = {}) {
  const response = await fetch(server.url + route, {
    method,
    headers: { 'content-type': type ?? 'application/json', ...headers },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  return { status: response.status, body: parsed, headers: response.headers };
}

// `object` as JSON padded (in its "pad" field) to exactly `bytes` bytes.
function paddedJson(object, bytes) {
  const bare = JSON.stringify({ ...object, pad: '' });
  assert.ok(bare.length <= bytes);
  const text = JSON.stringify({ ...object, pad: 'x'.repeat(bytes - bare.length) });
  assert.equal(Buffer.byteLength(text), bytes);
  return text;
}

// A JSON object nested `depth` levels deep in total (the outer object is 1).
function nestedJson(object, depth) {
  return JSON.stringify({ ...object, deep: 0 }).replace('"deep":0',
    `"deep":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}`);
}

const kBoundary = 'hearthlimitsboundary';

// A multipart/form-data body; parts are { name, filename?, filenameStar?, content }.
function multipart(parts) {
  const chunks = [];
  for (const part of parts) {
    let head = `--${kBoundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    if (part.filenameStar !== undefined) head += `; filename*=UTF-8''${part.filenameStar}`;
    head += '\r\n';
    if (part.filename !== undefined || part.filenameStar !== undefined) head += 'Content-Type: text/plain\r\n';
    chunks.push(Buffer.from(head + '\r\n'), Buffer.from(part.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${kBoundary}--\r\n`));
  return Buffer.concat(chunks);
}

let uploads = 0;
// A file part with content no other upload has (no deduplication).
function file(bytes, filename = `doc${uploads + 1}.txt`) {
  const stamp = `${++uploads}:`;
  assert.ok(bytes >= stamp.length);
  return { name: 'file', filename, content: stamp + 'y'.repeat(bytes - stamp.length) };
}

async function upload(parts, headers) {
  return call('POST', '/api/v1/workspaces/limits/documents',
              { raw: multipart(parts), type: `multipart/form-data; boundary=${kBoundary}`, headers });
}

// What the workspace holds: its documents and the stored originals.
async function stored() {
  const documents = (await call('GET', '/api/v1/workspaces/limits/documents')).body.documents.length;
  const blobDir = path.join(home.dir, 'documents', 'blobs');
  const blobs = existsSync(blobDir) ? readdirSync(blobDir).length : 0;
  return { documents, blobs };
}

function assertRefusal(answer, status, value, flag) {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  const message = typeof answer.body.error === 'string' ? answer.body.error : answer.body.error.message;
  assert.ok(message.includes(value), `"${message}" names the limit ${value}`);
  assert.ok(message.includes(flag), `"${message}" names ${flag}`);
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-limits-');
  installTestModels(home.dir, { storiesFile: existsSync(stories) ? stories : undefined });
  server = await startServer([
    '--max-json-size', '2KiB', '--max-request-size', '16KiB', '--max-json-depth', String(kJsonDepth),
    '--max-header-size', '4KiB', '--max-upload-files', String(kUploadFiles),
    '--max-upload-parts', String(kUploadParts), '--max-document-size', String(kDocumentBytes),
    '--max-filename-length', String(kFilenameBytes), '--max-message-size', String(kMessageBytes),
    '--max-generation-tokens', String(kGenerationTokens),
    '--max-requests-per-user', String(kPerUser), '--max-requests-per-key', String(kPerKey),
  ], { env: { HEARTH_HOME: home.dir, HEARTH_ADMIN_PASSWORD: kPassword, HEARTH_ADMIN_NAME: 'boss' } });
  const login = await call('POST', '/api/v1/auth/login', { headers: {}, body: { name: 'boss', password: kPassword } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  boss = { headers: { cookie, 'x-csrf-token': login.body.csrf_token } };
  const makeKey = async (name) => {
    const made = await call('POST', '/api/v1/keys', { headers: boss.headers,
                                                      body: { name, actions: ['read', 'write', 'chat', 'admin'] } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    return { headers: { authorization: `Bearer ${made.body.key}` } };
  };
  key = await makeKey('limits-1');
  key2 = await makeKey('limits-2');
  const workspace = await call('POST', '/api/v1/workspaces', { body: { slug: 'limits', embedder: 'embedder' } });
  assert.equal(workspace.status, 201, JSON.stringify(workspace.body));
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('a JSON body of --max-json-size is served; one byte more is 413 in each API\'s shape', { skip }, async () => {
  const show = { model: 'embedder' };
  assert.equal((await call('POST', '/api/show', { raw: paddedJson(show, kJsonBytes) })).status, 200);
  assertRefusal(await call('POST', '/api/show', { raw: paddedJson(show, kJsonBytes + 1) }),
                413, '2 KiB', '--max-json-size');

  const embed = { model: 'embedder', input: 'hello' };
  assert.equal((await call('POST', '/v1/embeddings', { raw: paddedJson(embed, kJsonBytes) })).status, 200);
  const refused = await call('POST', '/v1/embeddings', { raw: paddedJson(embed, kJsonBytes + 1) });
  assertRefusal(refused, 413, '2 KiB', '--max-json-size');
  assert.equal(refused.body.error.type, 'invalid_request_error');

  // hearth's API: the refused workspace is not created.
  assertRefusal(await call('POST', '/api/v1/workspaces',
                           { raw: paddedJson({ slug: 'too-big', embedder: 'embedder' }, kJsonBytes + 1) }),
                413, '2 KiB', '--max-json-size');
  assert.equal((await call('GET', '/api/v1/workspaces/too-big')).status, 404);
  assert.equal((await call('POST', '/api/v1/workspaces',
                           { raw: paddedJson({ slug: 'just-fits', embedder: 'embedder' }, kJsonBytes) })).status, 201);
});

test('JSON nested --max-json-depth deep is served; one level more is 400', { skip }, async () => {
  assert.equal((await call('POST', '/api/show', { raw: nestedJson({ model: 'embedder' }, kJsonDepth) })).status, 200);
  assertRefusal(await call('POST', '/api/show', { raw: nestedJson({ model: 'embedder' }, kJsonDepth + 1) }),
                400, String(kJsonDepth), '--max-json-depth');
  const openai = await call('POST', '/v1/embeddings',
                            { raw: nestedJson({ model: 'embedder', input: 'x' }, kJsonDepth + 1) });
  assertRefusal(openai, 400, String(kJsonDepth), '--max-json-depth');
  assert.equal(openai.body.error.type, 'invalid_request_error');
  const before = await stored();
  assertRefusal(await call('PATCH', '/api/v1/workspaces/limits',
                           { raw: nestedJson({ name: 'renamed' }, kJsonDepth + 1) }),
                400, String(kJsonDepth), '--max-json-depth');
  assert.equal((await call('GET', '/api/v1/workspaces/limits')).body.name, 'limits', 'nothing changed');
  assert.deepEqual(await stored(), before);
});

// Sends `head` (request line and headers, without the final CRLF) on a raw
// connection and resolves to { status, body } of the answer.
function rawRequest(head) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(head + '\r\n'));
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk) => { text += chunk; });
    socket.on('end', () => {
      const status = Number(text.split(' ')[1]);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      let parsed;
      try { parsed = JSON.parse(body); } catch { parsed = body; }
      resolve({ status, body: parsed });
    });
    socket.on('error', reject);
  });
}

// A GET /health whose request line and headers are exactly `bytes` long,
// counted as the server counts them: the request line, and each header as
// "name: value" with its CRLF.
function headOfSize(bytes) {
  const line = 'GET /health HTTP/1.1\r\n';
  const fixed = ['Host: 127.0.0.1\r\n', 'Connection: close\r\n'];
  const padName = 'X-Pad';
  const used = line.length + fixed.join('').length + padName.length + 4;
  return line + fixed.join('') + `${padName}: ${'p'.repeat(bytes - used)}\r\n`;
}

test('headers of --max-header-size are served; one byte more is 431', { skip }, async () => {
  assert.equal((await rawRequest(headOfSize(kHeaderBytes))).status, 200);
  assertRefusal(await rawRequest(headOfSize(kHeaderBytes + 1)), 431, '4 KiB', '--max-header-size');
});

test('an upload request of --max-request-size is served; one byte more is 413 and stores nothing', { skip }, async () => {
  // One small file and a padding field make a body of exactly the limit.
  const sized = (bytes) => {
    const doc = file(100);
    const bare = multipart([doc, { name: 'pad', content: '' }]).length;
    const parts = [doc, { name: 'pad', content: 'z'.repeat(bytes - bare) }];
    assert.equal(multipart(parts).length, bytes);
    return parts;
  };
  const before = await stored();
  assertRefusal(await upload(sized(kRequestBytes + 1)), 413, '16 KiB', '--max-request-size');
  assert.deepEqual(await stored(), before, 'nothing stored');
  const served = await upload(sized(kRequestBytes));
  assert.equal(served.status, 202, JSON.stringify(served.body));
  const after = await stored();
  assert.equal(after.documents, before.documents + 1);
  assert.equal(after.blobs, before.blobs + 1, 'the served upload\'s original is stored (what the refusals are checked against)');
});

test('--max-upload-files and --max-upload-parts: at the limit served, one more 413, nothing stored', { skip }, async () => {
  const before = await stored();
  assertRefusal(await upload([file(10), file(10), file(10)]), 413, String(kUploadFiles), '--max-upload-files');
  assert.deepEqual(await stored(), before);
  assertRefusal(await upload([file(10), file(10), { name: 'a', content: '1' }, { name: 'b', content: '2' }]),
                413, String(kUploadParts), '--max-upload-parts');
  assert.deepEqual(await stored(), before);
  const served = await upload([file(10), file(10), { name: 'note', content: 'three parts' }]);
  assert.equal(served.status, 202, JSON.stringify(served.body));
  assert.equal(served.body.documents.length, kUploadFiles);
  assert.ok(served.body.documents.every((d) => d.document_id > 0), JSON.stringify(served.body));
  assert.equal((await stored()).documents, before.documents + kUploadFiles);
});

test('a document of --max-document-size is served; one byte more is 413 and no file of the upload is stored', { skip }, async () => {
  const before = await stored();
  // The small first file is refused with the big one: an upload is all or nothing.
  assertRefusal(await upload([file(10), file(kDocumentBytes + 1)]), 413, String(kDocumentBytes + 1),
                '--max-document-size');
  assert.deepEqual(await stored(), before);
  assert.equal((await upload([file(kDocumentBytes)])).status, 202);
  assert.equal((await stored()).documents, before.documents + 1);
});

test('file names: --max-filename-length bytes served, one more 400; separators and control characters 400', { skip }, async () => {
  const before = await stored();
  const long = 'n'.repeat(kFilenameBytes - 4) + '.txt';
  assertRefusal(await upload([file(10, 'n' + long)]), 400, String(kFilenameBytes), '--max-filename-length');
  for (const encoded of ['a%2Fb.txt', 'a%5Cb.txt', 'a%01b.txt', '..', 'a%0Ab.txt']) {
    const answer = await upload([{ ...file(10), filename: undefined, filenameStar: encoded }]);
    assert.equal(answer.status, 400, `${encoded}: ${JSON.stringify(answer.body)}`);
    assert.match(answer.body.error, /file name|UTF-8/);
  }
  assert.deepEqual(await stored(), before);
  const served = await upload([file(10, long)]);
  assert.equal(served.status, 202, JSON.stringify(served.body));
  assert.equal(served.body.documents[0].name, long);
});

test('a question of --max-message-size is served; one byte more is 413 and starts no thread', { skip }, async () => {
  const question = 'q'.repeat(kMessageBytes);
  assert.equal((await call('POST', '/api/v1/workspaces/limits/search', { body: { query: question } })).status, 200);
  assertRefusal(await call('POST', '/api/v1/workspaces/limits/search', { body: { query: question + 'q' } }),
                413, String(kMessageBytes), '--max-message-size');
  const threads = async () => (await call('GET', '/api/v1/workspaces/limits/threads')).body.threads.length;
  const before = await threads();
  assertRefusal(await call('POST', '/api/v1/workspaces/limits/chat', { body: { message: question + 'q' } }),
                413, String(kMessageBytes), '--max-message-size');
  assert.equal(await threads(), before);
});

test('a generation asking for more than --max-generation-tokens is 400 before any model loads', { skip }, async () => {
  for (const route of ['/v1/completions', '/v1/chat/completions']) {
    const body = { model: 'stories', max_tokens: kGenerationTokens + 1, prompt: 'Once',
                   messages: [{ role: 'user', content: 'Once' }] };
    const answer = await call('POST', route, { body });
    assertRefusal(answer, 400, String(kGenerationTokens), '--max-generation-tokens');
    assert.equal(answer.body.error.type, 'invalid_request_error');
  }
  for (const route of ['/api/generate', '/api/chat']) {
    const body = { model: 'stories', prompt: 'Once', messages: [{ role: 'user', content: 'Once' }],
                   stream: false, options: { num_predict: kGenerationTokens + 1 } };
    const answer = await call('POST', route, { body });
    assertRefusal(answer, 400, String(kGenerationTokens), '--max-generation-tokens');
    assert.equal(typeof answer.body.error, 'string', 'Ollama\'s error shape');
  }
  const ps = await call('GET', '/api/ps');
  assert.deepEqual(ps.body.models.map((m) => m.name).filter((n) => n.startsWith('stories')), []);
});

test('a generation at --max-generation-tokens is served, and one without a limit is capped at it',
     { skip: skip || (!existsSync(stories) && `test data ${stories} is absent`) }, async () => {
  for (const max_tokens of [kGenerationTokens, undefined]) {
    const answer = await call('POST', '/v1/completions',
                              { body: { model: 'stories', prompt: 'Once upon a time', max_tokens, temperature: 0 } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.ok(answer.body.usage.completion_tokens <= kGenerationTokens, JSON.stringify(answer.body.usage));
  }
  const ollama = await call('POST', '/api/generate', {
    body: { model: 'stories', prompt: 'Once upon a time', stream: false,
            options: { num_predict: kGenerationTokens, temperature: 0 } } });
  assert.equal(ollama.status, 200, JSON.stringify(ollama.body));
  assert.ok(ollama.body.eval_count <= kGenerationTokens, String(ollama.body.eval_count));
  // A workspace chat answer asks for no length: it is capped at the limit too.
  const patched = await call('PATCH', '/api/v1/workspaces/limits', { body: { chat_model: 'stories', temperature: 0 } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  const chat = await call('POST', '/api/v1/workspaces/limits/chat', { body: { message: 'Once upon a time' } });
  assert.equal(chat.status, 200, JSON.stringify(chat.body));
  assert.equal(chat.body.ledger.reserved_for_answer, kGenerationTokens, JSON.stringify(chat.body.ledger));
  assert.ok(chat.body.usage.generated_tokens <= kGenerationTokens, JSON.stringify(chat.body.usage));
});

// Starts a blob upload that sends 10 of its 100 bytes and waits: the request
// is in flight (its handler reads the body) until finish() sends the rest.
function heldUpload(headers) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      const lines = [`POST /api/blobs/sha256:${'0'.repeat(64)} HTTP/1.1`, 'Host: 127.0.0.1',
                     'Content-Length: 100', 'Connection: close',
                     ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
      socket.write(lines.join('\r\n') + '\r\n\r\n' + 'x'.repeat(10));
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk) => { text += chunk; });
      const answered = new Promise((done) => socket.on('end', () => done(Number(text.split(' ')[1]))));
      resolve({ finish: () => { socket.write('x'.repeat(90)); return answered; } });
    });
    socket.on('error', reject);
  });
}

// Sends `probe` until it is refused with 429 (the held request has taken its
// slot by then), and returns that refusal. Probes sent before then are
// served.
async function refusedOnceHeld(probe) {
  for (let attempt = 0; attempt < 500; ++attempt) {
    const answer = await probe();
    if (answer.status === 429) return answer;
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail('the held request never took its slot');
}

test('per-key and per-user caps: at the cap served, one more 429 with Retry-After, nothing done', { skip }, async () => {
  const list = (headers) => call('GET', '/api/v1/workspaces', { headers });
  const create = (headers, slug) => call('POST', '/api/v1/workspaces', { headers, body: { slug, embedder: 'embedder' } });

  // One request of `key` in flight: the key is at its cap (1).
  const first = await heldUpload(key.headers);
  await refusedOnceHeld(() => list(key.headers));
  const byKey = await create(key.headers, 'refused-by-key');
  assertRefusal(byKey, 429, String(kPerKey), '--max-requests-per-key');
  assert.equal(byKey.headers.get('retry-after'), '1');
  assert.equal((await call('GET', '/api/v1/workspaces/refused-by-key', { headers: key2.headers })).status, 404);
  // The user is at 1 of 2: another key of the same user is served (the second in flight).
  assert.equal((await list(key2.headers)).status, 200);

  // Two in flight for the user (through two keys): a third is refused, in
  // the OpenAI shape under /v1.
  const second = await heldUpload(key2.headers);
  const byUser = await refusedOnceHeld(() => call('GET', '/v1/models', { headers: boss.headers }));
  assertRefusal(byUser, 429, String(kPerUser), '--max-requests-per-user');
  assert.equal(byUser.body.error.type, 'rate_limit_error');
  assert.equal(byUser.headers.get('retry-after'), '1');

  // A finished request frees its slot at once.
  assert.equal(await first.finish(), 400, 'the held upload ends (its digest does not match)');
  assert.equal((await create(key.headers, 'served-after')).status, 201);
  assert.equal(await second.finish(), 400);
  assert.equal((await list(boss.headers)).status, 200);
});

test('--io-timeout: a request sent in time is served; a client that stalls past it is disconnected', { skip }, async () => {
  const strict = await startServer(['--io-timeout', '1s']);
  try {
    assert.equal((await fetch(strict.url + '/health')).status, 200);
    // Half a request line, then nothing: the server gives up on it and closes
    // the connection (the test's own timeout bounds the wait).
    const closed = await new Promise((resolve, reject) => {
      const socket = net.connect(strict.port, '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x'));
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk) => { text += chunk; });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    assert.doesNotMatch(closed, /^HTTP\/1\.1 200/, 'the stalled request was not served');
    assert.equal((await fetch(strict.url + '/health')).status, 200, 'the server still serves');
  } finally {
    await strict.stop();
  }
});

test('--http-threads and --http-queue: with the worker busy, one request waits and is served, one more is 503', { skip }, async () => {
  const small = await startServer(['--http-threads', '1', '--http-quick-threads', '0', '--http-queue', '1']);
  try {
    // Half a request holds the only worker.
    const stall = await new Promise((resolve, reject) => {
      const socket = net.connect(small.port, '127.0.0.1', () => {
        socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
        resolve(socket);
      });
      socket.on('error', reject);
    });
    // Let the worker take it off the queue (as serving_load.test.mjs does;
    // nothing on the server can be asked while its only worker is held).
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Two more: whichever comes second finds the queue (1) full.
    const sent = [fetch(small.url + '/api/version'), fetch(small.url + '/api/version')];
    const refused = await Promise.race(sent.map((p, i) => p.then((r) => ({ r, i }))));
    assert.equal(refused.r.status, 503);
    assert.equal(refused.r.headers.get('retry-after'), '2');
    const message = (await refused.r.json()).error;
    assert.match(message, /1 HTTP workers \(--http-threads\).*1 more wait \(--http-queue\)/);
    stall.destroy();
    const waited = await sent[1 - refused.i];
    assert.equal(waited.status, 200, 'the queued request is served once the worker is free');
  } finally {
    await small.stop();
  }
});

// A blob upload that has sent its headers and half its body, then waits: it
// holds a long-request slot (the route's lane is long) and its worker.
// finish() sends the rest and resolves with the status line.
function halfSentBlobUpload(port) {
  const blob = Buffer.from(`blob ${Math.random()} `.repeat(64));
  const digest = 'sha256:' + createHash('sha256').update(blob).digest('hex');
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST /api/blobs/${digest} HTTP/1.1\r\nHost: x\r\nContent-Length: ${blob.length}\r\n` +
                   'Connection: close\r\n\r\n');
      socket.write(blob.subarray(0, blob.length / 2));
      let answer = '';
      socket.on('data', (chunk) => { answer += chunk; });
      const closed = new Promise((done) => socket.on('close', () => done(answer.split('\r\n')[0])));
      resolve({ digest, finish: () => { socket.write(blob.subarray(blob.length / 2)); return closed; } });
    });
    socket.on('error', reject);
  });
}

test('--http-quick-threads: long requests at their cap are served, one more is 503, quick requests still are', { skip }, async () => {
  // 3 workers, 1 kept for quick requests: 2 long requests at once.
  const lanes = await startServer(['--http-threads', '3', '--http-quick-threads', '1']);
  try {
    const held = [await halfSentBlobUpload(lanes.port), await halfSentBlobUpload(lanes.port)];
    await new Promise((resolve) => setTimeout(resolve, 300));  // both routed, both waiting for bytes
    const refused = await fetch(lanes.url + '/api/embed', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', input: 'x' }),
    });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '2');
    assert.match((await refused.json()).error,
                 /busy: 2 long requests .* \(--http-threads 3 minus --http-quick-threads 1\)/);
    const tags = await fetch(lanes.url + '/api/tags');
    assert.equal(tags.status, 200, 'a quick request is served while the long ones hold their workers');
    // The two at the cap were admitted: they complete.
    assert.deepEqual(await Promise.all(held.map((upload) => upload.finish())),
                     ['HTTP/1.1 201 Created', 'HTTP/1.1 201 Created']);
    for (const upload of held) {
      assert.equal((await fetch(`${lanes.url}/api/blobs/${upload.digest}`, { method: 'HEAD' })).status, 200);
    }
    // Their slots are free again: the long request reaches its route (which knows no such model).
    const served = await fetch(lanes.url + '/api/embed', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', input: 'x' }),
    });
    assert.equal(served.status, 404);
  } finally {
    await lanes.stop();
  }
});
