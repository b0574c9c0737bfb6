// The chat page (#/w/{slug}/chat and #/w/{slug}/chat/{thread}): the
// workspace's threads, the selected thread's messages, and a composer whose
// answers stream over SSE (POST /api/v1/workspaces/{slug}/chat). Answers are
// rendered as Markdown by app.markdown (sanitized); citation markers [n]
// become buttons that open the source.
import { h, clear, setHidden, confirmDialog, copyButton, errorText, formatMs, openDialog, request } from './ui_parts.js';

// Re-rendering the whole Markdown on every token is wasteful: at most this often.
const kRenderIntervalMs = 80;

export async function mount(root, app, params) {
  const slug = params.slug;
  const base = `/api/v1/workspaces/${encodeURIComponent(slug)}`;
  const state = { thread: params.thread ? Number(params.thread) : null, controller: null };

  const threadList = h(app, 'ul', { class: 'thread-list', 'aria-label': 'Threads' });
  const newThread = h(app, 'button', { type: 'button', class: 'primary', testid: 'thread-new' }, 'New thread');
  const messages = h(app, 'div', { class: 'chat-messages', role: 'log', 'aria-live': 'polite',
                                   'aria-label': 'Conversation' });
  const input = h(app, 'textarea', { class: 'chat-input', testid: 'chat-input', rows: 3, id: 'chat-input',
                                     placeholder: 'Ask about this workspace’s documents (Enter sends, Shift+Enter: new line)' });
  const send = h(app, 'button', { type: 'submit', class: 'primary', testid: 'chat-send' }, 'Send');
  const stop = h(app, 'button', { type: 'button', testid: 'chat-stop', hidden: true }, 'Stop');
  const composer = h(app, 'form', { class: 'chat-composer' },
                     h(app, 'label', { htmlFor: 'chat-input', class: 'visually-hidden' }, 'Message'),
                     input, h(app, 'div', { class: 'chat-composer-actions' }, send, stop));

  root.appendChild(h(app, 'div', { class: 'chat-layout' },
    h(app, 'aside', { class: 'chat-threads', 'aria-label': 'Threads of this workspace' },
      h(app, 'h2', {}, 'Threads'), newThread, threadList),
    h(app, 'section', { class: 'chat-main', 'aria-label': 'Chat' },
      h(app, 'h1', { class: 'chat-title' }, `Chat — ${slug}`), messages, composer)));

  const view = { app, slug, base, state, threadList, messages, input, send, stop };

  newThread.addEventListener('click', async () => {
    const thread = await request(app, 'POST', `${base}/threads`, {});
    if (thread) app.navigate(`#/w/${slug}/chat/${thread.id}`);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    ask(view);
  });
  stop.addEventListener('click', () => state.controller?.abort());

  await Promise.all([loadThreads(view), loadMessages(view)]);
  input.focus();
  return () => state.controller?.abort();
}

async function loadThreads(view) {
  const { app, slug, base, state, threadList } = view;
  const body = await request(app, 'GET', `${base}/threads`);
  clear(threadList);
  const threads = body?.threads ?? [];
  if (threads.length === 0) threadList.appendChild(h(app, 'li', { class: 'muted' }, 'No threads yet.'));
  for (const thread of threads) {
    const title = thread.title || `Thread ${thread.id}`;
    const link = h(app, 'a', { href: `#/w/${slug}/chat/${thread.id}`, class: 'thread-link',
                               'aria-current': thread.id === state.thread ? 'page' : null }, title);
    const remove = h(app, 'button', { type: 'button', class: 'icon-button danger',
                                      'aria-label': `Delete thread ${title}` }, 'Delete');
    remove.addEventListener('click', async () => {
      if (!await confirmDialog(app, 'Delete thread', `Delete “${title}” and its messages?`)) return;
      if (await request(app, 'DELETE', `${base}/threads/${thread.id}`) === null) return;
      if (thread.id === state.thread) app.navigate(`#/w/${slug}/chat`);
      else loadThreads(view);
    });
    threadList.appendChild(h(app, 'li', { class: 'thread-item' }, link, remove));
  }
}

async function loadMessages(view) {
  const { app, base, state, messages } = view;
  clear(messages);
  if (state.thread === null) {
    messages.appendChild(h(app, 'p', { class: 'muted chat-empty' },
                           'Ask a question: answers cite the workspace’s documents.'));
    return;
  }
  const body = await request(app, 'GET', `${base}/threads/${state.thread}/messages`);
  for (const message of body?.messages ?? []) {
    if (message.role === 'user') {
      messages.appendChild(userBubble(app, message.content));
    } else if (message.role === 'assistant') {
      const answer = answerBlock(app);
      answer.finish(message.content, message.sources ?? [], message.trace, message.ledger);
      if (message.error) answer.fail(message.error);
      messages.appendChild(answer.element);
    }
  }
  messages.scrollTop = messages.scrollHeight;
}

