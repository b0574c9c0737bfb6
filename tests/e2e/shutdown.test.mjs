// Graceful shutdown of `hearth serve`: on SIGTERM/SIGINT it stops accepting
// connections, gives in-flight requests --shutdown-timeout to finish, then
// cancels the generations still running and exits 0.
//
// Uses the real tiny TinyStories model from the shared test data (skips when
// it is absent).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runHearth, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;

// Far longer than any grace period here: only a cancellation ends it.
const kHangGuardMs = 60_000;

let home;

before(() => {
  if (skip) return;
  home = tempDir('hearth-shutdown-');
  const created = runHearth(['create', 'stories', '--from', stories], { env: { HEARTH_HOME: home.dir } });
  assert.equal(created.status, 0, created.stderr);
});

after(() => home?.cleanup());

// The model's whole context (2048 tokens): a generation that fills it takes
// seconds, far longer than the 1s grace period below.
function startStories(extraArgs) {
  return startServer(['--threads', '1', '--context', '2048', ...extraArgs], { env: { HEARTH_HOME: home.dir } });
}

// Starts a streamed generation and waits for its first chunk. Returns a
// reader of the rest.
async function startStream(server, numPredict) {
  const response = await fetch(server.url + '/api/generate', {
    method: 'POST',
    body: JSON.stringify({ model: 'stories', prompt: 'Once upon a time',
                           options: { num_predict: numPredict } }),
  });
  assert.equal(response.status, 200);
  const reader = response.body.getReader();
  const first = await reader.read();
  assert.equal(first.done, false);
  return { reader, text: new TextDecoder().decode(first.value) };
}

// Reads the stream to its end; resolves to its NDJSON lines.
async function readRest({ reader, text }) {
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text.trim().split('\n').map((line) => JSON.parse(line));
}

// Resolves to the server's exit, or rejects after kHangGuardMs.
function exitOf(server) {
  let timer;
  const guard = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`server still running; log:\n${server.logs()}`)), kHangGuardMs);
  });
  return Promise.race([server.exited, guard]).finally(() => clearTimeout(timer));
}

test('SIGTERM cancels a never-ending stream after the grace period and exits 0',
     { skip }, async () => {
  const server = await startStories(['--shutdown-timeout', '1s']);
  try {
    const stream = await startStream(server, 16000);
    server.child.kill('SIGTERM');
    const lines = await readRest(stream);
    const last = lines.at(-1);
    assert.match(last.error ?? '', /server is shutting down/, JSON.stringify(last));
    assert.ok(lines.slice(0, -1).every((line) => line.done === false));
    const { code, signal } = await exitOf(server);
    assert.equal(signal, null);
    assert.equal(code, 0, server.logs());
    assert.match(server.logs(), /received Terminated; shutting down \(in-flight requests have up to 1s\)/);
    assert.match(server.logs(), /still running after 1s \(--shutdown-timeout\); cancelling them/);
  } finally {
    server.child.kill('SIGKILL');
  }
});

test('SIGTERM stops accepting new connections at once', { skip }, async () => {
  const server = await startStories(['--shutdown-timeout', '30s']);
  try {
    const stream = await startStream(server, 16000);
    server.child.kill('SIGTERM');
    // The listener closes right after the signal is noticed; until then a
    // connection may still be accepted.
    let refused = null;
    for (let attempt = 0; attempt < 100 && !refused; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      refused = await fetch(server.url + '/api/version').then(() => null, (error) => error);
    }
    assert.ok(refused, 'a new connection was still accepted after SIGTERM');
    assert.equal(refused.cause?.code, 'ECONNREFUSED', String(refused.cause));
    // The stream in flight is still being served within its grace period.
    const more = await stream.reader.read();
    assert.equal(more.done, false);
    await stream.reader.cancel();
    const { code } = await exitOf(server);
    assert.equal(code, 0, server.logs());
  } finally {
    server.child.kill('SIGKILL');
  }
});

test('SIGINT with nothing in flight exits 0 without waiting for the grace period', { skip }, async () => {
  const server = await startStories(['--shutdown-timeout', '10m']);
  try {
    server.child.kill('SIGINT');
    const { code, signal } = await exitOf(server);
    assert.equal(signal, null);
    assert.equal(code, 0, server.logs());
    assert.doesNotMatch(server.logs(), /cancelling them/);
  } finally {
    server.child.kill('SIGKILL');
  }
});

test('a negative --shutdown-timeout is refused before the server starts', { skip }, async () => {
  const result = runHearth(['serve', '--port', '0', '--shutdown-timeout', '-1s'],
                           { env: { HEARTH_HOME: home.dir } });
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /--shutdown-timeout must not be negative/);
});
