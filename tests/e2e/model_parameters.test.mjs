// A model's Modelfile PARAMETERs are the defaults of every request to it:
// num_predict and temperature over /api/generate, /api/chat and OpenAI's
// /v1/completions, overridden by the request's own options, and num_ctx as
// the context the model is loaded with. Uses the real tiny TinyStories model
// from the shared test data (skips when it is absent).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runHearth, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;

let home;
let server;

async function post(route, body) {
  const response = await fetch(server.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-model-parameters-');
  const modelfile = path.join(home.dir, 'Modelfile');
  writeFileSync(modelfile, [
    `FROM ${stories}`,
    'PARAMETER num_predict 5',
    'PARAMETER temperature 0',
    'PARAMETER num_ctx 128',
    '',
  ].join('\n'));
  const created = runHearth(['create', 'terse', '-f', modelfile], { env: { HEARTH_HOME: home.dir } });
  assert.equal(created.status, 0, created.stderr);
  server = await startServer(['--threads', '1', '--context', '256'], { env: { HEARTH_HOME: home.dir } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('generate uses the model\'s num_predict and temperature when the request sets none', { skip }, async () => {
  const request = { model: 'terse', prompt: 'Once upon a time', stream: false };
  const first = await post('/api/generate', request);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.eval_count, 5);
  assert.equal(first.body.done_reason, 'length');
  // temperature 0 is greedy: the same prompt gives the same text.
  const second = await post('/api/generate', request);
  assert.equal(second.body.response, first.body.response);
});

test('the request\'s options override the model\'s parameters', { skip }, async () => {
  const result = await post('/api/generate', { model: 'terse', prompt: 'Once upon a time', stream: false,
                                               options: { num_predict: 3 } });
  assert.equal(result.status, 200, JSON.stringify(result.body));
  assert.equal(result.body.eval_count, 3);
});

test('chat and OpenAI completions take the model\'s parameters too', { skip }, async () => {
  const chat = await post('/api/chat', { model: 'terse', stream: false,
                                         messages: [{ role: 'user', content: 'Once upon a time' }] });
  assert.equal(chat.status, 200, JSON.stringify(chat.body));
  assert.equal(chat.body.eval_count, 5);
  const completion = await post('/v1/completions', { model: 'terse', prompt: 'Once upon a time' });
  assert.equal(completion.status, 200, JSON.stringify(completion.body));
  assert.equal(completion.body.usage.completion_tokens, 5);
  const capped = await post('/v1/completions', { model: 'terse', prompt: 'Once upon a time', max_tokens: 2 });
  assert.equal(capped.body.usage.completion_tokens, 2);
});

test('the model\'s num_ctx is the context it is loaded with, loaded once', { skip }, async () => {
  await post('/api/generate', { model: 'terse', prompt: 'Once', stream: false });
  const ps = await (await fetch(server.url + '/api/ps')).json();
  const terse = ps.models.find((model) => model.name === 'terse:latest');
  assert.ok(terse, JSON.stringify(ps.models));
  assert.equal(terse.context_length, 128);
  const loads = ps.hearth.events.filter((event) => event.kind === 'load' && event.model === 'terse:latest');
  assert.equal(loads.length, 1, JSON.stringify(ps.hearth.events));
});
