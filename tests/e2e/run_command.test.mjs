// `hearth run`: chat with a model of the running server from the terminal,
// one answer from arguments or stdin, or an interactive conversation.
//
// Uses the real tiny TinyStories model from the shared test data (skips when
// it is absent).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { hearthBin, runHearth, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;

let home;
let server;

before(async () => {
  if (skip) return;
  home = tempDir('hearth-run-');
  assert.equal(runHearth(['create', 'stories', '--from', stories], { env: { HEARTH_HOME: home.dir } }).status, 0);
  server = await startServer(['--threads', '1', '--context', '256'], { env: { HEARTH_HOME: home.dir } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

// Runs `hearth run ...` with `input` on stdin (a pipe, not a terminal).
function run(args, input = '', port = server.port) {
  return spawnSync(hearthBin, ['run', ...args], {
    input, encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, HEARTH_HOME: home.dir, HEARTH_PORT: String(port) },
  });
}

test('a prompt on the command line gets one streamed answer', { skip }, () => {
  const result = run(['stories', 'Once upon a time', '--verbose']);
  assert.equal(result.status, 0, result.stderr);
  assert.ok(result.stdout.trim().length > 0);
  assert.match(result.stderr, /eval rate: +[0-9.]+ tokens\/s/);
});

test('piped stdin is the prompt', { skip }, () => {
  const result = run(['stories'], 'Tell me a story about a cat.');
  assert.equal(result.status, 0, result.stderr);
  assert.ok(result.stdout.trim().length > 0);
});

test('an interactive conversation keeps history, clears it, reads multi-line messages, and ends at /bye', { skip }, () => {
  const script = 'Hello there\n/clear\n/nonsense\n"""first line\nsecond line"""\n/bye\nnever sent\n';
  const result = run(['stories', '--interactive'], script);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Cleared the conversation\./);
  assert.match(result.stdout, /Unknown command '\/nonsense'/);
  const answers = result.stdout.split('\n').filter((line) => line.trim() && !/^(Cleared|Unknown)/.test(line));
  assert.ok(answers.length >= 2, result.stdout);
});

test('an unknown model says how to install one', { skip }, () => {
  const result = run(['no-such-model', 'hi']);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /no-such-model/);
  assert.match(result.stderr, /hearth pull no-such-model/);
});

test('without a server it says how to start one', { skip }, () => {
  const result = run(['stories', 'hi'], '', 1);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /is 'hearth serve' running\?/);
});

test('no model is a usage error', { skip }, () => {
  const result = run([]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /usage: hearth run MODEL/);
});
