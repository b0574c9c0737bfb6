// Asking a workspace, end to end: documents are ingested with a fixture
// embedder (random weights: the vectors carry no meaning, so these tests
// lean on the lexical retriever for relevance), and answered by
// stories260K, a real but tiny llama whose answers are nonsense: the tests
// check the plumbing (sources, pages, ledger, trace, threads, prefix reuse,
// refusals, limits), never the wording.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { hearthBin, startServer, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)`
  : !fixtureBin ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)' : false;

let home;
let server;

const walrusText = [
  '# Walrus field notes',
  '',
  'The walrus uses its long tusks to haul its heavy body out of icy water onto the floe.',
  '',
  '## Diet',
  '',
  'A walrus eats clams from the sea floor, finding them with its sensitive whiskers.',
  '',
  '## Range',
  '',
  'Walrus herds live around the Arctic, resting on sea ice between dives.',
].join('\n');

const otterText = [
  '# Otter notes',
  '',
  'Sea otters float on their backs and crack shellfish open with stones.',
  '',
  'Otters have the densest fur of any animal, which keeps them warm in cold water.',
].join('\n');

// Many short paragraphs about one topic: more retrieved text than a small budget holds.
const beaverText = Array.from({ length: 40 }, (_, i) =>
  `Beaver lodge note ${i}: the beaver builds dams of branches and mud across the stream, ` +
  `and the lodge keeps the beaver family dry through the winter season number ${i}.`).join('\n\n');

