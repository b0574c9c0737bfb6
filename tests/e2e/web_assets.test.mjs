// The web UI's routes with the real binary: "/" answers the UI to a browser
// and Ollama's sentence to everyone else; /assets/ serves the embedded
// files with their content types and security headers (the CSP on HTML),
// 404s anything else without touching the filesystem, and stays public in
// multi-user mode (the page itself asks for sign-in).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/hearth_process.mjs';

const kCsp = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
  + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
let server;

before(async () => {
  server = await startServer([], { env: { HEARTH_ADMIN_PASSWORD: 'correct horse battery' } });
});

after(async () => {
  await server?.stop();
});

function assertSecurityHeaders(response, what) {
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer', what);
  assert.equal(response.headers.get('cache-control'), 'no-cache', what);
}

test('"/" answers the sentence to curl and clients, and the UI to a browser, with the CSP', async () => {
  for (const accept of [undefined, '*/*', 'application/json']) {
    const response = await fetch(server.url + '/', { headers: accept ? { accept } : {} });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/plain/);
    assert.equal(await response.text(), 'hearth is running', `Accept: ${accept}`);
    assert.equal(response.headers.get('content-security-policy'), null);
  }
  const page = await fetch(server.url + '/', {
    headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('content-security-policy'), kCsp);
  assert.match(page.headers.get('vary'), /Accept/);
  assertSecurityHeaders(page, '/');
  const html = await page.text();
  assert.match(html, /<script type="module" src="\/assets\/app.js"><\/script>/);
  assert.doesNotMatch(html, /<script>|<style>| style=| on[a-z]+=/, 'nothing inline for the CSP to block');
});

test('assets have their content types and security headers; HTML assets carry the CSP', async () => {
  const cases = [
    ['/assets/app.js', 'text/javascript; charset=utf-8', /^\/\/ hearth's UI shell/],
    ['/assets/style.css', 'text/css; charset=utf-8', /prefers-color-scheme/],
    ['/assets/vendor/marked.js', 'text/javascript; charset=utf-8', /export/],
    ['/assets/vendor/purify.js', 'text/javascript; charset=utf-8', /sanitize/],
    ['/assets/pages/login.js', 'text/javascript; charset=utf-8', /export async function mount/],
  ];
  for (const [route, type, content] of cases) {
    const response = await fetch(server.url + route);
    assert.equal(response.status, 200, route);
    assert.equal(response.headers.get('content-type'), type, route);
    assertSecurityHeaders(response, route);
    assert.match(await response.text(), content, route);
  }
  const index = await fetch(server.url + '/assets/index.html');
  assert.equal(index.headers.get('content-security-policy'), kCsp);
});

test('unknown assets, the README and paths that climb out are 404, never files from disk', async () => {
  for (const route of ['/assets/nope.js', '/assets/README.md', '/assets/CMakeLists.txt', '/assets/embed_assets.cc',
                       '/assets/%2e%2e/%2e%2e/CMakeLists.txt', '/assets/..%2fweb_assets.h', '/assets/pages/',
                       '/assets/APP.JS', '/assets//app.js', '/assets/app.js/']) {
    const response = await fetch(server.url + route);
    const body = await response.text();
    assert.equal(response.status, 404, `${route}: ${body}`);
    assert.doesNotMatch(body, /#include|cmake_minimum_required/, route);
  }
});

test('the UI is public in multi-user mode while the API still needs a sign-in', async () => {
  assert.match(server.logs(), /multi-user mode/);
  const page = await fetch(server.url + '/', { headers: { accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.equal((await fetch(server.url + '/assets/app.js')).status, 200);
  assert.equal((await fetch(server.url + '/api/v1/workspaces')).status, 401);
});
