// Charts with uPlot (shipped as a webjar). Colours come from the CSS theme variables, resolved through a probe
// element because canvas cannot read var() or light-dark(); views re-render charts when the theme changes.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { h } from './dom.js';
import { runs } from './format.js';

function color(variable, alpha = 1) {
  const probe = document.body.appendChild(h('span', { style: `color: var(${variable}); display: none` }));
  const rgb = getComputedStyle(probe).color; // "rgb(r, g, b)"
  probe.remove();
  return alpha === 1 ? rgb : rgb.replace('rgb(', 'rgba(').replace(')', `, ${alpha})`);
}

/** Keeps a chart as wide as its container; stops when the chart has been removed from the page. */
function fit(plot, container, height) {
  const observer = new ResizeObserver(() => {
    if (!container.isConnected) { observer.disconnect(); plot.destroy(); return; }
    plot.setSize({ width: container.clientWidth, height });
  });
  observer.observe(container);
}

/**
 * Stacked bars of succeeded / failed (incl. timed out) / canceled per bucket and the failure rate as a line on
 * a 0–100 % axis. Stacking is done here (uPlot draws each series from zero): the taller cumulative bar is drawn
 * first and the shorter ones over it; the legend shows each status' own count.
 */
export function trendChart(container, series, timeZone, height = 260) {
  const x = series.map((p) => Date.parse(p.start) / 1000);
  const ok = series.map((p) => p.succeeded);
  const failed = series.map((p) => p.failed + p.timedOut);
  const canceled = series.map((p) => p.canceled);
  const rate = series.map((p) => (p.failureRate == null ? null : p.failureRate * 100));
  const stacked = [x.map((_, i) => ok[i] + failed[i] + canceled[i]), x.map((_, i) => ok[i] + failed[i]), ok];

  const step = x.length > 1 ? x[1] - x[0] : 900;
  const bars = uPlot.paths.bars({ size: [0.8, 48], align: 1 });
  const own = (values) => (u, v, si, i) => (i == null ? '–' : runs(values[i]));
  const axis = { stroke: color('--muted'), grid: { stroke: color('--border'), width: 1 }, ticks: { stroke: color('--border') } };

  const plot = new uPlot({
    width: Math.max(container.clientWidth, 280),
    height,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
    cursor: { points: { show: false } },
    scales: { x: { time: true, range: (u, min, max) => [min, max + step] }, runs: { range: (u, min, max) => [0, Math.max(max, 1)] }, pct: { range: [0, 100] } },
    series: [
      { label: 'Time' },
      { label: 'Canceled', scale: 'runs', fill: color('--neutral', 0.55), stroke: color('--neutral'), width: 0, paths: bars, points: { show: false }, value: own(canceled) },
      { label: 'Failed', scale: 'runs', fill: color('--bad', 0.75), stroke: color('--bad'), width: 0, paths: bars, points: { show: false }, value: own(failed) },
      { label: 'Succeeded', scale: 'runs', fill: color('--ok', 0.7), stroke: color('--ok'), width: 0, paths: bars, points: { show: false }, value: own(ok) },
      // no line across buckets without rated runs: a bridge would show a rate nobody measured
      { label: 'Failure rate', scale: 'pct', stroke: color('--accent'), width: 2, spanGaps: false,
        // dots mark lone measured buckets; on a crowded (narrow) chart they would only hide the bars
        points: { show: x.length <= Math.max(container.clientWidth, 280) / 6, size: 5, fill: color('--accent') },
        value: (u, v) => (v == null ? '–' : `${v.toFixed(1)}%`) },
    ],
    axes: [
      { ...axis },
      { ...axis, scale: 'runs', label: 'runs', labelSize: 18, size: 48, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6],
        values: (u, ticks) => ticks.map((t) => runs(t)) },
      { ...axis, scale: 'pct', side: 1, grid: { show: false }, label: 'failure rate', labelSize: 18, size: 52, values: (u, ticks) => ticks.map((t) => `${t}%`) },
    ],
  }, [x, ...stacked, rate], container);
  fit(plot, container, height);
  return plot;
}

/** A row's failure rate per bucket (percent), drawn small without axes; gaps (no rated runs) are bridged. */
export function sparkline(container, rates, label) {
  const values = rates.map((r) => (r == null ? null : r * 100));
  const known = values.filter((v) => v != null);
  container.setAttribute('role', 'img');
  container.setAttribute('aria-label', label);
  if (known.length === 0) return null;
  return new uPlot({
    width: 84,
    height: 26,
    pxAlign: false,
    cursor: { show: false },
    legend: { show: false },
    select: { show: false },
    scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(max, 5)] } },
    axes: [{ show: false }, { show: false }],
    series: [{}, { stroke: color('--bad'), fill: color('--bad', 0.12), width: 1.5, spanGaps: true,
      points: { show: known.length < 3, size: 4, fill: color('--bad') } }],
  }, [values.map((_, i) => i), values], container);
}