function hearth(args) {
  return new Promise((resolve) => {
    const child = spawn(hearthBin, args, { env: { ...process.env, HEARTH_HOME: home.dir, HEARTH_PORT: String(server.port) } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function api(method, route, body) {
  const response = await fetch(server.url + route, {
    method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  return { status: response.status, body: parsed, headers: response.headers };
}

async function waitForJobs(slug) {
  for (let i = 0; i < 600; ++i) {
    const docs = (await api('GET', `/api/v1/workspaces/${slug}/documents`)).body.documents;
    if (docs.every((doc) => doc.status === 'ready' || doc.status === 'failed')) return docs;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('ingestion did not finish');
}

async function makeWorkspace(slug, settings, files) {
  const created = await api('POST', '/api/v1/workspaces', { slug, embedder: 'embedder', chat_model: 'stories',
    chunk_tokens: 48, chunk_overlap_tokens: 8, temperature: 0, ...settings });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const form = new FormData();
  for (const [name, text] of files) form.append('file', new Blob([text]), name);
  const uploaded = await fetch(`${server.url}/api/v1/workspaces/${slug}/documents`, { method: 'POST', body: form });
  assert.equal(uploaded.status, 202);
  const docs = await waitForJobs(slug);
  for (const doc of docs) assert.equal(doc.status, 'ready', JSON.stringify(doc));
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-chat-');
  const embedder = path.join(home.dir, 'embedder.gguf');
  const made = spawnSync(fixtureBin, ['embedder', '--preset', 'tiny', '--out', embedder], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const env = { ...process.env, HEARTH_HOME: home.dir };
  for (const [name, file] of [['embedder', embedder], ['stories', stories]]) {
    const created = spawnSync(hearthBin, ['create', name, '--from', file], { env, encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
  }
  server = await startServer(['--threads', '1'], { env: { HEARTH_HOME: home.dir } });
  await makeWorkspace('animals', { context_budget_tokens: 150, top_k: 4 },
                      [['walrus.md', walrusText], ['otter.md', otterText]]);
  await makeWorkspace('beavers', { context_budget_tokens: 120, top_k: 20 }, [['beaver.md', beaverText]]);
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('search returns scored chunks with their documents, retrievers and a trace', { skip }, async () => {
  const found = await api('POST', '/api/v1/workspaces/animals/search', { query: 'walrus tusks' });
  assert.equal(found.status, 200, JSON.stringify(found.body));
  const top = found.body.results[0];
  assert.equal(top.document, 'Walrus field notes');
  assert.match(top.text, /tusks/);
  assert.ok(top.retrievers.some((r) => r.retriever === 'lexical'), JSON.stringify(top));
  for (const stage of ['query_embed_ms', 'vector_search_ms', 'lexical_search_ms', 'total_ms']) {
    assert.equal(typeof found.body.trace[stage], 'number', stage);
  }
  const limited = await api('POST', '/api/v1/workspaces/animals/search', { query: 'walrus', top_k: 1 });
  assert.equal(limited.body.results.length, 1);
});

test('a question gets an answer with numbered sources, a ledger and a trace, stored in a new thread', { skip }, async () => {
  const asked = await api('POST', '/api/v1/workspaces/animals/chat', { message: 'What do walrus tusks do?' });
  assert.equal(asked.status, 200, JSON.stringify(asked.body));
  const answer = asked.body;
  assert.equal(typeof answer.answer, 'string');
  assert.ok(answer.thread > 0 && answer.message_id > 0);
  assert.ok(answer.sources.length > 0);
  const walrus = answer.sources.find((s) => s.document === 'Walrus field notes');
  assert.ok(walrus, JSON.stringify(answer.sources));
  assert.deepEqual(answer.sources.map((s) => s.number), answer.sources.map((_, i) => i + 1));
  for (const source of answer.sources) {
    assert.equal(source.in_prompt, true);
    assert.ok(source.snippet.length > 0);
    assert.ok(source.chunk_ids.length > 0);
  }
  const { ledger, trace } = answer;
  assert.ok(ledger.retrieved > 0 && ledger.retrieved <= 150, JSON.stringify(ledger));
  assert.ok(ledger.question > 0 && ledger.system_prompt > 0);
  assert.equal(ledger.prompt_total, answer.usage.prompt_tokens);
  assert.ok(ledger.prompt_total + ledger.reserved_for_answer <= ledger.context_window, JSON.stringify(ledger));
  for (const stage of ['query_embed_ms', 'vector_search_ms', 'lexical_search_ms', 'rerank_ms', 'queue_ms',
                       'model_load_ms', 'prefill_ms', 'decode_ms', 'total_ms']) {
    assert.equal(typeof trace[stage], 'number', stage);
  }
  const stored = await api('GET', `/api/v1/workspaces/animals/threads/${answer.thread}/messages`);
  assert.equal(stored.status, 200);
  const [question, reply] = stored.body.messages;
  assert.equal(question.role, 'user');
  assert.equal(question.content, 'What do walrus tusks do?');
  assert.equal(reply.id, answer.message_id);
  assert.equal(reply.content, answer.answer);
  assert.deepEqual(reply.ledger, ledger);
  assert.deepEqual(reply.trace, trace);
  assert.equal(reply.sources.length, answer.sources.length);
});

test('a follow-up on the same topic prefills only what is new: passages already sent are cited again', { skip }, async () => {
  const first = (await api('POST', '/api/v1/workspaces/animals/chat', { message: 'Tell me about walrus tusks and whiskers.' })).body;
  const second = await api('POST', '/api/v1/workspaces/animals/chat',
                           { message: 'And walrus tusks and whiskers again?', thread: first.thread });
  assert.equal(second.status, 200, JSON.stringify(second.body));
  const next = second.body;
  assert.equal(next.thread, first.thread);
  assert.equal(next.ledger.rebuilt, false, JSON.stringify(next.ledger));
  assert.ok(next.ledger.recited > 0, JSON.stringify(next.ledger));
  const recited = next.sources.filter((s) => !s.in_prompt);
  for (const source of recited) {
    const earlier = first.sources.find((s) => s.number === source.number);
    assert.ok(earlier, `[${source.number}] keeps its number from the first turn`);
    assert.equal(earlier.document, source.document);
  }
  // The runner reused the whole first prompt from its slot cache.
  assert.ok(next.usage.cached_prompt_tokens >= first.usage.prompt_tokens, JSON.stringify([first.usage, next.usage]));
  const prefilled = next.usage.prompt_tokens - next.usage.cached_prompt_tokens;
  assert.ok(prefilled < first.usage.prompt_tokens, `prefilled ${prefilled} of ${next.usage.prompt_tokens}`);
  assert.ok(prefilled <= next.ledger.retrieved + next.ledger.question + first.usage.generated_tokens + 32,
            JSON.stringify({ prefilled, ledger: next.ledger }));
});

test('retrieved text over the budget: the ledger names what was dropped and why', { skip }, async () => {
  const asked = await api('POST', '/api/v1/workspaces/beavers/chat', { message: 'How does the beaver build its lodge and dam?' });
  assert.equal(asked.status, 200, JSON.stringify(asked.body));
  const { ledger } = asked.body;
  assert.ok(ledger.retrieved <= 120, JSON.stringify(ledger));
  const overBudget = ledger.dropped.filter((d) => d.reason === 'over_budget');
  assert.ok(overBudget.length > 0, JSON.stringify(ledger));
  for (const drop of overBudget) {
    assert.equal(drop.document, 'beaver.md');
    assert.ok(drop.tokens > 0);
  }
});

test('streaming sends the sources first, then tokens, then the whole answer', { skip }, async () => {
  const response = await fetch(`${server.url}/api/v1/workspaces/animals/chat`, {
    method: 'POST', body: JSON.stringify({ message: 'Where do otters float?', stream: true }),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /text\/event-stream/);
  const events = (await response.text()).trim().split('\n\n').map((block) => {
    const [eventLine, dataLine] = block.split('\n');
    return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) };
  });
  assert.equal(events[0].event, 'sources');
  assert.ok(events[0].data.sources.length > 0);
  assert.equal(events.at(-1).event, 'done');
  const tokens = events.filter((e) => e.event === 'token').map((e) => e.data.text).join('');
  assert.equal(tokens, events.at(-1).data.answer);
  assert.ok(events.at(-1).data.message_id > 0);
});

test('query mode refuses with the workspace refusal text when nothing relevant is found', { skip }, async () => {
  const patched = await api('PATCH', '/api/v1/workspaces/animals',
                            { similarity_threshold: 0.99, refusal_text: 'Nothing in these notes.' });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  try {
    const asked = await api('POST', '/api/v1/workspaces/animals/chat', { message: 'xylophone zeppelin', mode: 'query' });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assert.equal(asked.body.refused, true);
    assert.equal(asked.body.answer, 'Nothing in these notes.');
    assert.deepEqual(asked.body.sources, []);
    assert.ok(asked.body.ledger.dropped.some((d) => d.reason === 'below_threshold'), JSON.stringify(asked.body.ledger));
    // In chat mode the same question is answered (without sources).
    const chat = await api('POST', '/api/v1/workspaces/animals/chat', { message: 'xylophone zeppelin', mode: 'chat' });
    assert.equal(chat.status, 200);
    assert.equal(chat.body.refused, false);
  } finally {
    await api('PATCH', '/api/v1/workspaces/animals', { similarity_threshold: 0 });
  }
});

test('threads: create, list, read, delete; another workspace cannot see them', { skip }, async () => {
  const created = await api('POST', '/api/v1/workspaces/animals/threads', { title: 'Walrus questions' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  const asked = await api('POST', '/api/v1/workspaces/animals/chat', { message: 'walrus diet?', thread: id });
  assert.equal(asked.status, 200);
  const listed = await api('GET', '/api/v1/workspaces/animals/threads');
  assert.ok(listed.body.threads.some((t) => t.id === id && t.title === 'Walrus questions'));
  assert.equal((await api('GET', `/api/v1/workspaces/beavers/threads/${id}/messages`)).status, 404);
  assert.equal((await api('POST', '/api/v1/workspaces/beavers/chat', { message: 'hi', thread: id })).status, 404);
  assert.equal((await api('DELETE', `/api/v1/workspaces/beavers/threads/${id}`)).status, 404);
  assert.equal((await api('DELETE', `/api/v1/workspaces/animals/threads/${id}`)).status, 200);
  assert.equal((await api('GET', `/api/v1/workspaces/animals/threads/${id}/messages`)).status, 404);
});

test('export gives every message as JSON and as CSV', { skip }, async () => {
  const json = await api('GET', '/api/v1/workspaces/animals/export?format=json');
  assert.equal(json.status, 200);
  assert.equal(json.body.workspace, 'animals');
  assert.ok(json.body.messages.length >= 4);
  assert.ok(json.body.messages.some((m) => m.role === 'assistant' && m.sources.length > 0));
  const csv = await api('GET', '/api/v1/workspaces/animals/export?format=csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.body, /^id,thread_id,role,created_at,model,content,sources\r\n/);
  assert.equal((await api('GET', '/api/v1/workspaces/animals/export?format=xml')).status, 400);
});

test('bad requests get clear errors and change nothing', { skip }, async () => {
  const before = (await api('GET', '/api/v1/workspaces/animals/threads')).body.threads.length;
  const cases = [
    ['/api/v1/workspaces/nowhere/chat', { message: 'hi' }, 404, /nowhere/],
    ['/api/v1/workspaces/BAD_slug!/chat', { message: 'hi' }, 404, /./],
    ['/api/v1/workspaces/animals/chat', { message: '   ' }, 400, /empty/],
    ['/api/v1/workspaces/animals/chat', {}, 400, /"message" is required/],
    ['/api/v1/workspaces/animals/chat', { message: 'hi', mode: 'poem' }, 400, /"mode" must be/],
    ['/api/v1/workspaces/animals/chat', { message: 'hi', thread: 999999 }, 404, /thread 999999/],
    ['/api/v1/workspaces/animals/chat', { message: 'hi', thread: 'x' }, 400, /thread/],
    ['/api/v1/workspaces/animals/chat', { message: 'x'.repeat(32 * 1024 + 1) }, 413, /32768 bytes \(--max-message-size\)/],
    ['/api/v1/workspaces/animals/chat', '{"message": ', 400, /./],
    ['/api/v1/workspaces/animals/search', { query: 'walrus', top_k: 0 }, 400, /top_k/],
    ['/api/v1/workspaces/animals/search', { query: '' }, 400, /./],
  ];
  for (const [route, body, status, message] of cases) {
    const result = await api('POST', route, body);
    assert.equal(result.status, status, `${route} ${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(result.body)}`);
    assert.match(result.body.error, message);
  }
  const atLimit = await api('POST', '/api/v1/workspaces/animals/search', { query: 'walrus '.repeat(4681) });
  assert.equal(atLimit.status, 200, JSON.stringify(atLimit.body).slice(0, 200));
  assert.equal((await api('GET', '/api/v1/workspaces/animals/threads')).body.threads.length, before);
});

test('a workspace without a chat model says how to choose one', { skip }, async () => {
  const created = await api('POST', '/api/v1/workspaces', { slug: 'nochat', embedder: 'embedder' });
  assert.equal(created.status, 201);
  const asked = await api('POST', '/api/v1/workspaces/nochat/chat', { message: 'hello' });
  assert.equal(asked.status, 412);
  assert.match(asked.body.error, /chat_model/);
});

test('answers feed the stage and ledger histograms in /metrics', { skip }, async () => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(text, /hearth_rag_stage_seconds_count\{stage="prefill"\} [1-9]/);
  assert.match(text, /hearth_rag_ledger_tokens_count\{part="retrieved"\} [1-9]/);
});

test('hearth ask prints the answer, the sources with pages, and the trace', { skip }, async () => {
  const result = await hearth(['ask', 'animals', 'What do walrus eat?']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Sources:\n\s+\[1\] /);
  assert.match(result.stdout, /Walrus field notes/);
  assert.match(result.stdout, /retrieval .* ms/);
  const missing = await hearth(['ask', 'nowhere', 'hi']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nowhere/);
});
