// The web UI in a real headless Chromium (playwright-core, Debian's
// /usr/bin/chromium) against the real binary in multi-user mode: signing
// in, creating a workspace, changing a setting, uploading three documents
// and a hostile PDF with their progress, ready states and error, pinning and
// deleting, and no Content-Security-Policy violation on the way. Each page
// is photographed into HEARTH_UI_SCREENSHOTS (default: Testing/ui-screenshots
// beside HEARTH_BIN, i.e. in the build directory; printed in the log).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, tempDir, installTestModels } from '../support/hearth_process.mjs';

const kChromium = '/usr/bin/chromium';
const kPassword = 'correct horse battery';
const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const corpus = path.join(dataDir, 'corpus');
const kGood = ['formats/md/pandoc__pipe-tables.md', 'formats/txt/unst__language-docs_eng_spa.txt',
               'formats/html/unst__example-with-scripts.html'];
const kHostile = 'pdf/hostile/opf-office__simple-open-password.pdf';

function skipReason() {
  if (!existsSync(kChromium)) return `${kChromium} is missing: install Debian's chromium (scripts/setup does)`;
  if (!fixtureBin) return 'HEARTH_FIXTURE_BIN is not set (run through ctest)';
  if (![...kGood, kHostile].every((file) => existsSync(path.join(corpus, file)))) {
    return `the test corpus is missing under ${corpus} (set HEARTH_TEST_DATA)`;
  }
  return false;
}
const skip = skipReason();
if (skip) console.log(`# skipping the UI tests: ${skip}`);

let home;
let server;
let browser;
let page;
let shots;
const cspViolations = [];
const pageErrors = [];

async function screenshot(name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

// Polls until `locator`'s text matches `pattern` (playwright-core has no
// expect()); fails with the last text seen.
async function waitForText(locator, pattern, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.count()) > 0 ? (await locator.first().textContent()) ?? '' : '';
    if (pattern.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`waited for ${pattern} but saw ${JSON.stringify(text)}`);
}

// Polls until the input's value is `value`; fails with the last value seen.
async function waitForValue(input, value, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await input.inputValue();
    if (seen === value) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`waited for the value ${JSON.stringify(value)} but saw ${JSON.stringify(seen)}`);
}

async function api(method, route, body) {
  return page.evaluate(async ({ method, route, body }) => {
    const token = document.cookie.match(/hearth_csrf=([^;]+)/)?.[1] ?? '';
    const response = await fetch(route, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': token },
                                          body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  }, { method, route, body });
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-ui-');
  installTestModels(home.dir);
  const env = { HEARTH_HOME: home.dir };
  server = await startServer(['--ingest-workers', '1'],
                             { env: { ...env, HEARTH_ADMIN_PASSWORD: kPassword, HEARTH_ADMIN_NAME: 'boss' } });
  shots = process.env.HEARTH_UI_SCREENSHOTS
    || (process.env.HEARTH_BIN ? path.join(path.dirname(process.env.HEARTH_BIN), 'Testing', 'ui-screenshots')
        : mkdtempSync(path.join(tmpdir(), 'hearth-ui-screenshots-')));
  mkdirSync(shots, { recursive: true });
  console.log(`# screenshots: ${shots}`);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: kChromium, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  home?.cleanup();
});

test('a visitor gets the sign-in form; a wrong password is refused; the right one signs in', { skip }, async () => {
  await page.goto(server.url + '/');
  await page.getByLabel('Name', { exact: true }).waitFor();
  assert.equal(new URL(page.url()).hash, '#/login');
  await screenshot('login');
  await page.getByLabel('Name', { exact: true }).fill('boss');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForText(page.getByTestId('login-error'), /.+/);
  await page.getByLabel('Password').fill(kPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForText(page.getByTestId('signed-in-as'), /^boss$/);
  await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
  assert.equal(new URL(page.url()).hash, '#/workspaces', 'a model is installed: no welcome page');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).waitFor();
});

