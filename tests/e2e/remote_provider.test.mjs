// A model entry served by a remote provider: hearth B forwards to hearth A
// (an Ollama-compatible API) on loopback. B lists it, serves generate
// (streamed and not) and embed through it with A's answers, shows it in
// /api/ps with size 0, and answers 503 naming A once A is down.
//
// Uses the real tiny TinyStories model from the shared test data (skips when
// it is absent) and a fixture embedder made by hearth-fixture.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runHearth, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;

let homeA;
let homeB;
let serverA;
let serverB;

function hearthIn(home, args) {
  return runHearth(args, { env: { HEARTH_HOME: home.dir } });
}

async function post(server, route, body) {
  const response = await fetch(server.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

async function postJson(server, route, body) {
  const { status, text } = await post(server, route, body);
  return { status, body: JSON.parse(text) };
}

// raw: hearth sends a remote model's prompt to its provider as is (the
// provider does not apply its template), so the direct request to A is raw too.
const request = (model) => ({ model, prompt: 'Once upon a time', stream: false, raw: true,
                              options: { temperature: 0, num_predict: 8 } });

before(async () => {
  if (skip) return;
  homeA = tempDir('hearth-remote-a-');
  homeB = tempDir('hearth-remote-b-');
  assert.equal(hearthIn(homeA, ['create', 'stories', '--from', stories]).status, 0);
  if (fixtureBin) {
    const embedder = path.join(homeA.dir, 'embedder.gguf');
    const made = spawnSync(fixtureBin, ['embedder', '--preset', 'tiny', '--out', embedder], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    assert.equal(hearthIn(homeA, ['create', 'embedder', '--from', embedder]).status, 0);
  }
  serverA = await startServer(['--threads', '1', '--context', '256'], { env: { HEARTH_HOME: homeA.dir } });
  for (const [name, model] of [['remote-stories', 'stories'], ['remote-embedder', 'embedder']]) {
    const created = hearthIn(homeB, ['create', name, '--remote-url', serverA.url, '--remote-model', model]);
    assert.equal(created.status, 0, created.stderr);
  }
  serverB = await startServer(['--threads', '1', '--context', '256'], { env: { HEARTH_HOME: homeB.dir } });
});

after(async () => {
  await serverB?.stop();
  await serverA?.stop();
  homeA?.cleanup();
  homeB?.cleanup();
});

test('list and /api/tags show the remote entry', { skip }, async () => {
  const listed = hearthIn(homeB, ['list']);
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /remote-stories/);
  const tags = await (await fetch(serverB.url + '/api/tags')).json();
  const entry = tags.models.find((m) => m.name.startsWith('remote-stories'));
  assert.ok(entry, JSON.stringify(tags));
  assert.equal(entry.details.family, 'remote');
});

test('generate through B equals A\'s answer, and B holds it with size 0', { skip }, async () => {
  const direct = await postJson(serverA, '/api/generate', request('stories'));
  assert.equal(direct.status, 200, JSON.stringify(direct.body));
  const forwarded = await postJson(serverB, '/api/generate', request('remote-stories'));
  assert.equal(forwarded.status, 200, JSON.stringify(forwarded.body));
  assert.ok(direct.body.response.length > 0);
  assert.equal(forwarded.body.response, direct.body.response);
  assert.equal(forwarded.body.eval_count, direct.body.eval_count);
  const ps = await (await fetch(serverB.url + '/api/ps')).json();
  const loaded = ps.models.find((m) => m.name.startsWith('remote-stories'));
  assert.ok(loaded, JSON.stringify(ps));
  assert.equal(loaded.size, 0);
});

test('streaming through B delivers the same text in pieces', { skip }, async () => {
  const direct = await postJson(serverA, '/api/generate', request('stories'));
  const { status, text } = await post(serverB, '/api/generate', { ...request('remote-stories'), stream: true });
  assert.equal(status, 200, text);
  const lines = text.trim().split('\n').map((line) => JSON.parse(line));
  assert.ok(lines.length > 2, text);
  assert.equal(lines.at(-1).done, true);
  assert.equal(lines.map((line) => line.response).join(''), direct.body.response);
});

test('embed through B equals A\'s vectors', { skip: skip || (!fixtureBin && 'HEARTH_FIXTURE_BIN is not set') }, async () => {
  const body = { input: ['hello world', 'a second input'] };
  const direct = await postJson(serverA, '/api/embed', { model: 'embedder', ...body });
  assert.equal(direct.status, 200, JSON.stringify(direct.body));
  const forwarded = await postJson(serverB, '/api/embed', { model: 'remote-embedder', ...body });
  assert.equal(forwarded.status, 200, JSON.stringify(forwarded.body));
  assert.equal(forwarded.body.embeddings.length, 2);
  for (let i = 0; i < 2; ++i) {
    assert.equal(forwarded.body.embeddings[i].length, direct.body.embeddings[i].length);
    forwarded.body.embeddings[i].forEach((value, j) =>
      assert.ok(Math.abs(value - direct.body.embeddings[i][j]) < 1e-5));
  }
});

test('with A down, B answers 503 naming the provider', { skip }, async () => {
  const url = serverA.url;
  await serverA.stop();
  serverA = undefined;
  const answer = await postJson(serverB, '/api/generate', request('remote-stories'));
  assert.equal(answer.status, 503, JSON.stringify(answer.body));
  assert.match(answer.body.error, /cannot reach remote provider/);
  assert.ok(answer.body.error.includes(url), answer.body.error);
});
