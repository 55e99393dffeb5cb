// Client of the beamline HTTP API (see the API contract): one function per
// route, JSON in, ApiError out. Same origin only: the server serves both.

/** ApiError is a failed request: HTTP status and the API's {error, detail} body. */
export class ApiError extends Error {
  constructor(url, status, error, detail) {
    super(error || `HTTP ${status}`);
    this.name = 'ApiError';
    this.url = url;
    this.status = status;
    this.detail = detail || '';
  }
}

/** query builds "?a=1&b=x" from the defined, non-empty entries of params. */
export function query(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function request(url, { signal } = {}) {
  let res;
  try {
    res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(url, 0, 'the server did not answer', err.message);
  }
  if (!res.ok) {
    let body = {};
    try { body = await res.json(); } catch { /* not JSON: keep the status */ }
    throw new ApiError(url, res.status, body.error || `HTTP ${res.status}`, body.detail);
  }
  return res;
}

async function json(url, opts) {
  const res = await request(url, opts);
  try {
    return await res.json();
  } catch (err) {
    throw new ApiError(url, res.status, 'the answer is not JSON', err.message);
  }
}

const path = (family, name) => `${encodeURIComponent(family)}/${encodeURIComponent(name)}`;

/** catalogue lists every published dataset (rejects excluded): [{family, name, path, columns, rows, ...}]. */
export async function catalogue(opts) {
  return (await json('/api/results', opts)).datasets || [];
}

/**
 * page reads one page of a dataset: {columns, rows, page, page_size, total, run_id, produced_at}.
 * params: {page, page_size, sort, order, q}.
 */
export function page(family, name, params = {}, opts) {
  return json(`/api/results/${path(family, name)}${query(params)}`, opts);
}

/** rejectsPage reads one page of a rejects dataset: {columns, rows, page, page_size, total, reasons}. */
export function rejectsPage(pipeline, dataset, params = {}, opts) {
  return json(`/api/rejects/${path(pipeline, dataset)}${query(params)}`, opts);
}

/** exportURL is where the whole dataset downloads as csv, json or xlsx. */
export function exportURL(family, name, format) {
  return `/api/export/${path(family, name)}${query({ format })}`;
}

/** runs lists the newest pipeline runs first. */
export async function runs(limit = 50, opts) {
  return (await json(`/api/runs${query({ limit })}`, opts)).runs || [];
}

/** rejects lists the rejects datasets with their counts per reason. */
export async function rejects(opts) {
  return (await json('/api/rejects', opts)).datasets || [];
}

/** systemStatus probes MongoDB, HDFS, the Beam job service and the API itself. */
export function systemStatus(opts) {
  return json('/api/system/status', opts);
}

/** collections gives every MongoDB collection's count and up to 3 sample documents. */
export function collections(opts) {
  return json('/api/mongodb/collections', opts);
}

/** salesByRegion is the original /api/sales/by-region, from real results. */
export function salesByRegion(opts) {
  return json('/api/sales/by-region', opts);
}

/** salesByCategory is the original /api/sales/by-category, from real results. */
export function salesByCategory(opts) {
  return json('/api/sales/by-category', opts);
}

/** sparkResults is the original /api/analytics/spark-results (customer segments, regions, products). */
export function sparkResults(opts) {
  return json('/api/analytics/spark-results', opts);
}

/** metrics returns the server's Prometheus text. */
export async function metrics(opts) {
  const res = await request('/metrics', opts);
  return res.text();
}