test('the welcome page explains the two models, lists what is installed and gives the doctor\'s advice', { skip }, async () => {
  await page.goto(server.url + '/#/welcome');
  await page.getByRole('heading', { name: 'Welcome to hearth' }).waitFor();
  await waitForText(page.getByTestId('installed-models'), /embedder:latest/);
  const advice = (await api('GET', '/api/v1/doctor')).body;
  await waitForText(page.getByTestId('doctor-machine'), /This machine has .* of memory; hearth may use/);
  const recommendation = await page.getByTestId('doctor-recommendation').textContent();
  const best = advice.advice.find((sized) => sized.model === advice.largest_comfortable);
  assert.ok(recommendation.includes(`${best.model} parameters at ${best.recommended}`), recommendation);
  assert.equal(await page.getByTestId('doctor-table').locator('tbody tr').count(), advice.advice.length);
  // A suggestion fills the pull form.
  await page.getByRole('button', { name: `Pull ${best.suggested_pull}` }).click();
  assert.equal(await page.getByTestId('pull-name').inputValue(), best.suggested_pull);
  await screenshot('welcome');
});

test('creating a workspace; a bad slug shows the server\'s error', { skip }, async () => {
  await page.goto(server.url + '/#/workspaces');
  await page.getByLabel('Slug').fill('Bad Slug');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await waitForText(page.getByTestId('create-error'), /slug/i);
  await page.getByLabel('Slug').fill('notes');
  await page.getByLabel('Name (optional)').fill('Team notes');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await waitForText(page.getByTestId('workspace-notes'), /Team notes/);
  assert.equal(await page.getByTestId('create-error').textContent(), '');
  await screenshot('workspaces');
});

test('changing settings applies them; an out-of-range value shows the error and changes nothing', { skip }, async () => {
  await page.goto(server.url + '/#/w/notes/settings');
  const topK = page.getByLabel('Passages per question');
  await waitForText(page.locator('#setting-top_k-hint'), /Default: 6/);
  await waitForValue(topK, '6');  // the form is drawn first, then filled from the server
  await topK.fill('0');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await waitForText(page.getByTestId('settings-error'), /top_k/);
  assert.equal((await api('GET', '/api/v1/workspaces/notes')).body.top_k, 6, 'nothing changed');
  await topK.fill('9');
  await page.getByLabel('Embedder').fill('embedder');
  await page.getByLabel('Members may upload').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await waitForText(page.getByTestId('settings-status'), /Saved/);
  assert.equal(await page.getByTestId('settings-error').textContent(), '');
  const stored = (await api('GET', '/api/v1/workspaces/notes')).body;
  assert.equal(stored.top_k, 9);
  assert.match(stored.embedder, /^embedder/);
  assert.equal(stored.members_can_upload, true);
  await page.reload();
  await waitForText(page.locator('#setting-top_k-hint'), /Default: 6/);
  await page.waitForFunction(() => document.querySelector('#setting-top_k')?.value === '9');
  assert.equal(await page.getByLabel('Members may upload').isChecked(), true);
  await screenshot('settings');
});

test('uploading three documents and a hostile PDF: progress, ready, and the PDF\'s error', { skip }, async () => {
  await page.goto(server.url + '/#/w/notes/documents');
  await page.getByTestId('dropzone').waitFor();
  // Record every state each upload row goes through.
  await page.evaluate(() => {
    window.uploadHistory = {};
    new MutationObserver(() => {
      for (const row of document.querySelectorAll('[data-testid="upload"]')) {
        const states = (window.uploadHistory[row.dataset.name] ??= []);
        const text = row.querySelector('[data-testid="upload-state"]').textContent;
        if (states.at(-1) !== text) states.push(text);
      }
    }).observe(document.querySelector('[data-testid="uploads"]'),
               { subtree: true, childList: true, characterData: true });
  });
  await page.locator('#file-picker').setInputFiles([...kGood, kHostile].map((file) => path.join(corpus, file)));
  for (const file of kGood) {
    const name = path.basename(file);
    const row = page.locator(`[data-testid="upload"][data-name="${name}"]`);
    await waitForText(row.getByTestId('upload-state'), /^(ready|failed: .*)$/, 60_000);
    assert.equal(await row.getByTestId('upload-state').textContent(), 'ready', name);
    assert.equal(await row.locator('progress').evaluate((bar) => bar.value), 100, name);
  }
  const hostile = page.locator(`[data-testid="upload"][data-name="${path.basename(kHostile)}"]`);
  const error = await waitForText(hostile.getByTestId('upload-state'), /^(ready|failed: .*)$/, 60_000);
  assert.match(error, /^failed: .*(encrypted|password)/, 'the hostile PDF fails with a message that says why');
  assert.equal(await hostile.getAttribute('data-result'), 'failed');
  const history = await page.evaluate(() => window.uploadHistory);
  for (const file of kGood) {
    const states = history[path.basename(file)];
    assert.ok(states.some((s) => /^uploading: \d+%$/.test(s)), `${file}: ${JSON.stringify(states)}`);
    assert.ok(states.some((s) => /queued|ingesting/.test(s)), `${file}: ${JSON.stringify(states)}`);
    assert.equal(states.at(-1), 'ready');
  }
  const rows = page.getByTestId('document');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="document"][data-status="ready"]').length === n,
                             kGood.length);
  for (const file of kGood) {
    assert.equal(await rows.filter({ hasText: path.basename(file) }).getAttribute('data-status'), 'ready');
  }
  await screenshot('documents');
});

