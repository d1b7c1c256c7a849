// The Alerts view: current alerts (firing first), the rules with their actions, the history, and the rule
// editor with a live backtest. Everything comes from /api/alerts/*; rates are percent here, fractions on the wire.
import { ApiError, alertsApi } from './api.js';
import { h, replace } from './dom.js';
import { zonePicker } from './controls.js';
import { ago, at, pct } from './format.js';
import { empty, failure, skeleton } from './states.js';

const METRICS = {
  failureRate: { label: 'Failure rate', rate: true, ops: ['above', 'below'] },
  successRate: { label: 'Success rate', rate: true, ops: ['below', 'above'] },
  failures: { label: 'Failures', rate: false, ops: ['atLeast'] },
  consecutiveFailures: { label: 'Consecutive failures', rate: false, ops: ['atLeast'] },
  runsBelow: { label: 'Runs (silence)', rate: false, ops: ['below'] },
};
const OPS = { above: 'above', below: 'below', atLeast: 'at least' };
const STATE_ORDER = { firing: 0, pending: 1, snoozed: 2, insufficientData: 3, ok: 4 };
const STATE_LABEL = { firing: 'Firing', pending: 'Pending', snoozed: 'Snoozed', insufficientData: 'Insufficient data', ok: 'OK' };
const STATE_CLASS = { firing: 'failed', pending: 'warn', snoozed: 'canceled', insufficientData: 'canceled', ok: 'succeeded' };
const BACKTEST_DEBOUNCE_MS = 500;

/** A webhook secret answered once (create or rotation), kept here only until it was shown. */
let pendingSecret = null;

export function mountAlerts(main, ctx) {
  const sub = h('p', { class: 'muted' });
  const zone = h('div');
  const region = h('div', {}, loadingLists());
  let editor = null; // the mounted form, when the URL names a rule to edit (or "new")
  let editing = null;
  replace(main,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Alerts'), sub),
      h('div', { class: 'controls', style: 'margin:0' }, zone,
        h('a', { class: 'btn', id: 'new-rule', href: ctx.alertsHref({ rule: 'new' }),
          onclick: (e) => { if (!e.metaKey && !e.ctrlKey) { e.preventDefault(); ctx.openAlerts({ rule: 'new' }); } } }, 'New rule'))),
    region);
  document.title = 'Alerts · MeshHook';

  async function refresh(s, quietly) {
    if (s.rule) {
      if (editing !== s.rule) {
        editing = s.rule;
        editor = null;
        replace(region, loadingLists());
        try {
          const rule = s.rule === 'new' ? null : await alertsApi.rule(s.rule);
          if (editing !== s.rule) return;
          editor = ruleEditor(rule, s, ctx);
          replace(region, editor.el);
          editor.focus();
        } catch (e) {
          if (ctx.authFailed(e)) return;
          replace(region, e.status === 404
            ? empty('Alert rule not found', 'It does not exist, or it belongs to a project you cannot see.',
              h('button', { class: 'btn', type: 'button', onclick: () => ctx.openAlerts({ rule: '' }) }, 'Back to alerts'))
            : failure(e, () => { editing = null; refresh(s, false); }));
        }
      } else if (editor) {
        editor.sync(ctx.projects());
      }
      return;
    }
    editing = null;
    editor = null;
    if (!quietly) replace(region, loadingLists());
    try {
      const [states, rules, events] = await Promise.all([alertsApi.states(), alertsApi.rules(), alertsApi.events(50)]);
      if (ctx.current().rule) return; // the editor was opened meanwhile
      const keep = region.querySelector('dialog[open]'); // never close a confirmation under the user
      if (keep) return;
      replace(region, lists(states.states, rules.rules, events.events, s, ctx, () => refresh(ctx.current(), true)));
    } catch (e) {
      if (ctx.authFailed(e)) return;
      if (quietly) { console.warn('alerts refresh failed; keeping what is shown', e); return; }
      replace(region, failure(e, () => refresh(ctx.current(), false)));
    }
  }

  return {
    syncControls(s, projects) {
      sub.textContent = `Current alerts, rules and history · times in ${s.tz}`;
      replace(zone, zonePicker(s.tz));
      editor?.sync(projects);
    },
    loading() {},
    refresh,
  };
}

