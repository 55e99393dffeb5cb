// Reading the server's Prometheus text exposition (GET /metrics): the
// request-latency histogram beamline_http_request_duration_seconds per
// route and method, and quantiles estimated from its buckets the way
// PromQL's histogram_quantile does.

/** LATENCY is the histogram the API server exports. */
export const LATENCY = 'beamline_http_request_duration_seconds';

/**
 * parseSamples reads Prometheus text format into samples
 * {name, labels: {..}, value}; comments and malformed lines are skipped.
 */
export function parseSamples(text) {
  const samples = [];
  for (const raw of String(text).split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = parseValue(m[4]);
    if (Number.isNaN(value)) continue;
    samples.push({ name: m[1], labels: m[3] ? parseLabels(m[3]) : {}, value });
  }
  return samples;
}

function parseValue(text) {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

// parseLabels reads `a="x",b="y\"z"` with Prometheus' escapes (\\, \", \n).
function parseLabels(text) {
  const labels = {};
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/**
 * histograms groups the samples of histogram `name` by their labels other
 * than le: [{labels, count, sum, buckets: [{le, count}] sorted by le}].
 */
export function histograms(samples, name = LATENCY) {
  const groups = new Map();
  const group = (labels) => {
    const rest = Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'le').sort());
    const key = JSON.stringify(rest);
    if (!groups.has(key)) groups.set(key, { labels: rest, count: 0, sum: 0, buckets: [] });
    return groups.get(key);
  };
  for (const s of samples) {
    if (s.name === `${name}_bucket`) group(s.labels).buckets.push({ le: parseValue(s.labels.le), count: s.value });
    else if (s.name === `${name}_sum`) group(s.labels).sum = s.value;
    else if (s.name === `${name}_count`) group(s.labels).count = s.value;
  }
  const out = [...groups.values()];
  for (const h of out) h.buckets.sort((a, b) => a.le - b.le);
  return out;
}

/**
 * quantile estimates the q-quantile (0..1) of a histogram from its
 * cumulative buckets by linear interpolation inside the bucket that holds
 * it, as histogram_quantile does; NaN without observations. A quantile in
 * the +Inf bucket returns the highest finite bound.
 */
export function quantile(q, buckets) {
  if (!buckets.length) return NaN;
  const total = buckets[buckets.length - 1].count;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      const inBucket = b.count - prevCount;
      if (inBucket <= 0) return b.le;
      return prevLe + (b.le - prevLe) * ((rank - prevCount) / inBucket);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/**
 * latencyByRoute summarises the latency histogram per route and method:
 * [{route, method, count, mean, p50, p95, p99}] (seconds), busiest first,
 * then by route and method so the order is stable.
 */
export function latencyByRoute(text) {
  return histograms(parseSamples(text))
    .filter((h) => h.count > 0)
    .map((h) => ({
      route: h.labels.route || '',
      method: h.labels.method || '',
      count: h.count,
      mean: h.sum / h.count,
      p50: quantile(0.5, h.buckets),
      p95: quantile(0.95, h.buckets),
      p99: quantile(0.99, h.buckets),
    }))
    .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route) || a.method.localeCompare(b.method));
}