test('pinning, and deleting only after the confirmation', { skip }, async () => {
  const md = () => page.locator(`[data-testid="document"][data-name="${path.basename(kGood[0])}"]`);
  await md().getByRole('button', { name: 'Pin' }).click();
  await md().getByRole('button', { name: 'Unpin' }).waitFor();
  const txt = () => page.locator(`[data-testid="document"][data-name="${path.basename(kGood[1])}"]`);
  await txt().getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByTestId('confirm-dialog');
  await dialog.waitFor();
  await screenshot('documents-confirm');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await txt().count(), 1, 'Escape cancels');
  await txt().getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await txt().waitFor({ state: 'detached' });
  const listed = (await api('GET', '/api/v1/workspaces/notes/documents')).body.documents;
  assert.ok(!listed.some((d) => d.name === path.basename(kGood[1])));
  assert.equal(listed.find((d) => d.name === path.basename(kGood[0])).pinned, true);
});

test('narrow and dark: the documents page at 360 px in dark mode', { skip }, async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await page.getByTestId('document-list').waitFor();
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, 'rgb(23, 21, 19)', 'the dark palette applies');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  // The documents table reflows into one card per document, nothing to scroll sideways.
  const layout = await page.evaluate(() => {
    const list = document.querySelector('[data-testid="document-list"]');
    const row = list.querySelector('tbody tr');
    const label = getComputedStyle(row.querySelector('td'), '::before').content;
    return { display: getComputedStyle(row).display, label, wider: list.scrollWidth - list.parentElement.clientWidth };
  });
  assert.equal(layout.display, 'block');
  assert.equal(layout.label, '"Name"');
  assert.ok(layout.wider <= 0, `the documents table is ${layout.wider} px wider than its box`);
  await screenshot('documents-narrow-dark');
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('the other pages load (photographed); no page raised an error or broke the CSP', { skip }, async () => {
  for (const [hash, name] of [['#/w/notes/chat', 'chat'], ['#/models', 'models'], ['#/system', 'system'],
                              ['#/admin', 'admin']]) {
    await page.goto(`${server.url}/${hash}`);
    await page.locator(`[data-page="${name}"]`).waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(name);
  }
  // The system page carries the doctor's advice, one row per common size.
  await page.goto(`${server.url}/#/system`);
  await waitForText(page.getByTestId('system-doctor-table'), /1B.*q8_0/);
  assert.equal(await page.getByTestId('system-doctor-table').locator('tbody tr').count(), 6);
  assert.deepEqual(cspViolations, []);
  assert.deepEqual(pageErrors, []);
});

