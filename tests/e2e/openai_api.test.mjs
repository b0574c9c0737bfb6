// The OpenAI-compatible API under /v1, over plain fetch: /v1/models,
// completions (whole and as SSE), embeddings (float and base64), rerank,
// chat completions, and errors in OpenAI's shape.
//
// Uses the real tiny TinyStories model from the shared test data (skips when
// it is absent) and fixture models made by hearth-fixture (an embedder, a
// reranker, and a decoder with a Llama 3 chat template).
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
const skipFixtures = skip || (!fixtureBin && 'HEARTH_FIXTURE_BIN is not set');

let home;
let server;

function hearth(args) {
  return runHearth(args, { env: { HEARTH_HOME: home.dir } });
}

function installFixture(kind, name) {
  const file = path.join(home.dir, `${name}.gguf`);
  const made = spawnSync(fixtureBin, [kind, '--preset', 'tiny', '--out', file], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const created = hearth(['create', name, '--from', file]);
  assert.equal(created.status, 0, created.stderr);
}

async function post(route, body) {
  const response = await fetch(server.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

// Posts with stream: true and returns the SSE events: parsed JSON objects,
// and the string '[DONE]' for the terminator.
async function postStream(route, body) {
  const response = await fetch(server.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/event-stream/);
  const text = await response.text();
  assert.ok(text.endsWith('\n\n'), 'every event ends with a blank line');
  return text.trim().split('\n\n').map((event) => {
    assert.ok(event.startsWith('data: '), event);
    const data = event.slice('data: '.length);
    return data === '[DONE]' ? data : JSON.parse(data);
  });
}

// Asserts OpenAI's error shape and returns the message.
function openAiError(result, status) {
  assert.equal(result.status, status, JSON.stringify(result.body));
  const error = result.body.error;
  assert.equal(typeof error, 'object', JSON.stringify(result.body));
  for (const key of ['message', 'type', 'code']) assert.equal(typeof error[key], 'string', key);
  assert.ok(error.message.length > 0);
  return error;
}

function decodeFloat32(base64) {
  const bytes = Buffer.from(base64, 'base64');
  assert.equal(bytes.length % 4, 0);
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-openai-');
  assert.equal(hearth(['create', 'stories', '--from', stories]).status, 0);
  if (fixtureBin) {
    installFixture('embedder', 'embedder');
    installFixture('reranker', 'reranker');
    installFixture('llama', 'chat');
  }
  server = await startServer(['--threads', '1', '--context', '256'], { env: { HEARTH_HOME: home.dir } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('/v1/models lists the installed models', { skip }, async () => {
  const response = await fetch(server.url + '/v1/models');
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.object, 'list');
  const ids = body.data.map((model) => model.id);
  assert.ok(ids.includes('stories:latest'), ids.join());
  for (const model of body.data) {
    assert.equal(model.object, 'model');
    assert.equal(typeof model.created, 'number');
    assert.equal(typeof model.owned_by, 'string');
  }
  const one = await fetch(server.url + '/v1/models/stories');
  assert.equal((await one.json()).id, 'stories:latest');
  const missing = await fetch(server.url + '/v1/models/absent');
  openAiError({ status: missing.status, body: await missing.json() }, 404);
});

const completion = { model: 'stories', prompt: 'Once upon a time', temperature: 0, max_tokens: 16 };

test('completions at temperature 0 are deterministic and count usage', { skip }, async () => {
  const first = await post('/v1/completions', completion);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.object, 'text_completion');
  assert.match(first.body.id, /^cmpl-/);
  assert.equal(first.body.model, 'stories:latest');
  const choice = first.body.choices[0];
  assert.equal(first.body.choices.length, 1);
  assert.ok(choice.text.length > 10);
  assert.equal(choice.finish_reason, 'length');
  const usage = first.body.usage;
  assert.equal(usage.completion_tokens, 16);
  assert.ok(usage.prompt_tokens > 0);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  const second = await post('/v1/completions', completion);
  assert.equal(second.body.choices[0].text, choice.text);
});

test('a stop string ends the completion before it', { skip }, async () => {
  const whole = await post('/v1/completions', completion);
  const text = whole.body.choices[0].text;
  const stop = text.slice(4, 7);
  const stopped = await post('/v1/completions', { ...completion, stop: [stop] });
  assert.equal(stopped.status, 200);
  assert.equal(stopped.body.choices[0].finish_reason, 'stop');
  assert.equal(stopped.body.choices[0].text, text.slice(0, text.indexOf(stop)));
});

test('streamed completions are SSE chunks ending with [DONE], with usage when asked', { skip }, async () => {
  const whole = await post('/v1/completions', completion);
  const events = await postStream('/v1/completions', { ...completion, stream_options: { include_usage: true } });
  assert.equal(events.at(-1), '[DONE]');
  const usageChunk = events.at(-2);
  assert.deepEqual(usageChunk.choices, []);
  assert.deepEqual(usageChunk.usage, whole.body.usage);
  const chunks = events.slice(0, -2);
  assert.ok(chunks.length >= 2);
  assert.equal(chunks.map((chunk) => chunk.choices[0].text).join(''), whole.body.choices[0].text);
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'length');
  assert.ok(chunks.slice(0, -1).every((chunk) => chunk.choices[0].finish_reason === null));
  assert.ok(chunks.every((chunk) => chunk.id === chunks[0].id));

  const plain = await postStream('/v1/completions', completion);
  assert.equal(plain.at(-1), '[DONE]');
  assert.ok(plain.every((event) => event === '[DONE]' || event.usage === undefined));
});

test('a prompt longer than the context is refused, naming both numbers', { skip }, async () => {
  const prompt = 'Once upon a time there was a little girl. '.repeat(60);
  const result = await post('/v1/completions', { model: 'stories', prompt, max_tokens: 4 });
  const error = openAiError(result, 400);
  assert.equal(error.type, 'invalid_request_error');
  assert.match(error.message, /256/);
  assert.ok((error.message.match(/\d+/g) ?? []).length >= 2, error.message);
  // The server still answers.
  assert.equal((await post('/v1/completions', completion)).status, 200);
});

test('a streamed request whose prompt cannot fit is refused with 400 before any event', { skip }, async () => {
  const long = 'Once upon a time there was a little girl. '.repeat(60);
  const requests = [
    ['/v1/completions', { model: 'stories', prompt: long, max_tokens: 4, stream: true }],
    ['/v1/chat/completions', { model: 'stories', messages: [{ role: 'user', content: long }], max_tokens: 4, stream: true }],
  ];
  for (const [route, body] of requests) {
    const result = await post(route, body);
    const error = openAiError(result, 400);
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, /256/, route);
    assert.match(error.message, /num_ctx/, route);
  }
});

test('errors raised before routing have OpenAI\'s shape on /v1 paths', { skip }, async () => {
  const missing = await fetch(server.url + '/v1/no/such/route');
  const error = openAiError({ status: missing.status, body: await missing.json() }, 404);
  assert.match(error.message, /no route/);
  const ollama = await fetch(server.url + '/api/no/such/route');
  assert.equal(ollama.status, 404);
  assert.equal(typeof (await ollama.json()).error, 'string');
});

test('dimensions is checked before the model runs, and against its length after', { skip: skipFixtures }, async () => {
  for (const dimensions of [0, -1, 'eight']) {
    const error = openAiError(await post('/v1/embeddings', { model: 'embedder', input: 'x', dimensions }), 400);
    assert.match(error.message, /dimensions/);
  }
  // An invalid value is refused even for a model that is not installed: nothing ran.
  openAiError(await post('/v1/embeddings', { model: 'absent', input: 'x', dimensions: 0 }), 400);
  const whole = await post('/v1/embeddings', { model: 'embedder', input: 'x' });
  assert.equal(whole.status, 200);
  const length = whole.body.data[0].embedding.length;
  assert.equal((await post('/v1/embeddings', { model: 'embedder', input: 'x', dimensions: length })).status, 200);
  assert.match(openAiError(await post('/v1/embeddings', { model: 'embedder', input: 'x', dimensions: length + 1 }), 400).message,
               new RegExp(`must be ${length}`));
});

test('bad requests get OpenAI-shaped errors', { skip }, async () => {
  assert.match(openAiError(await post('/v1/completions', { ...completion, n: 2 }), 400).message, /"n" must be 1/);
  openAiError(await post('/v1/completions', '{"model": "stories", '), 400);
  openAiError(await post('/v1/completions', { prompt: 'x' }), 400);
  openAiError(await post('/v1/completions', { ...completion, temperature: 'hot' }), 400);
  openAiError(await post('/v1/completions', { ...completion, model: 'absent' }), 404);
  openAiError(await post('/v1/embeddings', { model: 'stories' }), 400);
  openAiError(await post('/v1/rerank', { model: 'stories', query: 'q' }), 400);
  openAiError(await post('/v1/chat/completions', { model: 'stories', messages: [] }), 400);
});

test('embeddings as floats and as base64 decode to the same numbers', { skip: skipFixtures }, async () => {
  const input = ['a document about cats', 'another about the sea'];
  const floats = await post('/v1/embeddings', { model: 'embedder', input });
  assert.equal(floats.status, 200, JSON.stringify(floats.body));
  assert.equal(floats.body.object, 'list');
  assert.equal(floats.body.data.length, 2);
  assert.ok(floats.body.usage.prompt_tokens > 0);
  const encoded = await post('/v1/embeddings', { model: 'embedder', input, encoding_format: 'base64' });
  assert.equal(encoded.status, 200);
  for (const i of [0, 1]) {
    const row = floats.body.data[i];
    assert.equal(row.object, 'embedding');
    assert.equal(row.index, i);
    assert.ok(row.embedding.length > 0);
    const decoded = decodeFloat32(encoded.body.data[i].embedding);
    assert.equal(decoded.length, row.embedding.length);
    decoded.forEach((value, k) => assert.ok(Math.abs(value - row.embedding[k]) <= 1e-6 * Math.max(1, Math.abs(value))));
  }
  assert.notDeepEqual(floats.body.data[0].embedding, floats.body.data[1].embedding);
  openAiError(await post('/v1/embeddings', { model: 'embedder', input: 'x', dimensions: 3 }), 400);
});

test('rerank returns results sorted by relevance_score, honoring top_n', { skip: skipFixtures }, async () => {
  const documents = ['the cat sat', 'stock prices fell', 'a kitten purred', 'rain in spain'];
  const all = await post('/v1/rerank', { model: 'reranker', query: 'cats', documents });
  assert.equal(all.status, 200, JSON.stringify(all.body));
  const results = all.body.results;
  assert.equal(results.length, 4);
  assert.deepEqual(results.map((row) => row.index).sort(), [0, 1, 2, 3]);
  for (let i = 1; i < results.length; i++) {
    assert.ok(results[i - 1].relevance_score >= results[i].relevance_score);
  }
  const top = await post('/v1/rerank', { model: 'reranker', query: 'cats', documents, top_n: 2, return_documents: true });
  assert.equal(top.status, 200);
  assert.equal(top.body.results.length, 2);
  assert.deepEqual(top.body.results.map((row) => row.index), results.slice(0, 2).map((row) => row.index));
  assert.equal(top.body.results[0].document.text, documents[results[0].index]);
});

const chat = { model: 'chat', messages: [{ role: 'user', content: 'Hello' }], temperature: 0, max_tokens: 8 };

test('chat completions answer as the assistant, whole and streamed', { skip: skipFixtures }, async () => {
  const whole = await post('/v1/chat/completions', chat);
  assert.equal(whole.status, 200, JSON.stringify(whole.body));
  assert.equal(whole.body.object, 'chat.completion');
  assert.match(whole.body.id, /^chatcmpl-/);
  const choice = whole.body.choices[0];
  assert.equal(choice.message.role, 'assistant');
  assert.equal(typeof choice.message.content, 'string');
  assert.ok(['stop', 'length'].includes(choice.finish_reason));
  assert.ok(whole.body.usage.prompt_tokens > 3, 'the template wraps the message');
  const events = await postStream('/v1/chat/completions', { ...chat, stream_options: { include_usage: true } });
  assert.equal(events.at(-1), '[DONE]');
  assert.deepEqual(events.at(-2).usage, whole.body.usage);
  const chunks = events.slice(0, -2);
  assert.equal(chunks[0].object, 'chat.completion.chunk');
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  assert.equal(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join(''), choice.message.content);
  assert.equal(chunks.at(-1).choices[0].finish_reason, choice.finish_reason);
});

test('response_format json_schema constrains the chat reply', { skip: skipFixtures }, async () => {
  const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
  const result = await post('/v1/chat/completions', {
    ...chat, max_tokens: 64, response_format: { type: 'json_schema', json_schema: { name: 'r', schema } },
  });
  assert.equal(result.status, 200, JSON.stringify(result.body));
  const reply = JSON.parse(result.body.choices[0].message.content);
  assert.equal(typeof reply.ok, 'boolean');
});

test('tools for a template without tool support are refused clearly', { skip: skipFixtures }, async () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
  const error = openAiError(await post('/v1/chat/completions', { ...chat, tools }), 412);
  assert.match(error.message, /chat:latest/);
  assert.match(error.message, /does not support tools/);
  // tool_choice "none" drops the tools, so the request is served.
  assert.equal((await post('/v1/chat/completions', { ...chat, tools, tool_choice: 'none' })).status, 200);
});

test('images for a text-only model are refused clearly', { skip: skipFixtures }, async () => {
  const messages = [{ role: 'user', content: [
    { type: 'text', text: 'What is this?' },
    { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
  ] }];
  const error = openAiError(await post('/v1/chat/completions', { ...chat, messages }), 400);
  assert.match(error.message, /text-only/);
  assert.match(error.message, /image_url/);
});
