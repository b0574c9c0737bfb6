// Markdown to a sanitized DocumentFragment, for app.markdown: `marked`
// renders, then DOMPurify sanitizes what it rendered (never the other way
// round). Links keep only http(s) and mailto targets and open in a new tab
// without a referrer; images keep only data: and same-origin sources, and
// others are dropped before the browser could request them. The result is
// DOM nodes, never HTML text for innerHTML.
import { marked } from './vendor/marked.js';
import DOMPurify from './vendor/purify.js';

const kLinkProtocols = ['http:', 'https:', 'mailto:'];

function parseUrl(text) {
  try {
    return new URL(text, window.location.href);
  } catch {
    return null;
  }
}

function fixLink(node) {
  const url = parseUrl(node.getAttribute('href') ?? '');
  if (!url || !kLinkProtocols.includes(url.protocol)) node.removeAttribute('href');
  node.setAttribute('rel', 'noopener noreferrer');
  node.setAttribute('target', '_blank');
}

// Removing the node inside the hook would disturb DOMPurify's walk: the
// source goes here, the image after sanitizing.
function fixImage(node) {
  const url = parseUrl(node.getAttribute('src') ?? '');
  const allowed = url && (url.protocol === 'data:' || url.origin === window.location.origin);
  if (!allowed) node.removeAttribute('src');
}

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') fixLink(node);
  if (node.tagName === 'IMG') fixImage(node);
});

const kPurifyOptions = {
  RETURN_DOM_FRAGMENT: true,
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'svg', 'math'],
  FORBID_ATTR: ['style', 'srcset'],
};

export function markdown(text) {
  const html = marked.parse(String(text ?? ''), { async: false, gfm: true });
  const fragment = DOMPurify.sanitize(html, kPurifyOptions);
  for (const image of fragment.querySelectorAll('img:not([src])')) image.remove();
  return fragment;
}
