// The MongoDB tab's Collections panel: every collection of the database
// with its document count and up to three sample documents
// (GET /api/mongodb/collections).

import { h, replace, spinner, errorBox, emptyBox } from '../dom.js';
import { integer } from '../format.js';
import * as api from '../api.js';
import { chart } from '../charts.js';

/** collectionsPanel lists the collections; the tab's datasets are not needed. */
export function collectionsPanel(_datasets, signal) {
  const body = h('div', {}, spinner('Loading collections'));
  fill(body, signal);
  return h('section', { class: 'card shadow-sm mb-4', 'aria-labelledby': 'collections-title' },
    h('div', { class: 'card-header bg-body d-flex flex-wrap align-items-baseline gap-2' },
      h('h2', { class: 'h6 mb-0 fw-semibold', id: 'collections-title', text: 'Collections' }),
      h('code', { class: 'small text-body-secondary', text: '/api/mongodb/collections' })),
    h('div', { class: 'card-body' }, body));
}

async function fill(body, signal) {
  try {
    const all = await api.collections({ signal });
    const names = Object.keys(all).sort();
    if (!names.length) return replace(body, emptyBox('The database has no collections yet.'));
    const m = {
      kind: 'hbar', title: 'Documents per collection', labels: names,
      series: [{ name: 'Documents', values: names.map((n) => Number(all[n].count) || 0), type: 'int' }],
    };
    replace(body, h('div', { class: 'row g-4' },
      h('div', { class: 'col-12 col-lg-5' }, h('figure', { class: 'mb-0' },
        h('figcaption', { class: 'small fw-semibold text-body-secondary mb-2', text: m.title }), chart(m))),
      h('div', { class: 'col-12 col-lg-7' }, h('ul', { class: 'list-group', 'data-role': 'collections' }, names.map((n) => {
        const samples = all[n].sample || [];
        return h('li', { class: 'list-group-item', 'data-collection': n },
          h('div', { class: 'd-flex justify-content-between align-items-baseline gap-2' },
            h('code', { class: 'fw-semibold text-body', text: n }),
            h('span', { class: 'small text-body-secondary', text: `${integer(all[n].count)} ${all[n].count === 1 ? 'document' : 'documents'}` })),
          samples.length ? h('details', { class: 'mt-1' },
            h('summary', { class: 'small', text: `${samples.length} sample ${samples.length === 1 ? 'document' : 'documents'}` }),
            h('pre', { class: 'sample-doc small mb-0 mt-2', text: JSON.stringify(samples, null, 2) })) : null);
      })))));
  } catch (err) {
    if (err.name !== 'AbortError') replace(body, errorBox('the MongoDB collections', err));
  }
}
