import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summary, parts } from './status.js';

const part = (status) => ({ status });

test('all configured services connected is ok; not configured parts do not count', () => {
  const s = summary({ mongodb: part('connected'), hadoop: part('not configured'), spark: part('not configured'), api: part('connected') });
  assert.deepEqual([s.level, s.text], ['ok', 'All services OK']);
  assert.equal(s.configured, 2);
});

test('some connected is partial with x/y', () => {
  const s = summary({ mongodb: part('connected'), hadoop: part('disconnected'), spark: part('not configured'), api: part('connected') });
  assert.deepEqual([s.level, s.text], ['partial', '2/3 services']);
});

test('none connected is down; a failed fetch is unknown', () => {
  assert.equal(summary({ mongodb: part('disconnected') }).level, 'down');
  assert.equal(summary({}).level, 'down');
  assert.deepEqual([summary(null).level, summary(null).text], ['unknown', 'status unavailable']);
});

test('parts keeps the order and skips non-service keys', () => {
  assert.deepEqual(parts({ mongodb: part('connected'), version: '1', api: part('connected') }).map((p) => p.name), ['mongodb', 'api']);
});
