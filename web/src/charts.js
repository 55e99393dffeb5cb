// Charts: Chart.js with only the pieces the dashboard draws (tree-shaken).
// A chart is described by a model {kind, labels, series, stacked, title};
// datasets.js builds models from API rows. After drawing, the canvas gets
// data-rows = the number of data points (labels) drawn, for the e2e test.

import {
  Chart, BarController, BarElement, LineController, LineElement, PointElement,
  DoughnutController, ArcElement, CategoryScale, LinearScale, Tooltip, Legend, Filler,
} from 'chart.js';
import { h } from './dom.js';
import { cell, compact } from './format.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement,
  DoughnutController, ArcElement, CategoryScale, LinearScale, Tooltip, Legend, Filler);

Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--bs-body-font-family') || 'system-ui, sans-serif';
Chart.defaults.color = '#6c757d';
Chart.defaults.borderColor = 'rgba(0, 0, 0, 0.06)';
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.plugins.tooltip.padding = 10;
Chart.defaults.plugins.legend.labels.boxWidth = 12;
Chart.defaults.plugins.legend.labels.boxHeight = 12;

/** PALETTE are the series colours (Bootstrap's, in an order that keeps neighbours distinct). */
export const PALETTE = ['#0d6efd', '#20c997', '#fd7e14', '#6f42c1', '#d63384', '#ffc107', '#198754', '#0dcaf0', '#dc3545', '#6c757d', '#6610f2', '#adb5bd'];

const live = new Set();

/** chartOf returns the Chart.js instance drawn on a canvas (used by the e2e test through window.beamline). */
export function chartOf(canvas) {
  return Chart.getChart(canvas);
}

/** destroyCharts frees every chart inside root (every chart when root is omitted). */
export function destroyCharts(root) {
  for (const c of [...live]) {
    if (!root || root.contains(c.canvas)) {
      c.destroy();
      live.delete(c);
    }
  }
}

const truncate = (text, n = 28) => {
  const s = String(text);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
};

/**
 * chart draws a model into a new element and returns it.
 * model: {kind: "bar"|"hbar"|"line"|"doughnut", title, labels: [..],
 *         series: [{name, values: [..], type: column type, axis: "y"|"y1"}], stacked}
 */
export function chart(model) {
  const points = model.labels.length;
  const isDoughnut = model.kind === 'doughnut';
  const horizontal = model.kind === 'hbar';
  const height = horizontal ? Math.max(220, points * 26 + 70) : (isDoughnut ? 300 : 280);
  const canvas = h('canvas', {
    role: 'img',
    'aria-label': `${model.title}: ${isDoughnut ? 'doughnut' : model.kind === 'line' ? 'line' : 'bar'} chart of ${points} ${points === 1 ? 'point' : 'points'}`,
  }, `${model.title} (chart; the same data is in the table)`);
  const box = h('div', { class: 'chart-box' }, canvas);
  box.style.height = `${height}px`;

  const many = model.series.length > 1;
  const datasets = model.series.map((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const base = { label: s.name, data: s.values, yAxisID: horizontal ? undefined : (s.axis || 'y') };
    if (isDoughnut) {
      return { ...base, backgroundColor: model.labels.map((_, j) => PALETTE[j % PALETTE.length]), borderColor: '#fff', borderWidth: 2 };
    }
    if (model.kind === 'line' || s.line) {
      return {
        ...base, type: 'line', borderColor: colour, backgroundColor: `${colour}22`, fill: !many,
        tension: 0.25, pointRadius: points > 40 ? 0 : 3, pointHoverRadius: 5, borderWidth: 2, order: 0,
      };
    }
    return { ...base, backgroundColor: colour, borderRadius: 4, maxBarThickness: 48, order: 1 };
  });

  const typeOf = (axis) => (model.series.find((s) => (s.axis || 'y') === axis) || model.series[0]).type;
  const valueType = (datasetIndex) => model.series[datasetIndex]?.type;
  const tooltip = {
    callbacks: {
      label: (ctx) => {
        const v = isDoughnut ? ctx.parsed : (horizontal ? ctx.parsed.x : ctx.parsed.y);
        return ` ${ctx.dataset.label}: ${cell(v, valueType(ctx.datasetIndex))}`;
      },
    },
  };
  const options = {
    responsive: true,
    plugins: {
      legend: { display: isDoughnut || many, position: isDoughnut ? 'right' : 'bottom' },
      tooltip,
    },
  };
  if (!isDoughnut) {
    const valueAxis = (axis, position) => ({
      position, beginAtZero: true, stacked: !!model.stacked,
      grid: { display: axis === 'y' },
      ticks: { callback: (v) => compact(v, typeOf(axis)), maxTicksLimit: 6, precision: typeOf(axis) === 'int' ? 0 : undefined },
      title: { display: model.series.some((s) => s.axis === 'y1'), text: model.series.filter((s) => (s.axis || 'y') === axis).map((s) => s.name).join(', ') },
    });
    const labelAxis = { stacked: !!model.stacked, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 45, callback(v) { return truncate(this.getLabelForValue(v)); } } };
    options.indexAxis = horizontal ? 'y' : 'x';
    options.scales = horizontal
      ? { y: labelAxis, x: valueAxis('y', 'bottom') }
      : { x: labelAxis, y: valueAxis('y', 'left') };
    if (!horizontal && model.series.some((s) => s.axis === 'y1')) options.scales.y1 = valueAxis('y1', 'right');
    options.interaction = { mode: 'index', intersect: false };
  } else {
    options.cutout = '62%';
    // Legend beside the doughnut when there is room, below it on phones.
    options.onResize = (c, size) => {
      const position = size.width < 480 ? 'bottom' : 'right';
      if (c.options.plugins.legend.position !== position) {
        c.options.plugins.legend.position = position;
        c.update('none');
      }
    };
    options.plugins.legend.labels = { generateLabels: legendWithValues(model) };
  }

  const instance = new Chart(canvas, { type: isDoughnut ? 'doughnut' : 'bar', data: { labels: model.labels, datasets }, options });
  live.add(instance);
  canvas.dataset.rows = String(points);
  return box;
}

// legendWithValues labels a doughnut's legend "Electronics — $4,778.95".
function legendWithValues(model) {
  return (c) => {
    const items = Chart.overrides.doughnut.plugins.legend.labels.generateLabels(c);
    const s = model.series[0];
    return items.map((item, i) => ({ ...item, text: `${truncate(model.labels[i], 24)} — ${cell(s.values[i], s.type)}` }));
  };
}
