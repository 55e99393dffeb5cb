// Which dashboard tab each dataset belongs to and which chart draws it.
// The dataset lists come from the catalogue (GET /api/results), so a new
// dataset shows up without code changes; this file only picks charts and
// the order of the known ones. Pure: no DOM, no fetches.

import { words } from './format.js';

/** TABS are the dashboard's tabs, in order. "runs" holds no datasets. */
export const TABS = [
  { id: 'employees', title: 'Employees' },
  { id: 'sales', title: 'Sales' },
  { id: 'advanced', title: 'Advanced' },
  { id: 'mongodb', title: 'MongoDB' },
  { id: 'runs', title: 'Runs & health' },
];

// Where a pipeline's datasets go unless CONFIG says otherwise.
const TAB_OF_PIPELINE = { employees: 'employees', sales: 'sales', advanced: 'advanced', mongo: 'mongodb', ingest: 'mongodb' };

/**
 * CONFIG lists the known datasets per tab, in display order, with their
 * chart: kind (bar, hbar, line, doughnut), label column, value columns
 * (y2: a value on a right-hand axis), or a pivot (series column + value
 * column, stacked). sort/order/limit choose the rows a chart reads; a
 * chart's filter keeps only some rows. No chart: table only.
 */
export const CONFIG = {
  employees: {
    'pig/department_statistics': { chart: { kind: 'bar', label: 'department', values: ['employee_count'], y2: ['avg_salary'] } },
    'pig/age_group_analysis': { chart: { kind: 'doughnut', label: 'age_group', values: ['count'] } },
    'pig/salary_bracket_analysis': { chart: { kind: 'bar', label: 'salary_bracket', values: ['count'], y2: ['avg_salary'] } },
    'pig/city_analysis': { chart: { kind: 'hbar', label: 'city', values: ['employee_count'] } },
    'pig/status_analysis': { chart: { kind: 'doughnut', label: 'status', values: ['count'] } },
    'pig/top_10_earners': { chart: { kind: 'hbar', label: 'name', values: ['salary'] } },
    'pig/data_anomalies': {},
    'pig/department_summary_report': {},
    'pig/total_employees': {},
    'spark/employee_performance': { chart: { kind: 'bar', label: 'department', series: 'performance_segment', value: 'employee_count', stacked: true } },
    'spark/top_performers': { chart: { kind: 'hbar', label: 'name', values: ['salary'] } },
  },
  sales: {
    'pig/sales_kpi_global': {},
    'pig/sales_by_region': { chart: { kind: 'bar', label: 'region', values: ['revenue'], y2: ['transactions'] } },
    'pig/sales_by_category': { chart: { kind: 'doughnut', label: 'category', values: ['total_revenue'] } },
    'pig/daily_sales_trend': { chart: { kind: 'line', label: 'sale_date', values: ['daily_revenue'], y2: ['daily_transactions'], sort: 'sale_date', order: 'asc' } },
    'pig/monthly_sales_trend': { chart: { kind: 'bar', label: 'year_month', values: ['revenue'], sort: 'year_month', order: 'asc' } },
    'pig/top_products': { chart: { kind: 'hbar', label: 'product_name', values: ['total_product_revenue'] } },
    'pig/salesperson_performance': { chart: { kind: 'hbar', label: 'salesperson', values: ['total_revenue'] } },
    'pig/basket_analysis': { chart: { kind: 'doughnut', label: 'basket_size', values: ['transaction_count'] } },
    'pig/vip_customers': { chart: { kind: 'hbar', label: 'customer_name', values: ['total_spent'], limit: 15 } },
    'pig/sales_anomalies': {},
    'pig/executive_sales_summary': {},
  },
  advanced: {
    // Its chart is the Segments panel's (the server's segment summary).
    'spark/customer_rfm_analysis': {},
    'spark/cohort_analysis': {},
    'spark/geographic_analysis': { chart: { kind: 'bar', label: 'region', series: 'category', value: 'revenue', stacked: true } },
    'spark/sales_trends': { chart: { kind: 'line', label: 'sale_date', values: ['running_total'], limit: 200, title: 'Running total' } },
    'spark/market_basket_pairs': { chart: { kind: 'hbar', label: ['product_a', 'product_b'], values: ['customers'], limit: 15 } },
    'spark/ml_features': {},
    'spark/executive_summary': {},
    'spark/market_basket': {},
  },
  mongodb: {
    'spark/mongo_unified_sales': {},
    'spark/mongo_sales_by_category': { chart: { kind: 'doughnut', label: 'category', values: ['total_sales'] } },
    // The cube's region=ALL, category=ALL rows: revenue per month and source.
    // They sort last (ALL after every value), so the chart reads the tail.
    'spark/mongo_sales_cube': {
      chart: {
        kind: 'bar', label: 'month', series: 'source', value: 'revenue', stacked: true, tail: true,
        filter: { region: 'ALL', category: 'ALL', month: '!ALL', source: '!ALL' }, title: 'Revenue per month and source (all regions and categories)',
      },
    },
    'spark/product_conflicts': {},
  },
};

