// The organizer API from the browser: same-origin fetch with the admin cookie.
// Every answer is folded into an Ack so callers handle one shape; an expired
// organizer session sends the browser back to the login page.
import type { AdminEventStats, AdminOrderView, DoorCounts, SeatHistoryEntry } from '../adminProtocol';
import type { ClusterStatus } from '../clusterProtocol';
import type { Ack, CheckInTicketView, EventSummary, Fail } from '../protocol';
import type { OrderAccessAck, OrderAccessInfoAck } from '../orderProtocol';
import type { VenueSpec } from '../venueLayout';

export type SaleStatus = 'open' | 'paused' | 'closed';

/** One row of GET /api/admin/events. */
export interface AdminEventListItem extends Omit<EventSummary, 'counts'> {
  counts: { available: number; held: number; sold: number; blocked?: number };
  holdTtlMs: number;
  holdTtlOverride: number | null;
  maxSeatsPerBuyer: number;
  saleOpensAt: number | null;
  saleClosesAt: number | null;
  preventOrphanSeats: boolean;
  viewers: number;
}

export interface EventFields {
  name: string;
  venueName: string;
  startsAt: number;
  holdTtlMs: number | null;
  maxSeatsPerBuyer: number;
  saleStatus: SaleStatus;
  saleOpensAt: number | null;
  saleClosesAt: number | null;
  /** The no-orphan rule (docs/architecture.md). */
  preventOrphanSeats: boolean;
}

function failure(message: string): Fail {
  return { ok: false, error: { code: 'internal', message } };
}

/** Sends the browser to the login page, coming back here afterwards. */
export function redirectToLogin(): void {
  if (typeof window === 'undefined') return;
  const here = window.location.pathname + window.location.search;
  window.location.assign(`/admin/login?next=${encodeURIComponent(here)}`);
}

export async function adminRequest<T>(method: string, path: string, body?: unknown): Promise<Ack<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return failure('Could not reach the server. Check the connection and try again.');
  }
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    return failure(`Unexpected response from the server (HTTP ${res.status}).`);
  }
  if (!parsed || typeof parsed !== 'object' || !('ok' in parsed)) return failure(`Unexpected response (HTTP ${res.status}).`);
  const ack = parsed as Ack<T>;
  if (!ack.ok && ack.error.code === 'unauthorized' && !path.startsWith('/api/admin/login')) redirectToLogin();
  return ack;
}

const enc = encodeURIComponent;

export const adminApi = {
  login: (password: string) => adminRequest<{ token: string; expiresAt: number }>('POST', '/api/admin/login', { password }),
  logout: () => adminRequest<object>('POST', '/api/admin/logout'),
  events: () => adminRequest<{ events: AdminEventListItem[] }>('GET', '/api/admin/events'),
  createEvent: (fields: Partial<EventFields> & { venue: VenueSpec }) =>
    adminRequest<{ event: { id: string; capacity: number } }>('POST', '/api/admin/events', fields),
  updateEvent: (id: string, fields: Partial<EventFields>) => adminRequest<{ event: unknown }>('PATCH', `/api/admin/events/${enc(id)}`, fields),
  deleteEvent: (id: string) => adminRequest<{ deleted: string }>('DELETE', `/api/admin/events/${enc(id)}`),
  layout: (id: string) => adminRequest<{ venue: VenueSpec }>('GET', `/api/admin/events/${enc(id)}/layout`),
  replaceLayout: (id: string, venue: VenueSpec) => adminRequest<{ capacity: number }>('PUT', `/api/admin/events/${enc(id)}/layout`, { venue }),
  setSale: (id: string, status: SaleStatus) => adminRequest<{ saleStatus: SaleStatus }>('POST', `/api/admin/events/${enc(id)}/sale`, { status }),
  block: (id: string, seatIds: string[], reason?: string) =>
    adminRequest<{ seatIds: string[] }>('POST', `/api/admin/events/${enc(id)}/block`, { seatIds, ...(reason ? { reason } : {}) }),
  unblock: (id: string, seatIds: string[], reason?: string) =>
    adminRequest<{ seatIds: string[] }>('POST', `/api/admin/events/${enc(id)}/unblock`, { seatIds, ...(reason ? { reason } : {}) }),
  stats: (id: string) => adminRequest<{ stats: AdminEventStats }>('GET', `/api/admin/events/${enc(id)}/stats`),
  recentOrders: (id: string) => adminRequest<{ orders: AdminOrderView[] }>('GET', `/api/admin/events/${enc(id)}/orders`),
  searchOrders: (q: string) => adminRequest<{ orders: AdminOrderView[] }>('GET', `/api/admin/orders?q=${enc(q)}`),
  seatHistory: (id: string, seatId: string) =>
    adminRequest<{ seatId: string; history: SeatHistoryEntry[] }>('GET', `/api/admin/events/${enc(id)}/seats/${enc(seatId)}/history`),
  forceRelease: (holdId: string) => adminRequest<{ holdId: string }>('DELETE', `/api/admin/holds/${enc(holdId)}`),
  cancelOrder: (orderId: string, reason: string, seatIds?: string[]) =>
    adminRequest<{ orderId: string; cancelledSeatIds: string[] }>('POST', `/api/admin/orders/${enc(orderId)}/cancel`, {
      reason,
      ...(seatIds ? { seatIds } : {}),
    }),
  checkIn: (id: string, code: string, door?: string) =>
    adminRequest<{ ticket: CheckInTicketView; counts: DoorCounts }>('POST', `/api/admin/events/${enc(id)}/check-in`, { code, ...(door ? { door } : {}) }),
  /** The order's current buyer link and the state of its emails. */
  orderAccess: (orderId: string) => adminRequest('GET', `/api/admin/orders/${enc(orderId)}/access`) as Promise<OrderAccessInfoAck>,
  /** Replaces the buyer's link (the old one stops working) and emails the new one to the buyer. */
  revokeOrderAccess: (orderId: string, emailBuyer = true) =>
    adminRequest('POST', `/api/admin/orders/${enc(orderId)}/access/revoke`, { emailBuyer }) as Promise<OrderAccessAck>,
  /** The processes, which events each runs, leases and the latest changes of owner. */
  cluster: () => adminRequest<{ cluster: ClusterStatus }>('GET', '/api/admin/cluster'),
  ordersCsvUrl: (id: string) => `/api/admin/events/${enc(id)}/orders.csv`,
  layoutUrl: (id: string) => `/api/admin/events/${enc(id)}/layout`,
};

/** "Wrong password." plus, for validation failures, each field's problem. */
export function ackErrorText(error: Fail['error']): string {
  if (error.code === 'invalid_request' && error.issues?.length) {
    return `${error.message} ${error.issues
      .slice(0, 4)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')}`;
  }
  return error.message;
}
