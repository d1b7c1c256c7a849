// The live stream (GET /api/metrics/stream). EventSource cannot send an Authorization header, so the stream
// is read with fetch and a stream reader and parsed here (the SSE wire format is a few lines).
import { authHeaders } from './api.js';

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;

/**
 * Keeps a stream open until stop() is called. Callbacks: state('live' | 'reconnecting'), ready(data),
 * counters(data), resync(reason) — after any reconnect too, since events sent meanwhile are lost — and
 * unauthorized() when the token is no longer accepted (reconnecting cannot help then).
 */
export function openLive(on) {
  const controller = new AbortController();
  let lastEventId = null;
  let wasLive = false;
  let delay = RETRY_FIRST_MS;

  async function run() {
    while (!controller.signal.aborted) {
      try {
        const headers = { ...authHeaders(), Accept: 'text/event-stream' };
        if (lastEventId) headers['Last-Event-ID'] = lastEventId;
        const response = await fetch('/api/metrics/stream', { headers, signal: controller.signal, cache: 'no-store' });
        if (response.status === 401) { on.unauthorized(); return; }
        if (response.ok) await read(response.body);
      } catch (e) {
        if (controller.signal.aborted) return;
      }
      // the stream ended or failed: the server restarted, the network blinked or the token's time ran out
      on.state('reconnecting');
      await sleep(delay, controller.signal);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  }

  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        dispatch(parse(buffer.slice(0, end)));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  function dispatch(event) {
    if (!event) return; // a comment (the keepalive)
    if (event.id) lastEventId = event.id;
    let data = null;
    try { data = event.data ? JSON.parse(event.data) : null; } catch { /* not JSON: pass nothing */ }
    if (event.event === 'ready') {
      delay = RETRY_FIRST_MS;
      on.state('live');
      on.ready(data);
      if (wasLive) on.resync('reconnected'); // whatever happened while we were away was not sent to us
      wasLive = true;
    } else if (event.event === 'counters') {
      on.counters(data);
    } else if (event.event === 'resync') {
      on.resync(data?.reason ?? 'resync');
    }
  }

  run();
  return { stop: () => controller.abort() };
}

/** One SSE block: `field: value` lines; data lines join with '\n'; lines starting with ':' are comments. */
function parse(block) {
  const event = { event: 'message', data: '', id: null };
  let any = false;
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    any = true;
    if (field === 'data') data.push(value);
    else if (field === 'event') event.event = value;
    else if (field === 'id') event.id = value;
  }
  event.data = data.join('\n');
  return any ? event : null;
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
