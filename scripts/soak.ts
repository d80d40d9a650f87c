// Soak test (not in CI): a real server in its own process on a temp database,
// mixed buyer traffic for a configurable time, then an audit.
//
//   npm run soak                                   # 2 minutes, 100 clients
//   npm run soak -- --minutes 10 --clients 200     # the documented run (docs/reliability.md)
//
// Options: --minutes N  --clients N  --ttl-ms N (hold TTL, default 5000 so holds expire)
//          --think-ms N (mean pause between a client's operations, default 300)
//          --seed N  --event ID (default demo-arena)  --report FILE (JSON copy of the report)
//          --check-invariants (server checks every invariant after each batch; slower)
//
// Traffic per client: hold 60 %, confirm 20 %, release 10 %, extend 5 %, join/read 5 %
// (a confirm/release/extend with no live hold of its own becomes a hold). An organizer
// cancels the oldest orders whenever more than half the event is sold, so the run never
// sells out. Every 5 s the server's RSS, heap, event-loop lag and mailbox depth are
// sampled from /metrics; every 60 s storage is audited on a consistent snapshot. At the
// end: the full audit (no double sale, held/sold/available reconcile, the audit log
// replays to the seat states, every acked order is stored) and availability == storage.
// (Mid-run audits run in a child process so they cannot stall the clients.)
// Prints the report and exits 1 on any invariant violation, unexpected error code,
// unanswered request, or a server crash.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { seatChangesOf, seatStatusesOf, updateAction, type HoldView, type OrderView } from '../lib/protocol';
import { connectBuyer, layoutOf, request, seededRandom, sleep, startChildServer, tempDir, type ChildServer, type TestSocket } from '../tests/server/helpers';
import { auditDatabaseFile, availabilityAgrees, type AuditResult } from '../tests/robustness/audit';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    clients: { type: 'string', default: '100' },
    'ttl-ms': { type: 'string', default: '5000' },
    'think-ms': { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    event: { type: 'string', default: 'demo-arena' },
    report: { type: 'string' },
    'check-invariants': { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

const MINUTES = Number(args.minutes);
const CLIENTS = Number(args.clients);
const TTL_MS = Number(args['ttl-ms']);
const THINK_MS = Number(args['think-ms']);
const SEED = Number(args.seed);
const EVENT = args.event!;
const ADMIN_PASSWORD = `soak-${randomBytes(12).toString('hex')}`;
const BUYER = { name: 'Soak Buyer', email: 'soak@example.com' };
const MAX_SEATS = 8;
const ACK_TIMEOUT_MS = 30_000;

type Op = 'hold' | 'confirm' | 'release' | 'extend' | 'join' | 'read';
const MIX: [Op | 'joinread', number][] = [
  ['hold', 0.6],
  ['confirm', 0.2],
  ['release', 0.1],
  ['extend', 0.05],
  ['joinread', 0.05],
];
/** Codes that are normal outcomes of a race or a limit; anything else is an anomaly. */
const EXPECTED: Record<Op, string[]> = {
  hold: ['ok', 'seats_unavailable', 'limit_exceeded'],
  confirm: ['ok', 'hold_expired'],
  release: ['ok', 'hold_expired'],
  extend: ['ok', 'hold_expired', 'extend_limit'],
  join: ['ok'],
  read: ['ok'],
};

const latencies: Record<Op, number[]> = { hold: [], confirm: [], release: [], extend: [], join: [], read: [] };
const outcomes: Record<Op, Record<string, number>> = { hold: {}, confirm: {}, release: {}, extend: {}, join: {}, read: {} };
const anomalies: string[] = [];
const ackedOrders: { id: string; at: number }[] = [];
let cancelledOrders = 0;
const cancelledIds: string[] = [];
/** Seats sold (or blocked) in the event, as last seen by the organizer. */
let soldNow = 0;
let stopping = false;

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

function record(op: Op, code: string, ms: number): void {
  latencies[op].push(ms);
  outcomes[op][code] = (outcomes[op][code] ?? 0) + 1;
  if (!EXPECTED[op].includes(code) && anomalies.length < 200) anomalies.push(`${op} → ${code}`);
}

// ---------- what buyers see: one shared live seat map ----------

/** A random-pick set: O(1) add, remove and pick. */
class PickSet {
  private readonly items: string[] = [];
  private readonly index = new Map<string, number>();
  get size(): number {
    return this.items.length;
  }
  add(id: string): void {
    if (this.index.has(id)) return;
    this.index.set(id, this.items.length);
    this.items.push(id);
  }
  delete(id: string): void {
    const i = this.index.get(id);
    if (i === undefined) return;
    const last = this.items.pop()!;
    if (last !== id) {
      this.items[i] = last;
      this.index.set(last, i);
    }
    this.index.delete(id);
  }
  pick(r: () => number): string | undefined {
    return this.items[Math.floor(r() * this.items.length)];
  }
}

/**
 * The seat map as a buyer's browser shows it, kept by ONE viewer socket (snapshot + versioned
 * deltas, refetched on a gap) and shared by all clients, so they pick seats that look available —
 * as people clicking a map do — instead of mostly hitting sold ones. It lags the server a little,
 * so clients still collide (seats_unavailable), like real buyers.
 */
class SharedView {
  readonly available = new PickSet();
  readonly hotAvailable = new PickSet();
  private version = -1;
  private socket: TestSocket | null = null;
  private url = '';
  private layoutKey = '';
  private seatIds: string[] = [];

  constructor(private readonly hot: Set<string>) {}

  async start(url: string): Promise<void> {
    this.url = url;
    this.socket = (await connectBuyer(url)).socket;
    this.socket.on('seats:update', (u) => {
      if (u.eventId !== EVENT) return;
      const action = updateAction(this.version, u);
      if (action === 'ignore') return;
      const changes = action === 'apply' ? seatChangesOf(u.delta, this.seatIds) : null;
      if (!changes) return void this.join();
      for (const c of changes) this.set(c.seatId, c.status);
      this.version = u.version;
    });
    await this.join();
  }

  stop(): void {
    this.socket?.close();
  }

  private async join(): Promise<void> {
    const ack = await request(this.socket!, 'event:join', { eventId: EVENT }, ACK_TIMEOUT_MS);
    if (!ack.ok || ack.version < this.version) return;
    // Statuses come in layout order: fetch the seat ids whenever the layout is not the one we have.
    if (ack.layoutKey !== this.layoutKey) ({ layoutKey: this.layoutKey, seatIds: this.seatIds } = await layoutOf(this.url, EVENT));
    const seats = seatStatusesOf(ack.statuses, this.seatIds);
    if (!seats) return;
    this.version = ack.version;
    for (const [seatId, status] of Object.entries(seats)) this.set(seatId, status);
  }

  private set(seatId: string, status: string): void {
    if (status === 'available') {
      this.available.add(seatId);
      if (this.hot.has(seatId)) this.hotAvailable.add(seatId);
    } else {
      this.available.delete(seatId);
      this.hotAvailable.delete(seatId);
    }
  }
}

// ---------- one buyer ----------

async function runClient(index: number, url: string, view: SharedView): Promise<void> {
  const r = seededRandom(SEED * 100_003 + index);
  const { socket } = await connectBuyer(url);
  const holds = new Map<string, HoldView>();
  socket.on('hold:expired', (n) => holds.delete(n.holdId));
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const timed = async <T>(op: Op, fn: () => Promise<T>, codeOf: (t: T) => string): Promise<T | null> => {
    const t0 = performance.now();
    try {
      const result = await fn();
      record(op, codeOf(result), performance.now() - t0);
      return result;
    } catch (error) {
      record(op, `no answer (${(error as Error).message})`, performance.now() - t0);
      return null;
    }
  };
  try {
    await sleep(r() * 2 * THINK_MS); // spread the start
    while (!stopping) {
      const now = Date.now();
      for (const [id, h] of holds) if (h.expiresAt <= now) holds.delete(id);
      const live = [...holds.values()].filter((h) => h.expiresAt > now + 300);
      const heldSeats = [...holds.values()].reduce((n, h) => n + h.seatIds.length, 0);
      let x = r();
      let choice: Op | 'joinread' = 'hold';
      for (const [op, weight] of MIX) {
        if (x < weight) {
          choice = op;
          break;
        }
        x -= weight;
      }
      if ((choice === 'confirm' || choice === 'release' || choice === 'extend') && live.length === 0) choice = 'hold';

      if (choice === 'hold') {
        const n = Math.min(1 + Math.floor(r() * 4), Math.max(1, MAX_SEATS - heldSeats));
        const wanted = new Set<string>();
        for (let tries = 0; wanted.size < n && tries < 4 * n; tries++) {
          const seat = r() < 0.3 && view.hotAvailable.size > 0 ? view.hotAvailable.pick(r) : view.available.pick(r);
          if (seat) wanted.add(seat);
        }
        if (wanted.size === 0) {
          await sleep(THINK_MS);
          continue;
        }
        const ack = await timed('hold', () => request(socket, 'hold:create', { eventId: EVENT, seatIds: [...wanted] }, ACK_TIMEOUT_MS), (a) => (a.ok ? 'ok' : a.error.code));
        if (ack?.ok) holds.set(ack.hold.id, ack.hold);
      } else if (choice === 'confirm') {
        const h = pick(live);
        const ack = await timed(
          'confirm',
          () => request(socket, 'hold:confirm', { holdId: h.id, buyer: BUYER, idempotencyKey: `soak-${h.id}` }, ACK_TIMEOUT_MS),
          (a) => (a.ok ? 'ok' : a.error.code),
        );
        if (ack) holds.delete(h.id);
        if (ack?.ok) ackedOrders.push({ id: (ack.order as OrderView).id, at: Date.now() });
      } else if (choice === 'release') {
        const h = pick(live);
        const ack = await timed('release', () => request(socket, 'hold:release', { holdId: h.id }, ACK_TIMEOUT_MS), (a) => (a.ok ? 'ok' : a.error.code));
        if (ack) holds.delete(h.id);
      } else if (choice === 'extend') {
        const h = pick(live);
        const ack = await timed('extend', () => request(socket, 'hold:extend', { holdId: h.id }, ACK_TIMEOUT_MS), (a) => (a.ok ? 'ok' : a.error.code));
        if (ack?.ok) holds.set(h.id, ack.hold);
      } else if (r() < 0.5) {
        await timed('join', () => request(socket, 'event:join', { eventId: EVENT }, ACK_TIMEOUT_MS), (a) => (a.ok ? 'ok' : a.error.code));
      } else {
        await timed(
          'read',
          async () => {
            const res = await fetch(`${url}/api/events`);
            await res.arrayBuffer();
            return res.status;
          },
          (status) => (status === 200 ? 'ok' : `http ${status}`),
        );
      }
      await sleep(r() * 2 * THINK_MS);
    }
  } finally {
    socket.close();
  }
}

// ---------- the organizer: keeps the event from selling out ----------

async function runOrganizer(url: string, capacity: number): Promise<void> {
  const login = async () => {
    const res = await fetch(`${url}/api/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: ADMIN_PASSWORD }) });
    return ((await res.json()) as { token: string }).token;
  };
  let token = await login();
  while (!stopping) {
    await sleep(2000);
    const events = (await (await fetch(`${url}/api/events`)).json()) as { events: { id: string; counts: { sold: number } }[] };
    const sold = events.events.find((e) => e.id === EVENT)?.counts.sold ?? 0;
    soldNow = sold;
    if (sold < capacity / 2) continue;
    // Cancel the oldest orders until about a third is sold (32 at a time).
    let toFree = sold - Math.floor(capacity / 3);
    while (toFree > 0 && ackedOrders.length > 0 && !stopping) {
      const batch = ackedOrders.splice(0, 32);
      const results = await Promise.all(
        batch.map(async (o) => {
          const res = await fetch(`${url}/api/admin/orders/${o.id}/cancel`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ reason: 'soak: recycle seats' }),
          });
          const body = (await res.json()) as { ok: boolean; cancelledSeatIds?: string[]; error?: { code: string } };
          if (res.status === 401) token = await login();
          if (!body.ok) anomalies.push(`cancel ${o.id} → ${body.error?.code}`);
          return body.ok ? (body.cancelledSeatIds?.length ?? 1) : 0;
        }),
      );
      cancelledOrders += results.filter((n) => n > 0).length;
      toFree -= results.reduce((a, b) => a + b, 0);
      cancelledIds.push(...batch.map((o) => o.id));
    }
  }
}

// ---------- server samples ----------

interface Sample {
  t: number;
  rssMb: number;
  heapMb: number;
  lagP99Ms: number;
  depth: number;
  clientRssMb: number;
  sold: number;
}

function metric(text: string, name: string, labels = ''): number {
  const re = new RegExp(`^${name}${labels.replace(/[{}"]/g, (c) => `\\${c}`)}\\s+([0-9.eE+-]+)$`, 'm');
  const m = re.exec(text);
  return m ? Number(m[1]) : NaN;
}

async function sample(url: string, startedAt: number): Promise<Sample> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    t: Math.round((Date.now() - startedAt) / 1000),
    rssMb: metric(text, 'seatline_process_resident_memory_bytes') / 1e6,
    heapMb: metric(text, 'seatline_nodejs_heap_size_used_bytes') / 1e6,
    lagP99Ms: metric(text, 'seatline_nodejs_eventloop_lag_p99_seconds') * 1000,
    depth: metric(text, 'seatline_mailbox_depth', `{event="${EVENT}"}`),
    clientRssMb: process.memoryUsage().rss / 1e6,
    sold: soldNow,
  };
}

const auditModule = new URL('../tests/robustness/audit.ts', import.meta.url).href;

/** auditDatabaseFile() in a separate process (same code), returning its result. */
function auditInChild(dbPath: string): Promise<AuditResult> {
  const code = `const { auditDatabaseFile } = await import(${JSON.stringify(auditModule)}); process.stdout.write(JSON.stringify(await auditDatabaseFile(process.argv[1])));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', code, dbPath], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as AuditResult);
      } catch (parseError) {
        reject(parseError as Error);
      }
    });
  });
}

// ---------- main ----------

async function main(): Promise<number> {
  const dir = tempDir('seatline-soak-');
  const dbPath = join(dir, 'soak.db');
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`soak: ${MINUTES} min, ${CLIENTS} clients, hold TTL ${TTL_MS} ms, think ${THINK_MS} ms, seed ${SEED}, event ${EVENT}`);
  console.log(`machine: ${machine}; load average ${loadAtStart}`);

  let server: ChildServer | null = null;
  let serverDied = false;
  const violations: string[] = [];
  const midRunAudits: { t: number; ms: number; violations: number }[] = [];
  const samples: Sample[] = [];
  try {
    server = await startChildServer({
      DATABASE_PATH: dbPath,
      HOLD_TTL_MS: String(TTL_MS),
      SQLITE_SYNCHRONOUS: 'FULL',
      RATE_LIMIT_IP_PER_SEC: '0', // every client shares 127.0.0.1 here
      CHECK_INVARIANTS: args['check-invariants'] ? '1' : '0',
      ADMIN_PASSWORD,
      MAX_SEATS_PER_BUYER: String(MAX_SEATS),
    });
    const url = server.url;
    const child = server;
    void child.exited.then(({ code, signal }) => {
      if (stopping) return;
      serverDied = true;
      stopping = true;
      violations.push(`server exited during the run (code ${code}, signal ${signal})\n${child.stderr()}`);
    });
    const detail = (await (await fetch(`${url}/api/events/${EVENT}`)).json()) as { event: { seats: { id: string; section: string }[]; capacity: number } };
    const hot = new Set(detail.event.seats.slice(0, Math.max(200, Math.floor(detail.event.seats.length / 20))).map((s) => s.id));
    const view = new SharedView(hot);
    await view.start(url);

    const startedAt = Date.now();
    samples.push(await sample(url, startedAt));
    const sampler = setInterval(() => {
      sample(url, startedAt).then(
        (s) => {
          samples.push(s);
          if (s.t % 60 < 5) process.stdout.write(`  t=${s.t}s rss ${s.rssMb.toFixed(0)} MB heap ${s.heapMb.toFixed(0)} MB lag p99 ${s.lagP99Ms.toFixed(1)} ms depth ${s.depth} ops ${Object.values(latencies).reduce((n, l) => n + l.length, 0)}\n`);
        },
        () => undefined,
      );
    }, 5000);
    // Mid-run audits run in a child process: a multi-second synchronous audit here would stall every client.
    let auditing: Promise<void> = Promise.resolve();
    const auditor = setInterval(() => {
      auditing = auditing.then(async () => {
        const t = Math.round((Date.now() - startedAt) / 1000);
        const t0 = performance.now();
        try {
          const result = await auditInChild(dbPath);
          midRunAudits.push({ t, ms: Math.round(performance.now() - t0), violations: result.violations.length });
          for (const v of result.violations) violations.push(`mid-run audit at ${t}s: ${v}`);
        } catch (error) {
          violations.push(`mid-run audit at ${t}s failed: ${(error as Error).message}`);
        }
      });
    }, 60_000);

    const clients = Array.from({ length: CLIENTS }, (_, i) => runClient(i, url, view));
    const organizer = runOrganizer(url, detail.event.capacity);
    const stopAfter = sleep(MINUTES * 60_000);
    const interrupted = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await Promise.race([stopAfter, interrupted]);
    stopping = true;
    await Promise.allSettled([...clients, organizer]);
    view.stop();
    clearInterval(sampler);
    clearInterval(auditor);
    await auditing;
    const durationS = (Date.now() - startedAt) / 1000;
    samples.push(await sample(url, startedAt));

    // ---------- the final audit ----------
    // Let every remaining hold run out: the server must expire them all by itself.
    await sleep(TTL_MS + 2000);
    const audit: AuditResult = await auditDatabaseFile(dbPath);
    const stillHeld = audit.stats.events[EVENT]?.held ?? 0;
    if (stillHeld > 0) violations.push(`${stillHeld} seats still held ${TTL_MS + 2000} ms after the last request (TTL ${TTL_MS} ms)`);
    for (const v of audit.violations) violations.push(v);
    for (const eventId of ['demo-theatre', 'demo-arena']) {
      for (const d of await availabilityAgrees(url, dbPath, eventId)) violations.push(`availability of ${eventId}: ${d}`);
    }
    const db = new Database(dbPath, { readonly: true });
    let missingOrders = 0;
    const dbCounts = db
      .prepare(
        `SELECT
           (SELECT COUNT(*) FROM holds WHERE event_id = @e) AS holds,
           (SELECT COUNT(*) FROM holds WHERE event_id = @e AND status = 'expired') AS expired,
           (SELECT COUNT(*) FROM holds WHERE event_id = @e AND status = 'released') AS released,
           (SELECT COUNT(*) FROM holds WHERE event_id = @e AND status = 'confirmed') AS confirmed,
           (SELECT COUNT(*) FROM holds WHERE event_id = @e AND status = 'active') AS active,
           (SELECT COUNT(*) FROM orders WHERE event_id = @e) AS orders,
           (SELECT COUNT(*) FROM tickets WHERE event_id = @e) AS tickets,
           (SELECT COUNT(*) FROM tickets WHERE event_id = @e AND status = 'cancelled') AS cancelledTickets,
           (SELECT COUNT(*) FROM audit_log WHERE event_id = @e) AS auditRows`,
      )
      .get({ e: EVENT }) as Record<string, number>;
    const orderExists = db.prepare('SELECT 1 FROM orders WHERE id = ?');
    for (const id of [...ackedOrders.map((o) => o.id), ...cancelledIds]) if (!orderExists.get(id)) missingOrders++;
    db.close();
    if (missingOrders > 0) violations.push(`${missingOrders} acked orders are not stored`);
    for (const op of Object.keys(outcomes) as Op[]) {
      const unanswered = Object.entries(outcomes[op]).filter(([code]) => code.startsWith('no answer'));
      for (const [code, n] of unanswered) violations.push(`${op}: ${n} × ${code}`);
    }
    const unexpected = anomalies.filter((a) => !a.includes('no answer'));
    if (unexpected.some((a) => /internal|invalid_request|not_hold_owner|storage_unavailable/.test(a))) {
      violations.push(`unexpected error codes: ${[...new Set(unexpected)].slice(0, 10).join(', ')}`);
    }

    // ---------- the report ----------
    const lines: string[] = [];
    const totalOps = Object.values(latencies).reduce((n, l) => n + l.length, 0);
    lines.push('', `=== soak report: ${durationS.toFixed(0)} s, ${CLIENTS} clients, ${totalOps} operations (${(totalOps / durationS).toFixed(0)}/s) ===`);
    lines.push(`machine: ${machine}; load average at start ${loadAtStart}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    lines.push('', 'operations (client round trip, ms):');
    lines.push('  op        count     p50     p95     p99     max   outcomes');
    for (const op of Object.keys(latencies) as Op[]) {
      const s = [...latencies[op]].sort((a, b) => a - b);
      if (s.length === 0) continue;
      const f = (n: number) => n.toFixed(1).padStart(7);
      lines.push(`  ${op.padEnd(8)} ${String(s.length).padStart(6)} ${f(percentile(s, 50))} ${f(percentile(s, 95))} ${f(percentile(s, 99))} ${f(s[s.length - 1])}   ${JSON.stringify(outcomes[op])}`);
    }
    lines.push('', `storage (${EVENT}): holds created ${dbCounts.holds}, sold ${dbCounts.confirmed} holds → ${dbCounts.orders} orders / ${dbCounts.tickets} tickets, ` +
      `released ${dbCounts.released}, expired ${dbCounts.expired}, still active ${dbCounts.active}; organizer cancelled ${cancelledOrders} orders (${dbCounts.cancelledTickets} tickets); audit rows ${dbCounts.auditRows}`);
    lines.push(`final counts: ${JSON.stringify(audit.stats.events[EVENT])}`);
    const rss = samples.map((s) => s.rssMb).filter(Number.isFinite);
    const half = samples.slice(Math.floor(samples.length / 2));
    lines.push('', `server RSS (MB) every 5 s: min ${Math.min(...rss).toFixed(0)}, max ${Math.max(...rss).toFixed(0)}, start ${rss[0]?.toFixed(0)}, end ${rss.at(-1)?.toFixed(0)}; ` +
      `second half ${half[0]?.rssMb.toFixed(0)} → ${half.at(-1)?.rssMb.toFixed(0)}`);
    const every = Math.max(1, Math.round(samples.length / 20));
    lines.push('  t(s)   rss(MB)  heap(MB)  lag p99(ms)  mailbox  client rss(MB)   sold');
    samples.forEach((s, i) => {
      if (i % every === 0 || i === samples.length - 1) {
        lines.push(`  ${String(s.t).padStart(4)}  ${s.rssMb.toFixed(0).padStart(8)}  ${s.heapMb.toFixed(0).padStart(8)}  ${s.lagP99Ms.toFixed(1).padStart(11)}  ${String(s.depth).padStart(7)}  ${s.clientRssMb.toFixed(0).padStart(13)}  ${String(s.sold).padStart(6)}`);
      }
    });
    lines.push('', `mid-run audits: ${midRunAudits.map((a) => `t=${a.t}s ${a.ms} ms ${a.violations} violations`).join('; ') || 'none (run shorter than a minute)'}`);
    if (anomalies.length) lines.push(`anomalies (not violations): ${[...new Set(anomalies)].slice(0, 20).join(', ')}`);
    lines.push('', violations.length ? `INVARIANT VIOLATIONS (${violations.length}):\n  ${violations.slice(0, 50).join('\n  ')}` : 'invariant violations: none');
    console.log(lines.join('\n'));
    if (args.report) {
      writeFileSync(
        args.report,
        JSON.stringify(
          { machine, minutes: MINUTES, clients: CLIENTS, ttlMs: TTL_MS, thinkMs: THINK_MS, seed: SEED, durationS, outcomes, samples, midRunAudits, dbCounts, finalCounts: audit.stats, violations, anomalies, cancelledOrders,
            latency: Object.fromEntries((Object.keys(latencies) as Op[]).map((op) => { const s = [...latencies[op]].sort((a, b) => a - b); return [op, { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) }]; })) },
          null,
          2,
        ),
      );
    }
    return violations.length || serverDied ? 1 : 0;
  } finally {
    stopping = true;
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