function loadingLists() {
  return h('div', { 'aria-busy': 'true' }, h('p', { class: 'sr-only', role: 'status' }, 'Loading alerts…'),
    skeleton('sk-table'), h('div', { style: 'height:1rem' }), skeleton('sk-table'));
}

/* ---------- lists ---------- */

function lists(states, rules, events, s, ctx, reload) {
  const secret = pendingSecret ? secretCard(pendingSecret) : null;
  pendingSecret = null;
  const metricOf = new Map(rules.map((r) => [r.id, r.metric]));
  return [secret, currentAlerts(states, s, metricOf), rulesCard(rules, s, ctx, reload), historyCard(events, s, metricOf)];
}

function card(id, title, extra, ...content) {
  return h('section', { class: 'card table-card', id, 'aria-labelledby': `${id}-h`, style: 'margin-bottom: 1rem' },
    h('header', {}, h('h2', { id: `${id}-h` }, title), extra), ...content);
}

function table(headers, rows, caption) {
  return h('div', { class: 'scroll' }, h('table', {},
    caption ? h('caption', { class: 'sr-only' }, caption) : null,
    h('thead', {}, h('tr', {}, headers.map(([label, cls]) => h('th', { scope: 'col', class: cls || '' }, label)))),
    h('tbody', {}, rows)));
}

const none = (text) => h('p', { class: 'muted none', style: 'padding: 0 1.1rem 1rem; margin: 0' }, text);

export const stateBadge = (state) => h('span', { class: `badge ${STATE_CLASS[state] || 'canceled'}`, 'data-state': state }, STATE_LABEL[state] || state);

function currentAlerts(states, s, metricOf) {
  const sorted = [...states].sort((a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9)
    || Date.parse(b.stateSince) - Date.parse(a.stateSince));
  const firing = states.filter((x) => x.state === 'firing').length;
  const summary = h('span', { class: firing ? 'badge failed' : 'badge succeeded', id: 'firing-count' },
    firing ? `${firing} firing` : 'Nothing firing');
  if (!sorted.length) {
    return card('alert-states', 'Current alerts', summary,
      none('No rule has been evaluated yet. States appear here within a minute of creating a rule.'));
  }
  return card('alert-states', 'Current alerts', summary, table(
    [['State'], ['Rule'], ['Workflow'], ['Since'], ['Last value', 'num'], ['Runs', 'num hide-sm']],
    sorted.map((x) => h('tr', { class: `state-row ${x.state}`, 'data-state': x.state, 'data-rule': x.ruleId, 'data-slug': x.workflowSlug },
      h('td', {}, stateBadge(x.state), x.ruleEnabled ? null : h('span', { class: 'muted' }, ' (rule disabled)')),
      h('td', { class: 'rule-name' }, x.ruleName),
      h('td', { class: 'mono' }, x.workflowSlug),
      h('td', { title: at(x.stateSince, s.tz) }, ago(x.stateSince),
        x.state === 'snoozed' && x.snoozedUntil ? h('div', { class: 'muted small' }, `until ${at(x.snoozedUntil, s.tz)}`) : null),
      h('td', { class: 'num' }, x.lastValue == null ? '—' : value(x.lastValue, metricOf.get(x.ruleId))),
      h('td', { class: 'num hide-sm' }, x.lastRuns ?? '—'))),
    'Current alert state per rule and workflow, firing first'));
}

/** A value of the evaluator: a rate in percent, a count as it is; without a known metric, a guess by its form. */
function value(v, metric) {
  const rate = metric ? METRICS[metric]?.rate : !Number.isInteger(v) || v === 0;
  return rate ? pct(v) : String(v);
}

