// Tiny DOM builder: every page is built from elements and text nodes, never
// from HTML strings, so values from the API can't inject markup.

/**
 * h creates an element. attrs: "class", "text", "data-*", "aria-*", any
 * attribute (false/null/undefined skip it), and on<event> functions.
 * Children are nodes, strings (text) or arrays of either; null is skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** append adds children (nodes, strings, nested arrays; null skipped) to el. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** replace empties el and fills it with children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** slug turns "pig/sales_by_region" into an id-safe "pig-sales_by_region". */
export function slug(text) {
  return String(text).replace(/[^A-Za-z0-9_-]+/g, '-');
}

/** spinner is a small loading indicator with an accessible label. */
export function spinner(label = 'Loading') {
  return h('div', { class: 'd-flex align-items-center gap-2 text-body-secondary small py-3', role: 'status' },
    h('span', { class: 'spinner-border spinner-border-sm', 'aria-hidden': 'true' }),
    h('span', { text: `${label}…` }));
}

/** errorBox shows what failed to load and why (an ApiError's detail when there is one). */
export function errorBox(what, err) {
  const detail = err && err.detail ? ` — ${err.detail}` : '';
  const message = err && err.message ? err.message : String(err);
  return h('div', { class: 'alert alert-danger small mb-0', role: 'alert' },
    h('strong', { text: `Could not load ${what}: ` }), `${message}${detail}`);
}

/** emptyBox says a dataset or list has nothing to show. */
export function emptyBox(text) {
  return h('div', { class: 'empty-box text-body-secondary small' }, text);
}
