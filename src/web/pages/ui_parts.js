// Small shared pieces of the chat, models, system and admin pages: an element
// builder over app.el that applies attributes, properties and listeners
// itself (so pages do not depend on how app.el reads its props), dialogs on
// the native <dialog> (focus stays inside, Escape closes), confirmation,
// clipboard copy with a fallback, and formatting of sizes, times and errors.
// Never builds HTML from strings: every text goes in as a text node.

// Properties set on the element rather than as attributes.
const kProperties = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'open', 'type',
                             'multiple', 'required', 'min', 'max', 'step', 'htmlFor', 'readOnly']);

// h(app, 'button', {class: 'x', testid: 'send', onclick: f, 'aria-label': 'Send'}, 'Send')
// Children: strings and numbers become text nodes; null/undefined/false are skipped.
export function h(app, tag, props, ...children) {
  const kept = children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (typeof c === 'number' ? String(c) : c));
  const element = app.el(tag, {}, ...kept);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), value);
    } else if (key === 'testid') {
      element.setAttribute('data-testid', value);
    } else if (key === 'class') {
      element.className = value;
    } else if (key === 'hidden') {
      setHidden(element, true);
    } else if (kProperties.has(key)) {
      element[key] = value;
    } else {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
  return element;
}

// Hides or shows `node`. The `hidden` class as well as the attribute: the
// stylesheet gives buttons a display that would override the attribute.
export function setHidden(node, hidden) {
  node.hidden = hidden;
  node.classList.toggle('hidden', hidden);
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// The message of an app.api answer that failed.
export function errorText(answer) {
  const error = answer?.body?.error;
  if (typeof error === 'string') return error;
  if (error && typeof error.message === 'string') return error.message;
  return `the server answered ${answer?.status ?? 'nothing'}`;
}

// Calls app.api; on a status >= 400 shows a toast and returns null.
export async function request(app, method, path, body) {
  let answer;
  try {
    answer = await app.api(method, path, body);
  } catch (error) {
    app.toast(`${method} ${path}: ${error.message ?? error}`, 'error');
    return null;
  }
  if (answer.status >= 400) {
    app.toast(errorText(answer), 'error');
    return null;
  }
  return answer.body ?? {};
}

export function formatBytes(bytes) {
  const value = Number(bytes) || 0;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? size : size.toFixed(size < 10 ? 2 : 1)} ${units[unit]}`;
}

export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970) return '';
  return date.toLocaleString();
}

export function formatMs(ms) {
  const value = Number(ms) || 0;
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

// Copies `text`; falls back to a hidden textarea and execCommand when the
// Clipboard API is unavailable (plain http on another host).
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the fallback
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

// A copy button for `getText()`; says "Copied" for a moment.
export function copyButton(app, label, getText, props = {}) {
  const button = h(app, 'button', { type: 'button', class: 'copy-button', ...props }, label);
  button.addEventListener('click', async () => {
    const copied = await copyText(getText());
    app.toast(copied ? 'Copied' : 'Could not copy: select the text and copy it yourself',
              copied ? 'ok' : 'error');
  });
  return button;
}

// A modal dialog: `content` nodes and a Close button. The native <dialog>
// keeps focus inside and closes on Escape. Removed from the page on close.
export function openDialog(app, { title, content = [], testid, actions = [] }) {
  const heading = h(app, 'h2', { class: 'dialog-title' }, title);
  const headingId = `dialog-${Math.random().toString(36).slice(2)}`;
  heading.id = headingId;
  const close = h(app, 'button', { type: 'button', class: 'dialog-close' }, 'Close');
  const dialog = h(app, 'dialog', { class: 'dialog', testid, 'aria-labelledby': headingId },
                   heading, h(app, 'div', { class: 'dialog-body' }, ...content),
                   h(app, 'div', { class: 'dialog-actions' }, ...actions, close));
  const opener = document.activeElement;
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
  });
  document.body.appendChild(dialog);
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  close.focus();
  return dialog;
}

// Resolves true when the user confirms.
export function confirmDialog(app, title, text, confirmLabel = 'Delete') {
  return new Promise((resolve) => {
    let confirmed = false;
    const yes = h(app, 'button', { type: 'button', class: 'danger', testid: 'confirm' }, confirmLabel);
    const dialog = openDialog(app, { title, content: [h(app, 'p', {}, text)], actions: [yes],
                                     testid: 'confirm-dialog' });
    yes.addEventListener('click', () => {
      confirmed = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => resolve(confirmed));
  });
}

// A table: `headers` are strings, each row an array of cells (nodes or text).
// On narrow screens each row reflows into a card of "header: value" lines
// (the `reflow` class and each cell's data-label, style.css).
export function table(app, headers, rows, props = {}) {
  return scrollBox(app, h(app, 'table', { class: 'data-table reflow', ...props },
    h(app, 'thead', {}, h(app, 'tr', {}, headers.map((t) => h(app, 'th', { scope: 'col' }, t)))),
    h(app, 'tbody', {}, rows.map((cells) => h(app, 'tr', {}, cells.map((c, i) =>
      h(app, 'td', { 'data-label': headers[i] ?? '' }, c)))))));
}

// Set through the CSSOM, which the CSP allows (style attributes it does not).
export function scrollBox(app, child) {
  const box = h(app, 'div', { class: 'table-scroll' }, child);
  box.style.overflowX = 'auto';
  return box;
}

// A labelled form control: returns {field, input} where field wraps both.
export function labelled(app, labelText, input) {
  const id = input.id || `field-${Math.random().toString(36).slice(2)}`;
  input.id = id;
  const label = h(app, 'label', { htmlFor: id }, labelText);
  return { field: h(app, 'div', { class: 'field' }, label, input), input };
}

export function section(app, title, ...children) {
  return h(app, 'section', { class: 'panel' }, h(app, 'h2', {}, title), ...children);
}

// The budget as a meter, and a bar with one segment per loaded model (widths
// set through the CSSOM, which the page's CSP allows).
export function memoryBar(app, memory) {
  const budget = Number(memory.budget_bytes) || 0;
  const used = Number(memory.used_bytes) || 0;
  const models = memory.models ?? [];
  const bar = h(app, 'div', { class: 'memory-bar', role: 'img',
                              'aria-label': `${formatBytes(used)} of ${formatBytes(budget)} in use` });
  models.forEach((model, index) => {
    const segment = h(app, 'span', { class: `memory-segment memory-segment-${index % 6}`,
                                     title: `${model.name}: ${formatBytes(model.bytes)}` });
    segment.style.width = budget > 0 ? `${Math.min(100, (100 * model.bytes) / budget)}%` : '0';
    bar.appendChild(segment);
  });
  const legend = h(app, 'ul', { class: 'memory-legend' }, models.map((model, index) =>
    h(app, 'li', {}, h(app, 'span', { class: `memory-swatch memory-segment-${index % 6}`, 'aria-hidden': 'true' }),
      `${model.name}: ${formatBytes(model.bytes)}${model.measured === false ? ' (estimated)' : ''}` +
      `${model.pinned ? ', pinned' : ''}, context ${model.context}` +
      (model.expires_at ? `, unloads ${formatTime(model.expires_at)}` : ''))));
  const meter = h(app, 'meter', { class: 'memory-meter visually-hidden', min: 0, max: budget || 1, value: used,
                                  'aria-label': 'Memory in use' });
  return h(app, 'div', {},
    h(app, 'p', {}, `${formatBytes(used)} of ${formatBytes(budget)} budget in use` +
      (memory.machine_total_bytes ? ` (machine: ${formatBytes(memory.machine_total_bytes)} RAM, ` +
        `${formatBytes(memory.machine_available_bytes)} available)` : '')),
    meter, bar, models.length ? legend : h(app, 'p', { class: 'muted' }, 'No model is loaded.'));
}
