// Backpressure and fairness. 20,000 hold attempts hit demo-arena at once (20
// buyer connections, sent from a separate process: tests/robustness/fixtures/
// flooder.mjs) into a server with MAILBOX_CAPACITY=2000, while buyers who already
// hold seats confirm and release. Asserted:
//   - the mailbox never holds more than its capacity per lane; the overflow is answered `busy` at once
//     (busy answers arrive well before the accepted holds get theirs), with retryAfterMs
//   - confirms and releases sent during the flood go through the high lane: no queued hold is taken
//     between their arrival and their turn, so they overtake the queue and finish promptly
//   - heap growth stays bounded
//   - when the flood stops the server recovers by itself: empty mailbox, a new hold is served quickly
// FLOOD_ATTEMPTS=<n> runs a bigger flood (see docs/reliability.md).
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arenaLayout } from '../../db/demoVenues';
import type { Lane, Mailbox } from '../../server/loop/mailbox';
import { connectBuyer, getJson, request, sleep, startTestServer, type TestServer, type TestSocket } from '../server/helpers';
import { auditStore } from './audit';

const EVENT = 'demo-arena';
const CAPACITY = 2000;
const BATCH = 100;
const ATTEMPTS = Number(process.env.FLOOD_ATTEMPTS ?? 20_000);
const FLOODERS = 20;
/** Timeouts grow with a bigger FLOOD_ATTEMPTS. */
const SCALE = Math.max(1, ATTEMPTS / 20_000);
const PAYERS = 10;
const BUYER = { name: 'Paying Buyer', email: 'payer@example.com' };
const flooderScript = fileURLToPath(new URL('./fixtures/flooder.mjs', import.meta.url));

const seats = arenaLayout().seats.map((s) => s.id);
// The last seats go to the payers (two each) and the post-flood buyer; the flood cycles through the rest.
const payerSeats = (i: number) => [seats[seats.length - 2 - 2 * i], seats[seats.length - 3 - 2 * i]];
const floodPool = seats.slice(0, seats.length - 2 * PAYERS - 1);

interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  min: number;
}
interface FloodSummary {
  byCode: Record<string, number>;
  busyLatency: Stats;
  acceptedLatency: Stats;
  busyAt: Stats;
  acceptedAt: Stats;
  busyBeforeFirstAccepted: number;
  busyWithoutRetryAfter: number;
  totalMs: number;
}