function userBubble(app, text) {
  return h(app, 'div', { class: 'message message-user' }, h(app, 'p', { class: 'message-text' }, text));
}

function setStreaming(view, streaming) {
  view.send.disabled = streaming;
  setHidden(view.stop, !streaming);
  view.input.readOnly = streaming;
}

// Sends the composer's text and streams the answer into a new answer block.
async function ask(view) {
  const { app, base, state, messages, input } = view;
  const text = input.value.trim();
  if (!text || state.controller) return;
  messages.querySelector('.chat-empty')?.remove();
  messages.appendChild(userBubble(app, text));
  const answer = answerBlock(app);
  messages.appendChild(answer.element);
  messages.scrollTop = messages.scrollHeight;
  input.value = '';
  state.controller = new AbortController();
  setStreaming(view, true);
  const body = { message: text, stream: true };
  if (state.thread !== null) body.thread = state.thread;
  let finished = false;
  const onEvent = (name, raw) => {
    const data = parseData(raw);
    if (name === 'sources') answer.setSources(data?.sources ?? []);
    else if (name === 'token') answer.append(data?.text ?? '');
    else if (name === 'done') {
      finished = true;
      answer.finish(data?.answer ?? '', data?.sources ?? [], data?.trace, data?.ledger);
      if (data?.thread && data.thread !== state.thread) adoptThread(view, data.thread);
    } else if (name === 'error') {
      finished = true;
      answer.fail(data?.error?.message ?? data?.error ?? 'the answer failed');
    }
    messages.scrollTop = messages.scrollHeight;
  };
  try {
    const result = await app.sse('POST', `${base}/chat`, body, onEvent, state.controller.signal);
    if (result && typeof result.status === 'number' && result.status >= 400) {
      finished = true;
      answer.fail(errorText(result));
    }
  } catch (error) {
    finished = true;
    if (error?.name === 'AbortError') answer.stopped();
    else answer.fail(error?.message ?? String(error));
  } finally {
    if (!finished) answer.stopped();
    state.controller = null;
    setStreaming(view, false);
    input.focus();
  }
}

// A new thread made by the first question: the address names it without
// remounting the page.
function adoptThread(view, thread) {
  view.state.thread = thread;
  history.replaceState(null, '', `#/w/${view.slug}/chat/${thread}`);
  loadThreads(view);
}

function parseData(raw) {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return { text: raw };
  }
}

// One assistant answer: streamed text rendered as Markdown, citations,
// sources, details (trace, ledger) and a Copy button.
function answerBlock(app) {
  const content = h(app, 'div', { class: 'answer-content markdown' });
  const status = h(app, 'p', { class: 'answer-status muted', 'aria-live': 'polite' }, 'Thinking…');
  const footer = h(app, 'div', { class: 'answer-footer' });
  const element = h(app, 'article', { class: 'message message-assistant', testid: 'answer',
                                      'aria-label': 'Answer' }, content, status, footer);
  let text = '';
  let sources = [];
  let timer = null;
  const render = () => {
    timer = null;
    clear(content);
    content.appendChild(renderMarkdown(app, text, sources));
  };
  const schedule = () => {
    if (timer === null) timer = setTimeout(render, kRenderIntervalMs);
  };
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    render();
  };
  return {
    element,
    setSources(list) {
      sources = list;
      status.textContent = 'Writing…';
    },
    append(piece) {
      text += piece;
      status.textContent = 'Writing…';
      schedule();
    },
    finish(answer, list, trace, ledger) {
      text = answer || text;
      sources = list ?? sources;
      flush();
      status.remove();
      clear(footer);
      footer.appendChild(copyButton(app, 'Copy', () => text, { testid: 'answer-copy',
                                                              'aria-label': 'Copy this answer' }));
      if (sources.length) footer.appendChild(sourceList(app, sources));
      if (trace || ledger) footer.appendChild(details(app, trace, ledger));
    },
    stopped() {
      flush();
      status.textContent = 'Stopped.';
      footer.appendChild(copyButton(app, 'Copy', () => text, { testid: 'answer-copy' }));
    },
    fail(message) {
      flush();
      status.textContent = '';
      status.appendChild(h(app, 'span', { class: 'error-text', role: 'alert' }, `Error: ${message}`));
    },
  };
}

// Markdown (sanitized by app.markdown), then each [n] in a text node outside
// code and links becomes a citation button. Only text nodes are touched.
function renderMarkdown(app, text, sources) {
  const fragment = app.markdown(text);
  for (const pre of fragment.querySelectorAll('pre')) pre.classList.add('code-block');
  const byNumber = new Map(sources.map((s) => [Number(s.number), s]));
  if (byNumber.size === 0) return fragment;
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (/\[\d+\]/.test(node.nodeValue) && !node.parentElement?.closest('code, pre, a, button')) nodes.push(node);
  }
  for (const node of nodes) linkCitations(app, node, byNumber);
  return fragment;
}