function rulesCard(rules, s, ctx, reload) {
  if (!rules.length) {
    return card('alert-rules', 'Rules', null, h('div', { style: 'padding: 0 1.1rem 1rem' },
      empty('No alert rules yet', 'A rule watches a workflow (or all of them) and notifies you by email, webhook or Slack when it breaks.',
        h('button', { class: 'btn', type: 'button', onclick: () => ctx.openAlerts({ rule: 'new' }) }, 'Create a rule'))));
  }
  return card('alert-rules', 'Rules', h('span', { class: 'muted' }, `${rules.length} rule${rules.length === 1 ? '' : 's'}`), table(
    [['Rule'], ['Condition'], ['Notifies', 'hide-sm'], ['Status'], ['Actions']],
    rules.map((r) => ruleRow(r, s, ctx, reload)), 'Alert rules'));
}

function describe(r) {
  const m = METRICS[r.metric] || { label: r.metric, rate: false };
  const t = (v) => (m.rate ? pct(v, 1) : String(v));
  return `${m.label} ${OPS[r.operator] || r.operator} ${t(r.threshold)} over ${human(r.window)}`
    + (r.recoverThreshold != null ? `, clears past ${t(r.recoverThreshold)}` : '')
    + (seconds(r.for) ? `, for ${human(r.for)}` : '');
}

function ruleRow(r, s, ctx, reload) {
  const snoozed = r.snoozedUntil && Date.parse(r.snoozedUntil) > Date.now();
  const act = (label, fn, attrs = {}) => h('button', { class: 'btn ghost small', type: 'button', ...attrs,
    onclick: async (e) => {
      const b = e.currentTarget;
      b.disabled = true;
      const key = b.dataset.focusKey;
      try {
        await fn();
        await reload();
        // the row was drawn again: keyboard focus goes back to the same control (or its counterpart)
        if (key) document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
      } catch (err) { b.disabled = false; if (!ctx.authFailed(err)) ctx.toast(err.message); }
    } }, label);
  const channels = [...r.emails, r.webhookUrl ? 'webhook' : null, r.slackUrl ? 'Slack' : null].filter(Boolean);
  const status = !r.enabled ? h('span', { class: 'badge canceled' }, 'Disabled')
    : snoozed ? h('span', { class: 'badge warn', title: at(r.snoozedUntil, s.tz) }, `Snoozed until ${at(r.snoozedUntil, s.tz)}`)
      : h('span', { class: 'badge succeeded' }, 'Enabled');
  const snooze = snoozed
    ? act('Unsnooze', () => alertsApi.unsnooze(r.id), { 'data-action': 'unsnooze', 'data-focus-key': `snooze-${r.id}` })
    : h('span', { class: 'segmented', role: 'group', 'aria-label': `Snooze ${r.name}` },
      h('span', { class: 'seg-label', 'aria-hidden': 'true' }, 'Snooze'),
      ['1', '4', '24'].map((hrs) => act(`${hrs} h`, () => alertsApi.snooze(r.id, `PT${hrs}H`),
        { 'data-action': `snooze-${hrs}h`, 'data-focus-key': `snooze-${r.id}`, 'aria-label': `Snooze ${r.name} for ${hrs} hour${hrs === '1' ? '' : 's'}` })));
  return h('tr', { 'data-rule': r.id, 'data-name': r.name },
    h('td', {}, h('a', { class: 'rule-link', href: ctx.alertsHref({ rule: r.id }),
      onclick: (e) => { if (!e.metaKey && !e.ctrlKey) { e.preventDefault(); ctx.openAlerts({ rule: r.id }); } } }, r.name),
    h('div', { class: 'muted small' }, `${r.workflowSlug || 'All workflows'} · Project ${r.projectId.slice(0, 8)}`)),
    h('td', { class: 'condition' }, describe(r)),
    h('td', { class: 'hide-sm small' }, channels.join(', ')),
    h('td', {}, status),
    h('td', {}, h('div', { class: 'row-actions' },
      act(r.enabled ? 'Disable' : 'Enable', () => (r.enabled ? alertsApi.disable(r.id) : alertsApi.enable(r.id)),
        { 'data-action': r.enabled ? 'disable' : 'enable', 'data-focus-key': `toggle-${r.id}`, 'aria-label': `${r.enabled ? 'Disable' : 'Enable'} ${r.name}` }),
      snooze,
      h('button', { class: 'btn ghost small danger', type: 'button', 'data-action': 'delete', 'aria-label': `Delete ${r.name}`,
        onclick: () => confirmDelete(r, ctx, reload) }, 'Delete'))));
}

