// The dashboard: one tab per family of datasets, each listing the
// catalogue's datasets of that family as cards, plus Runs & health. The
// tab is in the URL hash (/dashboard#sales) and is rendered when first shown.

import { h, replace, spinner, errorBox, emptyBox, slug } from '../dom.js';
import { integer } from '../format.js';
import * as api from '../api.js';
import { TABS, groupByTab } from '../datasets.js';
import { datasetCard } from '../card.js';
import { segmentsPanel } from './segments.js';
import { collectionsPanel } from './collections.js';
import { renderRuns } from './runs.js';

// Panels drawn above a tab's dataset cards.
const EXTRA = { advanced: segmentsPanel, mongodb: collectionsPanel };

/** renderDashboard fills main with the dashboard; signal aborts its fetches when the page is left. */
export function renderDashboard(main, signal) {
  const wanted = location.hash.slice(1);
  let active = TABS.some((t) => t.id === wanted) ? wanted : TABS[0].id;
  const rendered = new Set();
  let groups = null;

  const buttons = new Map();
  const panels = new Map();
  const counts = new Map();
  for (const t of TABS) {
    const count = h('span', { class: 'badge rounded-pill text-bg-light ms-1 tab-count', 'aria-hidden': 'true' });
    counts.set(t.id, count);
    buttons.set(t.id, h('button', {
      type: 'button', class: 'nav-link', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `panel-${t.id}`,
      'data-tab': t.id, onclick: () => select(t.id, true), onkeydown: keys,
    }, t.title, count));
    panels.set(t.id, h('div', { class: 'tab-panel', role: 'tabpanel', id: `panel-${t.id}`, 'aria-labelledby': `tab-${t.id}`, tabindex: '0', hidden: true }));
  }

  replace(main,
    h('div', { class: 'page-header mb-3' },
      h('h1', { class: 'h3 mb-1', text: 'Dashboard' }),
      h('p', { class: 'text-body-secondary mb-0', text: 'Every published dataset with its chart, paged table and downloads; runs, rejects and service health.' })),
    h('div', { class: 'tabs-scroll mb-4' }, h('ul', { class: 'nav nav-tabs flex-nowrap', role: 'tablist', 'aria-label': 'Dataset families' },
      TABS.map((t) => h('li', { class: 'nav-item', role: 'presentation' }, buttons.get(t.id))))),
    TABS.map((t) => panels.get(t.id)));

  function keys(e) {
    const i = TABS.findIndex((t) => t.id === active);
    const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (e.key === 'Home' || e.key === 'End' || step) {
      e.preventDefault();
      const j = e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : (i + step + TABS.length) % TABS.length;
      select(TABS[j].id, true);
      buttons.get(TABS[j].id).focus();
    }
  }

  function select(id, push) {
    active = id;
    for (const t of TABS) {
      const on = t.id === id;
      const b = buttons.get(t.id);
      b.classList.toggle('active', on);
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      panels.get(t.id).hidden = !on;
    }
    if (push && location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
    show(id);
  }

  function show(id) {
    if (rendered.has(id)) return;
    if (id === 'runs') {
      rendered.add(id);
      renderRuns(panels.get(id), signal);
      return;
    }
    if (!groups) return; // drawn once the catalogue arrives
    rendered.add(id);
    renderDatasets(panels.get(id), id, groups[id], signal);
  }

  replace(panels.get(active), spinner('Loading the catalogue'));
  select(active, false);
  api.catalogue({ signal }).then((datasets) => {
    groups = groupByTab(datasets);
    for (const t of TABS) if (t.id !== 'runs') counts.get(t.id).textContent = integer(groups[t.id].length);
    show(active);
  }).catch((err) => {
    if (err.name === 'AbortError') return;
    for (const t of TABS) if (t.id !== 'runs') replace(panels.get(t.id), errorBox('the dataset catalogue', err));
  });
}

// renderDatasets fills a tab with its extra panel and a card per dataset.
function renderDatasets(panel, tab, datasets, signal) {
  const extra = EXTRA[tab] ? EXTRA[tab](datasets, signal) : null;
  if (!datasets.length) {
    replace(panel, extra, emptyBox('No datasets of this family are published yet. Run its pipeline, then refresh.'));
    return;
  }
  const jump = h('nav', { class: 'jump-list d-flex flex-wrap gap-1 mb-3', 'aria-label': 'Datasets on this tab' },
    h('span', { class: 'small text-body-secondary me-1 align-self-center', text: 'Jump to' }),
    datasets.map((ds) => h('a', {
      class: 'btn btn-sm btn-light border', href: `#ds-${slug(ds.path)}`, text: ds.name,
      onclick: (e) => {
        e.preventDefault();
        document.getElementById(`ds-${slug(ds.path)}`)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
      },
    })));
  replace(panel, jump, extra, h('div', { class: 'd-grid gap-4' }, datasets.map((ds) => datasetCard(ds, signal))));
}
