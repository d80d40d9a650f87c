// Failover under load, for the cluster bench: probers (one real
// socket.io-client buyer per live process) hold one fresh seat of the arena
// after another, with a client requestId that a retry reuses, and confirm every
// fourth hold. While they run, the arena's owner is killed with SIGKILL. The
// failover time is kill → the first successful hold whose request was sent after
// the kill (so the new owner committed it). Every acknowledged hold and order is
// afterwards checked against the database (no lost acknowledgement).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { io as connect, type Socket } from 'socket.io-client';
import { arenaLayout } from '../db/demoVenues';
import { ARENA, type Member, type Rig } from './clusterRig';

const wallNow = () => performance.timeOrigin + performance.now();
/** Holds per buyer before a prober opens a new session (the per-buyer seat limit is 50). */
const HOLDS_PER_BUYER = 40;
const PROBE_INTERVAL_MS = 50;

export interface AckedHold {
  holdId: string;
  seatId: string;
  orderId?: string;
}

export interface FailoverTrial {
  victim: string;
  /** kill → a live process says it runs the arena's loop (polled every 100 ms). */
  ownerSeenMs: number;
  /** kill → first successful hold sent after the kill. */
  firstHoldMs: number;
  newOwner: string;
  /** Answers to the probers' hold requests sent from the kill until the first success: how many, and the slowest (ms). */
  answersDuringFailover: Record<string, number>;
  slowestAnswerMs: Record<string, number>;
  holdsAcked: number;
  ordersAcked: number;
}

/** Seats of the arena, taken from the back so the churn's random holds rarely meet them. */
const seatIds = arenaLayout()
  .seats.map((s) => s.id)
  .reverse();
let seatCursor = 0;

type Ack = { ok: boolean; hold?: { id: string }; order?: { id: string }; error?: { code: string; retryAfterMs?: number } };

async function buyerSocket(url: string): Promise<Socket> {
  const res = await fetch(`${url}/api/session`, { method: 'POST' });
  const { token } = (await res.json()) as { token: string };
  const socket = connect(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 10_000 });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

class Prober {
  private socket: Socket | null = null;
  private holdsThisBuyer = 0;
  private stopped = false;
  readonly acked: AckedHold[] = [];
  /** [sentAt, ackedAt, code] of every hold answer. */
  readonly answers: [number, number, string][] = [];
  readonly done: Promise<void>;

