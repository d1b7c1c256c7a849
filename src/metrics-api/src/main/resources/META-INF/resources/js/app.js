// The dashboard's entry point: sign-in, routing between the overview and a workflow, loading, and the live
// stream that triggers re-fetches. Views only render; everything they show comes from metrics-api.
import { AuthError, alertsApi, summary, workflow } from './api.js';
import { clearToken, setToken, takeTokenFromFragment, token } from './auth.js';
import { mountAlerts } from './alerts.js';
import { mountDetail } from './detail.js';
import { h, replace } from './dom.js';
import { openLive } from './live.js';
import { mountOverview } from './overview.js';
import { href, rangeParams, read, summaryParams, write } from './state.js';

const PAGE_SIZE = 25;
const LIVE_DEBOUNCE_MS = 300;

const main = document.getElementById('main');
const liveEl = document.getElementById('live');
const signOutButton = document.getElementById('signout');
const nav = document.getElementById('tabs');

let view = null; // { kind, id, ui }
let inflight = null;
let live = null;
let refreshTimer = null;
const projects = new Set();
const previousCursors = []; // the cursors of the pages before this one, for "Previous"

const ctx = {
  detailHref: (id) => href({ view: '', rule: '', wf: id }),
  overviewHref: () => href({ view: '', rule: '', wf: '' }),
  openWorkflow: (id) => write({ view: '', rule: '', wf: id }),
  openOverview: () => write({ view: '', rule: '', wf: '' }),
  alertsHref: (change = {}) => href({ view: 'alerts', wf: '', cursor: '', ...change }),
  openAlerts: (change = {}) => write({ view: 'alerts', wf: '', cursor: '', ...change }),
  projects: () => [...projects],
  current: () => read(),
  /** True when the error means "sign in again" (and the sign-in form is shown). */
  authFailed: (e) => { if (e instanceof AuthError) { expired(); return true; } return false; },
  toast,
};

function start() {
  takeTokenFromFragment();
  setupTheme();
  window.addEventListener('popstate', () => route());
  window.addEventListener('statechange', () => route());
  signOutButton.addEventListener('click', () => { clearToken(); signIn(); });
  nav.addEventListener('click', (e) => {
    const a = e.target.closest('a[data-tab]');
    if (!a || e.metaKey || e.ctrlKey) return;
    e.preventDefault();
    if (a.dataset.tab === 'alerts') ctx.openAlerts({ rule: '' }); else ctx.openOverview();
  });
  // A page left open in the back/forward cache would keep its stream, and browsers allow only six
  // HTTP/1.1 connections per host: close it when the page is hidden, reopen (and catch up) when it is back.
  window.addEventListener('pagehide', () => { live?.stop(); live = null; inflight?.abort(); });
  window.addEventListener('pageshow', (e) => { if (e.persisted && token()) enter(); });
  if (token()) enter(); else signIn();
}

function enter() {
  signOutButton.hidden = false;
  view = null;
  route();
  live?.stop();
  live = openLive({
    state: setLive,
    ready: (data) => { (data?.projects || []).forEach((p) => projects.add(p)); view?.ui.syncControls(read(), [...projects]); },
    counters: () => refreshSoon(),
    resync: () => refreshSoon(),
    unauthorized: expired,
  });
}

function route() {
  if (!token()) return;
  const s = read();
  const kind = s.view === 'alerts' ? 'alerts' : s.wf ? 'detail' : 'overview';
  const id = kind === 'alerts' ? '' : s.wf;
  syncNav(kind);
  if (!view || view.kind !== kind || view.id !== id) {
    const mount = { alerts: () => mountAlerts(main, ctx), detail: () => mountDetail(main, ctx), overview: () => mountOverview(main, s, ctx) };
    view = { kind, id, ui: mount[kind]() };
    document.title = { alerts: 'Alerts · MeshHook', detail: 'Workflow · MeshHook', overview: 'Workflow health · MeshHook' }[kind];
    main.focus({ preventScroll: true }); // a screen reader starts reading the new view
  }
  trackPages(s);
  view.ui.syncControls(s, [...projects]);
  load(s, false);
}

/** Re-fetches the current view without the loading state: the numbers change in place. */
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => { if (view && token()) load(read(), true); }, LIVE_DEBOUNCE_MS);
}

