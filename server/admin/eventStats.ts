// Live figures of one event for the organizer dashboard. Fed by committed
// batches and command latencies; history is seeded from SQLite at start so
// the charts survive a restart.
import type Database from 'better-sqlite3';
import type { CommittedBatch } from '../loop/reservationLoop';
import type { SeatBook } from '../reservations/seatBook';
import type { CategoryView, SeatLayout } from '../../lib/protocol';
import type { AdminEventStats } from '../../lib/adminProtocol';
import { doorCountsOf } from './checkIn';

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
    sqlite: Database.Database,
    private readonly clock: () => number,
  ) {
    this.seedFromStorage(sqlite);
  }

  recordLatency(ms: number): void {
    this.latencies[this.latencyCount % LATENCY_SAMPLES] = ms;
    this.latencyCount++;
  }

  recordBatch(batch: CommittedBatch): void {
    for (const effect of batch.effects) {
      if (effect.kind === 'hold_created') {
        this.bucket(effect.hold.createdAt).created++;
        this.totals.created++;
      } else if (effect.kind === 'hold_ended') {
        if (effect.reason === 'expired') this.bucket(effect.at).expired++;
        else if (effect.reason === 'released' || effect.reason === 'admin_released') this.bucket(effect.at).released++;
      } else if (effect.kind === 'tickets_cancelled') {
        // Sales are counted in the minute the order was placed, as the history from storage is.
        const b = this.bucket(effect.orderCreatedAt);
        b.ticketsSold -= effect.seatIds.length;
        b.revenueCents -= effect.refundedCents;
      } else if (effect.kind === 'order_created') {
        const b = this.bucket(effect.order.createdAt);
        b.confirmed++;
        b.ticketsSold += effect.order.tickets.length;
        b.revenueCents += effect.order.totalCents;
        this.totals.confirmed++;
      }
    }
  }

  snapshot(input: {
    book: SeatBook;
    version: number;
    categories: CategoryView[];
    seatById: ReadonlyMap<string, SeatLayout>;
    viewers: number;
    mailboxDepth: number;
  }): AdminEventStats {
    const now = this.clock();
    const { book } = input;
    const byCategory = new Map(input.categories.map((c) => [c.id, { ...c, available: 0, held: 0, sold: 0, blocked: 0 }]));
    const blockedSeatIds: string[] = [];
    for (const [seatId, seat] of book.seatEntries()) {
      const category = byCategory.get(input.seatById.get(seatId)?.category ?? '');
      if (category) category[seat.status]++;
      if (seat.status === 'blocked') blockedSeatIds.push(seatId);
    }
    let revenueCents = 0;
    let orders = 0;
    for (const order of book.allOrders()) {
      if (order.tickets.length === 0) continue; // fully cancelled
      orders++;
      revenueCents += order.totalCents;
    }
    const holds = [...book.activeHolds()].sort((a, b) => a.expiresAt - b.expiresAt);
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
    const c = book.seatCounts();
    return {
      eventId: this.eventId,
      at: now,
      version: input.version,
      saleStatus: book.rules.saleStatus,
      capacity: book.capacity,
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
      checkIn: doorCountsOf(book),
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

  private seedFromStorage(sqlite: Database.Database): void {
    const since = this.clock() - HISTORY_MINUTES * MINUTE_MS;
    const holds = sqlite
      .prepare(`SELECT created_at, ended_at, status FROM holds WHERE event_id = ?`)
      .all(this.eventId) as { created_at: number; ended_at: number | null; status: string }[];
    for (const h of holds) {
      this.totals.created++;
      if (h.created_at >= since) this.bucket(h.created_at).created++;
      if (h.ended_at !== null && h.ended_at >= since) {
        if (h.status === 'expired') this.bucket(h.ended_at).expired++;
        else if (h.status === 'released' || h.status === 'admin_released') this.bucket(h.ended_at).released++;
      }
    }
    const orders = sqlite
      .prepare(
        `SELECT o.created_at, count(t.id) AS tickets, coalesce(sum(t.price_cents), 0) AS revenue
         FROM orders o LEFT JOIN tickets t ON t.order_id = o.id AND t.status = 'valid'
         WHERE o.event_id = ? GROUP BY o.id`,
      )
      .all(this.eventId) as { created_at: number; tickets: number; revenue: number }[];
    for (const o of orders) {
      this.totals.confirmed++;
      if (o.created_at < since) continue;
      const b = this.bucket(o.created_at);
      b.confirmed++;
      b.ticketsSold += o.tickets;
      b.revenueCents += o.revenue;
    }
  }
}

function emptyBucket(): MinuteBucket {
  return { created: 0, expired: 0, confirmed: 0, released: 0, ticketsSold: 0, revenueCents: 0 };
}
