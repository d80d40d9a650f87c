// Same-origin HTTP helpers. Every body is an Ack; network failures and
// non-JSON responses are folded into the same shape so callers handle one thing.
import type {
  Ack,
  StatusesSnapshot,
  EventDetail,
  EventSummary,
  Fail,
  OrderAck,
} from '../protocol';
import type { FindTicketsAck } from '../orderProtocol';

function networkFailure(message: string): Fail {
  return { ok: false, error: { code: 'internal', message } };
}

/** Server time minus client time, estimated from the last response's Date header. */
let clockSkewMs = 0;
export function getClockSkewMs(): number {
  return clockSkewMs;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<Ack<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json' },
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    return networkFailure('Could not reach Seatline. Check your connection and try again.');
  }
  noteServerDate(res.headers.get('date'));
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  return ackOf<T>(res.status, body);
}

export async function postJson<T>(path: string, body: unknown): Promise<Ack<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    return networkFailure('Could not reach Seatline. Check your connection and try again.');
  }
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    parsed = undefined;
  }
  return ackOf<T>(res.status, parsed);
}

function ackOf<T>(status: number, body: unknown): Ack<T> {
  if (body && typeof body === 'object' && 'ok' in body) return body as Ack<T>;
  if (status === 404) return { ok: false, error: { code: 'not_found', message: 'Not found.' } };
  return networkFailure(`Unexpected response from the server (HTTP ${status}).`);
}

function noteServerDate(header: string | null): void {
  if (!header) return;
  const serverMs = Date.parse(header);
  if (Number.isNaN(serverMs)) return;
  const skew = serverMs - Date.now();
  // The header has one-second resolution; only correct for clocks that are clearly off.
  clockSkewMs = Math.abs(skew) > 3000 ? skew : 0;
}

// Early requests for the event page. The root layout puts a tiny inline script in
// <head> (EVENT_PRELOAD_SCRIPT) that, on a full load of /events/:id, starts the
// layout and availability requests while the HTML is still being parsed, instead of
// after the JavaScript has loaded and hydrated (~0.5 s later on a slow machine). It
// parses the bodies as they arrive and leaves the results on `window`, where the
// event page picks them up once. It lives in the layout, not the page, because a
// layout is rendered on the server only: React never client-renders the <script>
// (it would not run) on client-side navigations, which fetch as before.

const PRELOAD_KEY = '__seatlinePreload';

/** One response as the inline script left it: body already parsed (null if it was not JSON). */
interface PreloadedResponse {
  status: number;
  date: string | null;
  body: unknown;
}

interface EventPreload {
  eventId: string;
  event?: Promise<PreloadedResponse>;
  statuses?: Promise<PreloadedResponse>;
}

type PreloadWindow = Window & { [PRELOAD_KEY]?: EventPreload };

/** Plain ES5 in a string: it runs before any bundle. Must match app/events/[id]. */
export const EVENT_PRELOAD_SCRIPT = `(function(w){try{
var m=/^\\/events\\/([^\\/]+)\\/?$/.exec(w.location.pathname);if(!m||!w.fetch)return;
var id=decodeURIComponent(m[1]),base='/api/events/'+encodeURIComponent(id),h={accept:'application/json'};
function get(name,path,init){var p=fetch(path,init).then(function(r){var d=r.headers.get('date');
return r.json().then(function(b){performance.mark('seatline-preload-'+name);return{status:r.status,date:d,body:b}},function(){return{status:r.status,date:d,body:null}})});
p.catch(function(){});return p}
w.${PRELOAD_KEY}={eventId:id,event:get('event',base,{credentials:'same-origin',headers:h}),
statuses:get('statuses',base+'/statuses',{credentials:'same-origin',cache:'no-store',headers:h})};
}catch(e){}})(window);`;

/**
 * Takes (once) a response the inline script preloaded for this event. Null when there is
 * none: a client-side navigation (the script only runs on a full page load), another
 * event, already taken, or the early request failed (the caller then fetches normally).
 */
async function takePreloaded<T>(eventId: string, part: 'event' | 'statuses'): Promise<Ack<T> | null> {
  if (typeof window === 'undefined') return null;
  const preload = (window as PreloadWindow)[PRELOAD_KEY];
  const pending = preload?.eventId === eventId ? preload[part] : undefined;
  if (!preload || !pending) return null;
  // One use only: a later mount must not get statuses or details from page-load time.
  delete preload[part];
  const res = await pending.catch(() => null);
  if (!res) return null;
  noteServerDate(res.date);
  return ackOf<T>(res.status, res.body);
}

export const api = {
  events: (signal?: AbortSignal) => getJson<{ events: EventSummary[] }>('/api/events', signal),
  event: (eventId: string, signal?: AbortSignal) =>
    getJson<{ event: EventDetail }>(`/api/events/${encodeURIComponent(eventId)}`, signal),
  /** The layout and details the page's inline script requested early, or null (fetch it then). */
  preloadedEvent: (eventId: string) => takePreloaded<{ event: EventDetail }>(eventId, 'event'),
  /** The compact availability snapshot the page's inline script requested early, or null. */
  preloadedStatuses: (eventId: string) => takePreloaded<StatusesSnapshot>(eventId, 'statuses'),
  /** The order, by this browser's session or (in any browser) with the access key from its link. */
  order: (orderId: string, accessKey: string | undefined, signal?: AbortSignal): Promise<OrderAck> =>
    getJson(`/api/orders/${encodeURIComponent(orderId)}${accessKey ? `?key=${encodeURIComponent(accessKey)}` : ''}`, signal),
  /** "Find my tickets": the same answer for every address; links go out by email. */
  findTickets: (email: string): Promise<FindTicketsAck> => postJson('/api/orders/lookup', { email }),
};
