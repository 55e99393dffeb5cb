import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fmt from './format.js';

test('money prints dollars with 2 decimals and thousands separators', () => {
  assert.equal(fmt.money(13099.66), '$13,099.66');
  assert.equal(fmt.money(5), '$5.00');
  assert.equal(fmt.money(1234567.891), '$1,234,567.89');
  assert.equal(fmt.money(-2.5), '-$2.50');
  assert.equal(fmt.money(null), '');
});

test('cell formats by column type and keeps decimals and dates as given', () => {
  assert.equal(fmt.cell(27619.28, 'money'), '$27,619.28');
  assert.equal(fmt.cell(12345, 'int'), '12,345');
  assert.equal(fmt.cell(33.3333, 'decimal'), '33.3333');
  assert.equal(fmt.cell('2024-01-05', 'date'), '2024-01-05');
  assert.equal(fmt.cell(true, 'bool'), 'true');
  assert.equal(fmt.cell(0, 'int'), '0');
  assert.equal(fmt.cell(undefined, 'string'), '');
});

test('durations, bytes and timestamps', () => {
  assert.equal(fmt.duration(850), '850 ms');
  assert.equal(fmt.duration(12400), '12.4 s');
  assert.equal(fmt.duration(185000), '3 min 05 s');
  assert.equal(fmt.bytes(512), '512 B');
  assert.equal(fmt.bytes(1536), '1.5 KB');
  assert.equal(fmt.timestamp('2026-11-26T20:44:01.37Z'), '2026-11-26 20:44 UTC');
  assert.equal(fmt.ago('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:05:00Z')), '5 minutes ago');
});

test('words turns names into headings', () => {
  assert.equal(fmt.words('avg_salary_city'), 'Avg salary city');
  assert.equal(fmt.words('customer_id'), 'Customer ID');
  assert.equal(fmt.words('customer_rfm_analysis'), 'Customer RFM analysis');
});
