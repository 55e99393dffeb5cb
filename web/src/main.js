// Entry point: styles, the navbar's service badge, and a two-page router
// (/ and /dashboard) over the History API; the server answers every
// non-API path with index.html.

import 'bootstrap/dist/css/bootstrap.min.css';
import './styles.css';
import { h, replace } from './dom.js';
import * as api from './api.js';
import { chartOf, destroyCharts } from './charts.js';
import { summary, badgeClass, parts } from './status.js';
import { partName } from './health.js';
import { renderHome } from './pages/home.js';
import { renderDashboard } from './pages/dashboard.js';

/** STATUS_POLL_MS is how often the navbar badge asks /api/system/status. */
export const STATUS_POLL_MS = 30000;

const main = document.getElementById('main');
let leave = null; // aborts the fetches of the page being left

const PAGES = {
  '/': { title: 'Overview', render: renderHome },
  '/dashboard': { title: 'Dashboard', render: renderDashboard },
};

function route() {
  if (leave) leave.abort();
  leave = new AbortController();
  destroyCharts();
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const page = PAGES[path];
  for (const link of document.querySelectorAll('[data-route]')) {
    const on = link.dataset.route === path;
    link.classList.toggle('active', on);
    if (on) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!page) {
    document.title = 'Not found · beamline';
    replace(main, h('div', { class: 'text-center py-5' },
      h('h1', { class: 'h3', text: 'Page not found' }),
      h('p', { class: 'text-body-secondary', text: `There is no page at ${location.pathname}.` }),
      h('a', { class: 'btn btn-primary', href: '/', 'data-link': '', text: 'Go to the overview' })));
    return;
  }
  document.title = `${page.title} · beamline`;
  page.render(main, leave.signal);
}

// Same-origin links marked data-link change pages without reloading.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  e.preventDefault();
  const samePage = url.pathname === location.pathname;
  history.pushState(null, '', url.pathname + url.search + url.hash);
  route();
  if (!samePage) window.scrollTo(0, 0);
  main.focus({ preventScroll: true });
});
window.addEventListener('popstate', route);

// The navbar badge: all configured services connected (green), some
// (yellow, x/y), none (red), or the status could not be read (grey).
const badge = document.getElementById('status-badge');
let pollTimer = null;

async function pollStatus() {
  clearTimeout(pollTimer);
  let status = null;
  try {
    status = await api.systemStatus();
  } catch {
    status = null;
  }
  const s = summary(status);
  badge.className = `badge rounded-pill ${badgeClass(s.level)}`;
  badge.dataset.level = s.level;
  badge.textContent = s.text;
  const tip = status ? parts(status).map((p) => `${partName(p.name)}: ${p.status}${p.error ? ` (${p.error})` : ''}`).join('\n') : 'GET /api/system/status failed';
  badge.parentElement.title = tip;
  badge.setAttribute('aria-label', `Service status: ${s.text}`);
  if (!document.hidden) pollTimer = setTimeout(pollStatus, STATUS_POLL_MS);
}

// Stop polling while the tab is hidden; ask again as soon as it is back.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) clearTimeout(pollTimer);
  else pollStatus();
});

// For tests and the console: the Chart.js instance drawn on a canvas.
window.beamline = Object.freeze({ chartOf });

route();
pollStatus();
