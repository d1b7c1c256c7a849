// One workflow: its trend, duration percentiles, top errors, versions (did the last publish break it?) and
// recent failed runs.
import { h, replace } from './dom.js';
import { rangeControls, rangeLabel, previousLabel } from './controls.js';
import { trendChart } from './charts.js';
import { ago, at, duration, pct, runs } from './format.js';
import { badge, deltaEl, empty, failure, kpi, loading } from './states.js';

export function mountDetail(main, ctx) {
  const title = h('h1', {}, 'Workflow');
  const sub = h('p', { class: 'muted' });
  const range = h('div');
  const region = h('div', {}, loading('Loading workflow…'));
  replace(main,
    h('a', { class: 'back', href: ctx.overviewHref(), onclick: (e) => { e.preventDefault(); ctx.openOverview(); } }, '← All workflows'),
    h('div', { class: 'page-head' }, h('div', {}, title, sub)),
    range, region);

  return {
    syncControls(s) {
      sub.textContent = `${rangeLabel(s)} · ${s.tz}`;
      replace(range, rangeControls(s));
    },
    loading() { replace(region, loading('Loading workflow…')); },
    error(err, retry) {
      if (err.status === 404) {
        title.textContent = 'Workflow not found';
        replace(region, empty('Workflow not found', 'It does not exist, or it belongs to a project you cannot see.',
          h('button', { class: 'btn', type: 'button', onclick: ctx.openOverview }, 'Back to all workflows')));
      } else {
        replace(region, failure(err, retry));
      }
    },
    render(d, s) {
      title.textContent = d.workflowSlug;
      document.title = `${d.workflowSlug} · Workflow health · MeshHook`;
      replace(region, body(d, s));
    },
  };
}

function body(d, s) {
  const vs = previousLabel(s);
  const kpis = h('div', { class: 'grid kpis' },
    kpi('kpi-success', 'Success rate', pct(d.counts.successRate), deltaEl(d.change.successRate, false), ` ${vs}`),
    kpi('kpi-failure', 'Failure rate', pct(d.counts.failureRate), deltaEl(d.change.failureRate, true), ` ${vs}`),
    kpi('kpi-runs', 'Runs', runs(d.counts.total), `${runs(d.counts.failures)} failed · ${runs(d.counts.canceled)} canceled · ${runs(d.counts.retried)} retried`),
    kpi('kpi-last', 'Last run', badge(d.lastRunStatus), h('span', { title: at(d.lastRunAt, s.tz) }, ago(d.lastRunAt))));

  const chart = h('div', { class: 'chart', id: 'detail-chart' });
  const trend = h('section', { class: 'card', 'aria-labelledby': 'trend-h' },
    h('h2', { id: 'trend-h' }, 'Runs and failure rate'),
    d.counts.total === 0 ? h('p', { class: 'muted' }, 'No runs in this range.') : chart,
    h('p', { class: 'chart-legend-note' }, `Per ${d.range.granularity}; failed includes timed out. Times in ${s.tz}.`));
  queueMicrotask(() => { if (chart.isConnected) trendChart(chart, d.series, s.tz); });

  return [kpis, trend,
    h('div', { class: 'grid two' }, durations(d.duration), versions(d.versions, s)),
    h('div', { class: 'grid two' }, topErrors(d.topErrors, s), recentFailures(d.recentFailures, s))];
}

function card(id, title, ...content) {
  return h('section', { class: 'card table-card', id, 'aria-labelledby': `${id}-h` },
    h('header', {}, h('h2', { id: `${id}-h` }, title)), ...content);
}

function table(headers, rows) {
  return h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, headers.map(([label, num]) => h('th', { scope: 'col', class: num ? 'num' : '' }, label)))),
    h('tbody', {}, rows)));
}

const none = (text) => h('p', { class: 'muted', style: 'padding: 0 1.1rem 1rem; margin: 0' }, text);

function durations(t) {
  const cells = [['p50', t?.p50Ms], ['p95', t?.p95Ms], ['p99', t?.p99Ms], ['Average', t?.averageMs], ['Max', t?.maxMs]];
  return card('durations', 'Duration',
    h('dl', { class: 'grid', style: 'grid-template-columns: repeat(auto-fit, minmax(90px, 1fr)); padding: 0 1.1rem 1rem; margin: 0' },
      cells.map(([label, ms]) => h('div', {}, h('dt', { class: 'muted', style: 'font-size:.8rem' }, label),
        h('dd', { style: 'margin:0; font-size:1.25rem; font-weight:600; font-variant-numeric: tabular-nums' }, duration(ms))))),
    h('p', { class: 'chart-legend-note', style: 'padding: 0 1.1rem 1rem; margin: 0' },
      'Percentiles are read from a histogram, within about 9%; average and max are exact.'));
}

function versions(list, s) {
  if (!list.length) return card('versions', 'Versions', none('No runs of any version in this range.'));
  const sorted = [...list].sort((a, b) => b.version - a.version);
  return card('versions', 'Versions', table(
    [['Version'], ['Runs', 1], ['Success', 1], ['Failure rate', 1], ['Last run']],
    sorted.map((v, i) => {
      const older = sorted[i + 1];
      // the question this table answers: is the newest version failing more than the one before it?
      const worse = older && v.counts.failureRate != null && older.counts.failureRate != null
        && v.counts.failureRate - older.counts.failureRate >= 0.05;
      return h('tr', { 'data-version': v.version },
        h('td', {}, `v${v.version}`, worse ? h('span', { class: 'flag' }, ` ▲ worse than v${older.version}`) : null),
        h('td', { class: 'num' }, runs(v.counts.total)),
        h('td', { class: 'num' }, pct(v.counts.successRate)),
        h('td', { class: 'num' }, pct(v.counts.failureRate)),
        h('td', { title: at(v.lastRunAt, s.tz) }, badge(v.lastRunStatus), ' ', h('span', { class: 'muted' }, ago(v.lastRunAt))));
    })));
}

function topErrors(list, s) {
  if (!list.length) return card('top-errors', 'Top errors', none('No errors in this range. 🎉'));
  return card('top-errors', 'Top errors', table(
    [['Error'], ['Count', 1], ['Last seen']],
    list.map((e) => h('tr', { 'data-code': e.code },
      h('td', {}, h('div', { class: 'mono' }, e.code), h('div', { class: 'muted err-msg', style: 'font-size:.82rem' }, e.sampleMessage || '')),
      h('td', { class: 'num' }, runs(e.count)),
      h('td', { title: at(e.lastSeenAt, s.tz) }, ago(e.lastSeenAt))))));
}

function recentFailures(list, s) {
  if (!list.length) return card('recent-failures', 'Recent failed runs', none('No failed runs in this range.'));
  return card('recent-failures', 'Recent failed runs', table(
    [['Finished'], ['Version'], ['Status'], ['Duration', 1], ['Error']],
    list.map((r) => h('tr', { title: `run ${r.runId}` },
      h('td', { style: 'white-space: nowrap' }, at(r.finishedAt, s.tz)),
      h('td', {}, `v${r.version}`),
      h('td', {}, badge(r.status)),
      h('td', { class: 'num' }, duration(r.durationMs)),
      h('td', {}, h('span', { class: 'mono' }, r.errorCode || '—'), r.errorStep ? h('span', { class: 'muted' }, ` at ${r.errorStep}`) : null,
        r.errorMessage ? h('div', { class: 'muted err-msg', style: 'font-size:.82rem' }, r.errorMessage) : null)))));
}
