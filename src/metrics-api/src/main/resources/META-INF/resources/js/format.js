// Number and time formatting. Rates arrive as fractions (0.05) or null when there were no rated runs.

const count = new Intl.NumberFormat();

export const runs = (n) => count.format(n ?? 0);

export function pct(rate, digits = 1) {
  return rate == null ? '—' : `${(rate * 100).toFixed(digits)}%`;
}

/** A change in percentage points; `higherIsBad` picks the colour (a rising failure rate is bad). */
export function delta(change, higherIsBad) {
  if (change == null) return { text: 'no previous data', tone: 'flat' };
  const pp = change * 100;
  if (Math.abs(pp) < 0.05) return { text: '±0.0 pp', tone: 'flat' };
  const bad = higherIsBad ? pp > 0 : pp < 0;
  return { text: `${pp > 0 ? '+' : '−'}${Math.abs(pp).toFixed(1)} pp`, tone: bad ? 'bad' : 'good' };
}

export function duration(ms) {
  if (ms == null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function ago(iso) {
  if (!iso) return 'never';
  const seconds = (Date.parse(iso) - Date.now()) / 1000;
  const steps = [[60, 'second'], [3600, 'minute'], [86400, 'hour'], [604800, 'day'], [2629800, 'week'], [31557600, 'month']];
  let unit = 'year', size = 31557600;
  let prev = 1;
  for (const [limit, name] of steps) {
    if (Math.abs(seconds) < limit) { unit = name; size = prev; break; }
    prev = limit;
  }
  return relative.format(Math.round(seconds / size), unit);
}

/** An absolute time in the dashboard's zone, for titles and tables. */
export function at(iso, timeZone) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(undefined, { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export const statusLabel = (s) => ({ succeeded: 'Succeeded', failed: 'Failed', timed_out: 'Timed out', canceled: 'Canceled' }[s] ?? s ?? '—');
