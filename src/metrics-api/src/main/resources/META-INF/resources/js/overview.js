// The overview: aggregate rates, the trend, and the workflows table with sort, filters and pages.
// The shell (range controls, filters) is built once per visit so typing in the search box is never
// interrupted; only the data regions are re-rendered when new figures arrive.
import { h, replace } from './dom.js';
import { rangeControls, rangeLabel, previousLabel } from './controls.js';
import { trendChart, sparkline } from './charts.js';
import { ago, at, duration, pct, runs } from './format.js';
import { SORTS, write } from './state.js';
import { badge, deltaEl, empty, failure, kpi, skeleton } from './states.js';
import { stateBadge } from './alerts.js';

const COLUMNS = [
  { key: 'slug', label: 'Workflow', sort: 'slug' },
  { key: 'runs', label: 'Runs', sort: 'runs', num: true },
  { key: 'failures', label: 'Failures', sort: 'failures', num: true, cls: 'hide-sm' },
  { key: 'successRate', label: 'Success', sort: 'successRate', num: true },
  { key: 'failureRate', label: 'Failure rate', sort: 'failureRate', num: true },
  { key: 'change', label: 'Change', num: true, title: 'Failure rate change vs the previous period' },
  { key: 'p95', label: 'p95', num: true, cls: 'hide-sm', title: '95th percentile duration' },
  { key: 'lastRun', label: 'Last run', sort: 'lastRun' },
];

export function mountOverview(main, state, ctx) {
  const top = h('div', { id: 'overview-top' });
  const search = h('input', { type: 'search', id: 'q', value: state.q, placeholder: 'Search by slug', autocomplete: 'off' });
  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    // replace, not push: one history entry per search, not one per keystroke
    typing = setTimeout(() => write({ q: search.value.trim(), cursor: '' }, { push: false }), 300);
  });
  const project = h('select', { id: 'project', onchange: (e) => write({ project: e.target.value, cursor: '' }) });
  const status = h('select', { id: 'status', onchange: (e) => write({ status: e.target.value, cursor: '' }) },
    [['', 'Any status'], ['succeeded', 'Succeeded'], ['failed', 'Failed'], ['timed_out', 'Timed out'], ['canceled', 'Canceled']]
      .map(([v, l]) => h('option', { value: v, selected: v === state.status }, l)));
  const minRuns = h('input', { type: 'number', id: 'minRuns', min: '0', step: '1', value: state.minRuns, placeholder: '0', inputmode: 'numeric' });
  minRuns.addEventListener('change', () => write({ minRuns: minRuns.value && minRuns.value !== '0' ? String(Math.max(0, Math.floor(minRuns.value))) : '', cursor: '' }));

  const filters = h('div', { class: 'controls', role: 'search', 'aria-label': 'Filter workflows', style: 'padding: 0 1.1rem; margin: .25rem 0 .75rem' },
    h('label', { class: 'field grow', for: 'q' }, 'Search', search),
    h('label', { class: 'field', for: 'project' }, 'Project', project),
    h('label', { class: 'field', for: 'status' }, 'Had runs that', status),
    h('label', { class: 'field', for: 'minRuns' }, 'Min. runs', minRuns));
  const tableRegion = h('div', {}, skeleton('sk-table'));
  const tableCard = h('section', { class: 'card table-card', style: 'margin-top: 1rem', 'aria-labelledby': 'wf-h' },
    h('header', {}, h('h2', { id: 'wf-h' }, 'Workflows')), filters, tableRegion);
  const heading = h('p', { class: 'muted' });
  replace(main,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Workflow health'), heading)),
    h('div', { class: 'shell-range' }),
    top, tableCard);

  function syncControls(s, projects) {
    heading.textContent = `${rangeLabel(s)} · ${s.tz}`;
    replace(main.querySelector('.shell-range'), rangeControls(s));
    if (document.activeElement !== search) search.value = s.q;
    status.value = s.status;
    if (document.activeElement !== minRuns) minRuns.value = s.minRuns;
    const ids = new Set(projects);
    if (s.project) ids.add(s.project);
    replace(project, h('option', { value: '' }, 'All projects'),
      [...ids].sort().map((id) => h('option', { value: id, selected: id === s.project }, `Project ${id.slice(0, 8)}`)));
  }

  return {
    syncControls,
    loading() {
      replace(top, loadingTop());
      replace(tableRegion, skeleton('sk-table'));
      tableCard.hidden = false;
    },
    error(err, retry) {
      replace(top, failure(err, retry));
      tableCard.hidden = true;
    },
    render(summary, s, pager, alerting = new Map()) {
      tableCard.hidden = false;
      replace(top, overviewTop(summary, s));
      replace(tableRegion, summary.workflows.length === 0 ? emptyTable(s) : workflowsTable(summary, s, ctx, alerting), pagerEl(summary, pager));
    },
  };
}

