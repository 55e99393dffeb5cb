// Data tables with server-side paging, sorting and search: every change
// asks the API for one page (page, page_size, sort, order, q), so a table
// works the same for 10 rows or 10 million. The table element carries
// data-dataset, data-state (loading|ready|error), data-page and data-total.

import { h, replace } from './dom.js';
import { cell, integer, isNumeric, words } from './format.js';
import { exportURL } from './api.js';

/** PAGE_SIZES are the choices of the rows-per-page selector. */
export const PAGE_SIZES = [10, 25, 50, 100];

const FORMATS = [['csv', 'CSV'], ['json', 'JSON'], ['xlsx', 'Excel']];

/**
 * dataTable builds a paged table. opts:
 *   id        "family/name", set as data-dataset
 *   title     what the table shows (caption, labels)
 *   fetch     (params, signal) => Promise<{columns, rows, page, page_size, total}>
 *   exports   {family, name} to show CSV / JSON / Excel downloads of the whole dataset
 *   sortable  headers sort on click (default true)
 *   search    show the search box (default true)
 *   pageSize, sort, order   the initial page size and sort
 *   visible   the columns to show, in order (default: all of the dataset's)
 *   onData    called with each page received
 */
export function dataTable(opts) {
  const state = {
    page: 1, pageSize: opts.pageSize || 10, sort: opts.sort || '', order: opts.order || '', q: '',
  };
  let columns = [];
  let seq = 0;
  let inflight = null;
  let pages = 1;
  const sortable = opts.sortable !== false;

  const table = h('table', {
    class: 'table table-sm table-hover align-middle mb-0 data-table',
    'data-dataset': opts.id, 'data-state': 'loading', 'aria-busy': 'true',
  });
  const caption = h('caption', { class: 'visually-hidden', text: opts.title });
  const thead = h('thead', { class: 'table-light' });
  const tbody = h('tbody');
  table.append(caption, thead, tbody);

  const info = h('div', { class: 'small text-body-secondary', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', 'data-action': 'prev', text: '‹ Prev', 'aria-label': `Previous page of ${opts.title}`, onclick: () => go(state.page - 1) });
  const next = h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', 'data-action': 'next', text: 'Next ›', 'aria-label': `Next page of ${opts.title}`, onclick: () => go(state.page + 1) });
  const pageLabel = h('span', { class: 'small text-body-secondary px-2 text-nowrap', 'data-role': 'page-label' });
  const pager = h('nav', { class: 'd-flex align-items-center gap-1', 'aria-label': `Pages of ${opts.title}` }, prev, pageLabel, next);

  const uid = `t${Math.random().toString(36).slice(2, 9)}`;
  let timer;
  const searchInput = h('input', {
    type: 'search', class: 'form-control form-control-sm', id: `${uid}-q`, placeholder: 'Search…', autocomplete: 'off',
    oninput: () => { clearTimeout(timer); timer = setTimeout(() => setQuery(searchInput.value), 300); },
    onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); setQuery(searchInput.value); } },
  });
  const search = opts.search === false ? null : h('div', { class: 'table-search' },
    h('label', { class: 'visually-hidden', for: `${uid}-q`, text: `Search ${opts.title}` }), searchInput);

  const sizeSelect = h('select', {
    class: 'form-select form-select-sm', id: `${uid}-size`,
    onchange: () => { state.pageSize = Number(sizeSelect.value); state.page = 1; load(); },
  }, PAGE_SIZES.map((n) => h('option', { value: n, selected: n === state.pageSize, text: `${n} rows` })));
  const size = h('div', { class: 'table-size' },
    h('label', { class: 'visually-hidden', for: `${uid}-size`, text: `Rows per page of ${opts.title}` }), sizeSelect);

  const downloads = opts.exports ? h('div', { class: 'btn-group btn-group-sm ms-auto', role: 'group', 'aria-label': `Download ${opts.title}` },
    FORMATS.map(([format, label]) => h('a', {
      class: 'btn btn-outline-primary', href: exportURL(opts.exports.family, opts.exports.name, format), download: '',
      'data-format': format, 'aria-label': `Download all of ${opts.title} as ${label}`, text: label,
    }))) : null;

  const root = h('div', { class: 'data-table-wrap' },
    h('div', { class: 'table-toolbar d-flex flex-wrap align-items-center gap-2 mb-2' }, search, size, downloads),
    h('div', { class: 'table-responsive border rounded' }, table),
    h('div', { class: 'd-flex flex-wrap justify-content-between align-items-center gap-2 mt-2' }, info, pager));

  function setQuery(q) {
    if (q.trim() === state.q) return;
    state.q = q.trim();
    state.page = 1;
    load();
  }

  function go(page) {
    if (page < 1 || page > pages) return;
    state.page = page;
    load();
  }

  function sortBy(name) {
    if (state.sort === name) state.order = state.order === 'asc' ? 'desc' : 'asc';
    else { state.sort = name; state.order = 'asc'; }
    state.page = 1;
    load();
  }

  function renderHead() {
    replace(thead, h('tr', {}, columns.map((c) => {
      const active = state.sort === c.name;
      const ariaSort = active ? (state.order === 'desc' ? 'descending' : 'ascending') : 'none';
      const label = words(c.name);
      const num = isNumeric(c.type) ? ' text-end' : '';
      if (!sortable) return h('th', { scope: 'col', class: `text-nowrap${num}`, 'data-column': c.name, text: label });
      const arrow = active ? (state.order === 'desc' ? '▼' : '▲') : '↕';
      return h('th', { scope: 'col', class: `text-nowrap${num}`, 'data-column': c.name, 'aria-sort': ariaSort },
        h('button', {
          type: 'button', class: `sort-btn${active ? ' active' : ''}`, onclick: () => sortBy(c.name),
          title: `Sort by ${label}`,
        }, label, h('span', { class: 'sort-arrow', 'aria-hidden': 'true', text: arrow })));
    })));
  }

  function renderRows(rows) {
    if (!rows.length) {
      replace(tbody, h('tr', {}, h('td', { colspan: Math.max(columns.length, 1), class: 'text-center text-body-secondary py-4' },
        state.q ? `No rows match “${state.q}”.` : 'This dataset has no rows.')));
      return;
    }
    replace(tbody, rows.map((row) => h('tr', {}, columns.map((c) => {
      const text = cell(row[c.name], c.type);
      const cls = isNumeric(c.type) ? 'text-end num' : (String(text).length > 60 ? 'wrap' : '');
      return h('td', { class: cls, 'data-column': c.name, text });
    }))));
  }

  function renderPager(res) {
    const total = Number(res.total) || 0;
    pages = Math.max(1, Math.ceil(total / state.pageSize));
    const first = total === 0 ? 0 : (state.page - 1) * state.pageSize + 1;
    const last = Math.min(total, state.page * state.pageSize);
    if (total === 0) info.textContent = state.q ? 'No matches' : 'No rows';
    else info.textContent = `Rows ${integer(first)}–${integer(last)} of ${integer(total)}${state.q ? ` matching “${state.q}”` : ''}`;
    pageLabel.textContent = `Page ${integer(state.page)} of ${integer(pages)}`;
    prev.disabled = state.page <= 1;
    next.disabled = state.page >= pages;
    table.dataset.page = String(state.page);
    table.dataset.total = String(total);
  }

  async function load() {
    const mine = ++seq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    table.dataset.state = 'loading';
    table.setAttribute('aria-busy', 'true');
    root.classList.add('is-loading');
    const params = { page: state.page, page_size: state.pageSize };
    if (state.sort) Object.assign(params, { sort: state.sort, order: state.order || 'asc' });
    if (state.q) params.q = state.q;
    try {
      const res = await opts.fetch(params, inflight.signal);
      if (mine !== seq) return;
      columns = res.columns || columns;
      if (opts.visible) columns = opts.visible.map((n) => columns.find((c) => c.name === n)).filter(Boolean);
      renderHead();
      renderRows(res.rows || []);
      renderPager(res);
      table.dataset.state = 'ready';
      if (opts.onData) opts.onData(res);
    } catch (err) {
      if (err.name === 'AbortError' || mine !== seq) return;
      table.dataset.state = 'error';
      replace(tbody, h('tr', {}, h('td', { colspan: Math.max(columns.length, 1), class: 'text-danger small py-3' },
        `Could not load this page: ${err.message}${err.detail ? ` — ${err.detail}` : ''}`)));
      info.textContent = '';
    } finally {
      if (mine === seq) {
        table.removeAttribute('aria-busy');
        root.classList.remove('is-loading');
      }
    }
  }

  load();
  return root;
}
