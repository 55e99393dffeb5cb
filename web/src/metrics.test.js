import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSamples, histograms, quantile, latencyByRoute } from './metrics.js';

const text = `# HELP beamline_http_request_duration_seconds Request latency.
# TYPE beamline_http_request_duration_seconds histogram
beamline_http_request_duration_seconds_bucket{method="GET",route="/api/results",le="0.005"} 2
beamline_http_request_duration_seconds_bucket{method="GET",route="/api/results",le="0.01"} 6
beamline_http_request_duration_seconds_bucket{method="GET",route="/api/results",le="0.1"} 10
beamline_http_request_duration_seconds_bucket{method="GET",route="/api/results",le="+Inf"} 10
beamline_http_request_duration_seconds_sum{method="GET",route="/api/results"} 0.2
beamline_http_request_duration_seconds_count{method="GET",route="/api/results"} 10
beamline_http_request_duration_seconds_bucket{method="GET",route="/a\\"b",le="0.005"} 0
beamline_http_request_duration_seconds_bucket{method="GET",route="/a\\"b",le="+Inf"} 1
beamline_http_request_duration_seconds_sum{method="GET",route="/a\\"b"} 3
beamline_http_request_duration_seconds_count{method="GET",route="/a\\"b"} 1
beamline_http_requests_total{code="200",method="GET",route="/api/results"} 10
`;

test('parseSamples reads names, escaped labels and values', () => {
  const s = parseSamples(text);
  assert.equal(s.length, 11);
  assert.deepEqual(s[6].labels, { method: 'GET', route: '/a"b', le: '0.005' });
  assert.equal(s[3].labels.le, '+Inf');
  assert.equal(s[10].value, 10);
});

test('histograms groups buckets by route and method, sorted by bound', () => {
  const hs = histograms(parseSamples(text));
  assert.equal(hs.length, 2);
  assert.deepEqual(hs[0].labels, { method: 'GET', route: '/api/results' });
  assert.deepEqual(hs[0].buckets.map((b) => b.le), [0.005, 0.01, 0.1, Infinity]);
  assert.equal(hs[0].count, 10);
});

test('quantile interpolates inside the bucket like histogram_quantile', () => {
  const buckets = [{ le: 0.005, count: 2 }, { le: 0.01, count: 6 }, { le: 0.1, count: 10 }, { le: Infinity, count: 10 }];
  assert.equal(quantile(0.5, buckets), 0.005 + 0.005 * (3 / 4));
  assert.ok(Math.abs(quantile(0.95, buckets) - (0.01 + 0.09 * (3.5 / 4))) < 1e-12);
  assert.equal(quantile(0.1, buckets), 0.005 * 0.5);
  assert.ok(Number.isNaN(quantile(0.5, [{ le: Infinity, count: 0 }])));
  assert.equal(quantile(0.5, [{ le: 0.005, count: 0 }, { le: Infinity, count: 1 }]), 0.005);
});

test('latencyByRoute summarises per route, busiest first', () => {
  const rows = latencyByRoute(text);
  assert.deepEqual(rows.map((r) => r.route), ['/api/results', '/a"b']);
  assert.equal(rows[0].mean, 0.02);
  assert.equal(rows[1].count, 1);
});
