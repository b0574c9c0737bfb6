// GET /api/v1/system: the memory budget, what each loaded model holds, the
// scheduler's recent load/unload events with their reasons, and a few live
// counts — what the web UI's Models and System pages show.
//
// Uses the real tiny TinyStories model from the shared test data (skips when
// it is absent).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startStoriesServer } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;

let home;
let server;

async function call(method, route, body) {
  const init = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(server.url + route, init);
  return { status: response.status, body: await response.json() };
}

before(async () => {
  if (skip) return;
  ({ home, server } = await startStoriesServer(stories, ['--threads', '1', '--context', '256', '--memory-budget', '3GiB'],
                                               'hearth-system-status-'));
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('before any load: the budget, nothing held, no events', { skip }, async () => {
  const answer = await call('GET', '/api/v1/system');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const version = await call('GET', '/api/version');
  assert.equal(answer.body.version, version.body.version);
  assert.equal(answer.body.memory.budget_bytes, 3 * 1024 ** 3);
  assert.equal(answer.body.memory.used_bytes, 0);
  assert.deepEqual(answer.body.memory.models, []);
  assert.deepEqual(answer.body.events, []);
  assert.equal(answer.body.metrics.loaded_models, 0);
  assert.equal(answer.body.metrics.loads, 0);
});

test('a loaded model shows what it holds; unloading it is an event with its reason', { skip }, async () => {
  const load = await call('POST', '/api/generate', { model: 'stories', keep_alive: '30m', stream: false });
  assert.equal(load.status, 200, JSON.stringify(load.body));
  assert.equal(load.body.done_reason, 'load');

  const loaded = (await call('GET', '/api/v1/system')).body;
  assert.equal(loaded.memory.models.length, 1);
  const [model] = loaded.memory.models;
  assert.equal(model.name, 'stories:latest');
  assert.ok(model.bytes > 0, 'a loaded model holds memory');
  assert.equal(model.context, 256);
  assert.equal(model.pinned, false);
  assert.match(model.expires_at, /^\d{4}-\d\d-\d\dT/, 'an idle model with a keep-alive expires');
  assert.equal(loaded.memory.used_bytes, model.bytes);
  assert.equal(loaded.metrics.loaded_models, 1);
  assert.equal(loaded.metrics.loads, 1);
  const loadEvent = loaded.events.at(-1);
  assert.equal(loadEvent.kind, 'load');
  assert.equal(loadEvent.model, 'stories:latest');
  assert.ok(loadEvent.reason.length > 0);

  const unload = await call('POST', '/api/generate', { model: 'stories', keep_alive: 0, stream: false });
  assert.equal(unload.status, 200, JSON.stringify(unload.body));
  let after;
  for (let i = 0; i < 100; i++) {  // the unload happens once the model is idle
    after = (await call('GET', '/api/v1/system')).body;
    if (after.memory.models.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(after.memory.models, []);
  assert.equal(after.memory.used_bytes, 0);
  const unloadEvent = after.events.at(-1);
  assert.equal(unloadEvent.kind, 'unload');
  assert.match(unloadEvent.reason, /keep_alive/);
  assert.equal(after.metrics.unloads, 1);
});

test('the route answers only GET', { skip }, async () => {
  const answer = await fetch(server.url + '/api/v1/system', { method: 'POST', body: '{}',
                                                              headers: { 'content-type': 'application/json' } });
  assert.equal(answer.status, 404);
});
