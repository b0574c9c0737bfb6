// Getting models from the browser (real headless Chromium against the real
// binary, single-user mode, starting with no model): the first-run page's
// advice for this machine, importing a local GGUF (stories260K, hashed in
// the browser and uploaded as a blob), quantizing it from the Models page
// with its status lines, pinning and unpinning it — and the whole way
// through a workspace with the keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, tempDir } from '../support/hearth_process.mjs';

const kChromium = '/usr/bin/chromium';
const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = !existsSync(kChromium) ? `${kChromium} is missing: install Debian's chromium (scripts/setup does)`
  : !existsSync(stories) ? `test data ${stories} is absent (set HEARTH_TEST_DATA)` : false;

let home;
let server;
let browser;
let page;
let shots;
const pageErrors = [];
const cspViolations = [];

async function waitForText(locator, pattern, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.count()) > 0 ? (await locator.first().textContent()) ?? '' : '';
    if (pattern.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`waited for ${pattern} but saw ${JSON.stringify(text)}`);
}

async function json(route) {
  const response = await fetch(server.url + route);
  return response.json();
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-ui-models-');
  server = await startServer(['--threads', '1', '--context', '256'], { env: { HEARTH_HOME: home.dir } });
  shots = process.env.HEARTH_UI_SCREENSHOTS
    || (process.env.HEARTH_BIN ? path.join(path.dirname(process.env.HEARTH_BIN), 'Testing', 'ui-screenshots')
        : mkdtempSync(path.join(tmpdir(), 'hearth-ui-screenshots-')));
  mkdirSync(shots, { recursive: true });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: kChromium, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  home?.cleanup();
});

test('first run: the advice for this machine, then a local GGUF imported with progress', { skip }, async () => {
  await page.goto(server.url + '/');
  await page.getByRole('heading', { name: 'Welcome to hearth' }).waitFor();
  await waitForText(page.getByTestId('no-models'), /No models are installed yet/);
  await waitForText(page.getByTestId('doctor-machine'), /hearth may use/);
  assert.ok(await page.getByTestId('doctor-table').isVisible());

  await page.getByTestId('import-file').setInputFiles(stories);
  assert.equal(await page.getByTestId('import-name').inputValue(), 'stories260k');
  await page.getByTestId('import-name').fill('stories');
  await page.getByTestId('import-start').click();
  await waitForText(page.getByTestId('import-status'), /stories is installed\./);
  await waitForText(page.getByTestId('installed-models'), /stories:latest/);
  const tags = await json('/api/tags');
  assert.deepEqual(tags.models.map((m) => m.name), ['stories:latest']);
  await page.screenshot({ path: path.join(shots, 'welcome-imported.png'), fullPage: true });

  // The same file again: the blob is known, nothing is uploaded twice.
  await page.getByTestId('import-file').setInputFiles(stories);
  await page.getByTestId('import-name').fill('stories:again');
  await page.getByTestId('import-start').click();
  await waitForText(page.getByTestId('import-status'), /stories:again is installed\./);
});

test('an import that is not a GGUF fails with the server\'s reason and installs nothing', { skip }, async () => {
  await page.goto(server.url + '/#/models');
  await page.getByRole('heading', { name: 'Models' }).waitFor();
  await page.getByTestId('import-file').setInputFiles({ name: 'fake.gguf', mimeType: 'application/octet-stream',
                                                       buffer: Buffer.from('this is not a GGUF file at all') });
  await page.getByTestId('import-name').fill('fake');
  await page.getByTestId('import-start').click();
  await waitForText(page.getByTestId('import-status'), /Import failed: .*GGUF/i);
  const failure = await page.getByTestId('import-status').textContent();
  assert.match(failure, /the uploaded blob sha256:[0-9a-f]{64} is not a valid GGUF/);
  assert.ok(!failure.includes(home.dir), 'the server\'s paths are not shown');
  const names = (await json('/api/tags')).models.map((m) => m.name).sort();
  assert.deepEqual(names, ['stories:again', 'stories:latest']);
});

