// The home page: KPIs, revenue by region and category, recent
// transactions and the services' health — every number from the API.

import { h, replace, spinner, errorBox, emptyBox } from '../dom.js';
import { ago, duration, integer, money, timestamp, words } from '../format.js';
import * as api from '../api.js';
import { chart } from '../charts.js';
import { model } from '../datasets.js';
import { dataTable } from '../table.js';
import { healthList } from '../health.js';

/** RECENT are the datasets that can list recent transactions, best first. */
export const RECENT = ['spark/mongo_unified_sales', 'spark/cohort_analysis'];

// RECENT_COLUMNS are the columns of the recent transactions shown (those the dataset has).
const RECENT_COLUMNS = ['sale_date', 'transaction_id', 'source', 'product_name', 'region', 'total_amount'];

// RUN_CLASS colours a run status that is not "published".
const RUN_CLASS = { running: 'text-primary', publishing: 'text-primary', failed: 'text-danger' };

/** renderHome fills main with the home page; signal aborts its fetches when the page is left. */
export function renderHome(main, signal) {
  const opts = { signal };
  const kpis = h('div', { class: 'row g-3 mb-4', 'data-role': 'kpis' });
  const regionSlot = h('div', { class: 'chart-slot' }, spinner('Loading revenue by region'));
  const categorySlot = h('div', { class: 'chart-slot' }, spinner('Loading revenue by category'));
  const recentSlot = h('div', {}, spinner('Loading transactions'));
  const healthSlot = h('div', {}, spinner('Checking services'));
  const recentTitle = h('h2', { class: 'h6 mb-0 fw-semibold', text: 'Recent transactions' });
  const recentSource = h('code', { class: 'small text-body-secondary' });

  replace(main,
    h('div', { class: 'page-header d-flex flex-wrap align-items-end justify-content-between gap-3 mb-4' },
      h('div', {},
        h('h1', { class: 'h3 mb-1', text: 'Overview' }),
        h('p', { class: 'text-body-secondary mb-0', text: 'Latest published results of the employees, sales, advanced and mongo pipelines.' })),
      h('div', { class: 'd-flex gap-2' },
        h('a', { class: 'btn btn-primary', href: '/dashboard', 'data-link': '', text: 'Open dashboard' }))),
    kpis,
    h('div', { class: 'row g-4 mb-4' },
      panel('Revenue by region', '/api/sales/by-region', regionSlot, 'col-12 col-lg-7'),
      panel('Revenue by category', '/api/sales/by-category', categorySlot, 'col-12 col-lg-5')),
    h('div', { class: 'row g-4' },
      h('div', { class: 'col-12 col-xl-9' }, h('section', { class: 'card shadow-sm h-100', 'aria-labelledby': 'recent-title' },
        h('div', { class: 'card-header bg-body d-flex flex-wrap align-items-baseline gap-2' }, recentTitle, recentSource),
        h('div', { class: 'card-body' }, recentSlot))),
      h('div', { class: 'col-12 col-xl-3' }, h('section', { class: 'card shadow-sm h-100', 'aria-labelledby': 'health-title' },
        h('div', { class: 'card-header bg-body d-flex align-items-baseline gap-2' },
          h('h2', { class: 'h6 mb-0 fw-semibold', id: 'health-title', text: 'Service health' }),
          h('a', { class: 'small ms-auto', href: '/dashboard#runs', 'data-link': '', text: 'Details' })),
        h('div', { class: 'card-body py-1' }, healthSlot)))));
  recentTitle.id = 'recent-title';

  renderKpis(kpis, opts);
  drawSales(regionSlot, api.salesByRegion(opts), 'Revenue by region',
    { kind: 'bar', label: 'region', values: ['total_sales'] },
    [{ name: 'region', type: 'string' }, { name: 'total_sales', type: 'money' }]);
  drawSales(categorySlot, api.salesByCategory(opts), 'Revenue by category',
    { kind: 'doughnut', label: 'category', values: ['total_sales'] },
    [{ name: 'category', type: 'string' }, { name: 'total_sales', type: 'money' }]);
  renderRecent(recentSlot, recentSource, opts);
  api.systemStatus(opts)
    .then((status) => replace(healthSlot, healthList(status)))
    .catch((err) => err.name !== 'AbortError' && replace(healthSlot, errorBox('the service status', err)));
}

function panel(title, source, slot, cols) {
  return h('div', { class: cols }, h('section', { class: 'card shadow-sm h-100' },
    h('div', { class: 'card-header bg-body d-flex flex-wrap align-items-baseline gap-2' },
      h('h2', { class: 'h6 mb-0 fw-semibold', text: title }), h('code', { class: 'small text-body-secondary', text: source })),
    h('div', { class: 'card-body' }, slot)));
}

