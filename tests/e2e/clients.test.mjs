// Real third-party clients against the real `hearth serve`: the official npm
// `ollama` and `openai` packages (pinned in the repo's package.json and
// installed by scripts/setup with `npm ci`), used the way an application
// would use them.
//
// Uses the real tiny TinyStories model from the shared test data (skips when
// it is absent), fixture models made by hearth-fixture, and a registry served
// by this test on loopback for pull.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runHearth, startServer, tempDir } from '../support/hearth_process.mjs';
import { startLoopbackRegistry } from '../support/loopback_registry.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;
const needsEmbedder = skip || (!fixtureBin && 'HEARTH_FIXTURE_BIN is not set');

let home;
let server;
let ollama;  // an Ollama client from the `ollama` package
let openai;  // an OpenAI client from the `openai` package
let registry;  // a loopback Ollama registry serving library/tiny

// Imports a client package by name (resolved from the repo root's
// node_modules). Its absence is a setup bug, so it fails rather than skips.
async function importPackage(name) {
  try {
    return await import(name);
  } catch (error) {
    throw new Error(`the npm package '${name}' is not installed (${error.code ?? error.message}); ` +
                    'run scripts/setup, which installs the test packages with npm ci at the repo root');
  }
}

// The error `promise` rejects with; fails if it resolves.
async function rejectionOf(promise) {
  const error = await promise.then(() => null, (caught) => caught);
  assert.ok(error, 'expected the call to fail');
  return error;
}


