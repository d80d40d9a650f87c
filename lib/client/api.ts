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
import { parsedBody, takePreloadedResponse, type PreloadPart } from './preload';

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

/**
 * Takes (once) a response the inline script preloaded for this event (see ./preload.ts).
 * Null when there is none: a client-side navigation (the script only runs on a full page
 * load), another event, already taken, or the early request failed (the caller then
 * fetches normally).
 */
async function takePreloaded<T>(eventId: string, part: PreloadPart): Promise<Ack<T> | null> {
  const pending = takePreloadedResponse(eventId, part);
  if (!pending) return null;
  const res = await pending.catch(() => null);
  if (!res || res.status === 0) return null;
  noteServerDate(res.date);
  return ackOf<T>(res.status, parsedBody(res));
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