  constructor(private readonly member: Member) {
    this.done = this.run().catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.member.alive) {
      if (!this.socket || this.holdsThisBuyer >= HOLDS_PER_BUYER) {
        this.socket?.close();
        this.socket = await buyerSocket(this.member.url);
        this.holdsThisBuyer = 0;
      }
      const seatId = seatIds[seatCursor++];
      const requestId = randomUUID();
      // The same request until it is answered by the loop (a retry after `unavailable`, `busy` or a lost answer).
      for (;;) {
        const began = performance.now();
        const sentAt = wallNow();
        const reply = await this.emit('hold:create', { eventId: ARENA, seatIds: [seatId], requestId });
        const code = reply ? (reply.ok ? 'ok' : (reply.error?.code ?? 'error')) : 'no answer';
        this.answers.push([sentAt, wallNow(), code]);
        if (reply?.ok && reply.hold) {
          this.holdsThisBuyer++;
          const acked: AckedHold = { holdId: reply.hold.id, seatId };
          this.acked.push(acked);
          if (this.acked.length % 4 === 0) await this.confirm(acked);
          break;
        }
        if (this.stopped || !this.member.alive || !this.socket.connected) return;
        if (code !== 'unavailable' && code !== 'busy' && code !== 'no answer') break; // the seat is gone: next seat
        await pause(Math.min(reply?.error?.retryAfterMs ?? 100, 100));
        if (performance.now() - began < PROBE_INTERVAL_MS) await pause(PROBE_INTERVAL_MS);
      }
      await pause(PROBE_INTERVAL_MS);
    }
    this.socket?.close();
  }

  private async confirm(hold: AckedHold): Promise<void> {
    const idempotencyKey = randomUUID();
    for (let attempt = 0; attempt < 20 && this.member.alive && this.socket?.connected; attempt++) {
      const reply = await this.emit('hold:confirm', { holdId: hold.holdId, buyer: { name: 'Bench Buyer', email: 'bench@example.com' }, idempotencyKey });
      if (reply?.ok && reply.order) {
        hold.orderId = reply.order.id;
        return;
      }
      if (reply && reply.error?.code !== 'unavailable' && reply.error?.code !== 'busy') return;
      await pause(100);
    }
  }

  private async emit(event: string, payload: unknown): Promise<Ack | null> {
    try {
      return (await this.socket!.timeout(5_000).emitWithAck(event, payload)) as Ack;
    } catch {
      return null;
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One trial: probers on every live process, kill -9 of the arena's owner after `leadMs`, wait for the
 * first successful hold (at most `timeoutMs`), probe `tailMs` more, stop. The caller runs the churn.
 */
export async function failoverTrial(rig: Rig, options: { leadMs: number; tailMs: number; timeoutMs: number }): Promise<{ trial: FailoverTrial; acked: AckedHold[] }> {
  const victim = await rig.ownerOf(ARENA);
  if (!victim) throw new Error('no owner of the arena before the kill');
  const probers = rig.live().map((m) => new Prober(m));
  try {
    await pause(options.leadMs);
    const killedAt = wallNow();
    await rig.kill(victim);
    let ownerSeenMs = NaN;
    let newOwner = '';
    let firstHoldMs = NaN;
    const deadline = performance.now() + options.timeoutMs;
    while (performance.now() < deadline && (!Number.isFinite(firstHoldMs) || !Number.isFinite(ownerSeenMs))) {
      if (!Number.isFinite(ownerSeenMs)) {
        const owner = await rig.ownerOf(ARENA);
        if (owner) {
          ownerSeenMs = wallNow() - killedAt;
          newOwner = owner.instanceId;
        }
      }
      const first = probers.flatMap((p) => p.answers.filter(([sent, , code]) => sent >= killedAt && code === 'ok').map(([, at]) => at)).sort((a, b) => a - b)[0];
      if (first !== undefined) firstHoldMs = first - killedAt;
      await pause(100);
    }
    await pause(options.tailMs);
    const answersDuringFailover: Record<string, number> = {};
    const slowestAnswerMs: Record<string, number> = {};
    for (const p of probers) {
      for (const [sent, at, code] of p.answers) {
        if (sent < killedAt || sent > killedAt + firstHoldMs) continue;
        answersDuringFailover[code] = (answersDuringFailover[code] ?? 0) + 1;
        slowestAnswerMs[code] = Math.max(slowestAnswerMs[code] ?? 0, at - sent);
      }
    }
    for (const p of probers) p.stop();
    await Promise.all(probers.map((p) => p.done));
    const acked = probers.flatMap((p) => p.acked);
    return {
      trial: { victim: victim.instanceId, ownerSeenMs, firstHoldMs, newOwner, answersDuringFailover, slowestAnswerMs, holdsAcked: acked.length, ordersAcked: acked.filter((a) => a.orderId).length },
      acked,
    };
  } finally {
    for (const p of probers) p.stop();
    await Promise.all(probers.map((p) => p.done));
  }
}

export interface AckAudit {
  holdsAcked: number;
  ordersAcked: number;
  /** Acknowledged holds missing from the database, or not active/confirmed, or on other seats. */
  lostHolds: string[];
  /** Acknowledged orders missing from the database. */
  lostOrders: string[];
  /** Holds in the database made by the probers' request ids more than once (a retry that held twice). */
  duplicateRequests: number;
}

/** Every acknowledged hold (never released by the bench) and order, against the database. */
export async function auditAcks(databaseUrl: string, acked: AckedHold[]): Promise<AckAudit> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const holdIds = acked.map((a) => a.holdId);
    const rows = await sql<{ id: string; status: string; seat_ids_json: string }[]>`SELECT id, status, seat_ids_json FROM holds WHERE id = ANY(${holdIds})`;
    const byId = new Map(rows.map((r) => [r.id, r]));
    const lostHolds = acked
      .filter((a) => {
        const row = byId.get(a.holdId);
        if (!row) return true;
        const seats = JSON.parse(row.seat_ids_json) as string[];
        const expected = a.orderId ? 'confirmed' : ['active', 'confirmed'];
        return !(Array.isArray(expected) ? expected.includes(row.status) : row.status === expected) || seats.length !== 1 || seats[0] !== a.seatId;
      })
      .map((a) => a.holdId);
    const orderIds = acked.flatMap((a) => (a.orderId ? [a.orderId] : []));
    const orders = await sql<{ id: string }[]>`SELECT id FROM orders WHERE id = ANY(${orderIds})`;
    const found = new Set(orders.map((o) => o.id));
    const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT 1 FROM holds WHERE request_id IS NOT NULL GROUP BY event_id, buyer_id, request_id HAVING count(*) > 1) d`;
    return { holdsAcked: acked.length, ordersAcked: orderIds.length, lostHolds, lostOrders: orderIds.filter((id) => !found.has(id)), duplicateRequests: n };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
