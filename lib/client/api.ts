// Same-origin HTTP helpers. Every body is an Ack; network failures and
// non-JSON responses are folded into the same shape so callers handle one thing.
import type {
  Ack,
  AvailabilitySnapshot,
  EventDetail,
  EventSummary,
  Fail,
  OrderView,
} from '../protocol';

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
  try {
    const body = (await res.json()) as Ack<T>;
    if (body && typeof body === 'object' && 'ok' in body) return body;
  } catch {
    // fall through
  }
  if (res.status === 404) return { ok: false, error: { code: 'not_found', message: 'Not found.' } };
  return networkFailure(`Unexpected response from the server (HTTP ${res.status}).`);
}

function noteServerDate(header: string | null): void {
  if (!header) return;
  const serverMs = Date.parse(header);
  if (Number.isNaN(serverMs)) return;
  const skew = serverMs - Date.now();
  // The header has one-second resolution; only correct for clocks that are clearly off.
  clockSkewMs = Math.abs(skew) > 3000 ? skew : 0;
}

export const api = {
  events: (signal?: AbortSignal) => getJson<{ events: EventSummary[] }>('/api/events', signal),
  event: (eventId: string, signal?: AbortSignal) =>
    getJson<{ event: EventDetail }>(`/api/events/${encodeURIComponent(eventId)}`, signal),
  availability: (eventId: string, signal?: AbortSignal) =>
    getJson<AvailabilitySnapshot>(`/api/events/${encodeURIComponent(eventId)}/availability`, signal),
  order: (orderId: string, signal?: AbortSignal) =>
    getJson<{ order: OrderView }>(`/api/orders/${encodeURIComponent(orderId)}`, signal),
};
