// The view's whole state lives in the query string, so a view can be shared, bookmarked and reloaded.
// (The token never does: it lives in the fragment only until it is moved to sessionStorage.)

export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export const PRESETS = ['1h', '24h', '7d', '30d', '90d', '365d'];

/** Server sort keys and the order the server uses when none is given. */
export const SORTS = { slug: 'asc', runs: 'desc', failures: 'desc', successRate: 'desc', failureRate: 'desc', lastRun: 'desc' };

const KEYS = ['view', 'rule', 'wf', 'range', 'from', 'to', 'tz', 'sort', 'order', 'q', 'project', 'status', 'minRuns', 'cursor'];

export function read() {
  const p = new URLSearchParams(location.search);
  const s = Object.fromEntries(KEYS.map((k) => [k, p.get(k) || '']));
  if (!s.from || !s.to) { s.from = ''; s.to = ''; }
  if (!PRESETS.includes(s.range)) s.range = s.from ? '' : '7d';
  s.tz ||= browserZone();
  if (s.view !== 'alerts') { s.view = ''; s.rule = ''; }
  if (!(s.sort in SORTS)) s.sort = 'failureRate';
  if (s.order !== 'asc' && s.order !== 'desc') s.order = SORTS[s.sort];
  return s;
}

/** The address of the current view with a change applied (for links, so they open in a new tab too). */
export function href(change) {
  const next = { ...read(), ...change };
  const p = new URLSearchParams();
  for (const k of KEYS) {
    const v = next[k];
    if (!v) continue;
    if (k === 'order' && v === SORTS[next.sort]) continue; // the default order is implied by the key
    p.set(k, v);
  }
  const query = p.toString();
  return `${location.pathname}${query ? `?${query}` : ''}`;
}

/** Applies a change to the URL; a push makes it a history entry (Back undoes it), else the entry is replaced. */
export function write(change, { push = true } = {}) {
  const url = href(change) + location.hash;
  if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
  window.dispatchEvent(new Event('statechange'));
}

/** The query of a metrics call: the range part is shared by the summary and the detail. */
export function rangeParams(s) {
  const p = new URLSearchParams();
  if (s.from && s.to) {
    p.set('from', s.from);
    p.set('to', nextDay(s.to)); // the picker's "to" day is inclusive; the API's `to` is an exclusive instant
  } else {
    p.set('range', s.range);
  }
  p.set('tz', s.tz);
  return p;
}

export function summaryParams(s, limit) {
  const p = rangeParams(s);
  p.set('sort', s.sort);
  p.set('order', s.order);
  p.set('limit', String(limit));
  for (const k of ['q', 'project', 'status', 'minRuns', 'cursor']) if (s[k]) p.set(k, s[k]);
  return p;
}

function nextDay(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
