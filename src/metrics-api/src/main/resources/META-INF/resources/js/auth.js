// The caller's Supabase access token. It arrives in the URL fragment (never the query string, which servers
// log), is moved to sessionStorage at once (so it dies with the tab) and removed from the address bar.

const KEY = 'mh-access-token';

export function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (!token) return;
  setToken(token);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
}

export function token() {
  try { return sessionStorage.getItem(KEY); } catch { return null; }
}

export function setToken(value) {
  try { sessionStorage.setItem(KEY, value.trim()); } catch { /* private mode: the token lives for this page only */ }
}

export function clearToken() {
  try { sessionStorage.removeItem(KEY); } catch { /* nothing stored */ }
}
