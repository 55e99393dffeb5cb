// Formatting of API values for display. Pure functions (no DOM), shared by
// the pages and the e2e test, which compares what the page shows with the
// API's numbers formatted here.

const moneyFormat = new Intl.NumberFormat('en-US', {
  style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2,
});
const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const compactMoneyFormat = new Intl.NumberFormat('en-US', {
  style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1,
});

/** NUMERIC are the column types whose values are JSON numbers. */
export const NUMERIC = new Set(['int', 'money', 'decimal']);

/** isNumeric reports whether a column type holds numbers (right-aligned, sorted numerically). */
export function isNumeric(type) {
  return NUMERIC.has(type);
}

/** money prints 13099.66 as "$13,099.66" (en-US, 2 decimals, thousands separators). */
export function money(value) {
  return isBlank(value) ? '' : moneyFormat.format(Number(value));
}

/** integer prints 12345 as "12,345". */
export function integer(value) {
  return isBlank(value) ? '' : intFormat.format(Number(value));
}

/** compact prints a chart tick: 12345 as "12.3K", or "$12.3K" for money. */
export function compact(value, type) {
  return type === 'money' ? compactMoneyFormat.format(value) : compactFormat.format(value);
}

/**
 * cell formats one value of a column type: money as dollars, int with
 * thousands separators; decimals, dates, strings and bools as given.
 */
export function cell(value, type) {
  if (isBlank(value)) return '';
  switch (type) {
    case 'money': return money(value);
    case 'int': return integer(value);
    default: return String(value);
  }
}

/** bytes prints a byte count with base-1024 units ("1.5 GB"), like the original's format_bytes. */
export function bytes(value) {
  if (isBlank(value)) return '';
  let n = Number(value);
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** duration prints milliseconds as "850 ms", "12.4 s" or "3 min 05 s". */
export function duration(ms) {
  if (isBlank(ms)) return '';
  const n = Number(ms);
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60000) return `${(n / 1000).toFixed(1)} s`;
  const s = Math.round(n / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** seconds prints a latency in seconds as milliseconds with sensible precision. */
export function latency(seconds) {
  if (isBlank(seconds) || Number.isNaN(seconds)) return '';
  const ms = seconds * 1000;
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`;
}

/** percent prints a 0..1 ratio as "12.5%". */
export function percent(ratio) {
  if (isBlank(ratio)) return '';
  return `${(Number(ratio) * 100).toFixed(1)}%`;
}

/** timestamp prints an RFC 3339 time as "2026-11-26 20:44 UTC" (the same in every time zone). */
export function timestamp(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const relativeFormat = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });

/** ago prints how long before now an RFC 3339 time was ("5 minutes ago"). */
export function ago(iso, now = Date.now()) {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const s = Math.round((t - now) / 1000);
  const steps = [['second', 60], ['minute', 60], ['hour', 24], ['day', 30], ['month', 12], ['year', Infinity]];
  let v = s;
  for (const [unit, size] of steps) {
    if (Math.abs(v) < size) return relativeFormat.format(v, unit);
    v = Math.round(v / size);
  }
  return '';
}

/** words turns a column or dataset name into a heading: "avg_salary_city" → "Avg salary city". */
export function words(name) {
  const acronyms = { id: 'ID', rfm: 'RFM', ml: 'ML', kpi: 'KPI', api: 'API', csv: 'CSV', hr: 'HR' };
  const text = String(name).split('_').filter(Boolean)
    .map((w) => acronyms[w.toLowerCase()] || w).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isBlank(value) {
  return value === null || value === undefined || value === '';
}
