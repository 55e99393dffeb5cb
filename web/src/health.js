// The services of GET /api/system/status as a compact list (home page) or
// as detailed cards (Runs & health tab), each with its status and error.

import { h } from './dom.js';
import { bytes, duration, integer, percent } from './format.js';
import { badgeClass, parts } from './status.js';

const NAMES = { mongodb: 'MongoDB', hadoop: 'HDFS', spark: 'Beam job service', api: 'API server' };

/** partName is a service's display name ("hadoop" → "HDFS"). */
export function partName(name) {
  return NAMES[name] || name;
}

/** statusBadge is a coloured badge with a service or run status text. */
export function statusBadge(status) {
  return h('span', { class: `badge rounded-pill ${badgeClass(status)}`, 'data-status': status, text: status });
}

/** details lists what a service's probe reports, as [label, text] pairs. */
export function details(part) {
  const info = part.info || {};
  const out = [];
  const add = (label, value) => { if (value !== undefined && value !== null && value !== '') out.push([label, String(value)]); };
  switch (part.name) {
    case 'mongodb':
      if (part.latency_ms !== undefined) add('Ping', `${Number(part.latency_ms).toFixed(1)} ms`);
      if (part.collections) add('Collections', integer(part.collections.length));
      if (part.counts) add('Documents', integer(Object.values(part.counts).reduce((a, b) => a + Number(b || 0), 0)));
      break;
    case 'hadoop':
      if (info.used_capacity !== undefined) add('Used', `${bytes(info.used_capacity)} of ${bytes(info.total_capacity)}`);
      if (info.total_files !== undefined) add('Files', integer(info.total_files));
      if (info.live_nodes !== undefined) add('Live nodes', integer(info.live_nodes));
      if (info.dead_nodes) add('Dead nodes', integer(info.dead_nodes));
      break;
    case 'spark':
      add('Endpoint', info.endpoint);
      if (info.jobs_running !== undefined) add('Jobs running', integer(info.jobs_running));
      if (info.jobs_done !== undefined) add('Jobs done', integer(info.jobs_done));
      break;
    case 'api':
      if (part.uptime_s !== undefined) add('Uptime', duration(part.uptime_s * 1000));
      if (part.requests !== undefined) add('Requests', integer(part.requests));
      if (part.errors !== undefined) add('Errors', integer(part.errors));
      if (part.error_rate !== undefined) add('Error rate', percent(part.error_rate));
      break;
    default:
      for (const [k, v] of Object.entries(info)) if (typeof v !== 'object') add(k, v);
  }
  return out;
}

/** healthList is the home page's list: one line per service with its status and error. */
export function healthList(status) {
  return h('ul', { class: 'list-group list-group-flush health-list', 'data-role': 'health' }, parts(status).map((p) => {
    const facts = details(p).slice(0, 2).map(([k, v]) => `${k} ${v}`).join(' · ');
    return h('li', { class: 'list-group-item px-0', 'data-part': p.name },
      h('div', { class: 'd-flex justify-content-between align-items-center gap-2' },
        h('span', { class: 'fw-semibold', text: partName(p.name) }), statusBadge(p.status)),
      facts ? h('div', { class: 'small text-body-secondary', text: facts }) : null,
      p.error ? h('div', { class: 'small text-danger text-break', 'data-role': 'error', text: p.error }) : null);
  }));
}

/** healthCards shows every service with all its details (Runs & health tab). */
export function healthCards(status) {
  return h('div', { class: 'row g-3', 'data-role': 'health' }, parts(status).map((p) => h('div', { class: 'col-12 col-sm-6 col-xl-3' },
    h('div', { class: 'card h-100 shadow-sm', 'data-part': p.name },
      h('div', { class: 'card-body' },
        h('div', { class: 'd-flex justify-content-between align-items-center mb-2' },
          h('h3', { class: 'h6 mb-0', text: partName(p.name) }), statusBadge(p.status)),
        h('dl', { class: 'small mb-0' }, details(p).map(([k, v]) => h('div', { class: 'd-flex justify-content-between gap-3' },
          h('dt', { class: 'fw-normal text-body-secondary text-nowrap', text: k }), h('dd', { class: 'mb-1 text-end text-break', text: v })))),
        p.error ? h('div', { class: 'small text-danger mt-2 text-break', 'data-role': 'error', text: p.error }) : null)))));
}
