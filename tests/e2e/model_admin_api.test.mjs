// The model-administration HTTP API the web UI's first-run and Models pages
// use: GET /api/v1/doctor (the quantization advice for this machine with the
// server's budget) and POST /api/create with "quantize" (Ollama's form: a
// model from an installed one or an uploaded GGUF blob, quantized by
// llama.cpp in a worker process). Errors are clear and leave the store as it
// was.
//
// Uses the real tiny TinyStories model (F32) from the shared test data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startStoriesServer } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;
const kBudget = 3 * 1024 ** 3;

let home;
let server;

async function call(method, route, body) {
  const init = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(server.url + route, init);
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const parsed = contentType.includes('ndjson')
    ? text.trim().split('\n').map((line) => JSON.parse(line))
    : JSON.parse(text);
  return { status: response.status, body: parsed };
}

const modelNames = async () => (await call('GET', '/api/tags')).body.models.map((m) => m.name).sort();

// Files in the store that are neither blobs nor manifests: a quantize left them.
const strayFiles = () => readdirSync(path.join(home.dir, 'models')).filter((n) => !['blobs', 'manifests'].includes(n));

before(async () => {
  if (skip) return;
  ({ home, server } = await startStoriesServer(stories, ['--threads', '1', '--context', '256', '--memory-budget', '3GiB'],
                                               'hearth-model-admin-'));
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('doctor with no model: advice for each common size with the server budget and an embedder', { skip }, async () => {
  const answer = await call('GET', '/api/v1/doctor');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const report = answer.body;
  assert.equal(report.budget_bytes, kBudget);
  assert.ok(report.machine.total_bytes > 0);
  assert.equal(report.context, 4096);
  assert.equal(report.typical_embedder_assumed, true);
  assert.equal(report.companions[0].role, 'embedder');
  assert.deepEqual(report.advice.map((a) => a.model), ['1B', '3B', '8B', '14B', '32B', '70B']);
  const [small] = report.advice;
  assert.equal(small.recommended, 'q8_0');
  assert.equal(small.suggested_pull, 'llama3.2:1b-instruct-q8_0');
  assert.equal(small.rows.length, 6);
  for (const row of small.rows) {
    assert.equal(row.total_bytes, row.weights_bytes + row.kv_cache_bytes + row.compute_bytes + row.overhead_bytes);
    assert.equal(row.with_companions_bytes, row.total_bytes + report.companions[0].bytes);
    assert.equal(row.fits, row.with_companions_bytes <= kBudget);
  }
  const huge = report.advice.at(-1);
  assert.equal(huge.recommended, null);
  assert.equal(huge.suggested_pull, '');
  assert.ok(['1B', '3B'].includes(report.largest_comfortable), report.largest_comfortable);
});

test('doctor on an installed model and on a size; bad queries are 400 or 404', { skip }, async () => {
  const installed = await call('GET', '/api/v1/doctor?model=stories&ctx=256');
  assert.equal(installed.status, 200, JSON.stringify(installed.body));
  assert.equal(installed.body.advice.length, 1);
  assert.equal(installed.body.advice[0].model, 'stories');
  assert.equal(installed.body.context, 256);
  assert.deepEqual(installed.body.companions, []);

  const sized = await call('GET', '/api/v1/doctor?params=8B&embedder=stories');
  assert.equal(sized.status, 200, JSON.stringify(sized.body));
  assert.equal(sized.body.advice[0].model, '8B');
  assert.equal(sized.body.companions[0].name, 'stories');

  for (const [query, status, pattern] of [
    ['?params=8B&model=stories', 400, /not both/],
    ['?params=lots', 400, /lots/],
    ['?params=8B&ctx=0', 400, /ctx/],
    ['?params=8B&ctx=abc', 400, /ctx/],
    ['?params=8B&ctx=99999999999', 400, /ctx/],
    ['?model=nothing-here', 404, /nothing-here/],
    ['?model=../../etc/passwd', 400, /./],
  ]) {
    const answer = await call('GET', `/api/v1/doctor${query}`);
    assert.equal(answer.status, status, `${query}: ${JSON.stringify(answer.body)}`);
    assert.match(answer.body.error, pattern, query);
  }
});

test('create with quantize streams Ollama status lines and installs the quantized model', { skip }, async () => {
  const answer = await call('POST', '/api/create', {
    model: 'stories:q8', from: 'stories', quantize: 'Q8_0', system: 'Answer in one line.',
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const statuses = answer.body.map((line) => line.status ?? `error: ${line.error}`);
  assert.match(statuses[0], /^quantizing F32 model to q8_0$/);
  assert.match(statuses[1], /^quantized F32 to Q8_0: /);
  assert.equal(statuses.at(-1), 'success');

  const show = await call('POST', '/api/show', { model: 'stories:q8' });
  assert.equal(show.status, 200, JSON.stringify(show.body));
  assert.equal(show.body.details.quantization_level, 'Q8_0');
  assert.equal(show.body.system, 'Answer in one line.');
  const source = await call('POST', '/api/show', { model: 'stories' });
  assert.equal(source.body.details.quantization_level, 'F32', 'the source is unchanged');
  assert.ok((await modelNames()).includes('stories:q8'));
  assert.deepEqual(strayFiles(), []);

  const generated = await call('POST', '/api/generate', {
    model: 'stories:q8', prompt: 'Once upon a time', stream: false, options: { num_predict: 8, temperature: 0 },
  });
  assert.equal(generated.status, 200, JSON.stringify(generated.body));
  assert.ok(generated.body.response.length > 0, 'the quantized model generates');
});

test('create with quantize from an uploaded GGUF blob, without streaming', { skip }, async () => {
  const bytes = readFileSync(stories);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const upload = await fetch(`${server.url}/api/blobs/${digest}`, { method: 'POST', body: bytes });
  assert.ok([200, 201].includes(upload.status), `blob upload: ${upload.status}`);
  const answer = await call('POST', '/api/create', {
    model: 'uploaded:q4', files: { 'stories.gguf': digest }, quantize: 'q4_0', stream: false,
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.deepEqual(answer.body, { status: 'success' });
  const show = await call('POST', '/api/show', { model: 'uploaded:q4' });
  assert.equal(show.body.details.quantization_level, 'Q4_0');
});

test('create with quantize refuses clearly and leaves the store as it was', { skip }, async () => {
  const before = await modelNames();
  for (const [body, status, pattern] of [
    [{ model: 'x', from: 'stories', quantize: 'q3_K_S' }, 400, /quantize.*q4_0, q4_K_M, q5_K_M, q6_K, q8_0/],
    [{ model: 'x', from: 'stories', quantize: 7 }, 400, /quantize/],
    [{ model: 'x', from: 'nothing-here', quantize: 'q8_0' }, 404, /nothing-here/],
    [{ model: 'stories', from: 'stories', quantize: 'q8_0' }, 400, /replace/],
    [{ model: 'x', files: { 'a.gguf': `sha256:${'0'.repeat(64)}` }, quantize: 'q8_0' }, 400, /not uploaded/],
    [{ model: 'x', from: 'stories:q8', quantize: 'q4_0', stream: false }, 412, /already quantized/],
  ]) {
    const answer = await call('POST', '/api/create', body);
    const error = Array.isArray(answer.body) ? answer.body.at(-1).error : answer.body.error;
    assert.equal(answer.status, status, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
    assert.match(error ?? '', pattern, JSON.stringify(body));
  }
  // Streaming too: what can be checked first is refused before any line.
  const streamed = await call('POST', '/api/create', { model: 'x', from: 'stories:q8', quantize: 'q4_0' });
  assert.equal(streamed.status, 412);
  assert.match(streamed.body.error, /already quantized/);
  assert.deepEqual(await modelNames(), before);
  assert.deepEqual(strayFiles(), []);
});

test('pin keeps a model loaded past its keep-alive; unpin lets it go', { skip }, async () => {
  const pinned = await call('POST', '/api/v1/models/pin', { model: 'stories', pinned: true });
  assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
  assert.deepEqual(pinned.body, { model: 'stories:latest', pinned: true });
  // keep_alive 0 unloads an idle model at once, but not a pinned one.
  await call('POST', '/api/generate', { model: 'stories', keep_alive: 0, stream: false });
  const held = (await call('GET', '/api/ps')).body.models.find((m) => m.name === 'stories:latest');
  assert.ok(held, 'the pinned model stays loaded');
  assert.equal(held.hearth.pinned, true);

  const unpinned = await call('POST', '/api/v1/models/pin', { model: 'stories', pinned: false });
  assert.deepEqual(unpinned.body, { model: 'stories:latest', pinned: false });
  await call('POST', '/api/generate', { model: 'stories', keep_alive: 0, stream: false });
  let models = [];
  for (let i = 0; i < 100; i++) {
    models = (await call('GET', '/api/ps')).body.models;
    if (!models.some((m) => m.name === 'stories:latest')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(!models.some((m) => m.name === 'stories:latest'), 'unpinned, keep_alive 0 unloads it');

  for (const [body, status] of [
    [{ model: 'nothing-here', pinned: true }, 404],
    [{ model: 'stories' }, 400],
    [{ model: 'stories', pinned: 'yes' }, 400],
    [{ pinned: true }, 400],
  ]) {
    const answer = await call('POST', '/api/v1/models/pin', body);
    assert.equal(answer.status, status, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
    assert.ok(answer.body.error.length > 0);
  }
});
