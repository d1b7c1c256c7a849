// The range and time-zone controls shared by the overview and the detail view. They only write the URL;
// the app re-fetches on every state change.
import { h } from './dom.js';
import { PRESETS, browserZone, write } from './state.js';

const PRESET_LABELS = { '1h': '1h', '24h': '24h', '7d': '7d', '30d': '30d', '90d': '90d', '365d': '1y' };

export function rangeControls(state) {
  const custom = Boolean(state.from);
  const today = new Date().toISOString().slice(0, 10);
  const from = h('input', { type: 'date', id: 'from', value: state.from || '', max: today });
  const to = h('input', { type: 'date', id: 'to', value: state.to || '', max: today });
  const apply = () => {
    if (from.value && to.value && from.value <= to.value) write({ from: from.value, to: to.value, range: '', cursor: '' });
  };
  from.addEventListener('change', apply);
  to.addEventListener('change', apply);

  const presets = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range' },
    PRESETS.map((p) => h('button', {
      type: 'button', 'aria-pressed': String(!custom && state.range === p), 'data-focus-key': `range-${p}`,
      onclick: () => write({ range: p, from: '', to: '', cursor: '' }),
    }, PRESET_LABELS[p])),
    h('button', {
      type: 'button', 'aria-pressed': String(custom), 'data-focus-key': 'range-custom',
      onclick: (e) => { e.currentTarget.closest('.controls').querySelector('.custom').hidden = false; from.focus(); },
    }, 'Custom'));

  return h('div', { class: 'controls', role: 'group', 'aria-label': 'Range and time zone' },
    h('div', { class: 'field' }, h('span', { id: 'range-label' }, 'Range'), presets),
    h('div', { class: 'custom controls', hidden: !custom, style: 'margin:0' },
      h('label', { class: 'field', for: 'from' }, 'From', from),
      h('label', { class: 'field', for: 'to' }, 'To (inclusive)', to)),
    zonePicker(state.tz));
}

export function zonePicker(current) {
  const zones = new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []);
  zones.add('UTC');
  zones.add(browserZone());
  zones.add(current);
  const select = h('select', { id: 'tz', 'data-focus-key': 'tz', onchange: (e) => write({ tz: e.target.value, cursor: '' }) },
    [...zones].sort().map((z) => h('option', { value: z, selected: z === current }, z)));
  return h('label', { class: 'field', for: 'tz' }, 'Time zone', select);
}

/** A range in words for headings: "Last 7 days" or "1 Nov 2026 – 29 Nov 2026". */
export function rangeLabel(state) {
  if (state.from) return `${state.from} – ${state.to}`;
  return { '1h': 'Last hour', '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days', '365d': 'Last year' }[state.range];
}

export function previousLabel(state) {
  return state.from ? 'vs previous period' : `vs previous ${{ '1h': 'hour', '24h': '24 hours', '7d': '7 days', '30d': '30 days', '90d': '90 days', '365d': 'year' }[state.range]}`;
}
