// Ollama's /api/chat against the real binary: the fixture decoder's Llama 3
// chat template, the plain fallback of a model without one (stories260K),
// streaming, `format` enforced by grammar, and refusals (images, tools the
// template cannot render, bad messages). Random weights: the tests check the
// plumbing and shapes, not the words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runHearth, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)`
  : !fixtureBin ? 'HEARTH_FIXTURE_BIN is not set' : false;

let home;
let server;

async function chat(body) {
  const response = await fetch(server.url + '/api/chat', { method: 'POST', body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, text, body: response.headers.get('content-type')?.includes('json') && !text.includes('\n{') ? JSON.parse(text) : null };
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-ollama-chat-');
  const decoder = path.join(home.dir, 'decoder.gguf');
  const made = spawnSync(fixtureBin, ['llama', '--preset', 'tiny', '--out', decoder], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  for (const [name, file] of [['chat', decoder], ['stories', stories]]) {
    const created = runHearth(['create', name, '--from', file], { env: { HEARTH_HOME: home.dir } });
    assert.equal(created.status, 0, created.stderr);
  }
  server = await startServer(['--threads', '1', '--context', '256'], { env: { HEARTH_HOME: home.dir } });
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Hello' },
];

test('a chat answers with an assistant message and Ollama statistics', { skip }, async () => {
  const { status, body, text } = await chat({ model: 'chat', messages, stream: false,
                                             options: { temperature: 0, num_predict: 8 } });
  assert.equal(status, 200, text);
  assert.equal(body.message.role, 'assistant');
  assert.equal(typeof body.message.content, 'string');
  assert.equal(body.done, true);
  assert.ok(['stop', 'length'].includes(body.done_reason));
  // The Llama 3 template wraps each turn in header tokens: far more tokens than the words.
  assert.ok(body.prompt_eval_count > 10, `prompt_eval_count ${body.prompt_eval_count}`);
  for (const field of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_count', 'eval_duration']) {
    assert.equal(typeof body[field], 'number', field);
  }
});

test('streaming chat sends message chunks then a final object', { skip }, async () => {
  const { status, text } = await chat({ model: 'stories', messages: [{ role: 'user', content: 'Once upon a time' }],
                                        options: { temperature: 0, num_predict: 6 } });
  assert.equal(status, 200, text);
  const lines = text.trim().split('\n').map((line) => JSON.parse(line));
  assert.ok(lines.length >= 2);
  assert.ok(lines.slice(0, -1).every((line) => line.done === false && line.message.role === 'assistant'));
  assert.equal(lines.at(-1).done, true);
  assert.equal(lines.at(-1).eval_count, 6);
});

test('format with a JSON schema constrains the reply to matching JSON', { skip }, async () => {
  const format = { type: 'object', properties: { answer: { type: 'boolean' } }, required: ['answer'] };
  const { status, body, text } = await chat({ model: 'chat', messages, stream: false, format,
                                              options: { temperature: 0, num_predict: 40 } });
  assert.equal(status, 200, text);
  if (body.done_reason === 'stop') {
    const parsed = JSON.parse(body.message.content);
    assert.equal(typeof parsed.answer, 'boolean');
  } else {
    assert.match(body.message.content, /^\s*\{/);
  }
});

test('images, tools without template support, and bad messages are refused clearly', { skip }, async () => {
  const images = await chat({ model: 'chat', stream: false,
                              messages: [{ role: 'user', content: 'what is this?', images: ['aGVsbG8='] }] });
  assert.equal(images.status, 400);
  assert.match(images.text, /does not support images/);
  const tools = await chat({ model: 'stories', stream: false, messages,
                             tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] });
  assert.equal(tools.status, 412);
  assert.match(tools.text, /does not support tools/);
  const role = await chat({ model: 'chat', stream: false, messages: [{ role: 'wizard', content: 'x' }] });
  assert.equal(role.status, 400);
  assert.match(role.text, /role/);
  const missing = await chat({ model: 'chat', stream: false });
  assert.equal(missing.status, 400);
  assert.match(missing.text, /messages/);
  const unknown = await chat({ model: 'nope', messages, stream: false });
  assert.equal(unknown.status, 404);
});

async function generate(body) {
  const response = await fetch(server.url + '/api/generate', { method: 'POST', body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, text };
}

test('/api/generate applies the chat template unless raw', { skip }, async () => {
  const base = { model: 'chat', prompt: 'Hello', stream: false, options: { temperature: 0, num_predict: 2 } };
  const templated = await generate({ ...base, system: 'Be brief.' });
  const raw = await generate({ ...base, raw: true });
  assert.equal(templated.status, 200, templated.text);
  assert.equal(raw.status, 200, raw.text);
  // The Llama 3 template adds header tokens around the system and user turns.
  assert.ok(JSON.parse(templated.text).prompt_eval_count > JSON.parse(raw.text).prompt_eval_count + 8);
});

test('/api/generate refuses what it cannot honor before streaming', { skip }, async () => {
  const long = await generate({ model: 'stories', prompt: 'Once upon a time '.repeat(200), raw: true });
  assert.equal(long.status, 400);
  assert.match(long.text, /too long for the context of 256 tokens/);
  const template = await generate({ model: 'chat', prompt: 'x', template: '{{ .Prompt }}' });
  assert.equal(template.status, 400);
  assert.match(template.text, /raw/);
  const images = await generate({ model: 'chat', prompt: 'x', images: ['aGVsbG8='] });
  assert.equal(images.status, 400);
  assert.match(images.text, /does not support images/);
  const format = await generate({ model: 'chat', prompt: 'x', format: 'yaml' });
  assert.equal(format.status, 400);
  assert.match(format.text, /format/);
});

test('a streamed chat whose prompt cannot fit is refused with 400 before any line', { skip }, async () => {
  const long = await chat({ model: 'stories', messages: [{ role: 'user', content: 'Once upon a time '.repeat(200) }] });
  assert.equal(long.status, 400, long.text);
  const body = JSON.parse(long.text);  // one JSON error, no NDJSON stream
  assert.match(body.error, /too long for the context of 256 tokens/);
  assert.match(body.error, /options\.num_ctx/);
});

test('a prompt must leave room for one generated token, streamed or not', { skip }, async () => {
  const body = (n, stream) => ({ model: 'stories', raw: true, prompt: ' a'.repeat(n), stream,
                                 options: { temperature: 0, num_predict: 1 } });
  // The longest prompt accepted (whole answers), by bisection over its length.
  let low = 1;
  let high = 1024;
  while (low + 1 < high) {
    const middle = Math.floor((low + high) / 2);
    if ((await generate(body(middle, false))).status === 200) low = middle; else high = middle;
  }
  const accepted = JSON.parse((await generate(body(low, false))).text);
  assert.ok(accepted.prompt_eval_count < 256, `a prompt of ${accepted.prompt_eval_count} tokens was accepted`);
  // The streamed path draws the line at the same place.
  assert.equal((await generate(body(low, true))).status, 200);
  const refused = [await generate(body(high, false)), await generate(body(high, true))];
  for (const result of refused) {
    assert.equal(result.status, 400, result.text);
    assert.match(result.text, /options\.num_ctx/);
  }
});

test('a chat with no messages loads the model and generates nothing', { skip }, async () => {
  const loaded = await chat({ model: 'stories', messages: [] });
  assert.equal(loaded.status, 200, loaded.text);
  const body = JSON.parse(loaded.text);
  assert.equal(body.done, true);
  assert.equal(body.done_reason, 'load');
  assert.deepEqual(body.message, { role: 'assistant', content: '' });
  assert.equal(body.eval_count, undefined);
  const ps = await (await fetch(server.url + '/api/ps')).json();
  assert.ok(ps.models.some((model) => model.name === 'stories:latest'), JSON.stringify(ps));
  const unloaded = await chat({ model: 'stories', messages: [], keep_alive: 0 });
  assert.equal(unloaded.status, 200, unloaded.text);
  assert.equal(JSON.parse(unloaded.text).done_reason, 'unload');
  const missing = await chat({ model: 'nope', messages: [] });
  assert.equal(missing.status, 404);
});