async function drawSales(slot, promise, title, spec, columns) {
  try {
    const rows = await promise;
    const m = model(spec, rows || [], columns, title);
    replace(slot, m.labels.length ? chart(m) : emptyBox('No sales published yet.'));
  } catch (err) {
    if (err.name !== 'AbortError') replace(slot, errorBox(title.toLowerCase(), err));
  }
}

// kpi is one KPI card; fill() later sets its value and note.
function kpi(key, label, source) {
  const value = h('div', { class: 'kpi-value', 'data-role': 'value' }, h('span', { class: 'placeholder col-6 placeholder-glow' }));
  const note = h('div', { class: 'kpi-note small text-body-secondary', 'data-role': 'note', text: '\u00a0' });
  const card = h('div', { class: 'card kpi-card shadow-sm h-100', 'data-kpi': key, 'data-state': 'loading', title: `From ${source}` },
    h('div', { class: 'card-body' },
      h('div', { class: 'kpi-label', text: label }), value, note));
  return {
    card,
    fill(text, noteText, cls) {
      replace(value, text);
      if (cls) value.classList.add(cls);
      note.textContent = noteText || '\u00a0';
      card.dataset.state = 'ready';
    },
    fail(err) {
      replace(value, '—');
      note.textContent = err.status === 404 ? 'not published yet' : `unavailable: ${err.message}`;
      card.dataset.state = 'error';
    },
  };
}

function renderKpis(row, opts) {
  const revenue = kpi('revenue', 'Revenue', 'pig/sales_kpi_global');
  const transactions = kpi('transactions', 'Transactions', 'pig/sales_kpi_global');
  const customers = kpi('customers', 'Customers', 'pig/sales_kpi_global');
  const employees = kpi('employees', 'Employees', 'pig/total_employees');
  const lastRun = kpi('last-run', 'Last run', '/api/runs');
  const cols = 'col-6 col-md-4 col-xl';
  replace(row, [revenue, transactions, customers, employees].map((k) => h('div', { class: cols }, k.card)),
    h('div', { class: 'col-12 col-md-4 col-xl' }, lastRun.card));

  const ignoreAbort = (f) => (err) => { if (err.name !== 'AbortError') f(err); };
  api.page('pig', 'sales_kpi_global', { page: 1, page_size: 1 }, opts).then((res) => {
    const r = (res.rows || [])[0];
    if (!r) throw Object.assign(new Error('no rows'), { status: 404 });
    revenue.fill(money(r.total_revenue), `${money(r.avg_transaction_value)} per transaction`);
    transactions.fill(integer(r.total_transactions), `${integer(r.total_units_sold)} units sold`);
    customers.fill(integer(r.unique_customers), 'unique customers');
  }).catch(ignoreAbort((err) => [revenue, transactions, customers].forEach((k) => k.fail(err))));

  api.page('pig', 'total_employees', { page: 1, page_size: 1 }, opts).then((res) => {
    const r = (res.rows || [])[0];
    if (!r) throw Object.assign(new Error('no rows'), { status: 404 });
    employees.fill(integer(r.total_count), `as of ${timestamp(res.produced_at)}`);
  }).catch(ignoreAbort((err) => employees.fail(err)));

  api.runs(1, opts).then((runs) => {
    const run = runs[0];
    if (!run) throw Object.assign(new Error('no runs'), { status: 404 });
    const when = run.finished || run.published_at || run.started;
    lastRun.fill(`${words(run.pipeline)} · ${run.status}`, `${ago(when)} · took ${duration(run.duration_ms)}`, RUN_CLASS[run.status]);
    lastRun.card.dataset.runId = run.id;
  }).catch(ignoreAbort((err) => lastRun.fail(err)));
}

async function renderRecent(slot, sourceLabel, opts) {
  try {
    const all = await api.catalogue(opts);
    const ds = RECENT.map((p) => all.find((d) => d.path === p)).find(Boolean);
    if (!ds) {
      replace(slot, emptyBox('No transactions published yet: run the mongo or advanced pipeline.'));
      return;
    }
    sourceLabel.textContent = ds.path;
    const dated = (ds.columns || []).some((c) => c.name === 'sale_date');
    replace(slot, dataTable({
      id: ds.path, title: 'Recent transactions', pageSize: 10,
      sort: dated ? 'sale_date' : '', order: dated ? 'desc' : '', visible: RECENT_COLUMNS,
      fetch: (params, sig) => api.page(ds.family, ds.name, params, { signal: sig }),
      exports: { family: ds.family, name: ds.name },
    }));
  } catch (err) {
    if (err.name !== 'AbortError') replace(slot, errorBox('the recent transactions', err));
  }
}
