// Designed loading, empty and error states, and the small pieces every view uses.
import { h } from './dom.js';
import { delta, statusLabel } from './format.js';

export const skeleton = (cls) => h('div', { class: `skeleton ${cls}`, 'aria-hidden': 'true' });

export function loading(label) {
  return h('div', { 'aria-busy': 'true' },
    h('p', { class: 'sr-only', role: 'status' }, label),
    h('div', { class: 'grid kpis' }, skeleton('sk-kpi'), skeleton('sk-kpi'), skeleton('sk-kpi'), skeleton('sk-kpi')),
    skeleton('sk-chart'), skeleton('sk-table'));
}

export function empty(title, text, action) {
  return h('div', { class: 'card state empty' },
    h('div', { class: 'icon', 'aria-hidden': 'true' }, '◌'),
    h('h2', {}, title), h('p', {}, text), action);
}

export function failure(error, retry) {
  const problem = error.problem || {};
  const fields = (problem.errors || []).map((e) => `${e.field}: ${e.message ?? e.detail ?? ''}`);
  return h('div', { class: 'card state error', role: 'alert' },
    h('div', { class: 'icon', 'aria-hidden': 'true' }, '⚠'),
    h('h2', {}, problem.title || 'Something went wrong'),
    h('p', {}, error.message, fields.length ? h('span', { class: 'mono' }, ` (${fields.join('; ')})`) : null),
    retry ? h('button', { class: 'btn', type: 'button', onclick: retry }, 'Try again') : null);
}

export const badge = (status) => (status ? h('span', { class: `badge ${status}` }, statusLabel(status)) : h('span', { class: 'muted' }, '—'));

export function deltaEl(change, higherIsBad, suffix = '') {
  const d = delta(change, higherIsBad);
  return h('span', { class: `delta ${d.tone}` }, d.text, suffix);
}

export function kpi(id, label, value, ...sub) {
  return h('section', { class: 'card kpi', id, 'aria-label': label },
    h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), h('div', { class: 'sub' }, sub));
}
