// The server under concurrent load: eight streams on a model with four slots
// give the outputs each gives alone; a client that goes away mid-stream
// cancels its generation and frees the slot; a server whose HTTP workers are
// all busy answers 503 with Retry-After instead of dropping connections.
//
// Uses the real tiny TinyStories model from the shared test data (skips when
// it is absent) and a fixture decoder made by hearth-fixture (random weights:
// it practically never emits end-of-generation, so a long request runs to its
// token limit unless cancelled).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runHearth, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)`
  : !fixtureBin ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)' : false;

let home;
let server;

before(async () => {
  if (skip) return;
  home = tempDir('hearth-serving-load-');
  const hearth = (args) => runHearth(args, { env: { HEARTH_HOME: home.dir } });
  assert.equal(hearth(['create', 'stories', '--from', stories]).status, 0);
  const decoder = path.join(home.dir, 'decoder.gguf');
  const made = spawnSync(fixtureBin, ['llama', '--preset', 'tiny', '--out', decoder], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  assert.equal(hearth(['create', 'random', '--from', decoder]).status, 0);
  server = await startServer(['--threads', '1', '--parallel', '4', '--context', '256'],
                             { env: { HEARTH_HOME: home.dir } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

async function generateAlone(prompt) {
  const response = await fetch(server.url + '/api/generate', {
    method: 'POST',
    body: JSON.stringify({ model: 'stories', prompt, raw: true, stream: false,
                           options: { temperature: 0, num_predict: 24 } }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.response;
}

// Streams one generation; returns the concatenated text and the final line.
async function generateStreamed(prompt) {
  const response = await fetch(server.url + '/api/generate', {
    method: 'POST',
    body: JSON.stringify({ model: 'stories', prompt, raw: true,
                           options: { temperature: 0, num_predict: 24 } }),
  });
  assert.equal(response.status, 200);
  const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
  const final = lines.at(-1);
  assert.equal(final.done, true, JSON.stringify(final));
  return { text: lines.map((line) => line.response ?? '').join(''), final, chunks: lines.length };
}

test('eight concurrent streams on four slots each equal the same request alone', { skip }, async () => {
  const prompts = ['Once upon a time', 'The little dog', 'Lily wanted to', 'One day, a boy',
                   'The sun was', 'Tom and Sue', 'There was a big', 'The cat saw'];
  const alone = [];
  for (const prompt of prompts) alone.push(await generateAlone(prompt));
  const together = await Promise.all(prompts.map((prompt) => generateStreamed(prompt)));
  for (let i = 0; i < prompts.length; ++i) {
    assert.ok(together[i].chunks > 2, `request ${i} streamed in pieces`);
    assert.equal(together[i].text, alone[i], `request ${i} (${prompts[i]})`);
    assert.equal(together[i].final.eval_count, 24);
  }
});

async function metrics() {
  const response = await fetch(server.url + '/metrics');
  assert.equal(response.status, 200);
  return response.text();
}

function sample(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

test('a client that disconnects mid-stream cancels its generation and frees the slot', { skip }, async () => {
  const requested = 1500;
  const controller = new AbortController();
  const response = await fetch(server.url + '/api/generate', {
    method: 'POST',
    signal: controller.signal,
    body: JSON.stringify({ model: 'random', prompt: 'hello', raw: true,
                           options: { temperature: 0, num_predict: requested, num_ctx: 2048 } }),
  });
  assert.equal(response.status, 200);
  const reader = response.body.getReader();
  const first = await reader.read();
  assert.ok(!first.done && first.value.length > 0, 'the stream started');
  controller.abort();

  // The generation ends long before it could have produced `requested`
  // tokens: the model's active requests fall to zero, and the tokens it made
  // (counted even for a cancelled generation) are fewer than requested.
  const active = 'hearth_model_active_requests{model="random:latest"}';
  const deadline = Date.now() + 30_000;
  let text = await metrics();
  while (sample(text, active) !== 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    text = await metrics();
  }
  assert.equal(sample(text, active), 0, 'the slot was freed');
  const generated = sample(text, 'hearth_generated_tokens_total{model="random:latest"}');
  assert.ok(generated > 0 && generated < requested, `generated ${generated} of ${requested} tokens`);

  // The model still serves.
  const after = await fetch(server.url + '/api/generate', {
    method: 'POST',
    body: JSON.stringify({ model: 'random', prompt: 'again', raw: true, stream: false,
                           options: { temperature: 0, num_predict: 4 } }),
  });
  assert.equal(after.status, 200);
  assert.equal((await after.json()).eval_count, 4);
});

// Opens a connection that sends half a request and waits, holding a worker.
function stallingConnection(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write('GET /api/version HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('with every HTTP worker busy and the queue full, requests get 503 and Retry-After', { skip }, async () => {
  const busy = await startServer(['--http-threads', '1', '--http-quick-threads', '0', '--http-queue', '1', '--io-timeout', '60s']);
  const held = [];
  try {
    held.push(await stallingConnection(busy.port));  // taken by the only worker
    await pause(300);
    held.push(await stallingConnection(busy.port));  // waits in the queue
    await pause(300);
    const refused = await fetch(busy.url + '/api/version');
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '2');
    assert.match((await refused.json()).error, /busy/);
  } finally {
    for (const socket of held) socket.destroy();
  }
  // Once the stalled connections are gone, the server serves and counted the refusal.
  let text = '';
  for (let attempt = 0; attempt < 50; ++attempt) {
    const response = await fetch(busy.url + '/metrics');
    if (response.status === 200) {
      text = await response.text();
      break;
    }
    await pause(100);
  }
  assert.ok(sample(text, 'hearth_http_requests_shed_total') >= 1, text.slice(0, 200));
  await busy.stop();
});
