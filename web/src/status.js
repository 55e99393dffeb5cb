// The services summary of GET /api/system/status shown by the navbar badge
// and the health panels. Pure: the poller lives in main.js.

/** NOT_CONFIGURED parts are left out: a service nobody set up is not down. */
export const NOT_CONFIGURED = 'not configured';

/** parts lists the status object's services as [{name, status, error, ...}], in the API's order. */
export function parts(status) {
  return Object.entries(status || {})
    .filter(([, v]) => v && typeof v === 'object' && typeof v.status === 'string')
    .map(([name, v]) => ({ ...v, name }));
}

/**
 * summary says how healthy the configured services are:
 * {level: "ok"|"partial"|"down"|"unknown", connected, configured, text}.
 * Pass null for a status that could not be fetched.
 */
export function summary(status) {
  if (!status) return { level: 'unknown', connected: 0, configured: 0, text: 'status unavailable' };
  const counted = parts(status).filter((p) => p.status !== NOT_CONFIGURED);
  const connected = counted.filter((p) => p.status === 'connected').length;
  const configured = counted.length;
  if (configured > 0 && connected === configured) {
    return { level: 'ok', connected, configured, text: 'All services OK' };
  }
  if (connected === 0) return { level: 'down', connected, configured, text: 'Services offline' };
  return { level: 'partial', connected, configured, text: `${connected}/${configured} services` };
}

/** badgeClass maps a summary level, a service status or a run status to a Bootstrap background. */
export function badgeClass(levelOrStatus) {
  switch (levelOrStatus) {
    case 'ok': case 'connected': case 'published': return 'text-bg-success';
    case 'partial': return 'text-bg-warning';
    case 'running': case 'publishing': return 'text-bg-primary';
    case 'down': case 'disconnected': case 'failed': return 'text-bg-danger';
    default: return 'text-bg-secondary';
  }
}