async function load(s, quietly) {
  inflight?.abort(); // a newer state wins; an older answer must never overwrite it
  const controller = new AbortController();
  inflight = controller;
  const current = view;
  if (current.kind === 'alerts') { current.ui.refresh(s, quietly); return; }
  if (!quietly) current.ui.loading();
  try {
    // the overview marks workflows with a firing or pending alert; without the states it still shows the figures
    const alerting = s.wf ? null : alertsApi.states(controller.signal).then(alertingWorkflows, () => new Map());
    const data = s.wf
      ? await workflow(s.wf, rangeParams(s), controller.signal)
      : await summary(summaryParams(s, PAGE_SIZE), controller.signal);
    const alerts = alerting ? await alerting : undefined;
    if (controller.signal.aborted || current !== view) return;
    if (data.workflows) {
      const before = projects.size;
      data.workflows.forEach((w) => projects.add(w.projectId));
      if (projects.size !== before) current.ui.syncControls(s, [...projects]);
    }
    current.ui.render(data, s, pager(s), alerts);
  } catch (e) {
    if (e.name === 'AbortError' || current !== view) return;
    if (e instanceof AuthError) { expired(); return; }
    if (quietly) { console.warn('live refresh failed; keeping what is shown', e); return; }
    current.ui.error(e, () => load(read(), false));
  }
}

/** "project/slug" → the worst alert state of a workflow, for the ones firing or pending. */
function alertingWorkflows(answer) {
  const worst = new Map();
  for (const x of answer.states) {
    if (x.state !== 'firing' && x.state !== 'pending') continue;
    const key = `${x.projectId}/${x.workflowSlug}`;
    if (worst.get(key) !== 'firing') worst.set(key, x.state);
  }
  return worst;
}

/** Keeps the stack of earlier cursors in step with the URL, also when Back or Forward moved through pages. */
function trackPages(s) {
  if (!s.cursor) previousCursors.length = 0;
  else if (previousCursors.length && previousCursors.at(-1) === s.cursor) previousCursors.pop();
}

function pager(s) {
  return {
    page: s.cursor && previousCursors.length === 0 ? null : previousCursors.length + 1,
    onFirst: !s.cursor,
    canPrev: previousCursors.length > 0,
    first: () => write({ cursor: '' }),
    prev: () => write({ cursor: previousCursors.pop() || '' }),
    next: (cursor) => { previousCursors.push(s.cursor); write({ cursor }); },
  };
}

/** The top bar's tabs: links that keep the range and zone, marked with aria-current. */
function syncNav(kind) {
  nav.hidden = false;
  for (const a of nav.querySelectorAll('a[data-tab]')) {
    const tab = a.dataset.tab;
    a.href = tab === 'alerts' ? ctx.alertsHref({ rule: '' }) : ctx.overviewHref();
    if ((tab === 'alerts') === (kind === 'alerts')) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

let toastTimer = null;
function toast(message) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 6000);
}

function setLive(state) {
  liveEl.dataset.state = state;
  liveEl.querySelector('.live-text').textContent = { live: 'Live', reconnecting: 'Reconnecting…', off: 'Offline' }[state];
}

function expired() {
  clearToken();
  signIn('Your session expired — sign in again.');
}

function signIn(message) {
  live?.stop();
  live = null;
  view = null;
  inflight?.abort();
  setLive('off');
  signOutButton.hidden = true;
  nav.hidden = true;
  const input = h('textarea', { id: 'token-input', name: 'token', required: true, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'eyJhbGciOi…' });
  replace(main, h('section', { class: 'card signin', 'aria-labelledby': 'signin-h' },
    h('h1', { id: 'signin-h' }, message ? 'Session expired' : 'Sign in'),
    message ? h('p', { class: 'alert', role: 'alert', id: 'auth-message' }, h('strong', {}, message), ' Your access token is no longer accepted.') : null,
    h('p', { class: 'muted' }, 'Open this page from MeshHook, or paste your Supabase access token. It is kept in this tab only and sent only to the metrics service.'),
    h('form', { onsubmit: (e) => { e.preventDefault(); setToken(input.value); enter(); } },
      h('label', { class: 'field', for: 'token-input' }, 'Access token', input),
      h('div', {}, h('button', { class: 'btn', type: 'submit' }, 'Sign in')))));
  document.title = 'Sign in · Workflow health · MeshHook';
}

/** Light or dark: the OS decides until the toggle is used; then the choice is remembered on this device. */
function setupTheme() {
  const button = document.getElementById('theme');
  const dark = () => (document.documentElement.dataset.theme || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')) === 'dark';
  const label = () => {
    button.setAttribute('aria-pressed', String(dark()));
    button.setAttribute('aria-label', dark() ? 'Switch to light theme' : 'Switch to dark theme');
  };
  button.addEventListener('click', () => {
    const next = dark() ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    try { localStorage.setItem('mh-theme', next); } catch { /* not remembered */ }
    label();
    if (view) load(read(), true); // charts draw on canvas with resolved colours: draw them again
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => { label(); if (view) load(read(), true); });
  label();
}

start();