// The tab of a known dataset, from CONFIG.
const KNOWN = new Map(Object.entries(CONFIG).flatMap(([tab, sets]) => Object.keys(sets).map((p) => [p, tab])));

/** tabOf places a catalogue entry: its configured tab, else by pipeline, else Advanced. */
export function tabOf(ds) {
  const path = ds.path || `${ds.family}/${ds.name}`;
  if (KNOWN.has(path)) return KNOWN.get(path);
  if (ds.name && ds.name.startsWith('mongo_')) return 'mongodb';
  return TAB_OF_PIPELINE[ds.pipeline] || 'advanced';
}

/** configOf is a dataset's display config ({} when unknown: table only, unless a default chart fits). */
export function configOf(ds) {
  const path = ds.path || `${ds.family}/${ds.name}`;
  for (const sets of Object.values(CONFIG)) if (sets[path]) return sets[path];
  return { chart: defaultChart(ds) };
}

// defaultChart gives an unknown, small dataset a bar chart of its first
// number column by its first text column, when it has both.
function defaultChart(ds) {
  const cols = ds.columns || [];
  const label = cols.find((c) => c.type === 'string' || c.type === 'date');
  const value = cols.find((c) => c.type === 'money' || c.type === 'int' || c.type === 'decimal');
  if (!label || !value || !(ds.rows > 1) || ds.rows > 50) return undefined;
  return { kind: 'bar', label: label.name, values: [value.name] };
}

/**
 * groupByTab splits the catalogue into {tabId: [datasets]}: known
 * datasets in CONFIG's order, new ones after them by path.
 */
export function groupByTab(datasets) {
  const out = Object.fromEntries(TABS.map((t) => [t.id, []]));
  for (const ds of datasets) (out[tabOf(ds)] || out.advanced).push(ds);
  for (const [tab, list] of Object.entries(out)) {
    const order = Object.keys(CONFIG[tab] || {});
    const rank = (ds) => {
      const i = order.indexOf(ds.path || `${ds.family}/${ds.name}`);
      return i < 0 ? order.length : i;
    };
    list.sort((a, b) => rank(a) - rank(b) || String(a.path).localeCompare(String(b.path)));
  }
  return out;
}

const labelOf = (row, label) => (Array.isArray(label) ? label.map((c) => row[c]).join(' + ') : row[label]);

// matches applies a chart filter: {column: value} keeps equal values,
// {column: "!value"} keeps the others.
function matches(row, filter) {
  if (!filter) return true;
  return Object.entries(filter).every(([col, want]) => (String(want).startsWith('!')
    ? String(row[col]) !== String(want).slice(1)
    : String(row[col]) === String(want)));
}

/**
 * model turns rows into a chart model (see charts.js) for chart config
 * spec; columns gives each value's type. Pivots sum the value per label
 * and series, labels and series in first-seen order.
 */
export function model(spec, rows, columns, title) {
  const typeOf = (name) => (columns.find((c) => c.name === name) || {}).type || 'decimal';
  const kept = rows.filter((r) => matches(r, spec.filter));
  const base = { kind: spec.kind, title: spec.title || title || describe(spec), stacked: !!spec.stacked };
  if (spec.series) {
    const labels = [...new Set(kept.map((r) => String(labelOf(r, spec.label))))];
    const names = [...new Set(kept.map((r) => String(r[spec.series])))];
    const series = names.map((name) => {
      const values = labels.map(() => 0);
      for (const r of kept) {
        if (String(r[spec.series]) === name) values[labels.indexOf(String(labelOf(r, spec.label)))] += Number(r[spec.value]) || 0;
      }
      return { name, values: values.map((v) => Math.round(v * 100) / 100), type: typeOf(spec.value) };
    });
    return { ...base, labels, series };
  }
  const valueSeries = (cols, axis) => (cols || []).map((c) => ({
    name: words(c), values: kept.map((r) => Number(r[c])), type: typeOf(c), axis,
    line: axis === 'y1' && spec.kind !== 'line' ? false : undefined,
  }));
  return {
    ...base,
    labels: kept.map((r) => String(labelOf(r, spec.label))),
    series: [...valueSeries(spec.values, 'y'), ...valueSeries(spec.y2, 'y1')],
  };
}

// describe names what a chart shows: "Employee count and avg salary by department".
function describe(spec) {
  const label = (Array.isArray(spec.label) ? spec.label : [spec.label]).map((c) => words(c).toLowerCase()).join(' + ');
  if (spec.series) return `${words(spec.value)} by ${label} and ${words(spec.series).toLowerCase()}`;
  const values = [...(spec.values || []), ...(spec.y2 || [])].map((c, i) => (i ? words(c).toLowerCase() : words(c)));
  return `${values.join(' and ')} by ${label}`;
}