function linkCitations(app, node, byNumber) {
  const parts = node.nodeValue.split(/(\[\d+\])/);
  const replacement = document.createDocumentFragment();
  for (const part of parts) {
    const match = /^\[(\d+)\]$/.exec(part);
    const source = match ? byNumber.get(Number(match[1])) : undefined;
    if (!source) {
      if (part) replacement.appendChild(document.createTextNode(part));
      continue;
    }
    const button = h(app, 'button', { type: 'button', class: 'citation', testid: 'citation',
                                      'aria-label': `Source ${match[1]}: ${source.document ?? ''}` }, part);
    button.addEventListener('click', () => showSource(app, source));
    replacement.appendChild(button);
  }
  node.parentNode.replaceChild(replacement, node);
}

function pagesText(pages) {
  if (!Array.isArray(pages) || pages.length === 0 || !pages[0]) return '';
  return pages[1] && pages[1] !== pages[0] ? `pages ${pages[0]}–${pages[1]}` : `page ${pages[0]}`;
}

function showSource(app, source) {
  const facts = [pagesText(source.pages), source.heading, source.pinned ? 'pinned' : '']
    .filter(Boolean).join(' · ');
  openDialog(app, {
    title: `[${source.number}] ${source.document ?? 'Source'}`,
    testid: 'source-dialog',
    content: [
      facts ? h(app, 'p', { class: 'source-facts muted' }, facts) : null,
      h(app, 'blockquote', { class: 'source-snippet' }, source.snippet ?? ''),
    ],
  });
}

function sourceList(app, sources) {
  const items = sources.map((source) => {
    const button = h(app, 'button', { type: 'button', class: 'link-button', testid: 'source-item' },
                     `[${source.number}] ${source.document ?? ''} ${pagesText(source.pages)}`.trim());
    button.addEventListener('click', () => showSource(app, source));
    return h(app, 'li', { class: source.cited === false ? 'muted' : null }, button);
  });
  return h(app, 'details', { class: 'answer-sources' }, h(app, 'summary', {}, `Sources (${sources.length})`),
           h(app, 'ol', { class: 'source-list' }, items));
}

// The trace's stage timings and the ledger's token parts and dropped items.
function details(app, trace, ledger) {
  const children = [h(app, 'summary', {}, 'Details')];
  if (trace) {
    const rows = Object.entries(trace).filter(([key]) => key.endsWith('_ms'))
      .map(([key, value]) => h(app, 'tr', {}, h(app, 'th', { scope: 'row' }, key.replace(/_ms$/, '').replace(/_/g, ' ')),
                                 h(app, 'td', { class: 'numeric' }, formatMs(value))));
    children.push(h(app, 'h3', {}, 'Timings'), h(app, 'table', { class: 'data-table compact' }, h(app, 'tbody', {}, rows)));
  }
  if (ledger) children.push(...ledgerParts(app, ledger));
  return h(app, 'details', { class: 'answer-details', testid: 'answer-details' }, ...children);
}

const kLedgerParts = ['system_prompt', 'pinned', 'retrieved', 'history', 'question', 'reserved_for_answer',
                      'prompt_total', 'budget', 'context_window'];

function ledgerParts(app, ledger) {
  const rows = kLedgerParts.filter((part) => typeof ledger[part] === 'number')
    .map((part) => h(app, 'tr', {}, h(app, 'th', { scope: 'row' }, part.replace(/_/g, ' ')),
                     h(app, 'td', { class: 'numeric' }, `${ledger[part]} tokens`)));
  const out = [h(app, 'h3', {}, 'Token ledger'), h(app, 'table', { class: 'data-table compact' }, h(app, 'tbody', {}, rows))];
  if (ledger.history_turns_dropped) {
    out.push(h(app, 'p', {}, `History turns dropped: ${ledger.history_turns_dropped}`));
  }
  if (ledger.rebuilt && ledger.rebuild_reason) out.push(h(app, 'p', {}, `Prompt rebuilt: ${ledger.rebuild_reason}`));
  const dropped = ledger.dropped ?? [];
  if (dropped.length) {
    out.push(h(app, 'h3', {}, `Dropped (${dropped.length})`),
             h(app, 'ul', { class: 'dropped-list' }, dropped.map((d) => h(app, 'li', {},
               `${d.document ?? `document ${d.document_id}`} ${pagesText(d.pages)} — ${d.tokens} tokens: ${d.reason}`))));
  }
  return out;
}