function loadingTop() {
  return h('div', { 'aria-busy': 'true' }, h('p', { class: 'sr-only', role: 'status' }, 'Loading workflow health…'),
    h('div', { class: 'grid kpis' }, skeleton('sk-kpi'), skeleton('sk-kpi'), skeleton('sk-kpi'), skeleton('sk-kpi')),
    skeleton('sk-chart'));
}

function overviewTop(summary, s) {
  const a = summary.aggregate;
  const vs = previousLabel(s);
  const kpis = h('div', { class: 'grid kpis' },
    kpi('kpi-success', 'Success rate', pct(a.counts.successRate), deltaEl(a.change.successRate, false), ` ${vs}`),
    kpi('kpi-failure', 'Failure rate', pct(a.counts.failureRate), deltaEl(a.change.failureRate, true), ` ${vs}`),
    kpi('kpi-runs', 'Runs', runs(a.counts.total),
      `${runs(a.counts.failures)} failed · ${runs(a.counts.canceled)} canceled · ${runs(a.workflows)} workflows`),
    kpi('kpi-p95', 'p95 duration', duration(a.duration?.p95Ms), `p50 ${duration(a.duration?.p50Ms)} · max ${duration(a.duration?.maxMs)}`));

  const chart = h('div', { class: 'chart', id: 'trend-chart' });
  const trend = h('section', { class: 'card', 'aria-labelledby': 'trend-h' },
    h('h2', { id: 'trend-h' }, 'Runs and failure rate'),
    a.counts.total === 0 ? h('p', { class: 'muted' }, 'No runs in this range yet.') : chart,
    h('p', { class: 'chart-legend-note' }, `Bars: runs per ${summary.range.granularity} bucket (failed includes timed out); line: failure rate. Times in ${s.tz}.`));

  queueMicrotask(() => { if (chart.isConnected) trendChart(chart, a.series, s.tz); });
  return [kpis, trend];
}

function emptyTable(s) {
  const filtered = s.q || s.project || s.status || s.minRuns;
  return filtered
    ? empty('No workflows match these filters', 'Try another search or clear the filters.',
      h('button', { class: 'btn ghost', type: 'button', onclick: () => write({ q: '', project: '', status: '', minRuns: '', cursor: '' }) }, 'Clear filters'))
    : empty('No runs in this range', 'Workflows appear here as soon as MeshHook records their runs. Try a longer range.');
}

