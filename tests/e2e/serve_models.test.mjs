// The server runs models in runner processes under the scheduler: generate
// and embed over the Ollama API, `hearth ps` / `hearth stop`, prefix reuse
// across requests, and a runner killed with SIGKILL mid-generation.
//
// Uses the real tiny TinyStories model from the shared test data (skips when
// it is absent) and a fixture embedder made by hearth-fixture.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runHearth, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;

let home;
let server;

function hearth(args) {
  return runHearth(args, { env: { HEARTH_HOME: home.dir, HEARTH_PORT: String(server?.port ?? 0) } });
}

async function post(route, body) {
  const response = await fetch(server.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

// The pids of the server's child processes (its runners).
function childrenOf(pid) {
  const children = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (list) children.push(...list.split(/\s+/).map(Number));
  }
  return children;
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-serve-models-');
  assert.equal(hearth(['create', 'stories', '--from', stories]).status, 0);
  if (fixtureBin) {
    const embedder = path.join(home.dir, 'embedder.gguf');
    const made = spawnSync(fixtureBin, ['embedder', '--preset', 'tiny', '--out', embedder], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    assert.equal(hearth(['create', 'embedder', '--from', embedder]).status, 0);
  }
  server = await startServer(['--threads', '1', '--context', '256'], { env: { HEARTH_HOME: home.dir } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('generate at temperature 0 is deterministic and reports Ollama timings', { skip }, async () => {
  const request = { model: 'stories', prompt: 'Once upon a time', stream: false,
                    options: { temperature: 0, num_predict: 16 } };
  const first = await post('/api/generate', request);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.ok(first.body.response.length > 10);
  assert.equal(first.body.done, true);
  assert.equal(first.body.eval_count, 16);
  for (const field of ['total_duration', 'load_duration', 'prompt_eval_count', 'eval_duration']) {
    assert.equal(typeof first.body[field], 'number', field);
  }
  const second = await post('/api/generate', request);
  assert.equal(second.body.response, first.body.response);
});

test('a prompt that extends the last one prefills only the new tokens', { skip }, async () => {
  const base = 'Once upon a time there was a little girl named Lily.';
  // raw: the prompts are the model's input as they are, so one extends the other.
  const first = await post('/api/generate', { model: 'stories', prompt: base, stream: false, raw: true,
                                              options: { temperature: 0, num_predict: 4 } });
  const extended = base + first.body.response + ' She liked to';
  const second = await post('/api/generate', { model: 'stories', prompt: extended, stream: false, raw: true,
                                               options: { temperature: 0, num_predict: 4 } });
  assert.equal(second.status, 200);
  const cached = second.body.hearth.cached_prompt_tokens;
  assert.ok(cached >= first.body.prompt_eval_count, `cached ${cached}, first prompt ${first.body.prompt_eval_count}`);
  assert.ok(cached < second.body.prompt_eval_count);
});

test('streaming generate sends NDJSON chunks then a final object', { skip }, async () => {
  const response = await fetch(server.url + '/api/generate', {
    method: 'POST',
    body: JSON.stringify({ model: 'stories', prompt: 'Once', options: { temperature: 0, num_predict: 8 } }),
  });
  assert.equal(response.status, 200);
  const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
  assert.ok(lines.length >= 2);
  assert.equal(lines.at(-1).done, true);
  assert.equal(lines.at(-1).done_reason, 'length');
  assert.ok(lines.slice(0, -1).every((line) => line.done === false));
});

test('chat model and embedder stay loaded together: 2 loads for 100 alternating requests',
     { skip: skip || (!fixtureBin && 'HEARTH_FIXTURE_BIN is not set') }, async () => {
  for (let i = 0; i < 100; i++) {
    const result = i % 2
      ? await post('/api/embed', { model: 'embedder', input: ['a document', 'another'] })
      : await post('/api/generate', { model: 'stories', prompt: 'Once', stream: false, options: { num_predict: 2 } });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    if (i % 2) assert.equal(result.body.embeddings.length, 2);
  }
  const ps = await (await fetch(server.url + '/api/ps')).json();
  const names = ps.models.map((model) => model.name).sort();
  assert.deepEqual(names, ['embedder:latest', 'stories:latest']);
  const events = ps.hearth.events;
  assert.equal(events.filter((event) => event.kind === 'load').length, 2);
  assert.equal(events.filter((event) => event.kind === 'unload').length, 0);
  for (const event of events) assert.ok(event.reason.length > 0);
});

test('hearth ps shows the loaded model and hearth stop unloads it', { skip }, async () => {
  const ps = hearth(['ps']);
  assert.equal(ps.status, 0, ps.stderr);
  assert.match(ps.stdout, /^NAME\s+SIZE\s+CONTEXT/m);
  assert.match(ps.stdout, /^stories:latest\s/m);
  assert.match(ps.stdout, /memory: .* of .* budget in use/);
  const stop = hearth(['stop', 'stories']);
  assert.equal(stop.status, 0, stop.stderr);
  assert.doesNotMatch(hearth(['ps']).stdout, /^stories:latest\s/m);
});

test('a runner killed mid-generation fails that request clearly; the next one is served', { skip }, async () => {
  const response = await fetch(server.url + '/api/generate', {
    method: 'POST',
    body: JSON.stringify({ model: 'stories', prompt: 'Once upon a time', options: { num_predict: 16000 } }),
  });
  const reader = response.body.getReader();
  await reader.read();  // the first chunk: generation is under way
  const before = childrenOf(server.child.pid);
  assert.ok(before.length >= 1, 'a runner process is running');
  for (const pid of before) process.kill(pid, 'SIGKILL');
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  const last = JSON.parse(text.trim().split('\n').at(-1));
  assert.match(last.error, /killed by signal 9/);
  const next = await post('/api/generate', { model: 'stories', prompt: 'Once', stream: false,
                                             options: { temperature: 0, num_predict: 4 } });
  assert.equal(next.status, 200, JSON.stringify(next.body));
  const ps = await (await fetch(server.url + '/api/ps')).json();
  assert.ok(ps.hearth.events.some((event) => event.kind === 'crash' && /signal 9/.test(event.reason)));
});

test('bad requests get a clear error and change nothing', { skip }, async () => {
  const missing = await post('/api/generate', { prompt: 'x' });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error, /"model" is required/);
  const unknown = await post('/api/generate', { model: 'nope', prompt: 'x' });
  assert.equal(unknown.status, 404);
  const badOption = await post('/api/generate', { model: 'stories', prompt: 'x', options: { top_k: 'many' } });
  assert.equal(badOption.status, 400);
  assert.match(badOption.body.error, /top_k/);
  const traversal = await post('/api/generate', { model: '../../etc/passwd', prompt: 'x' });
  assert.equal(traversal.status, 400);
  const deep = await fetch(server.url + '/api/generate', { method: 'POST', body: '['.repeat(100) + ']'.repeat(100) });
  assert.equal(deep.status, 400);
});

test('--pin loads a model at start; it survives keep_alive 0 and refuses hearth stop', { skip }, async () => {
  const pinned = await startServer(['--threads', '1', '--context', '256', '--pin', 'stories'],
                                   { env: { HEARTH_HOME: home.dir } });
  try {
    const ps = await (await fetch(pinned.url + '/api/ps')).json();
    assert.equal(ps.models.length, 1);
    assert.equal(ps.models[0].hearth.pinned, true);
    assert.match(ps.models[0].hearth.load_reason, /pinned at start/);
    const once = await fetch(pinned.url + '/api/generate', {
      method: 'POST',
      body: JSON.stringify({ model: 'stories', prompt: 'Once', stream: false, keep_alive: 0,
                             options: { num_predict: 2 } }),
    });
    assert.equal(once.status, 200);
    const stop = runHearth(['stop', 'stories'], { env: { HEARTH_PORT: String(pinned.port) } });
    assert.equal(stop.status, 1);
    assert.match(stop.stderr, /pinned/);
    const after = await (await fetch(pinned.url + '/api/ps')).json();
    assert.equal(after.models.length, 1);
    assert.equal(after.hearth.events.filter((event) => event.kind === 'unload').length, 0);
  } finally {
    await pinned.stop();
  }
});

// A small parser of the Prometheus text format: every line is a comment
// (# HELP / # TYPE) or `name{labels} value`; returns samples by their full key.
function parsePrometheus(text) {
  const samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      assert.match(line, /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/, line);
      continue;
    }
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/);
    assert.ok(match, `not Prometheus text: ${line}`);
    const value = Number(match[3]);
    assert.ok(!Number.isNaN(value) || match[3] === 'NaN', line);
    samples.set(match[1] + (match[2] ?? ''), value);
  }
  return samples;
}

test('/health answers and /metrics is Prometheus text whose counters move', { skip }, async () => {
  const health = await fetch(server.url + '/health');
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });
  const before = parsePrometheus(await (await fetch(server.url + '/metrics')).text());
  const generated = await post('/api/generate', { model: 'stories', prompt: 'Once', stream: false, raw: true,
                                                  options: { num_predict: 3 } });
  assert.equal(generated.status, 200);
  const after = parsePrometheus(await (await fetch(server.url + '/metrics')).text());
  const key = 'hearth_generated_tokens_total{model="stories:latest"}';
  assert.equal(after.get(key), (before.get(key) ?? 0) + 3);
  const requests = 'hearth_http_requests_total{route="/api/generate",method="POST",status="200"}';
  assert.equal(after.get(requests), (before.get(requests) ?? 0) + 1);
  assert.ok(after.get('hearth_memory_budget_bytes') > 0);
  assert.ok(after.get('hearth_model_loaded_bytes{model="stories:latest"}') > 0);
  assert.ok(after.get('hearth_model_events_total{kind="load"}') >= 1);
  assert.ok(after.has('hearth_http_request_duration_seconds_bucket{route="/api/generate",le="+Inf"}'));
});
