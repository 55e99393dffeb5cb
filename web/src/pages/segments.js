// The Advanced tab's Segments panel: customers per RFM segment (the
// server's summary of customer_rfm_analysis, /api/analytics/spark-results)
// and employees per performance segment (spark/employee_performance).

import { h, replace, spinner, errorBox, emptyBox } from '../dom.js';
import { cell } from '../format.js';
import * as api from '../api.js';
import { chart } from '../charts.js';
import { model } from '../datasets.js';

const SEGMENT_COLUMNS = [
  { name: 'segment', type: 'string' }, { name: 'count', type: 'int' },
  { name: 'avg_value', type: 'money' }, { name: 'total_revenue', type: 'money' },
];

/** segmentsPanel draws both segment charts; the tab's datasets are not needed. */
export function segmentsPanel(_datasets, signal) {
  const rfm = h('div', { class: 'chart-slot' }, spinner('Loading customer segments'));
  const perf = h('div', { class: 'chart-slot' }, spinner('Loading performance segments'));
  fillRfm(rfm, signal);
  fillPerformance(perf, signal);
  return h('section', { class: 'card shadow-sm mb-4', 'aria-labelledby': 'segments-title' },
    h('div', { class: 'card-header bg-body' }, h('h2', { class: 'h6 mb-0 fw-semibold', id: 'segments-title', text: 'Segments' })),
    h('div', { class: 'card-body' }, h('div', { class: 'row g-4' },
      h('div', { class: 'col-12 col-lg-6' }, rfm), h('div', { class: 'col-12 col-lg-6' }, perf))));
}

async function fillRfm(slot, signal) {
  try {
    const rows = (await api.sparkResults({ signal })).customer_segments || [];
    if (!rows.length) return replace(slot, emptyBox('No customer segments published yet.'));
    const m = model({ kind: 'doughnut', label: 'segment', values: ['count'] }, rows, SEGMENT_COLUMNS, 'Customers per RFM segment');
    const table = h('table', { class: 'table table-sm mb-0 mt-3', 'data-dataset': 'api/analytics/spark-results#customer_segments' },
      h('caption', { class: 'visually-hidden', text: 'Customer segments' }),
      h('thead', { class: 'table-light' }, h('tr', {}, ['Segment', 'Customers', 'Avg value', 'Revenue'].map((t, i) => h('th', { scope: 'col', class: i ? 'text-end' : '', text: t })))),
      h('tbody', {}, rows.map((r) => h('tr', {}, SEGMENT_COLUMNS.map((c, i) => h('td', { class: i ? 'text-end num' : '', text: cell(r[c.name], c.type) }))))));
    replace(slot, h('figure', { class: 'mb-0' },
      h('figcaption', { class: 'small fw-semibold text-body-secondary mb-2' }, 'Customers per RFM segment ', h('code', { class: 'text-body-secondary fw-normal ms-1', text: 'spark/customer_rfm_analysis' })),
      chart(m), h('div', { class: 'table-responsive' }, table)));
  } catch (err) {
    if (err.name !== 'AbortError') replace(slot, errorBox('the customer segments', err));
  }
}

async function fillPerformance(slot, signal) {
  try {
    const res = await api.page('spark', 'employee_performance', { page: 1, page_size: 1000 }, { signal });
    const m = model({ kind: 'bar', label: 'performance_segment', series: 'department', value: 'employee_count', stacked: true },
      res.rows || [], res.columns || [], 'Employees per performance segment, by department');
    if (!m.labels.length) return replace(slot, emptyBox('No employee performance published yet.'));
    replace(slot, h('figure', { class: 'mb-0' },
      h('figcaption', { class: 'small fw-semibold text-body-secondary mb-2' }, 'Employees per performance segment ', h('code', { class: 'text-body-secondary fw-normal ms-1', text: 'spark/employee_performance' })),
      chart(m)));
  } catch (err) {
    if (err.name === 'AbortError') return;
    replace(slot, err.status === 404 ? emptyBox('spark/employee_performance is not published yet.') : errorBox('the performance segments', err));
  }
}
