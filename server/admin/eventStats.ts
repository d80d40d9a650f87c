// Live figures of one event for the organizer dashboard. Fed by commit
// notices and command latencies; history is seeded from the store at start
// so the charts survive a restart (and a move to another process).
import type { SalesHistory } from '../../db/store';
import type { CategoryView, SeatLayout } from '../../lib/protocol';
import type { AdminEventStats } from '../../lib/adminProtocol';
import type { CommitNotice } from '../events/commitNotice';
import type { CommittedView } from '../events/committedView';

const MINUTE_MS = 60_000;
const HISTORY_MINUTES = 180;
const LATENCY_SAMPLES = 2048;
const MAX_LISTED_HOLDS = 2000;

interface MinuteBucket {
  created: number;
  expired: number;
  confirmed: number;
  released: number;
  ticketsSold: number;
  revenueCents: number;
}


export class EventStats {
  private readonly minutes = new Map<number, MinuteBucket>();
  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private latencyCount = 0;
  private totals = { created: 0, confirmed: 0 };

  constructor(
    private readonly eventId: string,
    private readonly clock: () => number,
  ) {}

  /** The start of the history window the charts show (what to ask the store for). */
  historySinceMs(): number {
    return this.clock() - HISTORY_MINUTES * MINUTE_MS;
  }

  recordLatency(ms: number): void {
    this.latencies[this.latencyCount % LATENCY_SAMPLES] = ms;
    this.latencyCount++;
  }

  recordBatch(notice: CommitNotice): void {
    for (const hold of notice.holdsCreated) {
      this.bucket(hold.createdAt).created++;
      this.totals.created++;
    }
    for (const ended of notice.holdsEnded) {
      if (ended.reason === 'expired') this.bucket(ended.at).expired++;
      else if (ended.reason === 'released' || ended.reason === 'admin_released') this.bucket(ended.at).released++;
    }
    for (const order of notice.ordersCreated) {
      const b = this.bucket(order.createdAt);
      b.confirmed++;
      b.ticketsSold += order.tickets;
      b.revenueCents += order.totalCents;
      this.totals.confirmed++;
    }
    for (const cancelled of notice.ticketsCancelled) {
      // Sales are counted in the minute the order was placed, as the history from storage is.
      const b = this.bucket(cancelled.orderCreatedAt);
      b.ticketsSold -= cancelled.seatIds.length;
      b.revenueCents -= cancelled.refundedCents;
    }
  }

  snapshot(input: {
    view: CommittedView;
    categories: CategoryView[];
    seatById: ReadonlyMap<string, SeatLayout>;
    viewers: number;
    mailboxDepth: number;
  }): AdminEventStats {
    const now = this.clock();
    const { view } = input;
    const byCategory = new Map(input.categories.map((c) => [c.id, { ...c, available: 0, held: 0, sold: 0, blocked: 0 }]));
    const blockedSeatIds: string[] = [];
    for (const [seatId, status] of view.seatEntries()) {
      const category = byCategory.get(input.seatById.get(seatId)?.category ?? '');
      if (category) category[status]++;
      if (status === 'blocked') blockedSeatIds.push(seatId);
    }
    const { orders, revenueCents } = view.sales();
    const holds = [...view.activeHolds()].sort((a, b) => a.expiresAt - b.expiresAt);
    const thisMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const last = this.minutes.get(thisMinute - MINUTE_MS) ?? emptyBucket();
    let hourCreated = 0;
    let hourConfirmed = 0;
    for (let m = thisMinute - 59 * MINUTE_MS; m <= thisMinute; m += MINUTE_MS) {
      const b = this.minutes.get(m);
      if (b) {
        hourCreated += b.created;
        hourConfirmed += b.confirmed;
      }
    }
    const salesSeries: AdminEventStats['salesSeries'] = [];
    for (let m = thisMinute - (HISTORY_MINUTES - 1) * MINUTE_MS; m <= thisMinute; m += MINUTE_MS) {
      const b = this.minutes.get(m);
      if (b || salesSeries.length > 0) salesSeries.push({ minute: m, tickets: b?.ticketsSold ?? 0, revenueCents: b?.revenueCents ?? 0, holds: b?.created ?? 0 });
    }
    const c = view.seatCounts();
    return {
      eventId: this.eventId,
      at: now,
      version: view.version,
      saleStatus: view.rules.saleStatus,
      capacity: view.capacity,
      counts: { available: c.available, held: c.held, sold: c.sold, blocked: c.blocked },
      byCategory: [...byCategory.values()].map(({ color: _color, ...rest }) => rest),
      revenueCents,
      orders,
      activeHolds: {
        total: holds.length,
        truncated: holds.length > MAX_LISTED_HOLDS,
        list: holds.slice(0, MAX_LISTED_HOLDS).map((h) => ({ id: h.id, buyerId: h.buyerId, seatIds: h.seatIds, createdAt: h.createdAt, expiresAt: h.expiresAt })),
      },
      blockedSeatIds,
      checkIn: view.doorCounts(),
      lastMinute: { created: last.created, expired: last.expired, confirmed: last.confirmed, released: last.released },
      conversion: {
        lastHour: hourCreated ? hourConfirmed / hourCreated : null,
        overall: this.totals.created ? this.totals.confirmed / this.totals.created : null,
      },
      viewers: input.viewers,
      mailboxDepth: input.mailboxDepth,
      latencyMs: this.latencyPercentiles(),
      salesSeries,
    };
  }

  private latencyPercentiles(): AdminEventStats['latencyMs'] {
    const n = Math.min(this.latencyCount, LATENCY_SAMPLES);
    if (n === 0) return { p50: null, p99: null, samples: 0 };
    const sorted = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number) => Math.round(sorted[Math.min(n - 1, Math.floor(q * n))] * 100) / 100;
    return { p50: at(0.5), p99: at(0.99), samples: n };
  }

  private bucket(at: number): MinuteBucket {
    const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    let b = this.minutes.get(minute);
    if (!b) {
      b = emptyBucket();
      this.minutes.set(minute, b);
      const oldest = minute - HISTORY_MINUTES * MINUTE_MS;
      for (const key of this.minutes.keys()) if (key < oldest) this.minutes.delete(key);
    }
    return b;
  }

  /** Seeds the charts and totals from the store's history (see historySinceMs). */
  seed(history: SalesHistory): void {
    const since = this.historySinceMs();
    this.totals.created += history.totals.holds;
    this.totals.confirmed += history.totals.orders;
    for (const h of history.holds) {
      if (h.createdAt >= since) this.bucket(h.createdAt).created++;
      if (h.endedAt !== null && h.endedAt >= since) {
        if (h.status === 'expired') this.bucket(h.endedAt).expired++;
        else if (h.status === 'released' || h.status === 'admin_released') this.bucket(h.endedAt).released++;
      }
    }
    for (const o of history.orders) {
      if (o.createdAt < since) continue;
      const b = this.bucket(o.createdAt);
      b.confirmed++;
      b.ticketsSold += o.tickets;
      b.revenueCents += o.revenueCents;
    }
  }
}

function emptyBucket(): MinuteBucket {
  return { created: 0, expired: 0, confirmed: 0, released: 0, ticketsSold: 0, revenueCents: 0 };
}

/** The figures that are not in an event's view: this process's in the embedded mode, the cluster's in the distributed mode (server/cluster/clusterNode.ts). */
export interface LiveFigures {
  viewersOf(eventId: string): number;
  mailboxDepthOf(eventId: string): number;
}