/** Starts the flood sender, connects its buyers, and returns a trigger that fires the flood. */
async function startFlooder(config: { url: string; eventId: string; tokens: string[]; seatIds: string[] }) {
  const child = spawn(process.execPath, [flooderScript], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    messages.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const next = <T>(key: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`flooder: no "${key}" within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      const check = () => {
        const found = messages.find((m) => key in m);
        if (found) {
          clearTimeout(timer);
          resolve(found[key] as T);
        } else waiters.push(check);
      };
      check();
    });
  child.stdin!.write(`${JSON.stringify(config)}\n`);
  await next('ready', 30_000);
  return {
    async go(): Promise<{ sent: Promise<number>; done: Promise<FloodSummary> }> {
      child.stdin!.write('go\n');
      return { sent: next<number>('sent', 60_000 * SCALE), done: next<FloodSummary>('done', 90_000 * SCALE) };
    },
    kill: () => child.kill('SIGKILL'),
  };
}

describe('flood: 20,000 hold attempts at once', () => {
  let server: TestServer;
  const sockets: TestSocket[] = [];
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      MAILBOX_CAPACITY: String(CAPACITY),
      // Small batches: the 2,000 queued holds take ~20 ticks to drain, so overtaking them is observable.
      MAX_BATCH_SIZE: String(BATCH),
      MAX_SEATS_PER_BUYER: '50',
      RATE_LIMIT_SOCKET_PER_SEC: '0',
      RATE_LIMIT_IP_PER_SEC: '0',
      HOLD_TTL_MS: '600000',
      CHECK_INVARIANTS: '0', // production setting: the per-batch full check would dominate a flood
    }, { preventOrphanSeats: false }); // random seat picks: the no-orphan rule is tested elsewhere
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const close of closers) close();
    await server?.stop();
  });

  it(`answers busy fast, keeps the mailbox bounded, serves confirms/releases first, and recovers (${ATTEMPTS} attempts)`, { timeout: 120_000 * SCALE }, async () => {
    const loop = server.registry.get(EVENT)!.loop!;

    // Watch the mailbox from the inside: every offer and take, in order (test-only instrumentation).
    type Env = { command: { type: string }; __seq?: number };
    const mailbox = (loop as unknown as { mailbox: Mailbox<Env> }).mailbox;
    const timeline: { op: 'offer' | 'take'; lane: Lane; seq: number }[] = [];
    let seq = 0;
    let maxLow = 0;
    let maxHigh = 0;
    let rejected = 0;
    const offer = mailbox.offer.bind(mailbox);
    const take = mailbox.take.bind(mailbox);
    mailbox.offer = (lane: Lane, item: Env) => {
      const ok = offer(lane, item);
      if (ok) {
        item.__seq = ++seq;
        timeline.push({ op: 'offer', lane, seq: item.__seq });
        maxLow = Math.max(maxLow, mailbox.depthOf('low'));
        maxHigh = Math.max(maxHigh, mailbox.depthOf('high'));
      } else rejected++;
      return ok;
    };
    mailbox.take = () => {
      const item = take();
      if (item?.__seq !== undefined) timeline.push({ op: 'take', lane: item.command.type === 'hold' ? 'low' : 'high', seq: item.__seq });
      return item;
    };

    // Payers hold seats before the flood; flooders are plain buyers with sessions of their own.
    const payers = await Promise.all(Array.from({ length: PAYERS }, () => connectBuyer(server.url)));
    sockets.push(...payers.map((p) => p.socket));
    const payerHolds = await Promise.all(
      payers.map(async ({ socket }, i) => {
        const ack = await request(socket, 'hold:create', { eventId: EVENT, seatIds: payerSeats(i) });
        if (!ack.ok) throw new Error(JSON.stringify(ack.error));
        return ack.hold;
      }),
    );
    const tokens = await Promise.all(
      Array.from({ length: FLOODERS }, () =>
        fetch(`${server.url}/api/session`, { method: 'POST' }).then(async (r) => ((await r.json()) as { token: string }).token),
      ),
    );
    const flooder = await startFlooder({ url: server.url, eventId: EVENT, tokens, seatIds: Array.from({ length: ATTEMPTS }, (_, n) => floodPool[n % floodPool.length]) });
    closers.push(flooder.kill);

    // Memory and the public depth gauge, sampled while it runs.
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    let depthPeak = 0;
    const sampler = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      depthPeak = Math.max(depthPeak, loop.mailboxDepth);
    }, 5);

    // ---------- the flood ----------
    const { sent, done } = await flooder.go();
    const sendMs = await sent;
    // During the flood: payers confirm or release, half at once, half a little later.
    const highResults: { latencyMs: number; ok: boolean }[] = [];
    const payerOps = payers.map(async ({ socket }, i) => {
      if (i >= PAYERS / 2) await sleep(20);
      const hold = payerHolds[i];
      const t0 = performance.now();
      const ack =
        i % 2 === 0
          ? await request(socket, 'hold:confirm', { holdId: hold.id, buyer: BUYER, idempotencyKey: `flood-pay-${i}-${hold.id}` }, 60_000)
          : await request(socket, 'hold:release', { holdId: hold.id }, 60_000);
      highResults.push({ latencyMs: performance.now() - t0, ok: ack.ok });
    });
    const [flood] = await Promise.all([done, ...payerOps]);
    clearInterval(sampler);

    const { byCode, busyLatency, acceptedLatency } = flood;
    const highMax = Math.max(...highResults.map((r) => r.latencyMs));
    const summary =
      `flood of ${ATTEMPTS} holds (sent in ${sendMs.toFixed(0)} ms, all answered in ${flood.totalMs.toFixed(0)} ms): ${JSON.stringify(byCode)}; ` +
      `busy answered p50 ${busyLatency.p50.toFixed(0)} / p99 ${busyLatency.p99.toFixed(0)} ms, ` +
      `accepted p50 ${acceptedLatency.p50.toFixed(0)} / p99 ${acceptedLatency.p99.toFixed(0)} ms; ` +
      `${flood.busyBeforeFirstAccepted} busy answers came before the first accepted one; ` +
      `confirm/release max ${highMax.toFixed(0)} ms; mailbox peak low ${maxLow} high ${maxHigh} (sampled ${depthPeak}); ` +
      `heap +${((heapPeak - heapBefore) / 1e6).toFixed(0)} MB`;
    console.info(summary);

    // Bounded: the low lane never held more than its capacity; the overflow was refused, not queued.
    expect(maxLow).toBeLessThanOrEqual(CAPACITY);
    expect(maxHigh).toBeLessThanOrEqual(CAPACITY);
    expect(depthPeak).toBeLessThanOrEqual(2 * CAPACITY);
    expect(byCode.busy, summary).toBeGreaterThan(0);
    expect(rejected).toBe(byCode.busy);
    expect(flood.busyWithoutRetryAfter).toBe(0);
    // Nothing else went wrong (seats_unavailable only when a bigger FLOOD_ATTEMPTS reuses seats).
    expect((byCode.ok ?? 0) + (byCode.limit_exceeded ?? 0) + (byCode.seats_unavailable ?? 0) + byCode.busy).toBe(ATTEMPTS);
    expect(byCode.ok).toBeGreaterThan(0); // accepted work was done meanwhile
    // Busy answers come at once: their median is well under the accepted holds' median.
    expect(busyLatency.p50, summary).toBeLessThan(acceptedLatency.p50);

    // The high lane: no queued hold was taken between a confirm/release's arrival and its turn...
    const offeredAt = new Map<number, number>();
    timeline.forEach((e, i) => {
      if (e.op === 'offer') offeredAt.set(e.seq, i);
    });
    const taken = new Set<number>();
    const queuedLow = new Set<number>();
    const jumped: number[] = [];
    timeline.forEach((e) => {
      if (e.op === 'offer') {
        if (e.lane === 'low') queuedLow.add(e.seq);
        else jumped.push(queuedLow.size); // holds waiting when it arrived...
        return;
      }
      taken.add(e.seq);
      queuedLow.delete(e.seq);
    });
    timeline.forEach((e, i) => {
      if (e.op !== 'take' || e.lane !== 'high') return;
      const overtaken = timeline.slice(offeredAt.get(e.seq)! + 1, i).filter((x) => x.op === 'take' && x.lane === 'low').length;
      expect(overtaken, `holds taken ahead of high-lane command #${e.seq}`).toBe(0); // ...all of which it overtook
    });
    expect(jumped.length).toBe(PAYERS);
    console.info(`confirm/release commands arrived behind ${jumped.join(', ')} queued holds and overtook them all`);
    expect(Math.max(...jumped), 'a confirm/release arrived while holds were queued').toBeGreaterThan(0);
    // ...so they all succeeded, promptly.
    expect(highResults.every((r) => r.ok)).toBe(true);
    expect(highMax, summary).toBeLessThan(Math.max(2000, acceptedLatency.p90));

    // Memory stayed bounded.
    expect(heapPeak - heapBefore).toBeLessThan(200 * 1024 * 1024);

    // ---------- recovery, by itself ----------
    const deadline = Date.now() + 10_000;
    while (loop.mailboxDepth > 0 && Date.now() < deadline) await sleep(20);
    expect(loop.mailboxDepth).toBe(0);
    const fresh = await connectBuyer(server.url);
    sockets.push(fresh.socket);
    const t0 = performance.now();
    const normal = await request(fresh.socket, 'hold:create', { eventId: EVENT, seatIds: [seats[seats.length - 1]] });
    const normalMs = performance.now() - t0;
    expect(normal.ok).toBe(true);
    expect(normalMs).toBeLessThan(1000);
    const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/seatline_mailbox_depth\{event="demo-arena"\} 0/);
    expect(metrics).toMatch(/seatline_commands_total\{type="hold",outcome="busy"\} [1-9]/);
    const availability = await getJson<{ seats: Record<string, string> }>(`${server.url}/api/events/${EVENT}/availability`);
    const statuses = Object.values(availability.body.seats);
    expect(statuses.filter((s) => s === 'held').length).toBe(byCode.ok + 1); // the flood's holds + the fresh one
    expect(statuses.filter((s) => s === 'sold').length).toBe(PAYERS); // 5 confirms × 2 seats; the releases freed theirs
    expect((await auditStore(server.store)).violations).toEqual([]);
  });
});