test('quantizing from the Models page shows its status lines and installs the result', { skip }, async () => {
  await page.goto(server.url + '/#/models');
  await page.getByTestId('models-table').waitFor();
  await page.getByTestId('quantize-from').selectOption('stories:latest');
  await page.getByTestId('quantize-type').selectOption('q8_0');
  await page.getByTestId('quantize-name').fill('stories:q8');
  await page.getByTestId('quantize-start').click();
  await waitForText(page.getByTestId('quantize-status'), /stories:q8 is installed\./);
  await waitForText(page.getByTestId('models-table'), /stories:q8.*Q8_0/);
  await page.screenshot({ path: path.join(shots, 'models-quantized.png'), fullPage: true });

  // Requantizing a Q8_0 model is refused with the reason, and nothing is added.
  await page.getByTestId('quantize-from').selectOption('stories:q8');
  await page.getByTestId('quantize-type').selectOption('q4_0');
  await page.getByTestId('quantize-name').fill('stories:twice');
  await page.getByTestId('quantize-start').click();
  await waitForText(page.getByTestId('quantize-status'), /Failed: .*already quantized/);
  assert.ok(!(await json('/api/tags')).models.some((m) => m.name === 'stories:twice'));
});

test('pinning a model loads it and keeps it; unpinning lets it go back to its keep-alive', { skip }, async () => {
  await page.goto(server.url + '/#/models');
  await page.getByTestId('models-table').waitFor();
  await page.getByRole('button', { name: 'Pin stories:q8' }).click();
  await waitForText(page.getByTestId('loaded-table'), /stories:q8.*pinned/);
  await waitForText(page.getByTestId('memory'), /stories:q8.*pinned/);
  const ps = await json('/api/ps');
  assert.equal(ps.models.find((m) => m.name === 'stories:q8').hearth.pinned, true);
  await page.getByRole('button', { name: 'Unpin stories:q8' }).click();
  await page.getByRole('button', { name: 'Pin stories:q8' }).waitFor();
  const after = await json('/api/ps');
  assert.equal(after.models.find((m) => m.name === 'stories:q8')?.hearth.pinned ?? false, false);
});

// Tabs until `predicate(document.activeElement)` holds; fails after `limit` presses.
async function tabTo(description, predicate, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return;
  }
  throw new Error(`Tab never reached ${description}`);
}

test('with the keyboard alone: create a workspace, open its settings, save one, and the focus is always visible', { skip }, async () => {
  await page.goto(server.url + '/#/workspaces');
  await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
  await page.evaluate(() => document.activeElement?.blur());
  await tabTo('the slug field', () => document.activeElement?.id === 'new-slug');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused field shows a focus ring');
  await page.keyboard.type('keys');
  await tabTo('the create button', () => document.activeElement?.textContent === 'Create workspace');
  await page.keyboard.press('Enter');
  await page.getByTestId('workspace-keys').waitFor();

  await tabTo('the workspace\'s settings link', () => document.activeElement?.getAttribute('href') === '#/w/keys/settings');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(ring, 'none', 'the focused link shows a focus ring');
  await page.keyboard.press('Enter');
  const topKField = page.getByLabel('Passages per question');
  for (let i = 0; i < 200 && (await topKField.inputValue()) !== '6'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));  // filled from the server after drawing
  }
  await tabTo('the passages field', () => document.activeElement?.id === 'setting-top_k');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('9');
  await tabTo('the save button', () => /^Save/.test(document.activeElement?.textContent ?? ''));
  await page.keyboard.press('Enter');
  const deadline = Date.now() + 10_000;
  let topK;
  while (Date.now() < deadline) {
    topK = (await json('/api/v1/workspaces/keys')).top_k;
    if (topK === 9) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(topK, 9, 'the setting saved from the keyboard is applied');
});

test('no page raised an error or broke the CSP', { skip }, () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cspViolations, []);
});
