// metrics-api calls. Every failure becomes an ApiError carrying the RFC 9457 problem, so views can show it;
// 401 is its own class because it means "sign in again", not "something broke".
import { token } from './auth.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export class AuthError extends ApiError {}

export async function getJson(path, params, signal) {
  const query = params ? `?${params}` : '';
  let response;
  try {
    response = await fetch(path + query, { headers: authHeaders(), signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Network error', detail: 'The metrics service cannot be reached.' });
  }
  if (response.ok) return response.json();
  const problem = await response.json().catch(() => null);
  throw new (response.status === 401 ? AuthError : ApiError)(response.status, problem);
}

export function authHeaders() {
  const t = token();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

export const summary = (params, signal) => getJson('/api/metrics/workflows/summary', params, signal);
export const workflow = (id, params, signal) => getJson(`/api/metrics/workflow/${encodeURIComponent(id)}`, params, signal);

/** A call with a JSON body (or none); 204 answers null. */
export async function send(method, path, body) {
  let response;
  try {
    response = await fetch(path, { method, headers: { ...authHeaders(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: 'The metrics service cannot be reached.' });
  }
  if (response.status === 204) return null;
  if (response.ok) return response.json();
  const problem = await response.json().catch(() => null);
  throw new (response.status === 401 ? AuthError : ApiError)(response.status, problem);
}

const RULES = '/api/alerts/rules';
const rulePath = (id, action = '') => `${RULES}/${encodeURIComponent(id)}${action}`;

export const alertsApi = {
  states: (signal) => getJson('/api/alerts/states', null, signal),
  events: (limit) => getJson('/api/alerts/events', new URLSearchParams({ limit: String(limit) })),
  rules: () => getJson(RULES),
  rule: (id) => getJson(rulePath(id)),
  create: (rule) => send('POST', RULES, rule),
  update: (id, rule) => send('PUT', rulePath(id), rule),
  remove: (id) => send('DELETE', rulePath(id)),
  enable: (id) => send('POST', rulePath(id, '/enable')),
  disable: (id) => send('POST', rulePath(id, '/disable')),
  snooze: (id, duration) => send('POST', rulePath(id, '/snooze'), { for: duration }),
  unsnooze: (id) => send('POST', rulePath(id, '/unsnooze')),
  backtest: (draft) => send('POST', '/api/alerts/backtest', draft),
};
