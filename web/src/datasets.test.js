import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupByTab, tabOf, configOf, model } from './datasets.js';

const ds = (path, pipeline, extra = {}) => {
  const [family, name] = path.split('/');
  return { family, name, path, pipeline, columns: [], rows: 3, ...extra };
};

test('tabOf places datasets by config, then by pipeline', () => {
  assert.equal(tabOf(ds('spark/top_performers', 'advanced')), 'employees');
  assert.equal(tabOf(ds('pig/sales_by_region', 'sales')), 'sales');
  assert.equal(tabOf(ds('spark/product_conflicts', 'ingest')), 'mongodb');
  assert.equal(tabOf(ds('spark/mongo_new_thing', 'whatever')), 'mongodb');
  assert.equal(tabOf(ds('pig/brand_new', 'sales')), 'sales');
  assert.equal(tabOf(ds('spark/brand_new', 'unknown')), 'advanced');
});

test('groupByTab keeps the configured order and puts new datasets last', () => {
  const g = groupByTab([
    ds('pig/zz_new', 'employees'), ds('pig/top_10_earners', 'employees'), ds('pig/department_statistics', 'employees'),
  ]);
  assert.deepEqual(g.employees.map((d) => d.name), ['department_statistics', 'top_10_earners', 'zz_new']);
  assert.deepEqual(g.runs, []);
});

test('configOf gives a new small dataset a default bar chart, a big one none', () => {
  const cols = [{ name: 'k', type: 'string' }, { name: 'v', type: 'money' }];
  assert.deepEqual(configOf(ds('pig/new', 'sales', { columns: cols, rows: 5 })).chart, { kind: 'bar', label: 'k', values: ['v'] });
  assert.equal(configOf(ds('pig/new', 'sales', { columns: cols, rows: 5000 })).chart, undefined);
  assert.equal(configOf(ds('pig/total_employees', 'employees')).chart, undefined);
});

test('model draws values and a right-hand axis', () => {
  const m = model({ kind: 'bar', label: 'region', values: ['revenue'], y2: ['transactions'] },
    [{ region: 'A', revenue: 10.5, transactions: 2 }, { region: 'B', revenue: 3, transactions: 1 }],
    [{ name: 'region', type: 'string' }, { name: 'revenue', type: 'money' }, { name: 'transactions', type: 'int' }]);
  assert.deepEqual(m.labels, ['A', 'B']);
  assert.deepEqual(m.series.map((s) => [s.name, s.values, s.type, s.axis]), [
    ['Revenue', [10.5, 3], 'money', 'y'], ['Transactions', [2, 1], 'int', 'y1']]);
  assert.equal(m.title, 'Revenue and transactions by region');
});

test('model pivots and filters (the cube chart)', () => {
  const rows = [
    { region: 'ALL', category: 'ALL', month: '2024-01', source: 'CSV', revenue: 5 },
    { region: 'ALL', category: 'ALL', month: '2024-01', source: 'Mongo', revenue: 2.25 },
    { region: 'ALL', category: 'ALL', month: '2024-02', source: 'CSV', revenue: 1 },
    { region: 'ALL', category: 'ALL', month: 'ALL', source: 'CSV', revenue: 6 },
    { region: 'EU', category: 'ALL', month: '2024-01', source: 'CSV', revenue: 99 },
  ];
  const m = model({ kind: 'bar', label: 'month', series: 'source', value: 'revenue', stacked: true, filter: { region: 'ALL', category: 'ALL', month: '!ALL', source: '!ALL' } },
    rows, [{ name: 'revenue', type: 'money' }]);
  assert.deepEqual(m.labels, ['2024-01', '2024-02']);
  assert.deepEqual(m.series.map((s) => [s.name, s.values]), [['CSV', [5, 1]], ['Mongo', [2.25, 0]]]);
  assert.equal(m.stacked, true);
});
