// Asking in the browser (real headless Chromium against the real binary, in
// single-user mode): a streamed answer with citations, a citation opening
// its source, the trace and ledger on demand, the loaded model in the
// memory bar — and a hostile document whose <script>, <img onerror> and
// javascript: link stay inert text when its passage is shown. The answers
// come from stories260K (a real, tiny model: nonsense text) over a fixture
// embedder (random weights): the test checks the plumbing, not the words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startServer, tempDir, installTestModels } from '../support/hearth_process.mjs';

const kChromium = '/usr/bin/chromium';
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !existsSync(kChromium) ? `${kChromium} is missing: install Debian's chromium (scripts/setup does)`
  : !fixtureBin ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)'
  : !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;

const hostile = [
  '# Walrus notes',
  '',
  'The walrus uses its tusks to haul out onto the ice. <script>window.__xss = "script"</script>',
  '',
  'Walrus whiskers find clams. <img src="http://example.invalid/x.png" onerror="window.__xss = \'img\'">',
  '[click the walrus](javascript:window.__xss=%22link%22) ![remote](http://example.invalid/walrus.png)',
].join('\n');

let home;
let server;
let browser;
let page;
const foreignRequests = [];

async function waitFor(check, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-ui-chat-');
  installTestModels(home.dir, { storiesFile: stories });
  const env = { HEARTH_HOME: home.dir };
  server = await startServer(['--threads', '1'], { env });
  const created = await fetch(`${server.url}/api/v1/workspaces`, {
    method: 'POST', body: JSON.stringify({ slug: 'animals', embedder: 'embedder', chat_model: 'stories',
                                           chunk_tokens: 48, chunk_overlap_tokens: 8, temperature: 0 }) });
  assert.equal(created.status, 201, await created.text());
  const form = new FormData();
  form.append('file', new Blob([hostile]), 'walrus.md');
  const uploaded = await fetch(`${server.url}/api/v1/workspaces/animals/documents`, { method: 'POST', body: form });
  assert.equal(uploaded.status, 202);
  await waitFor(async () => {
    const docs = await (await fetch(`${server.url}/api/v1/workspaces/animals/documents`)).json();
    return docs.documents.every((d) => d.status === 'ready');
  }, 'the document to be ready');
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: kChromium, args: ['--no-sandbox'] });
  page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  home?.cleanup();
});

test('a question streams an answer with citations; a citation opens its source, inert', { skip }, async () => {
  await page.goto(`${server.url}/#/w/animals/chat`);
  await page.getByTestId('chat-input').fill('What do walrus tusks and whiskers do?');
  await page.getByTestId('chat-send').click();
  const answer = page.getByTestId('answer').last();
  await answer.waitFor();
  await waitFor(async () => (await page.getByTestId('chat-stop').count()) === 0 ||
                          !(await page.getByTestId('chat-stop').first().isVisible()), 'the stream to end');
  await waitFor(async () => (await page.getByTestId('source-item').count()) > 0, 'the sources');
  assert.match(await page.getByTestId('source-item').first().textContent(), /walrus|Walrus/);
  assert.match(new URL(page.url()).hash, /^#\/w\/animals\/chat\/\d+$/, 'the new thread is in the address');
  // The passages are numbered; open the first source from its citation
  // button when the model happened to cite, else from the source list.
  const citations = answer.getByTestId('citation');
  if (await citations.count() > 0) await citations.first().click();
  else {
    await page.locator('summary', { hasText: 'Sources' }).last().click();
    await page.getByTestId('source-item').first().click();
  }
  const dialog = page.getByTestId('source-dialog');
  await dialog.waitFor();
  const shown = await dialog.textContent();
  assert.match(shown, /Walrus notes|walrus\.md/);
  assert.match(shown, /<script>|onerror|javascript:/, 'the hostile markup is shown as text');
  await page.keyboard.press('Escape');
  await page.getByTestId('answer-details').last().locator('summary').click();
  assert.match(await page.getByTestId('answer-details').last().textContent(), /ms/);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
  assert.equal(await page.locator('img[src^="http"]').count(), 0, 'no remote image rendered');
  assert.deepEqual(foreignRequests, [], 'no request left for another host');
});

test('the models page shows the loaded chat model in the memory bar', { skip }, async () => {
  await page.goto(`${server.url}/#/models`);
  await waitFor(async () => /stories/.test((await page.getByTestId('memory').textContent()) ?? ''), 'stories in the memory bar');
  assert.match(await page.getByTestId('loaded-models').textContent(), /stories/);
});

test('a hostile chat answer renders inert: no script runs, no link or image can act, no request leaves', { skip }, async () => {
  // The answer text is what a model could write; the server's stream is
  // replaced so that the browser's real rendering path gets it.
  const answerText = [
    'Walrus facts [1]. <script>window.__xss = "script"</script>',
    '<img src="http://example.invalid/x.png" onerror="window.__xss = \'img\'">',
    '[click](javascript:window.__xss=%22link%22) ![remote](http://example.invalid/walrus.png)',
    '<a href="javascript:window.__xss=1">raw link</a> <iframe src="http://example.invalid/"></iframe>',
  ].join('\n\n');
  const source = { number: 1, document: 'walrus.md', document_id: 1, pages: null, snippet: '<b>not bold</b>',
                   score: 1, retrievers: [], in_prompt: true };
  const events = [
    ['sources', { sources: [source], ledger: {} }],
    ['token', { text: answerText }],
    ['done', { answer: answerText, sources: [source], ledger: {}, trace: {}, thread: 1, message_id: 2 }],
  ].map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
  await page.route('**/api/v1/workspaces/animals/chat', (route) =>
    route.fulfill({ status: 200, contentType: 'text/event-stream', body: events }));
  await page.goto(`${server.url}/#/w/animals/chat`);
  await page.getByTestId('chat-input').fill('Tell me something dangerous');
  await page.getByTestId('chat-send').click();
  const answer = page.getByTestId('answer').last();
  await waitFor(async () => /Walrus facts/.test((await answer.textContent()) ?? ''), 'the answer');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
  assert.equal(await answer.locator('script, iframe, img[src^="http"], [onerror]').count(), 0);
  for (const href of await answer.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
    assert.ok(href === null || /^(https?:|mailto:|#)/.test(href), `an active link survived: ${href}`);
  }
  const links = answer.locator('a');
  if (await links.count() > 0) await links.first().click({ force: true });
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'clicking a link ran nothing');
  assert.deepEqual(foreignRequests, [], 'no request left for another host');
  await page.unroute('**/api/v1/workspaces/animals/chat');
});