function confirmDelete(r, ctx, reload) {
  const error = h('p', { class: 'field-error', role: 'alert' });
  const dialog = h('dialog', { class: 'card confirm', id: 'confirm-delete', 'aria-labelledby': 'confirm-h' },
    h('h2', { id: 'confirm-h' }, `Delete “${r.name}”?`),
    h('p', { class: 'muted' }, 'The rule, its current alerts and its history are removed. This cannot be undone.'),
    error,
    h('form', { method: 'dialog', class: 'confirm-actions' },
      h('button', { class: 'btn ghost', value: 'cancel', id: 'confirm-cancel', autofocus: true }, 'Cancel'),
      h('button', { class: 'btn danger', type: 'button', id: 'confirm-delete-btn', onclick: async (e) => {
        e.currentTarget.disabled = true;
        try { await alertsApi.remove(r.id); dialog.close(); dialog.remove(); reload(); } catch (err) {
          e.currentTarget.disabled = false;
          if (!ctx.authFailed(err)) error.textContent = err.message;
        }
      } }, 'Delete rule')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

const EVENT_LABEL = { transition: 'Changed', renotify: 'Reminder sent', delivery_failed: 'Delivery failed' };

function historyCard(events, s, metricOf) {
  if (!events.length) return card('alert-events', 'History', null, none('No alert has fired or changed yet.'));
  return card('alert-events', 'History', h('span', { class: 'muted' }, `newest first · ${s.tz}`), table(
    [['Time'], ['Rule'], ['Workflow'], ['Event'], ['Value', 'num']],
    events.map((e) => h('tr', { 'data-kind': e.kind, 'data-rule': e.ruleId },
      h('td', { class: 'time', style: 'white-space:nowrap', title: ago(e.occurredAt) }, at(e.occurredAt, s.tz)),
      h('td', {}, e.ruleName),
      h('td', { class: 'mono' }, e.workflowSlug),
      h('td', {}, e.kind === 'transition'
        ? [e.fromState ? stateBadge(e.fromState) : h('span', { class: 'muted' }, 'new'), ' → ', stateBadge(e.toState)]
        : h('span', { class: `badge ${e.kind === 'delivery_failed' ? 'failed' : 'warn'}` }, EVENT_LABEL[e.kind] || e.kind),
      e.kind === 'delivery_failed' && e.details?.channel ? h('span', { class: 'muted small' }, ` ${e.details.channel}`) : null),
      h('td', { class: 'num' }, e.value == null ? '—' : value(e.value, metricOf.get(e.ruleId))))),
    'Alert history, newest first'));
}

function secretCard(secret) {
  const input = h('input', { id: 'webhook-secret', class: 'mono', readonly: true, value: secret, 'aria-label': 'Webhook secret', style: 'flex:1 1 24rem' });
  const copied = h('span', { class: 'muted', role: 'status' });
  return h('section', { class: 'card secret', id: 'secret-card', role: 'alert', style: 'margin-bottom: 1rem' },
    h('h2', {}, 'Webhook signing secret'),
    h('p', {}, h('strong', {}, 'Copy it now — you won’t see it again. '),
      'Your receiver uses it to check the webhook-signature header.'),
    h('div', { class: 'controls', style: 'margin:0' }, input,
      h('button', { class: 'btn', type: 'button', id: 'copy-secret', onclick: async () => {
        try { await navigator.clipboard.writeText(secret); } catch { input.select(); document.execCommand('copy'); }
        copied.textContent = 'Copied';
      } }, 'Copy'), copied));
}

/* ---------- durations ---------- */

function seconds(iso) {
  if (iso == null) return 0;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m) return 0;
  return (+(m[1] || 0)) * 86400 + (+(m[2] || 0)) * 3600 + (+(m[3] || 0)) * 60 + (+(m[4] || 0));
}

const UNITS = [['d', 86400, 'days'], ['h', 3600, 'hours'], ['m', 60, 'minutes']];

function split(total) {
  if (!total) return [0, 'm'];
  for (const [u, size] of UNITS) if (total % size === 0) return [total / size, u];
  return [Math.round(total / 60), 'm'];
}

function human(iso) {
  const [n, u] = split(seconds(iso));
  return `${n} ${{ d: n === 1 ? 'day' : 'days', h: 'h', m: 'min' }[u]}`;
}

/* ---------- the editor ---------- */

function ruleEditor(rule, s, ctx) {
  const isNew = !rule;
  const r = rule || { name: '', projectId: '', workflowSlug: null, metric: 'failureRate', operator: 'above', threshold: 0.2,
    recoverThreshold: null, window: 'PT1H', minRuns: 10, for: 'PT0S', repeatEvery: 'PT4H', notifyOnResolve: true,
    emails: [], webhookUrl: null, slackUrl: null };
  const fields = {};
  const errors = {};
  const field = (name, label, control, hint) => {
    const errId = `err-${name}`;
    errors[name] = h('p', { class: 'field-error', id: errId, 'data-field': name });
    // the input itself (inside a unit or duration wrapper) is what is described and labelled
    const target = control.matches('input, select') ? control : control.querySelector('input, select');
    target.setAttribute('aria-describedby', [hint ? `hint-${name}` : '', errId].filter(Boolean).join(' '));
    return h('div', { class: `form-field f-${name}` },
      h('label', { for: target.id }, label), control,
      hint ? h('p', { class: 'hint', id: `hint-${name}` }, hint) : null, errors[name]);
  };
  const input = (name, attrs) => (fields[name] = h('input', { id: `rule-${name}`, name, ...attrs }));

  const project = fields.projectId = h('select', { id: 'rule-projectId', name: 'projectId', disabled: !isNew, required: true });
  const metric = fields.metric = h('select', { id: 'rule-metric', name: 'metric' },
    Object.entries(METRICS).map(([k, m]) => h('option', { value: k, selected: k === r.metric }, m.label)));
  const operator = fields.operator = h('select', { id: 'rule-operator', name: 'operator' });
  const rate = () => METRICS[metric.value].rate;
  const shown = (v) => (v == null ? '' : rate() ? String(+(v * 100).toFixed(4)) : String(v));
  input('name', { type: 'text', value: r.name, required: true, maxlength: '200', autocomplete: 'off' });
  input('workflowSlug', { type: 'text', value: r.workflowSlug || '', placeholder: 'All workflows', autocomplete: 'off' });
  input('threshold', { type: 'number', step: 'any', inputmode: 'decimal', value: shown(r.threshold) });
  input('recoverThreshold', { type: 'number', step: 'any', inputmode: 'decimal', value: shown(r.recoverThreshold), placeholder: 'same as threshold' });
  input('minRuns', { type: 'number', min: '0', step: '1', value: String(r.minRuns) });
  input('emails', { type: 'text', value: r.emails.join(', '), placeholder: 'ops@example.com, oncall@example.com', autocomplete: 'off' });
  input('webhookUrl', { type: 'url', value: r.webhookUrl || '', placeholder: 'https://example.com/hooks/alerts' });
  input('slackUrl', { type: 'url', value: r.slackUrl || '', placeholder: 'https://hooks.slack.com/services/…' });
  const notify = fields.notifyOnResolve = h('input', { type: 'checkbox', id: 'rule-notifyOnResolve', checked: r.notifyOnResolve });
  const rotate = h('input', { type: 'checkbox', id: 'rule-rotate' });
  const durations = {};
  const duration = (name, iso, allowZero) => {
    const [n, u] = split(seconds(iso));
    const num = h('input', { type: 'number', id: `rule-${name}`, min: allowZero ? '0' : '1', step: '1', value: String(n), style: 'width: 6rem' });
    const unit = h('select', { id: `rule-${name}-unit`, 'aria-label': `${name} unit` },
      [['m', 'minutes'], ['h', 'hours'], ['d', 'days']].map(([k, l]) => h('option', { value: k, selected: k === u }, l)));
    durations[name] = { num, unit };
    fields[name] = num;
    return h('div', { class: 'duration' }, num, unit);
  };
  const units = {};
  const unitSuffix = (name) => (units[name] = h('span', { class: 'unit', id: `unit-${name}`, 'aria-hidden': 'true' }));

  const fillOperators = (keep) => {
    const ops = METRICS[metric.value].ops;
    replace(operator, ops.map((o) => h('option', { value: o, selected: o === keep }, OPS[o])));
    if (!ops.includes(keep)) operator.value = ops[0];
    for (const n of ['threshold', 'recoverThreshold']) {
      units[n]?.replaceChildren(rate() ? '%' : metric.value === 'runsBelow' ? 'runs' : 'failures');
      fields[n].setAttribute('aria-label', `${n === 'threshold' ? 'Threshold' : 'Recover threshold'} in ${rate() ? 'percent' : 'runs'}`);
      fields[n].step = rate() ? 'any' : '1';
    }
  };

  const backtestEl = h('section', { class: 'card backtest', id: 'backtest', 'aria-live': 'polite', 'aria-labelledby': 'backtest-h' },
    h('h2', { id: 'backtest-h' }, 'Backtest'), h('p', { class: 'muted', id: 'backtest-result' }, 'Fill in the project, metric, threshold and window to see how often this rule would have fired.'));
  const formError = h('div', { class: 'alert', role: 'alert', id: 'form-error', hidden: true });
  const saveBtn = h('button', { class: 'btn', type: 'submit', id: 'save-rule' }, isNew ? 'Create rule' : 'Save changes');

  const form = h('form', { class: 'card rule-form', id: 'rule-form', novalidate: true, 'aria-labelledby': 'rule-form-h' },
    h('h2', { id: 'rule-form-h' }, isNew ? 'New alert rule' : `Edit “${r.name}”`),
    formError,
    h('fieldset', {}, h('legend', {}, 'What to watch'),
      h('div', { class: 'form-grid' },
        field('name', 'Name', fields.name),
        field('projectId', 'Project', project, isNew ? null : 'A rule stays in its project.'),
        field('workflowSlug', 'Workflow slug', fields.workflowSlug, 'Leave empty to alert on every workflow, each separately.'),
        field('metric', 'Metric', metric),
        field('operator', 'Operator', operator),
        field('threshold', 'Threshold', h('div', { class: 'with-unit' }, fields.threshold, unitSuffix('threshold'))),
        field('recoverThreshold', 'Recover threshold (optional)', h('div', { class: 'with-unit' }, fields.recoverThreshold, unitSuffix('recoverThreshold')),
          'A firing alert clears only past this value, so it does not flap.'),
        field('window', 'Window', duration('window', r.window, false), '5 minutes to 7 days.'),
        field('minRuns', 'Minimum runs', fields.minRuns, 'Fewer runs in the window is “insufficient data”.'),
        field('for', 'For', duration('for', r.for, true), 'How long the condition must hold before firing (0 = at once).'))),
    h('fieldset', {}, h('legend', {}, 'Who to notify'),
      h('div', { class: 'form-grid' },
        field('emails', 'Emails', fields.emails, 'Comma-separated, up to 20.'),
        field('webhookUrl', 'Webhook URL', fields.webhookUrl),
        field('slackUrl', 'Slack incoming-webhook URL', fields.slackUrl),
        field('repeatEvery', 'Remind every', duration('repeatEvery', r.repeatEvery, false), 'While firing; 5 minutes to 30 days.'),
        h('div', { class: 'form-field checks' },
          h('label', { class: 'check' }, notify, ' Notify when resolved'),
          !isNew && r.webhookUrl ? h('label', { class: 'check' }, rotate, ' Rotate the webhook secret') : null),
        errorOnly('channels', errors))),
    h('div', { class: 'form-actions' }, saveBtn,
      h('a', { class: 'btn ghost', href: ctx.alertsHref({ rule: '' }), id: 'cancel-rule',
        onclick: (e) => { e.preventDefault(); ctx.openAlerts({ rule: '' }); } }, 'Cancel')));
  fillOperators(r.operator);

  const sync = (projects) => {
    const ids = new Set(projects);
    if (r.projectId) ids.add(r.projectId);
    const current = project.value || r.projectId || '';
    const list = [...ids].sort();
    replace(project, list.length ? null : h('option', { value: '' }, 'No projects yet'),
      list.map((id) => h('option', { value: id, selected: id === current }, `Project ${id.slice(0, 8)}`)));
    if (!current && list.length) project.value = list[0];
  };
  sync(ctx.projects());

  const percent = (v) => (v === '' ? null : rate() ? +(Number(v) / 100).toPrecision(12) : Number(v));
  const iso = (name) => {
    const { num, unit } = durations[name];
    if (num.value === '') return null;
    const n = Number(num.value);
    return Number.isInteger(n) && n >= 0 ? (unit.value === 'd' ? `P${n}D` : `PT${n}${unit.value.toUpperCase()}`) : String(num.value);
  };
  const body = () => {
    const b = {
      name: fields.name.value.trim(), workflowSlug: fields.workflowSlug.value.trim() || null, metric: metric.value,
      operator: operator.value, threshold: percent(fields.threshold.value), recoverThreshold: percent(fields.recoverThreshold.value),
      window: iso('window'), minRuns: fields.minRuns.value === '' ? null : Number(fields.minRuns.value), for: iso('for'),
      repeatEvery: iso('repeatEvery'), notifyOnResolve: notify.checked,
      emails: fields.emails.value.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean),
      webhookUrl: fields.webhookUrl.value.trim() || null, slackUrl: fields.slackUrl.value.trim() || null,
    };
    if (isNew) b.projectId = project.value || null;
    else if (rotate.checked) b.rotateWebhookSecret = true;
    return b;
  };

  const clearErrors = () => {
    formError.hidden = true;
    for (const [name, el] of Object.entries(errors)) { el.textContent = ''; fields[name]?.removeAttribute('aria-invalid'); }
  };
  const showErrors = (err) => {
    const list = err.problem?.errors || [];
    const unplaced = [];
    for (const e of list) {
      const name = e.field.replace(/\[\d+\]$/, '');
      const target = errors[name];
      const msg = message(name, e.message ?? e.detail ?? '', rate());
      if (!target) { unplaced.push(`${e.field}: ${msg}`); continue; }
      target.textContent = target.textContent ? `${target.textContent}; ${msg}` : msg;
      fields[name]?.setAttribute('aria-invalid', 'true');
    }
    if (!list.length || unplaced.length) {
      formError.hidden = false;
      formError.replaceChildren(h('strong', {}, err.problem?.title || 'Could not save'), ' ', unplaced.length ? unplaced.join('; ') : err.message);
    }
    const first = list.map((e) => fields[e.field.replace(/\[\d+\]$/, '')]).find(Boolean);
    (first || formError).focus?.();
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    saveBtn.disabled = true;
    try {
      const saved = isNew ? await alertsApi.create(body()) : await alertsApi.update(r.id, { ...body(), projectId: r.projectId });
      if (saved.webhookSecret) pendingSecret = saved.webhookSecret;
      ctx.openAlerts({ rule: '' });
    } catch (err) {
      saveBtn.disabled = false;
      if (ctx.authFailed(err)) return;
      showErrors(err);
    }
  });

  // the backtest follows the draft: debounced, and only the newest answer is shown
  let timer = null;
  let seq = 0;
  const result = () => backtestEl.querySelector('#backtest-result');
  const runBacktest = async () => {
    const b = body();
    const draft = { projectId: isNew ? b.projectId : r.projectId, name: b.name || 'draft', workflowSlug: b.workflowSlug,
      metric: b.metric, operator: b.operator, threshold: b.threshold, recoverThreshold: b.recoverThreshold,
      window: b.window, minRuns: b.minRuns, for: b.for };
    if (!draft.projectId || draft.threshold == null || Number.isNaN(draft.threshold) || !draft.window || draft.minRuns == null || !draft.for) {
      replace(backtestEl, h('h2', { id: 'backtest-h' }, 'Backtest'),
        h('p', { class: 'muted', id: 'backtest-result' }, 'Fill in the project, metric, threshold and window to see how often this rule would have fired.'));
      return;
    }
    const mine = ++seq;
    backtestEl.setAttribute('aria-busy', 'true');
    result()?.classList.add('refreshing');
    try {
      const bt = await alertsApi.backtest(draft);
      if (mine !== seq) return;
      replace(backtestEl, backtestView(bt, s, draft.metric));
    } catch (err) {
      if (mine !== seq || ctx.authFailed(err)) return;
      const unsupported = err.problem?.type === '/problems/backtest-unsupported';
      const fieldMsgs = (err.problem?.errors || []).map((x) => `${x.field} ${message(x.field, x.message ?? '', rate())}`);
      replace(backtestEl, h('h2', { id: 'backtest-h' }, 'Backtest'),
        h('p', { id: 'backtest-result', class: unsupported ? 'backtest-unsupported' : 'muted' },
          unsupported ? `This rule can’t be backtested: ${err.problem.detail}`
            : err.status === 422 ? `Not backtested until the draft is valid: ${fieldMsgs.join('; ')}.` : `Backtest failed: ${err.message}`));
    } finally {
      if (mine === seq) backtestEl.removeAttribute('aria-busy');
    }
  };
  const schedule = () => { clearTimeout(timer); timer = setTimeout(runBacktest, BACKTEST_DEBOUNCE_MS); };
  form.addEventListener('input', schedule);
  form.addEventListener('change', (e) => { if (e.target === metric) fillOperators(operator.value); schedule(); });
  schedule();

  const el = h('div', { class: 'editor' },
    h('a', { class: 'back', href: ctx.alertsHref({ rule: '' }), onclick: (e) => { e.preventDefault(); ctx.openAlerts({ rule: '' }); } }, '← All alerts'),
    h('div', { class: 'grid editor-grid' }, form, backtestEl));
  return {
    el,
    focus: () => fields.name.focus({ preventScroll: true }),
    sync: (projects) => { if (isNew) { const before = project.value; sync(projects); if (!before && project.value) schedule(); } },
  };
}

