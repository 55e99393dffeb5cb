// A dataset's card on the dashboard: title, where it comes from, its
// chart (when its config has one and it has rows) and its paged table
// with downloads.

import { h, replace, slug, spinner, errorBox, emptyBox } from './dom.js';
import { integer, timestamp, words } from './format.js';
import * as api from './api.js';
import { chart } from './charts.js';
import { configOf, model } from './datasets.js';
import { dataTable } from './table.js';

/** MAX_CHART_ROWS is the most rows a chart reads (the API's largest page). */
export const MAX_CHART_ROWS = 1000;

/** datasetCard renders catalogue entry ds; signal aborts its chart's fetches. */
export function datasetCard(ds, signal) {
  const cfg = configOf(ds);
  const title = words(ds.name);
  const id = `ds-${slug(ds.path)}`;
  const wide = (ds.columns || []).length > 6;
  const hasChart = !!cfg.chart && ds.rows > 0;

  const meta = [
    `${integer(ds.rows)} ${ds.rows === 1 ? 'row' : 'rows'}`,
    ds.order ? `ordered by ${ds.order}` : null,
    ds.produced_at ? `produced ${timestamp(ds.produced_at)}` : null,
  ].filter(Boolean).join(' · ');

  const table = dataTable({
    id: ds.path, title,
    fetch: (params, sig) => api.page(ds.family, ds.name, params, { signal: sig }),
    exports: { family: ds.family, name: ds.name },
  });

  let body;
  if (hasChart) {
    const chartSlot = h('div', { class: 'chart-slot' }, spinner('Drawing chart'));
    drawInto(chartSlot, ds, cfg.chart, signal);
    body = wide
      ? [chartSlot, h('div', { class: 'mt-3' }, table)]
      : h('div', { class: 'row g-4' }, h('div', { class: 'col-12 col-xl-5' }, chartSlot), h('div', { class: 'col-12 col-xl-7' }, table));
  } else {
    body = table;
  }

  return h('section', { class: 'card dataset-card shadow-sm', id, 'aria-labelledby': `${id}-title`, 'data-path': ds.path },
    h('div', { class: 'card-header bg-body d-flex flex-wrap align-items-baseline gap-2' },
      h('h3', { class: 'h6 mb-0 fw-semibold', id: `${id}-title`, text: title }),
      h('code', { class: 'small text-body-secondary', text: ds.path }),
      h('span', { class: 'small text-body-secondary ms-md-auto', text: meta })),
    h('div', { class: 'card-body' }, body));
}

// drawInto fetches the rows a chart needs and draws it in slot.
async function drawInto(slot, ds, spec, signal) {
  try {
    const { rows, columns, note } = await chartRows(ds, spec, signal);
    const m = model(spec, rows, columns);
    if (!m.labels.length) {
      replace(slot, emptyBox('Nothing to chart in this dataset.'));
      return;
    }
    replace(slot, h('figure', { class: 'mb-0' },
      h('figcaption', { class: 'small fw-semibold text-body-secondary mb-2', text: m.title }),
      chart(m),
      note ? h('div', { class: 'small text-body-secondary mt-1', text: note }) : null));
  } catch (err) {
    if (err.name === 'AbortError') return;
    replace(slot, errorBox('the chart', err));
  }
}

// chartRows reads the rows a chart draws: the tail of the dataset for cube
// charts, else the first rows (up to spec.limit) in the chart's sort order.
async function chartRows(ds, spec, signal) {
  const size = Math.min(spec.limit || MAX_CHART_ROWS, MAX_CHART_ROWS);
  const params = { page_size: size };
  if (spec.sort) Object.assign(params, { sort: spec.sort, order: spec.order || 'asc' });
  if (spec.tail && ds.rows > size) {
    // The last `size` rows span at most the last two pages.
    const lastPage = Math.ceil(ds.rows / size);
    const [a, b] = await Promise.all([lastPage - 1, lastPage].map((p) => api.page(ds.family, ds.name, { ...params, page: p }, { signal })));
    return { rows: [...a.rows, ...b.rows], columns: b.columns };
  }
  const res = await api.page(ds.family, ds.name, { ...params, page: 1 }, { signal });
  const note = res.total > res.rows.length && !spec.filter
    ? `Chart shows the first ${integer(res.rows.length)} of ${integer(res.total)} rows.` : null;
  return { rows: res.rows, columns: res.columns, note };
}
