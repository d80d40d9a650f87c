// A simulated server for testing the checker itself: clients invoke
// operations on an integer clock, a real SeatBook applies them in random
// batches (in a random order within a batch, at the batch's time) and replies
// arrive a little later. Every history it produces is linearizable by
// construction, so the checker must accept it; mutating it in ways that
// cannot be explained must make the checker reject it.
import { seededRandom } from '../support/random';
import { SeatBook } from '../../core/seatBook';
import type { Command, IdSource, Outcome } from '../../core/types';
import type { HistoryEntry, OpArgs, OpKind, OpResult } from './history';

export interface SimOptions {
  clients: number;
  opsPerClient: number;
  seats: number;
  ttl: number;
  maxExtensions?: number;
  /** Chance per clock tick that the server runs a batch. */
  tickChance?: number;
}

export interface Simulation {
  history: HistoryEntry[];
  final: Record<string, 'available' | 'held' | 'sold'>;
  endedAt: number;
}

export function resultOf(o: Outcome, maxExtensions: number): OpResult {
  if (!o.ok) return { ok: false, code: o.code, ...(o.seatIds ? { seatIds: [...o.seatIds] } : {}), ...(o.orderId ? { orderId: o.orderId } : {}) };
  switch (o.type) {
    case 'held':
    case 'extended':
      return { ok: true, holdId: o.hold.id, seatIds: [...o.hold.seatIds], expiresAt: o.hold.expiresAt, extensionsLeft: maxExtensions - o.hold.extensions };
    case 'released':
      return { ok: true, holdId: o.holdId };
    case 'confirmed':
      return {
        ok: true,
        holdId: o.order.holdId,
        orderId: o.order.id,
        orderCreatedAt: o.order.createdAt,
        seatIds: o.order.tickets.map((t) => t.seatId),
        replayed: o.replayed,
      };
    default:
      throw new Error(`unexpected outcome ${o.type}`);
  }
}


export function simulate(seed: number, opts: SimOptions): Simulation {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const maxExtensions = opts.maxExtensions ?? 1;
  let counter = 0;
  const ids: IdSource = { holdId: () => `h${++counter}`, orderId: () => `o${++counter}`, ticketId: () => `t${++counter}`, ticketCode: () => `c${++counter}` };
  const seatIds = Array.from({ length: opts.seats }, (_, i) => `s${i}`);
  const book = new SeatBook(
    'ev',
    seatIds.map((id) => ({ id, priceCents: 100 })),
    { holdTtlMs: opts.ttl, maxSeatsPerBuyer: 50, maxExtensions, saleStatus: 'open', saleOpensAt: null, saleClosesAt: null, preventOrphanSeats: false },
    ids,
  );

  interface Client {
    name: string;
    left: number;
    idleFrom: number;
    busy: boolean;
    holds: string[];
    keys: { holdId: string; key: string }[];
    n: number;
  }
  const clients: Client[] = Array.from({ length: opts.clients }, (_, i) => ({
    name: `c${i}`,
    left: opts.opsPerClient,
    idleFrom: int(3),
    busy: false,
    holds: [],
    keys: [],
    n: 0,
  }));
  const everyHold: string[] = [];
  const history: HistoryEntry[] = [];
  let pending: { entry: HistoryEntry; command: Command; client: Client }[] = [];
  let replies: { at: number; entry: HistoryEntry; client: Client }[] = [];

  const choose = (c: Client): { op: OpKind; args: OpArgs; command: Command } => {
    const roll = rnd();
    const mine = c.holds.length ? c.holds[int(c.holds.length)] : null;
    if (mine === null || roll < 0.3) {
      const seats = [...new Set([seatIds[int(seatIds.length)], seatIds[int(seatIds.length)]])].slice(0, 1 + int(2));
      return { op: 'hold', args: { seatIds: seats }, command: { type: 'hold', buyerId: c.name, seatIds: seats } };
    }
    if (roll < 0.55) {
      const key = `${c.name}-k${++c.n}`;
      return { op: 'confirm', args: { holdId: mine, key }, command: { type: 'confirm', buyerId: c.name, holdId: mine, idempotencyKey: key, buyer: { name: 'x', email: 'x@example.com' } } };
    }
    if (roll < 0.65 && c.keys.length) {
      // Replay a key (on its own hold, or — a conflict — on another one).
      const k = c.keys[int(c.keys.length)];
      const holdId = rnd() < 0.7 ? k.holdId : mine;
      return { op: 'confirm', args: { holdId, key: k.key }, command: { type: 'confirm', buyerId: c.name, holdId, idempotencyKey: k.key, buyer: { name: 'x', email: 'x@example.com' } } };
    }
    if (roll < 0.8) return { op: 'release', args: { holdId: mine }, command: { type: 'release', buyerId: c.name, holdId: mine } };
    if (roll < 0.92) return { op: 'extend', args: { holdId: mine }, command: { type: 'extend', buyerId: c.name, holdId: mine } };
    // Someone else's hold, or one that never existed.
    const other = everyHold.length && rnd() < 0.8 ? everyHold[int(everyHold.length)] : 'h-none';
    return { op: 'release', args: { holdId: other }, command: { type: 'release', buyerId: c.name, holdId: other } };
  };

  let now = 0;
  for (; clients.some((c) => c.left > 0 || c.busy); now++) {
    if (now > 1_000_000) throw new Error('simulation does not terminate');
    // Replies due now complete their operations.
    for (const r of replies.filter((x) => x.at <= now)) {
      r.entry.completeAt = r.entry.completeWall = now;
      r.client.busy = false;
      r.client.idleFrom = now + int(3);
      const res = r.entry.result;
      if (res.ok && r.entry.op === 'hold') {
        r.client.holds.push(res.holdId!);
        everyHold.push(res.holdId!);
      }
      if (r.entry.op === 'confirm' && res.ok) r.client.keys.push({ holdId: res.holdId!, key: (r.entry.args as { key: string }).key });
    }
    replies = replies.filter((x) => x.at > now);
    // Idle clients invoke their next operation.
    for (const c of clients) {
      if (c.busy || c.left === 0 || c.idleFrom > now) continue;
      const { op, args, command } = choose(c);
      const entry: HistoryEntry = { id: history.length, client: c.name, buyer: c.name, op, args, invokeAt: now, completeAt: NaN, invokeWall: now, completeWall: NaN, result: { ok: false, code: 'internal' } };
      history.push(entry);
      pending.push({ entry, command, client: c });
      c.busy = true;
      c.left--;
    }
    // Sometimes the server runs a batch: expiry first, then the pending commands in a random order.
    if (pending.length && rnd() < (opts.tickChance ?? 0.4)) {
      book.expireDue(now);
      const batch = pending.sort(() => rnd() - 0.5);
      pending = [];
      for (const p of batch) {
        p.entry.result = resultOf(book.apply(p.command, now), maxExtensions);
        replies.push({ at: now + int(3), entry: p.entry, client: p.client });
      }
    }
  }
  const final = Object.fromEntries(
    [...book.seatEntries()].map(([id, s]) => [id, s.status === 'blocked' ? 'sold' : s.status] as const),
  );
  return { history, final, endedAt: now };
}
