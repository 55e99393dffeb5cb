// The Runs & health tab: service status, the run history with counts and
// durations, rejected rows by reason, and the API's latency per route read
// from the Prometheus histogram at /metrics.

import { h, replace, spinner, errorBox, emptyBox } from '../dom.js';
import { duration, integer, latency, timestamp, words } from '../format.js';
import * as api from '../api.js';
import { chart, destroyCharts } from '../charts.js';
import { dataTable } from '../table.js';
import { healthCards, statusBadge } from '../health.js';
import { latencyByRoute } from '../metrics.js';

// RUN_CHART_MAX is how many of the newest runs the duration chart shows.
const RUN_CHART_MAX = 20;

/** renderRuns fills the tab's panel; Refresh redraws it. */
export function renderRuns(panel, signal) {
  const services = h('div', {}, spinner('Checking services'));
  const runs = h('div', {}, spinner('Loading runs'));
  const rejects = h('div', {}, spinner('Loading rejects'));
  const lat = h('div', {}, spinner('Reading /metrics'));
  destroyCharts(panel);
  replace(panel,
    h('div', { class: 'd-flex justify-content-end mb-2' },
      h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', text: 'Refresh', onclick: () => renderRuns(panel, signal) })),
    section('Services', '/api/system/status', services),
    section('Runs', '/api/runs', runs),
    section('Rejected rows', '/api/rejects', rejects),
    section('API latency', '/metrics', lat));

  const fail = (slot, what) => (err) => { if (err.name !== 'AbortError') replace(slot, errorBox(what, err)); };
  api.systemStatus({ signal }).then((s) => replace(services, healthCards(s))).catch(fail(services, 'the service status'));
  api.runs(50, { signal }).then((list) => replace(runs, runsView(list))).catch(fail(runs, 'the runs'));
  api.rejects({ signal }).then((list) => replace(rejects, rejectsView(list))).catch(fail(rejects, 'the rejects'));
  api.metrics({ signal }).then((text) => replace(lat, latencyView(text))).catch(fail(lat, 'the metrics'));
}

function section(title, source, body) {
  const id = `runs-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return h('section', { class: 'card shadow-sm mb-4', 'aria-labelledby': id },
    h('div', { class: 'card-header bg-body d-flex flex-wrap align-items-baseline gap-2' },
      h('h2', { class: 'h6 mb-0 fw-semibold', id, text: title }), h('code', { class: 'small text-body-secondary', text: source })),
    h('div', { class: 'card-body' }, body));
}

const sum = (list, key) => list.reduce((n, x) => n + (Number(x[key]) || 0), 0);

// simpleTable is a small client-side table (lists that are not datasets).
function simpleTable(id, caption, head, rows) {
  return h('div', { class: 'table-responsive border rounded' }, h('table', { class: 'table table-sm table-hover align-middle mb-0', 'data-dataset': id },
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', { class: 'table-light' }, h('tr', {}, head.map(([t, num]) => h('th', { scope: 'col', class: `text-nowrap${num ? ' text-end' : ''}`, text: t })))),
    h('tbody', {}, rows)));
}

function runsView(list) {
  if (!list.length) return emptyBox('No runs recorded yet.');
  const recent = list.slice(0, RUN_CHART_MAX).reverse();
  const m = {
    kind: 'bar', title: `Duration of the last ${recent.length} runs (seconds)`,
    labels: recent.map((r) => `${r.pipeline} ${timestamp(r.started).slice(11, 16)}`),
    series: [{ name: 'Duration (s)', values: recent.map((r) => Math.round(r.duration_ms / 10) / 100), type: 'decimal' }],
  };
  const rows = list.map((r) => {
    const inputs = r.inputs || [];
    const tip = inputs.map((i) => `${i.input}: read ${i.read}, clean ${i.clean}, rejected ${i.rejected}`).join('\n');
    return h('tr', { 'data-run': r.id, title: tip || null },
      h('td', { class: 'text-nowrap', text: timestamp(r.started) }),
      h('td', { text: words(r.pipeline) }),
      h('td', { text: r.runner }),
      h('td', {}, statusBadge(r.status), r.error ? h('div', { class: 'small text-danger text-break', text: r.error }) : null),
      h('td', { class: 'text-end num', text: duration(r.duration_ms) }),
      h('td', { class: 'text-end num', text: r.publish_ms !== undefined ? duration(r.publish_ms) : '' }),
      h('td', { class: 'text-end num', text: integer(sum(inputs, 'read')) }),
      h('td', { class: 'text-end num', text: integer(sum(inputs, 'clean')) }),
      h('td', { class: 'text-end num', text: integer(sum(inputs, 'rejected')) }),
      h('td', { class: 'text-end num', text: integer((r.datasets || []).length) }));
  });
  return h('div', {},
    h('figure', { class: 'mb-3' }, h('figcaption', { class: 'small fw-semibold text-body-secondary mb-2', text: m.title }), chart(m)),
    simpleTable('api/runs', 'Pipeline runs, newest first',
      [['Started'], ['Pipeline'], ['Runner'], ['Status'], ['Duration', 1], ['Publish', 1], ['Read', 1], ['Clean', 1], ['Rejected', 1], ['Datasets', 1]], rows));
}

function rejectsView(list) {
  const total = sum(list, 'rows');
  const byReason = new Map();
  for (const ds of list) for (const r of ds.reasons || []) byReason.set(r.reason, (byReason.get(r.reason) || 0) + Number(r.count));
  const reasons = [...byReason.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const summary = simpleTable('api/rejects', 'Rejects datasets', [['Dataset'], ['Rows', 1], ['Reasons']],
    list.map((ds) => h('tr', {},
      h('td', {}, h('code', { text: ds.path || `rejects/${ds.pipeline}/${ds.dataset}` })),
      h('td', { class: 'text-end num', text: integer(ds.rows) }),
      h('td', { class: 'small', text: (ds.reasons || []).map((r) => `${r.reason} (${integer(r.count)})`).join(', ') || '—' }))));
  if (!list.length) return emptyBox('No rejects datasets published.');
  const parts = [];
  if (total > 0 && reasons.length) {
    const m = { kind: 'hbar', title: `Rejected rows by reason (${integer(total)} in all)`, labels: reasons.map(([r]) => r), series: [{ name: 'Rows', values: reasons.map(([, n]) => n), type: 'int' }] };
    parts.push(h('figure', { class: 'mb-3' }, h('figcaption', { class: 'small fw-semibold text-body-secondary mb-2', text: m.title }), chart(m)));
  } else {
    parts.push(h('p', { class: 'text-body-secondary small', text: 'Every input row passed validation in the latest runs: no rejected rows.' }));
  }
  parts.push(summary);
  const withRows = list.filter((ds) => ds.rows > 0);
  if (withRows.length) parts.push(browser(withRows));
  return h('div', {}, parts);
}

// browser pages through one rejects dataset at a time.
function browser(list) {
  const slot = h('div', { class: 'mt-3' });
  const show = (i) => {
    const ds = list[i];
    replace(slot, dataTable({
      id: ds.path || `rejects/${ds.pipeline}/${ds.dataset}`, title: `Rejected rows of ${ds.pipeline}/${ds.dataset}`, sortable: false,
      fetch: (params, sig) => api.rejectsPage(ds.pipeline, ds.dataset, params, { signal: sig }),
    }));
  };
  const select = h('select', { class: 'form-select form-select-sm w-auto', id: 'rejects-pick', onchange: () => show(Number(select.value)) },
    list.map((ds, i) => h('option', { value: i, text: `${ds.pipeline}/${ds.dataset} (${integer(ds.rows)})` })));
  show(0);
  return h('div', { class: 'mt-3' },
    h('div', { class: 'd-flex align-items-center gap-2' }, h('label', { class: 'small fw-semibold', for: 'rejects-pick', text: 'Browse rejected rows of' }), select),
    slot);
}

function latencyView(text) {
  const routes = latencyByRoute(text);
  if (!routes.length) return emptyBox('No requests recorded in beamline_http_request_duration_seconds yet.');
  const top = routes.slice(0, 12);
  const ms = (s) => Math.round(s * 100000) / 100;
  const m = {
    kind: 'hbar', title: 'Latency per route (ms)',
    labels: top.map((r) => `${r.method} ${r.route}`),
    series: [
      { name: 'Mean (ms)', values: top.map((r) => ms(r.mean)), type: 'decimal' },
      { name: 'p95 (ms)', values: top.map((r) => ms(r.p95)), type: 'decimal' },
    ],
  };
  return h('div', {},
    h('figure', { class: 'mb-3' }, h('figcaption', { class: 'small fw-semibold text-body-secondary mb-2', text: m.title }), chart(m)),
    simpleTable('metrics/latency', 'Request latency per route', [['Route'], ['Method'], ['Requests', 1], ['Mean', 1], ['p50', 1], ['p95', 1], ['p99', 1]],
      routes.map((r) => h('tr', {},
        h('td', {}, h('code', { text: r.route })), h('td', { text: r.method }),
        h('td', { class: 'text-end num', text: integer(r.count) }),
        h('td', { class: 'text-end num', text: latency(r.mean) }),
        h('td', { class: 'text-end num', text: latency(r.p50) }),
        h('td', { class: 'text-end num', text: latency(r.p95) }),
        h('td', { class: 'text-end num', text: latency(r.p99) })))),
    h('p', { class: 'small text-body-secondary mt-2 mb-0', text: 'Quantiles are estimated from the histogram buckets (as histogram_quantile does), since the server started.' }));
}