function workflowsTable(summary, s, ctx, alerting) {
  const head = h('tr', {}, COLUMNS.map((c) => {
    const active = c.sort === s.sort;
    const th = h('th', { scope: 'col', class: [c.num ? 'num' : '', c.cls || ''].join(' '), title: c.title,
      'aria-sort': active ? (s.order === 'asc' ? 'ascending' : 'descending') : null });
    if (!c.sort) th.append(c.label);
    else th.append(h('button', { type: 'button', 'data-focus-key': `sort-${c.sort}`, 'data-sort': c.sort,
      'aria-label': `Sort by ${c.label}${active ? (s.order === 'asc' ? ', ascending' : ', descending') : ''}`,
      onclick: () => write({ sort: c.sort, order: active ? (s.order === 'asc' ? 'desc' : 'asc') : SORTS[c.sort], cursor: '' }),
    }, c.label));
    return th;
  }));
  const rows = summary.workflows.map((w) => row(w, s, ctx, alerting.get(`${w.projectId}/${w.workflowSlug}`)));
  return h('div', { class: 'scroll' }, h('table', { id: 'workflows' },
    h('caption', { class: 'sr-only' }, `Workflows, sorted by ${s.sort} ${s.order === 'asc' ? 'ascending' : 'descending'}`),
    h('thead', {}, head), h('tbody', {}, rows)));
}

function row(w, s, ctx, alert) {
  const id = w.workflowIds[0];
  const spark = h('div', { class: 'spark' });
  const link = h('a', { href: ctx.detailHref(id), 'data-focus-key': `wf-${id}`,
    onclick: (e) => { if (!e.metaKey && !e.ctrlKey) { e.preventDefault(); ctx.openWorkflow(id); } } }, w.workflowSlug);
  const tr = h('tr', { class: 'clickable', 'data-workflow': id, 'data-slug': w.workflowSlug,
    // the slug is the keyboard target; a click anywhere on the row is a shortcut for the mouse
    onclick: (e) => { if (e.target.closest('a, button')) return; ctx.openWorkflow(id); } },
  h('td', { class: 'slug' }, link, alert ? h('a', { class: 'alert-badge', href: ctx.alertsHref(), title: `Alert ${alert}: open Alerts`,
    onclick: (e) => { if (!e.metaKey && !e.ctrlKey) { e.preventDefault(); ctx.openAlerts(); } } }, ' ', stateBadge(alert)) : null, h('div', { class: 'muted', style: 'font-size:.78rem' },
    `v${Math.max(...w.versions)}${w.versions.length > 1 ? ` · ${w.versions.length} versions` : ''}`)),
  h('td', { class: 'num runs' }, runs(w.counts.total)),
  h('td', { class: 'num failures hide-sm' }, runs(w.counts.failures)),
  h('td', { class: 'num success-rate' }, pct(w.counts.successRate)),
  h('td', { class: 'num' }, h('div', { class: 'rate-cell' }, spark, h('span', { class: 'failure-rate' }, pct(w.counts.failureRate)))),
  h('td', { class: 'num change' }, w.change.failureRate == null ? h('span', { class: 'muted' }, '—') : deltaEl(w.change.failureRate, true)),
  h('td', { class: 'num hide-sm' }, duration(w.duration?.p95Ms)),
  h('td', { class: 'last-run', title: at(w.lastRunAt, s.tz) }, badge(w.lastRunStatus), ' ', h('span', { class: 'muted', style: 'font-size:.82rem' }, ago(w.lastRunAt))));
  queueMicrotask(() => { if (spark.isConnected) sparkline(spark, w.sparkline || [], `Failure rate trend of ${w.workflowSlug}`); });
  return tr;
}

function pagerEl(summary, pager) {
  const shown = summary.workflows.length;
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('span', { class: 'muted' }, `${pager.page ? `Page ${pager.page} · ` : ''}${shown} of ${runs(summary.aggregate.workflows)} workflow${summary.aggregate.workflows === 1 ? '' : 's'}`),
    h('div', { class: 'btns' },
      h('button', { class: 'btn ghost small', type: 'button', 'data-focus-key': 'page-first', disabled: pager.onFirst, onclick: pager.first }, 'First'),
      h('button', { class: 'btn ghost small', type: 'button', 'data-focus-key': 'page-prev', disabled: !pager.canPrev, onclick: pager.prev }, 'Previous'),
      h('button', { class: 'btn ghost small', type: 'button', 'data-focus-key': 'page-next', id: 'next-page', disabled: !summary.nextCursor, onclick: () => pager.next(summary.nextCursor) }, 'Next')));
}
