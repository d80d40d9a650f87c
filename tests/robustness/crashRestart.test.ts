// Crash and restart under load: concurrent buyers hold, extend, release and
// confirm while the server (its own process, one SQLite file, synchronous=FULL)
// is killed with SIGKILL several times — at seeded random moments, and from
// inside a batch transaction (FAULT_KILL_IN_COMMIT: after the writes, before
// COMMIT) — and restarted on the same file each time. Every acknowledgement is
// recorded; at the end storage is audited against them:
//   - every acked hold exists; the ones that had not expired are active, with their held_seats
//   - every acked order exists with exactly its tickets, all valid
//   - writes of the batch killed mid-commit vanished (its acks were never sent)
//   - nothing exists that no request asked for
//   - holds whose deadline passed while no server ran are 'expired', by the restarted server, with audit rows
//   - no double sale, nothing both held and sold, counts reconcile, the audit log replays to the seat states,
//     and the restarted server's availability equals storage
// Bounded: 4 rounds, ~20-35 s on 2 busy cores. CRASH_SEED=<n> runs another schedule; CRASH_ROUNDS=<n> more kills.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmAck, HoldAck, OrderView, ReleaseAck } from '../../lib/protocol';
import {
  connectBuyer,
  getJson,
  request,
  seededRandom,
  sleep,
  startChildServer,
  tempDir,
  type ChildServer,
  type TestSocket,
  seededDatabaseCopy,
} from '../server/helpers';
import { auditSnapshotOf, availabilityAgrees } from './audit';
import { defaultStore } from '../support/stores';
import { testDatabase, type TestDatabase } from '../support/testDatabase';

const SEED = Number(process.env.CRASH_SEED ?? 424242);
const EVENT = 'demo-theatre';
// Longer than a start-up on a box whose other core is busy too (seen: 12 s under a load average of 20).
const TTL_MS = 16_000;
const MAX_SEATS = 8;
const BUYERS = 10;
const LINGERERS = 4; // only hold (and sometimes extend): their holds are left to expire
/** A running server expires a due hold within this much (timer + tick, on a busy box). */
const EXPIRY_SLACK_MS = 2500;
const BUYER = { name: 'Crash Buyer', email: 'crash.buyer@example.com' };

type Plan = { kill: 'timer'; trafficMs: [number, number] } | { kill: 'commit'; nth: [number, number] };
/** CRASH_ROUNDS=<n> (default 4, at least 3) for a longer run: more kills, two mid-commit for every random one. */
const ROUND_COUNT = Math.max(3, Number(process.env.CRASH_ROUNDS ?? 4));
const ROUNDS: Plan[] = [
  { kill: 'timer', trafficMs: [1200, 2200] },
  ...Array.from({ length: ROUND_COUNT - 2 }, (_, i): Plan => ((i + 1) % 3 === 0 ? { kill: 'timer', trafficMs: [1200, 2200] } : { kill: 'commit', nth: [30, 90] })),
  // Its holds outlive the final restart (TTL > start-up time even on a loaded box); older ones expire while down.
  { kill: 'timer', trafficMs: [2000, 3000] },
];

type OpKind = 'hold' | 'extend' | 'release' | 'confirm';
interface Op {
  round: number;
  buyer: number;
  kind: OpKind;
  holdId?: string;
  seatIds?: string[];
  sentAt: number;
  ackAt?: number;
  ack?: HoldAck | ReleaseAck | ConfirmAck;
  /** Sent, never answered: the server died first (its effect may or may not be stored). */
  pending?: boolean;
}

type HoldState = 'live' | 'released' | 'confirmed' | 'expired' | 'gone';
interface Tracked {
  id: string;
  buyer: number;
  seatIds: string[];
  expiresAt: number;
  extensions: number;
  state: HoldState;
  order?: OrderView;
  /** An op on it was left unanswered by a random kill: its final state is unknown. */
  uncertain: boolean;
  /** Unanswered ops from rounds killed mid-commit: these must have left no trace. */
  vanished: OpKind[];
  confirmSent: boolean;
}

interface Buyer {
  index: number;
  token: string;
  buyerId: string;
  lingerer: boolean;
}

interface Downtime {
  round: number;
  /** The parent saw the process gone (it died at or before this). */
  exitAt: number;
  /** The next process was spawned (it can only have expired things after this). */
  restartAt: number;
  /** ...and was listening: until then nobody was serving. */
  readyAt: number;
}