test('app.markdown renders, then sanitizes: no script, no handler, no foreign image or javascript: link', { skip }, async () => {
  const requested = [];
  const onRequest = (request) => requested.push(request.url());
  page.on('request', onRequest);
  const result = await page.evaluate(async () => {
    const { markdown } = await import('/assets/markdown.js');
    const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
    const source = [
      '# Title', '**bold** and `code`', '[safe](https://example.com/a) [mail](mailto:a@example.com)',
      '[bad](javascript:alert(1)) [data](data:text/html,hi)', '![remote](https://evil.example/track.png)',
      `![inline](${pixel})`, '![local](/assets/none.png)', '<script>window.pwned = 1</script>',
      '<img src="x" onerror="window.pwned = 2">', '<a href="https://example.com" onclick="window.pwned = 3">x</a>',
      '<iframe src="https://evil.example/"></iframe>', '<p style="color: red">styled</p>',
    ].join('\n\n');
    const holder = document.createElement('div');
    holder.append(markdown(source));
    document.body.append(holder);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const links = [...holder.querySelectorAll('a')].map((a) => ({ text: a.textContent, href: a.getAttribute('href'),
                                                                   rel: a.rel, target: a.target }));
    const images = [...holder.querySelectorAll('img')].map((img) => img.getAttribute('src').slice(0, 22));
    const out = { links, images, h1: holder.querySelector('h1')?.textContent, strong: holder.querySelector('strong')?.textContent,
                  scripts: holder.querySelectorAll('script, iframe').length,
                  handlers: holder.querySelectorAll('[onerror], [onclick], [style]').length, pwned: window.pwned ?? 0 };
    holder.remove();
    return out;
  });
  page.off('request', onRequest);
  assert.equal(result.h1, 'Title');
  assert.equal(result.strong, 'bold');
  assert.equal(result.scripts, 0);
  assert.equal(result.handlers, 0);
  assert.equal(result.pwned, 0);
  const byText = Object.fromEntries(result.links.map((link) => [link.text, link]));
  assert.equal(byText.safe.href, 'https://example.com/a');
  assert.equal(byText.safe.rel, 'noopener noreferrer');
  assert.equal(byText.safe.target, '_blank');
  assert.equal(byText.mail.href, 'mailto:a@example.com');
  assert.equal(byText.bad.href, null, 'javascript: links lose their target');
  assert.equal(byText.data.href, null, 'data: links lose their target');
  // Same-origin (a relative 'x' included) and data: images stay; the remote one is gone.
  assert.deepEqual(result.images.sort(), ['/assets/none.png', 'data:image/png;base64,', 'x'].sort());
  assert.deepEqual(requested.filter((url) => url.includes('evil.example')), [], 'no request left for another origin');
});

test('single-user mode with no model: no sign-in, straight to the welcome page', { skip }, async () => {
  const lone = await startServer();
  const other = await browser.newPage();
  try {
    await other.goto(lone.url + '/');
    await other.getByRole('heading', { name: 'Welcome to hearth' }).waitFor();
    assert.equal(new URL(other.url()).hash, '#/welcome');
    assert.equal(await other.getByTestId('no-models').textContent(), 'No models are installed yet.');
    assert.equal(await other.getByLabel('Password').count(), 0, 'no sign-in form');
    assert.equal(await other.getByRole('button', { name: 'Sign out' }).count(), 0);
    await other.screenshot({ path: path.join(shots, 'welcome-first-run.png'), fullPage: true });
  } finally {
    await other.close();
    await lone.stop();
  }
});

test('a page that cannot load says so and the shell keeps working', { skip }, async () => {
  // A new page: the first one has system.js in its module map already.
  const other = await page.context().newPage();
  await other.route('**/assets/pages/system.js', (route) => route.abort());
  try {
    await other.goto(`${server.url}/#/system`);
    await waitForText(other.getByTestId('not-available'), /system page is not available yet/);
    await other.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workspaces' }).click();
    await other.getByRole('heading', { name: 'Workspaces' }).waitFor();
  } finally {
    await other.close();
  }
});

test('the CSP is enforced and a violation would be seen (an injected inline script is refused)', { skip }, async () => {
  const before = cspViolations.length;
  const ran = await page.evaluate(() => {
    window.inlineRan = false;
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true;';
    document.body.append(script);
    return window.inlineRan;
  });
  assert.equal(ran, false, 'the inline script did not run');
  const deadline = Date.now() + 5000;
  while (cspViolations.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const reported = cspViolations.slice(before);
  assert.equal(reported.length, 1, `the violation was reported on the console: ${JSON.stringify(cspViolations)}`);
  assert.match(reported[0], /script-src/);
});
