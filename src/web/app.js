// hearth's UI shell (README.md is the contract): the hash router, the top
// navigation, the signed-in state, and the `app` object every page gets.
// Pages are loaded lazily (import()) so a page that fails to load leaves
// the rest of the UI working. Nothing here builds HTML from strings: text
// goes in as text nodes, and Markdown only through app.markdown (marked,
// then DOMPurify).
import { markdown } from './markdown.js';

// Hash routes: [pattern, page, names of the captured params].
const kRoutes = [
  [/^#\/login$/, 'login', []],
  [/^#\/welcome$/, 'welcome', []],
  [/^#\/workspaces$/, 'workspaces', []],
  [/^#\/w\/([a-z0-9-]+)\/chat$/, 'chat', ['slug']],
  [/^#\/w\/([a-z0-9-]+)\/chat\/(\d+)$/, 'chat', ['slug', 'thread']],
  [/^#\/w\/([a-z0-9-]+)\/documents$/, 'documents', ['slug']],
  [/^#\/w\/([a-z0-9-]+)\/settings$/, 'settings', ['slug']],
  [/^#\/models$/, 'models', []],
  [/^#\/system$/, 'system', []],
  [/^#\/admin$/, 'admin', []],
];

const kNav = [
  ['#/workspaces', 'Workspaces'],
  ['#/models', 'Models'],
  ['#/system', 'System'],
  ['#/admin', 'Admin'],
];

// The cookie the server sets at sign-in for double-submit CSRF protection.
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)hearth_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : '';
}

function headersFor(method, json) {
  const headers = {};
  if (json) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  return headers;
}

async function parseBody(response) {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return { error: text };
  }
}

// app.el('a', {href: '#/x', class: 'y', onclick: f, dataset: {testid: 'z'}}, 'text', child)
// Props: "class", "dataset" (object), "on<event>" (listener), "style" is
// refused (the CSP forbids inline styles), properties the element has
// (value, checked, disabled, type, ...) are set as properties, the rest as
// attributes. Children: strings and numbers become text nodes; arrays are
// flattened; null, undefined and false are skipped.
function el(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'testid') element.dataset.testid = value;
    else if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'style') throw new Error('app.el: inline styles are refused by the CSP; use a class');
    else if (key in element && typeof value !== 'string') element[key] = value;
    else if (key in element && (key === 'value' || key === 'htmlFor' || key === 'type')) element[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// Splits a byte stream into lines (text), calling onLine for each.
async function readLines(response, onLine) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value ?? new Uint8Array(), { stream: !done });
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, newline).replace(/\r$/, ''));
      buffer = buffer.slice(newline + 1);
    }
    if (done) break;
  }
  if (buffer !== '') onLine(buffer);
}

function parseData(text) {
  try { return JSON.parse(text); } catch { return text; }
}

class App {
  constructor() {
    this.me = null;
    this.main = document.getElementById('main');
    this.cleanup = null;
    this.generation = 0;
    this.el = el;
    this.markdown = markdown;
  }

  // JSON in and out. A 401 (outside the sign-in calls) sends the user to
  // #/login. Resolves to {status, body}; rejects only when no answer came.
  async api(method, path, body) {
    const response = await fetch(path, {
      method, credentials: 'same-origin', headers: headersFor(method, body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await parseBody(response);
    if (response.status === 401 && !path.startsWith('/api/v1/auth/')) this.signedOut();
    return { status: response.status, body: parsed };
  }

  // Uploads each file of `files` as its own multipart request (field
  // "file") so each has its own progress: onProgress(index, loaded, total).
  // Resolves to one {status, body} per file, in order; a network failure is
  // {status: 0, body: {error}}.
  async upload(path, files, onProgress) {
    const results = [];
    for (let i = 0; i < files.length; ++i) {
      results.push(await this.uploadOne(path, files[i], (loaded, total) => onProgress?.(i, loaded, total)));
    }
    return results;
  }

  uploadOne(path, file, onProgress) {
    const form = new FormData();
    form.append('file', file, file.name);
    return this.post(path, form, file.name, onProgress);
  }

  // POSTs a File or Blob as the raw request body (e.g. a model blob).
  uploadRaw(path, file, onProgress) {
    return this.post(path, file, file.name ?? 'the file', onProgress);
  }

  // POSTs `body` (FormData or Blob) with upload progress: onProgress(loaded,
  // total). Resolves to {status, body}; a network failure is {status: 0}.
  post(path, body, label, onProgress) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      const token = csrfToken();
      if (token) xhr.setRequestHeader('X-CSRF-Token', token);
      xhr.upload.addEventListener('progress', (event) => onProgress?.(event.loaded, event.total || body.size));
      xhr.addEventListener('load', () => {
        if (xhr.status === 401) this.signedOut();
        resolve({ status: xhr.status, body: parseData(xhr.responseText) });
      });
      xhr.addEventListener('error', () => resolve({ status: 0, body: { error: `could not send ${label}` } }));
      xhr.send(body);
    });
  }

  // A streamed request whose answer is Server-Sent Events; onEvent(name,
  // data) per event (data parsed as JSON when it is JSON). Resolves to
  // {status} when the stream ends, or {status, body} without events when the
  // server refused it.
  async sse(method, path, body, onEvent, signal) {
    const response = await fetch(path, {
      method, credentials: 'same-origin', signal, headers: {
        ...headersFor(method, body !== undefined && body !== null), Accept: 'text/event-stream' },
      body: body === undefined || body === null ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      if (response.status === 401) this.signedOut();
      return { status: response.status, body: await parseBody(response) };
    }
    let name = 'message';
    let data = [];
    await readLines(response, (line) => {
      if (line === '') {
        if (data.length > 0) onEvent(name, parseData(data.join('\n')));
        name = 'message';
        data = [];
      } else if (line.startsWith('event:')) {
        name = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    });
    if (data.length > 0) onEvent(name, parseData(data.join('\n')));
    return { status: response.status };
  }

  // An Ollama NDJSON stream (POST): onLine(object) per line. Resolves like sse.
  async ndjson(path, body, onLine, signal) {
    const response = await fetch(path, {
      method: 'POST', credentials: 'same-origin', signal, headers: headersFor('POST', true),
      body: JSON.stringify(body ?? {}),
    });
    if (!response.ok) {
      if (response.status === 401) this.signedOut();
      return { status: response.status, body: await parseBody(response) };
    }
    await readLines(response, (line) => { if (line.trim() !== '') onLine(parseData(line)); });
    return { status: response.status };
  }

  navigate(hash) {
    if (window.location.hash === hash) this.route();
    else window.location.hash = hash;
  }

  // A toast for `text`; kind is "info", "ok" or "error". Gone after a while.
  toast(text, kind = 'info') {
    const toast = el('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : null }, String(text));
    document.getElementById('toasts').append(toast);
    setTimeout(() => toast.remove(), kind === 'error' ? 8000 : 4000);
  }

  signedOut() {
    this.me = null;
    this.renderChrome();
    if (window.location.hash !== '#/login') window.location.hash = '#/login';
  }

  async refreshMe() {
    const answer = await this.api('GET', '/api/v1/auth/me');
    this.me = answer.status === 200 ? answer.body : null;
    this.renderChrome();
    return this.me;
  }

  async logout() {
    await this.api('POST', '/api/v1/auth/logout', {});
    this.signedOut();
  }

  renderChrome() {
    const nav = document.getElementById('nav');
    const session = document.getElementById('session');
    nav.replaceChildren();
    session.replaceChildren();
    if (!this.me) return;
    const current = window.location.hash;
    for (const [hash, label] of kNav) {
      if (hash === '#/admin' && this.me.mode !== 'single-user' && this.me.user?.role !== 'admin') continue;
      const active = current === hash || (hash === '#/workspaces' && current.startsWith('#/w/'));
      nav.append(el('a', { href: hash, 'aria-current': active ? 'page' : null }, label));
    }
    if (this.me.mode === 'multi-user' && this.me.user) {
      session.append(el('span', { testid: 'signed-in-as' }, this.me.user.name),
                     el('button', { type: 'button', onclick: () => this.logout() }, 'Sign out'));
    }
  }

  // "" → the welcome page while no model is installed, else workspaces.
  async defaultRoute() {
    const tags = await this.api('GET', '/api/tags');
    const none = tags.status === 200 && (tags.body?.models ?? []).length === 0;
    return none ? '#/welcome' : '#/workspaces';
  }

  match(hash) {
    for (const [pattern, page, names] of kRoutes) {
      const found = hash.match(pattern);
      if (!found) continue;
      const params = {};
      names.forEach((name, i) => { params[name] = decodeURIComponent(found[i + 1]); });
      return { page, params };
    }
    return null;
  }

  async route() {
    const generation = ++this.generation;
    if (this.cleanup) {
      try { this.cleanup(); } catch (error) { console.error(error); }
      this.cleanup = null;
    }
    const hash = window.location.hash;
    if (!this.me && hash !== '#/login') {
      if (!(await this.refreshMe())) { window.location.hash = '#/login'; return; }
    }
    if (generation !== this.generation) return;
    const target = this.match(hash);
    if (!target) { window.location.replace(await this.defaultRoute()); return; }
    this.renderChrome();
    await this.mountPage(target, generation);
  }

  async mountPage({ page, params }, generation) {
    const root = el('div', { dataset: { page } });
    this.main.replaceChildren(root);
    let module;
    try {
      module = await import(`./pages/${page}.js`);
    } catch (error) {
      console.error(error);
      if (generation === this.generation) this.notAvailable(root, page);
      return;
    }
    if (generation !== this.generation) return;
    try {
      const cleanup = await module.mount(root, this, params);
      if (generation !== this.generation) { if (typeof cleanup === 'function') cleanup(); return; }
      this.cleanup = typeof cleanup === 'function' ? cleanup : null;
      // After following a link, keyboard and screen-reader users start at
      // the new page, unless the page put focus somewhere itself.
      const active = document.activeElement;
      if (active === document.body || active?.closest('nav')) this.main.focus({ preventScroll: true });
    } catch (error) {
      console.error(error);
      root.append(el('p', { class: 'error-text', role: 'alert' }, `This page failed: ${error.message ?? error}`));
    }
  }

  notAvailable(root, page) {
    root.replaceChildren(el('h1', {}, 'Not available yet'),
                         el('p', { class: 'muted', testid: 'not-available' },
                            `The ${page} page is not available yet in this build.`));
  }
}

const app = new App();
window.addEventListener('hashchange', () => app.route());
app.route();