const dir = tempDir('seatline-crash-restart-');
/** The run's store: a SQLite file, or a PostgreSQL database in the `postgres` project (created below). */
let database: TestDatabase;
let env: Record<string, string> = {
  SQLITE_SYNCHRONOUS: 'FULL',
  HOLD_TTL_MS: String(TTL_MS),
  MAX_SEATS_PER_BUYER: String(MAX_SEATS),
  RATE_LIMIT_SOCKET_PER_SEC: '0',
  RATE_LIMIT_IP_PER_SEC: '0',
};
let children: ChildServer[] = [];
let sockets: TestSocket[] = [];

beforeAll(async () => {
  // Seeded up front with the no-orphan rule off: the workload names seats at random (the rule is tested elsewhere).
  database = await testDatabase(defaultStore(), { seeded: true, dir, name: 'crash.db', preventOrphanSeats: false });
  env = { ...env, ...database.env };
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(children.map((c) => c.kill()));
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(extraEnv: Record<string, string> = {}): Promise<ChildServer> {
  const child = await startChildServer({ ...env, ...extraEnv });
  children.push(child);
  return child;
}

const between = (rand: () => number, [lo, hi]: [number, number]) => Math.floor(lo + rand() * (hi - lo + 1));

describe('crash and restart under load', () => {
  it(`survives ${ROUNDS.length} SIGKILLs (seed ${SEED}) with every acked hold and order intact`, { timeout: 60_000 + ROUND_COUNT * 20_000 }, async () => {
    const rand = seededRandom(SEED);
    const ops: Op[] = [];
    const holds = new Map<string, Tracked>();
    const unexpected: string[] = [];
    const downtimes: Downtime[] = [];
    const faultRounds = new Set<number>();
    const buyers: Buyer[] = [];
    const timeline: string[] = [];

    let server = await start();
    // Seats: a hot block (contention) plus the rest of the theatre.
    const { body: detail } = await getJson<{ event: { seats: { id: string }[] } }>(`${server.url}/api/events/${EVENT}`);
    const allSeats = detail.event.seats.map((s) => s.id);
    const hot = allSeats.filter((s) => /^SC-[A-F]-/.test(s));
    expect(hot.length).toBe(96);
    for (let i = 0; i < BUYERS; i++) {
      const res = await fetch(`${server.url}/api/session`, { method: 'POST' });
      const { token, buyerId } = (await res.json()) as { token: string; buyerId: string };
      buyers.push({ index: i, token, buyerId, lingerer: i < LINGERERS });
    }

    for (let round = 0; round < ROUNDS.length; round++) {
      const plan = ROUNDS[round];
      if (round > 0) {
        // Storage and the restarted server agree before any traffic (holds that expired while down are released).
        expect(await availabilityAgrees(server.url, (read) => database.snapshot(read), EVENT), `availability after restart ${round}`).toEqual([]);
      }
      const stop = { stopped: false };
      const connected = await Promise.all(buyers.map((b) => connectBuyer(server.url, b.token)));
      sockets.push(...connected.map((c) => c.socket));
      const startedAt = Date.now();
      const traffic = connected.map(({ socket }, i) =>
        runBuyer(buyers[i], socket, round, stop, seededRandom(SEED * 31 + round * 1009 + i)),
      );

      let exitAt: number;
      if (plan.kill === 'timer') {
        const delay = between(rand, plan.trafficMs);
        await sleep(delay);
        process.kill(server.pid, 'SIGKILL');
        const { signal } = await server.exited;
        exitAt = Date.now();
        expect(signal).toBe('SIGKILL');
        timeline.push(`round ${round}: kill -9 after ${delay} ms of traffic`);
      } else {
        // This process was started with FAULT_KILL_IN_COMMIT: it kills itself inside its Nth batch transaction.
        const outcome = await Promise.race([server.exited, sleep(20_000).then(() => null)]);
        exitAt = Date.now();
        if (!outcome) throw new Error(`round ${round}: FAULT_KILL_IN_COMMIT never fired\n${server.stderr()}`);
        expect(outcome.signal).toBe('SIGKILL');
        faultRounds.add(round);
        timeline.push(`round ${round}: killed itself mid-commit after ${exitAt - startedAt} ms of traffic`);
      }
      stop.stopped = true;
      await Promise.all(traffic);
      for (const s of connected) s.socket.close();

      // Stay down until the next acked deadline has passed (when one is near), so holds expire while no server runs.
      const deadlines = [...holds.values()]
        .filter((h) => h.state === 'live' && !h.uncertain && h.expiresAt > Date.now())
        .map((h) => h.expiresAt)
        .sort((a, b) => a - b);
      const next = ROUNDS[round + 1];
      // Before the last restart, if no acked deadline has yet fallen in a downtime, wait for one (up to a TTL):
      // the expiry-while-down check below must have something to check, however fast this machine ran.
      const dueInSomeDowntime = [...holds.values()].some(
        (h) => h.state === 'live' && !h.uncertain && downtimes.some((d) => h.expiresAt > d.exitAt && h.expiresAt < d.readyAt),
      );
      const horizonMs = round === ROUNDS.length - 2 && !dueInSomeDowntime ? TTL_MS : 3000;
      const nearest = deadlines.find((d) => d < Date.now() + horizonMs);
      // (The last restart is immediate: starting takes long enough, and some acked holds must outlive it.)
      if (next) await sleep(nearest ? nearest + 100 - Date.now() : between(rand, [200, 900]));
      const restartAt = Date.now();
      const fault = next?.kill === 'commit' ? { FAULT_KILL_IN_COMMIT: String(between(rand, next.nth)) } : undefined;
      server = await start(fault);
      downtimes.push({ round, exitAt, restartAt, readyAt: Date.now() });
      timeline.push(`  down ${restartAt - exitAt} ms, then ${downtimes.at(-1)!.readyAt - restartAt} ms to start` + (fault ? ` (FAULT_KILL_IN_COMMIT=${fault.FAULT_KILL_IN_COMMIT})` : ''));
      if (!next) break;
    }

    // ---------- the final restart (above): no fault, no traffic ----------
    const { restartAt } = downtimes[downtimes.length - 1];

    // (a) Acked holds that have not expired are there, right now, exactly as acked.
    const sql = database.sql;
    const liveNow: Tracked[] = [];
    const horizon = Date.now() + 300;
    for (const h of holds.values()) {
      if (h.uncertain || h.state !== 'live' || h.expiresAt <= horizon) continue;
      liveNow.push(h);
      expect(await sql.get('SELECT status, expires_at, extensions FROM holds WHERE id = ?', h.id), `acked live hold ${h.id}`).toEqual({
        status: 'active',
        expires_at: h.expiresAt,
        extensions: h.extensions,
      });
      expect((await sql.all<{ seat_id: string }>('SELECT seat_id FROM held_seats WHERE hold_id = ?', h.id)).map((r) => r.seat_id).sort()).toEqual([...h.seatIds].sort());
    }
    expect(liveNow.length, `acked holds still live after the last restart\n${timeline.join('\n')}`).toBeGreaterThan(0);
    // ...and their owners see them through the API of the restarted server.
    for (const b of buyers) {
      const mine = liveNow.filter((h) => h.buyer === b.index && h.expiresAt > Date.now() + 200);
      if (mine.length === 0) continue;
      const res = await getJson<{ holds: { id: string }[] }>(`${server.url}/api/events/${EVENT}/holds/mine`, b.token);
      const ids = res.body.holds.map((h) => h.id);
      for (const h of mine) if (h.expiresAt > Date.now() + 50) expect(ids, `buyer ${b.index} sees ${h.id}`).toContain(h.id);
    }

    // (b) The restarted server's availability is exactly what storage says.
    expect(await availabilityAgrees(server.url, (read) => database.snapshot(read), EVENT)).toEqual([]);

    // (c) Holds that expired while it was down get released by its first ticks.
    const dueAtStart = [...holds.values()].filter((h) => h.state === 'live' && !h.uncertain && h.expiresAt < restartAt);
    await waitFor(async () => {
      for (const h of dueAtStart) if ((await sql.get<{ status: string }>('SELECT status FROM holds WHERE id = ?', h.id))!.status === 'active') return false;
      return true;
    }, 8_000);
    await server.kill();
    const stoppedAt = Date.now();

    // ---------- the audit, on the quiescent file ----------
    const { violations, stats } = await auditSnapshotOf((read) => database.snapshot(read));
    expect(violations).toEqual([]);
    expect(unexpected).toEqual([]);

    {
      const holdRow = { get: (id: string) => sql.get('SELECT * FROM holds WHERE id = ?', id) };
      const orderOfHold = { get: (id: string) => sql.get('SELECT * FROM orders WHERE hold_id = ?', id) };
      const ticketsOf = {
        all: async (orderId: string) =>
          (await sql.all<{ id: string; seat_id: string; code: string; status: string }>('SELECT id, seat_id, code, status FROM tickets WHERE order_id = ?', orderId)).sort((a, b) =>
            a.seat_id < b.seat_id ? -1 : 1,
          ),
      };
      const auditOf = { all: (holdId: string) => sql.all('SELECT seat_id, action, at FROM audit_log WHERE hold_id = ? ORDER BY id', holdId) };
      type HoldRow = { buyer_id: string; seat_ids_json: string; status: string; expires_at: number; extensions: number; ended_at: number | null };

      let confirmedChecked = 0;
      for (const h of holds.values()) {
        const row = (await holdRow.get(h.id)) as HoldRow | undefined;
        expect(row, `acked hold ${h.id} is stored`).toBeDefined();
        if (!row) continue;
        expect(row.buyer_id).toBe(buyers[h.buyer].buyerId);
        expect(JSON.parse(row.seat_ids_json)).toEqual(h.seatIds);
        if (h.vanished.includes('confirm')) expect(await orderOfHold.get(h.id), `order of ${h.id} from a killed batch`).toBeUndefined();
        if (h.vanished.includes('release')) expect(row.status, `release of ${h.id} from a killed batch`).not.toBe('released');
        if (h.vanished.includes('extend')) expect(row.extensions, `extension of ${h.id} from a killed batch`).toBe(h.extensions);
        if (h.uncertain) continue;
        expect(row.extensions, `extensions of ${h.id}`).toBe(h.extensions);
        expect(row.expires_at, `deadline of ${h.id}`).toBe(h.expiresAt);
        switch (h.state) {
          case 'confirmed': {
            expect(row.status).toBe('confirmed');
            const order = (await orderOfHold.get(h.id)) as { id: string; total_cents: number } | undefined;
            expect(order?.id, `acked order of ${h.id}`).toBe(h.order!.id);
            expect(order?.total_cents).toBe(h.order!.totalCents);
            const stored = await ticketsOf.all(h.order!.id);
            const acked = [...h.order!.tickets].sort((a, b) => (a.seatId < b.seatId ? -1 : 1));
            expect(stored).toEqual(acked.map((t) => ({ id: t.id, seat_id: t.seatId, code: t.code, status: 'valid' })));
            confirmedChecked++;
            break;
          }
          case 'released':
            expect(row.status).toBe('released');
            break;
          case 'expired':
            expect(row.status).toBe('expired');
            break;
          case 'gone':
            expect(['released', 'expired']).toContain(row.status);
            break;
          case 'live':
            if (h.expiresAt > stoppedAt) expect(row.status, `live hold ${h.id}`).toBe('active');
            else if (h.expiresAt < stoppedAt - EXPIRY_SLACK_MS) expect(row.status, `due hold ${h.id}`).toBe('expired');
            else expect(['active', 'expired']).toContain(row.status);
            break;
        }
      }
      expect(confirmedChecked, 'acked orders checked').toBeGreaterThan(0);

      // Holds whose deadline fell while no server ran: expired by the next process, with audit rows.
      let expiredWhileDown = 0;
      for (const h of holds.values()) {
        if (h.uncertain || h.state !== 'live') continue;
        const window = downtimes.find((d) => h.expiresAt > d.exitAt && h.expiresAt < d.readyAt);
        if (!window) continue;
        const row = (await holdRow.get(h.id)) as HoldRow;
        expect(row.status, `hold ${h.id} due during downtime after round ${window.round}`).toBe('expired');
        expect(row.ended_at!, `expired by the restarted process`).toBeGreaterThanOrEqual(window.restartAt);
        const rows = (await auditOf.all(h.id)) as { seat_id: string; action: string; at: number }[];
        expect(rows.filter((r) => r.action === 'expired').map((r) => r.seat_id).sort()).toEqual([...h.seatIds].sort());
        expiredWhileDown++;
      }
      expect(expiredWhileDown, `holds that expired during downtime\n${timeline.join('\n')}`).toBeGreaterThan(0);

      // Nothing without a request: every stored hold is an acked one or an unanswered create (killed
      // before its ack) — and never one from a batch killed mid-commit.
      const pendingCreates = ops.filter((o) => o.kind === 'hold' && o.pending);
      const confirmSent = new Set([...holds.values()].filter((h) => h.confirmSent).map((h) => h.id));
      const stored = await sql.all<{ id: string; buyer_id: string; seat_ids_json: string; status: string }>(
        `SELECT id, buyer_id, seat_ids_json, status FROM holds WHERE event_id = ?`,
        EVENT,
      );
      let unackedButStored = 0;
      for (const row of stored) {
        if (holds.has(row.id)) continue;
        const seats = (JSON.parse(row.seat_ids_json) as string[]).join(',');
        const match = pendingCreates.find((o) => buyers[o.buyer].buyerId === row.buyer_id && o.seatIds!.join(',') === seats);
        expect(match, `stored hold ${row.id} (${row.buyer_id}: ${seats}) matches no request`).toBeDefined();
        expect(faultRounds.has(match!.round), `hold ${row.id} was written by a batch killed mid-commit`).toBe(false);
        expect(row.status, `unacked hold ${row.id} was confirmed by nobody`).not.toBe('confirmed');
        unackedButStored++;
      }
      for (const o of await sql.all<{ id: string; hold_id: string }>('SELECT id, hold_id FROM orders')) {
        expect(confirmSent.has(o.hold_id), `order ${o.id} for a hold nobody confirmed`).toBe(true);
      }

      // Creates left unanswered by a mid-commit kill left no hold behind.
      const vanishedCreates = ops.filter((o) => o.kind === 'hold' && o.pending && faultRounds.has(o.round));
      for (const o of vanishedCreates) {
        const rows = await sql.all<{ id: string }>('SELECT id FROM holds WHERE buyer_id = ? AND seat_ids_json = ?', buyers[o.buyer].buyerId, JSON.stringify(o.seatIds));
        expect(rows.filter((r) => !holds.has(r.id))).toEqual([]);
      }
      const pendingInFault = ops.filter((o) => o.pending && faultRounds.has(o.round)).length;
      expect(pendingInFault, 'requests in flight when a batch was killed mid-commit').toBeGreaterThan(0);

      const acked = ops.filter((o) => o.ack).length;
      console.info(
        [
          `crash/restart seed ${SEED}: ${ops.length} requests, ${acked} acked, ${ops.filter((o) => o.pending).length} unanswered`,
          ...timeline,
          `acked holds ${holds.size} (live after last restart ${liveNow.length}, expired while down ${expiredWhileDown}), ` +
            `orders ${stats.orders}, tickets ${stats.validTickets}, audit rows ${stats.auditRows}, unacked-but-stored holds ${unackedButStored}, ` +
            `unanswered in mid-commit kills ${pendingInFault}`,
          `holds by status ${JSON.stringify(stats.holdsByStatus)}; ${EVENT} ${JSON.stringify(stats.events[EVENT])}`,
        ].join('\n  '),
      );
    }

    // ---------- one buyer's traffic for one round ----------
    async function runBuyer(buyer: Buyer, socket: TestSocket, round: number, stop: { stopped: boolean }, r: () => number): Promise<void> {
      const gone = new Promise<'gone'>((resolve) => socket.once('disconnect', () => resolve('gone')));
      const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
      while (!stop.stopped && socket.connected) {
        const now = Date.now();
        const live = [...holds.values()].filter(
          (h) => h.buyer === buyer.index && h.state === 'live' && !h.uncertain && h.vanished.length === 0 && h.expiresAt > now + 150,
        );
        const heldSeats = [...holds.values()]
          .filter((h) => h.buyer === buyer.index && h.state === 'live' && h.expiresAt > now - 500)
          .reduce((n, h) => n + h.seatIds.length, 0);
        let op: Op;
        let payload: unknown;
        const target = live.length ? pick(live) : undefined;
        if (buyer.lingerer) {
          if (target && target.extensions === 0 && r() < 0.15) op = { round, buyer: buyer.index, kind: 'extend', holdId: target.id, sentAt: 0 };
          else if (heldSeats < MAX_SEATS) op = { round, buyer: buyer.index, kind: 'hold', seatIds: pickSeats(1), sentAt: 0 };
          else if (target && r() < 0.4) {
            // At the limit: sometimes make room by releasing the oldest, so holds keep being created all round.
            const oldest = live.reduce((a, b) => (a.expiresAt <= b.expiresAt ? a : b));
            op = { round, buyer: buyer.index, kind: 'release', holdId: oldest.id, sentAt: 0 };
          } else {
            await Promise.race([sleep(100), gone]);
            continue;
          }
        } else if (target && (heldSeats >= MAX_SEATS - 2 || r() < 0.5)) {
          const x = r();
          op = { round, buyer: buyer.index, kind: x < 0.45 ? 'confirm' : x < 0.75 ? 'release' : 'extend', holdId: target.id, sentAt: 0 };
        } else {
          op = { round, buyer: buyer.index, kind: 'hold', seatIds: pickSeats(1 + Math.floor(r() * Math.min(3, MAX_SEATS - heldSeats))), sentAt: 0 };
        }
        if (op.kind === 'hold') payload = { eventId: EVENT, seatIds: op.seatIds };
        else if (op.kind === 'confirm') {
          payload = { holdId: op.holdId, buyer: { ...BUYER, email: `buyer-${op.holdId}@example.com` }, idempotencyKey: `k-${op.holdId}` };
          holds.get(op.holdId!)!.confirmSent = true;
        } else payload = { holdId: op.holdId };
        const event = op.kind === 'hold' ? 'hold:create' : (`hold:${op.kind}` as const);
        op.sentAt = Date.now();
        ops.push(op);
        const reply = await Promise.race([request(socket, event, payload, 20_000).catch(() => 'gone' as const), gone]);
        if (reply === 'gone') {
          op.pending = true;
          if (op.holdId) {
            const h = holds.get(op.holdId)!;
            if (ROUNDS[round].kill === 'commit') h.vanished.push(op.kind); // its batch was never committed
            else h.uncertain = true;
          }
          return;
        }
        op.ack = reply as Op['ack'];
        op.ackAt = Date.now();
        record(op, buyer);
        await Promise.race([sleep(buyer.lingerer ? 80 + r() * 200 : 10 + r() * 50), gone]);
      }

      function pickSeats(n: number): string[] {
        const chosen = new Set<string>();
        while (chosen.size < n) chosen.add(r() < 0.85 ? pick(hot) : pick(allSeats));
        return [...chosen];
      }
    }

    function record(op: Op, buyer: Buyer): void {
      const ack = op.ack!;
      if (op.kind === 'hold') {
        if (ack.ok && 'hold' in ack) {
          holds.set(ack.hold.id, {
            id: ack.hold.id,
            buyer: buyer.index,
            seatIds: ack.hold.seatIds,
            expiresAt: ack.hold.expiresAt,
            extensions: 0,
            state: 'live',
            uncertain: false,
            vanished: [],
            confirmSent: false,
          });
          if (ack.hold.seatIds.join(',') !== op.seatIds!.join(',')) unexpected.push(`hold ${ack.hold.id} has other seats than asked`);
        } else if (!ack.ok && !['seats_unavailable', 'limit_exceeded'].includes(ack.error.code)) {
          unexpected.push(`hold:create → ${ack.error.code}: ${ack.error.message}`);
        }
        return;
      }
      const h = holds.get(op.holdId!)!;
      if (ack.ok) {
        if (op.kind === 'extend' && 'hold' in ack) {
          h.expiresAt = ack.hold.expiresAt;
          h.extensions += 1;
        } else if (op.kind === 'release') h.state = 'released';
        else if (op.kind === 'confirm' && 'order' in ack) {
          h.state = 'confirmed';
          h.order = ack.order;
          if (ack.replayed) unexpected.push(`first confirm of ${h.id} answered replayed`);
        }
        return;
      }
      switch (ack.error.code) {
        case 'hold_expired':
          h.state = 'expired';
          break;
        case 'extend_limit':
          break;
        case 'not_found':
          h.state = 'gone';
          break;
        case 'already_confirmed':
          h.state = 'confirmed';
          h.uncertain = true; // confirmed by an unanswered request; its order is not known here
          break;
        default:
          unexpected.push(`hold:${op.kind} ${h.id} → ${ack.error.code}: ${ack.error.message}`);
      }
    }
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}