function errorOnly(name, errors) {
  errors[name] = h('p', { class: 'field-error', id: `err-${name}`, 'data-field': name });
  return h('div', { class: 'form-field f-channels' }, errors[name]);
}

/** Server messages speak in fractions; the form speaks in percent. */
function message(field, text, rate) {
  if (rate && /fraction from 0 to 1/.test(text)) return 'must be between 0% and 100%';
  return text;
}

function backtestView(bt, s, metric) {
  const n = bt.firings;
  const head = h('p', { id: 'backtest-result', class: n ? 'backtest-fired' : 'backtest-quiet' },
    h('strong', {}, `Would have fired ${n} time${n === 1 ? '' : 's'} in the last 30 days`),
    ` (${bt.workflows} workflow${bt.workflows === 1 ? '' : 's'} with runs).`);
  const list = n ? h('ol', { class: 'fired', id: 'backtest-fired' }, bt.fired.slice(-50).reverse().map((f) => h('li', {},
    h('span', { class: 'time' }, at(f.firedAt, s.tz)), ' ', h('span', { class: 'mono' }, f.workflowSlug),
    h('span', { class: 'muted' }, ` · peak ${value(f.peakValue, metric)} · ${f.resolvedAt ? `resolved ${at(f.resolvedAt, s.tz)}` : 'still firing'}`))))
    : h('p', { class: 'muted' }, 'Quiet over the last 30 days: no firing with this draft.');
  return [h('h2', { id: 'backtest-h' }, 'Backtest'), head, list,
    h('p', { class: 'chart-legend-note' }, `Replayed every 15 minutes from the rollups over a ${human(bt.window)} window; times in ${s.tz}.`)];
}

export { ApiError };