before(async () => {
  const { Ollama } = await importPackage('ollama');
  const { default: OpenAI } = await importPackage('openai');
  if (skip) return;
  home = tempDir('hearth-clients-');
  const env = { HEARTH_HOME: home.dir };
  assert.equal(runHearth(['create', 'stories', '--from', stories], { env }).status, 0);
  if (fixtureBin) {
    const embedder = path.join(home.dir, 'embedder.gguf');
    const made = spawnSync(fixtureBin, ['embedder', '--preset', 'tiny', '--out', embedder], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    assert.equal(runHearth(['create', 'embedder', '--from', embedder], { env }).status, 0);
  }
  if (fixtureBin) registry = await startLoopbackRegistry(fixtureBin, home.dir);
  server = await startServer(['--threads', '1', '--context', '256'], { env });
  ollama = new Ollama({ host: server.url });
  openai = new OpenAI({ baseURL: server.url + '/v1', apiKey: 'unused', maxRetries: 0 });
});

after(async () => {
  await server?.stop();
  registry?.close();
  home?.cleanup();
});

const greedy = { temperature: 0, num_predict: 8 };

test('ollama: list() shows the installed models', { skip }, async () => {
  const { models } = await ollama.list();
  const names = models.map((model) => model.name);
  assert.ok(names.includes('stories:latest'), names.join(', '));
  const entry = models.find((model) => model.name === 'stories:latest');
  assert.ok(entry.size > 0);
  assert.match(entry.digest, /^[0-9a-f]{64}$/);
});

test('ollama: show() describes a model', { skip }, async () => {
  const shown = await ollama.show({ model: 'stories' });
  assert.equal(typeof shown.details, 'object');
  assert.equal(shown.details.family, 'llama');
});

test('ollama: show() of an unknown model is a 404 error', { skip }, async () => {
  const error = await rejectionOf(ollama.show({ model: 'no-such-model' }));
  assert.equal(error.status_code, 404);
  assert.match(error.message, /no-such-model/);
});

test('ollama: generate() without streaming returns the whole text', { skip }, async () => {
  const result = await ollama.generate({ model: 'stories', prompt: 'Once upon a time', stream: false,
                                         options: greedy });
  assert.equal(result.done, true);
  assert.equal(result.eval_count, 8);
  assert.ok(result.response.length > 0);
  const again = await ollama.generate({ model: 'stories', prompt: 'Once upon a time', stream: false,
                                        options: greedy });
  assert.equal(again.response, result.response);
});

test('ollama: generate() streaming yields parts through an async iterator', { skip }, async () => {
  const whole = await ollama.generate({ model: 'stories', prompt: 'Once upon a time', stream: false,
                                        options: greedy });
  const stream = await ollama.generate({ model: 'stories', prompt: 'Once upon a time', stream: true,
                                         options: greedy });
  const parts = [];
  for await (const part of stream) parts.push(part);
  assert.ok(parts.length >= 2);
  assert.equal(parts.at(-1).done, true);
  assert.equal(parts.at(-1).done_reason, 'length');
  assert.equal(parts.map((part) => part.response).join(''), whole.response);
});

test('ollama: generate() of an unknown model rejects with 404', { skip }, async () => {
  const error = await rejectionOf(ollama.generate({ model: 'no-such-model', prompt: 'x', stream: false }));
  assert.equal(error.status_code, 404);
  assert.match(error.message, /no-such-model/);
});

test('ollama: embed() returns one vector per input', { skip: needsEmbedder }, async () => {
  const result = await ollama.embed({ model: 'embedder', input: ['a document', 'another one'] });
  assert.equal(result.embeddings.length, 2);
  assert.ok(result.embeddings[0].length > 0);
  assert.equal(result.embeddings[0].length, result.embeddings[1].length);
  assert.notDeepEqual(result.embeddings[0], result.embeddings[1]);
});

test('ollama: ps() lists the loaded models', { skip }, async () => {
  await ollama.generate({ model: 'stories', prompt: 'Once', stream: false, options: { num_predict: 1 } });
  const { models } = await ollama.ps();
  assert.ok(models.some((model) => model.name === 'stories:latest'), JSON.stringify(models));
});

test('ollama: chat() answers as the assistant, streamed and not', { skip }, async () => {
  const messages = [{ role: 'user', content: 'Tell me a story.' }];
  const reply = await ollama.chat({ model: 'stories', messages, stream: false, options: greedy });
  assert.equal(reply.message.role, 'assistant');
  assert.equal(typeof reply.message.content, 'string');
  assert.equal(reply.done, true);
  const stream = await ollama.chat({ model: 'stories', messages, stream: true, options: greedy });
  let text = '';
  let last;
  for await (const part of stream) {
    text += part.message.content;
    last = part;
  }
  assert.equal(last.done, true);
  assert.equal(text, reply.message.content);
});

test('openai: models.list() shows the installed models', { skip }, async () => {
  const ids = [];
  for await (const model of openai.models.list()) ids.push(model.id);
  assert.ok(ids.some((id) => id.startsWith('stories')), ids.join(', '));
});

test('openai: completions.create, streamed and not, agree', { skip }, async () => {
  const request = { model: 'stories', prompt: 'Once upon a time', max_tokens: 8, temperature: 0 };
  const completion = await openai.completions.create(request);
  assert.equal(completion.object, 'text_completion');
  assert.equal(completion.choices.length, 1);
  assert.ok(completion.choices[0].text.length > 0);
  assert.equal(completion.choices[0].finish_reason, 'length');
  assert.equal(completion.usage.completion_tokens, 8);
  const stream = await openai.completions.create({ ...request, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  assert.equal(text, completion.choices[0].text);
});

test('openai: embeddings.create returns one vector per input', { skip: needsEmbedder }, async () => {
  const result = await openai.embeddings.create({ model: 'embedder', input: ['a document', 'another one'] });
  assert.equal(result.data.length, 2);
  assert.deepEqual(result.data.map((item) => item.index), [0, 1]);
  assert.ok(result.data[0].embedding.length > 0);
});

test('openai: chat.completions.create, streamed and not, agree', { skip }, async () => {
  const request = { model: 'stories', messages: [{ role: 'user', content: 'Tell me a story.' }],
                    max_tokens: 8, temperature: 0 };
  const completion = await openai.chat.completions.create(request);
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(typeof completion.choices[0].message.content, 'string');
  const stream = await openai.chat.completions.create({ ...request, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.equal(text, completion.choices[0].message.content);
});

test('openai: an unknown model is a NotFoundError', { skip }, async () => {
  const error = await rejectionOf(
      openai.completions.create({ model: 'no-such-model', prompt: 'x', max_tokens: 1 }));
  assert.equal(error.status, 404);
  assert.match(error.message, /no-such-model/);
});

test('ollama: pull() streams progress and installs the model from a registry', { skip: needsEmbedder }, async () => {
  const name = `127.0.0.1:${registry.port}/library/tiny:latest`;
  const stream = await ollama.pull({ model: name, insecure: true, stream: true });
  const statuses = [];
  let sawBytes = false;
  for await (const part of stream) {
    statuses.push(part.status);
    if (part.total > 0 && part.completed > 0) sawBytes = true;
  }
  assert.equal(statuses.at(-1), 'success', statuses.join(', '));
  assert.ok(sawBytes, 'progress carried completed/total bytes');
  const { models } = await ollama.list();
  const pulled = models.find((model) => model.name === name);
  assert.ok(pulled, models.map((model) => model.name).join(', '));
  assert.equal(`sha256:${pulled.digest}`.length, registry.modelDigest.length);
  const answer = await ollama.generate({ model: name, prompt: 'hi', stream: false,
                                         options: { temperature: 0, num_predict: 2 } });
  assert.equal(answer.eval_count, 2);
});

test('ollama: pull() of a model the registry lacks is an error naming it', { skip: needsEmbedder }, async () => {
  const error = await rejectionOf(
      ollama.pull({ model: `127.0.0.1:${registry.port}/library/absent:latest`, insecure: true, stream: false }));
  assert.match(error.message, /absent/);
  const { models } = await ollama.list();
  assert.ok(!models.some((model) => model.name.includes('absent')));
});

test('ollama: copy() then delete() manage names without touching the original', { skip }, async () => {
  await ollama.copy({ source: 'stories', destination: 'stories-copy' });
  let names = (await ollama.list()).models.map((model) => model.name);
  assert.ok(names.includes('stories-copy:latest') && names.includes('stories:latest'), names.join(', '));
  await ollama.delete({ model: 'stories-copy' });
  names = (await ollama.list()).models.map((model) => model.name);
  assert.ok(!names.includes('stories-copy:latest') && names.includes('stories:latest'), names.join(', '));
  const again = await rejectionOf(ollama.delete({ model: 'stories-copy' }));
  assert.equal(again.status_code, 404);
  const missing = await rejectionOf(ollama.copy({ source: 'no-such-model', destination: 'x' }));
  assert.equal(missing.status_code, 404);
});
