// A load-generator process: many real socket.io-client connections (own
// buyer session each, websocket transport only) driven over IPC by the
// parent. It never shares the server's event loop (it does share the CPU).
//   connect → { count }         open `count` sockets (bounded concurrency)
//   join    → { eventId }       every socket joins the event (seat snapshot)
//   holds   → { … }             hold → release churn, closed or open loop
//   view    → { durationMs }    count seats:update frames, keep receipt times
//   staleness → { commits }     receipt − commit time of the recorded frames
//   http-join → { count }       new sessions, then each joins an event's waiting room over HTTP
//   queue-join                  every light viewer joins the event's waiting room (queue:join)
//   queue-view-start / -end     count queue:update frames and their lag behind the server's send time
import { performance } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import type { JoinAck, SeatsUpdate } from '../lib/protocol';
import { LightViewer } from './lightViewer';
import { Reservoir } from './stats';
import { makeWorkload, type WorkloadName } from './workloads';

const EVENT = 'demo-arena';
const wallNow = () => performance.timeOrigin + performance.now();
const sockets: Socket[] = [];
const viewers: LightViewer[] = [];
let viewerSeq = 0; // a worker runs either socket.io-client sockets or light viewers
let viewing: { frames: number; changes: number; perSocket: Uint32Array; receipts: number[]; gaps: number } | null = null;
let queueViewing: { frames: number; perSocket: Uint32Array; lag: Reservoir; servings: Set<number> } | null = null;

async function pool<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

function recordFrame(index: number, fromVersion: number, version: number, changes: number): void {
  if (!viewing) return;
  viewing.frames++;
  viewing.changes += changes;
  viewing.perSocket[index]++;
  // Receipt times of every 10th viewer: enough for p99, bounded in memory. A frame that merges
  // several versions is the receipt of each of them (the earliest commit is the stalest).
  if (index % 10 === 0 && viewing.receipts.length < 4_000_000) {
    const at = wallNow();
    for (let v = Math.max(fromVersion, version - 1000); v <= version; v++) viewing.receipts.push(v, at);
  }
}

function recordQueueUpdate(index: number, sentAt: number, serving: number): void {
  if (!queueViewing) return;
  queueViewing.frames++;
  queueViewing.perSocket[index]++;
  queueViewing.lag.add(Date.now() - sentAt);
  queueViewing.servings.add(serving);
}

/** Seat changes in a delta string: one status code ('a', 'h', 's') each. */
const changesIn = (delta: string): number => delta.length - delta.replace(/[ahs]/g, '').length;

async function newToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, { method: 'POST' });
  return ((await res.json()) as { token: string }).token;
}

/** Light viewers (see lightViewer.ts); every 10th counts the changes in its frames. */
async function openViewers(url: string, count: number): Promise<{ connected: number; failed: number; ms: number }> {
  const started = performance.now();
  let failed = 0;
  await pool(Array.from({ length: count }), 64, async () => {
    const index = viewerSeq++;
    const viewer = new LightViewer(index, recordFrame, index % 10 === 0, recordQueueUpdate);
    try {
      await viewer.connect(url, await newToken(url));
      viewers.push(viewer);
    } catch {
      failed++;
      viewer.close();
    }
  });
  return { connected: viewers.length, failed, ms: performance.now() - started };
}

async function openSockets(url: string, count: number): Promise<{ connected: number; failed: number; ms: number }> {
  const started = performance.now();
  let failed = 0;
  await pool(Array.from({ length: count }), 64, async () => {
    try {
      const token = await newToken(url);
      const socket = connect(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000 });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(err));
      });
      const index = sockets.push(socket) - 1;
      socket.on('seats:update', (update: SeatsUpdate) => recordFrame(index, update.fromVersion, update.version, changesIn(update.delta)));
    } catch {
      failed++;
    }
  });
  return { connected: sockets.length, failed, ms: performance.now() - started };
}

function ack<T>(socket: Socket, event: string, payload: unknown, timeoutMs = 30_000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

async function joinAll(eventId: string): Promise<{ joined: number; ms: number; snapshotSeats: number }> {
  const started = performance.now();
  let joined = 0;
  let snapshotSeats = 0;
  await pool(sockets, 16, async (socket) => {
    const reply = await ack<JoinAck>(socket, 'event:join', { eventId }, 120_000).catch(() => null);
    if (reply?.ok) {
      joined++;
      snapshotSeats = reply.statuses.length;
    }
  });
  await pool(viewers, 32, async (viewer) => {
    const frame = await viewer.emit('event:join', { eventId }).catch(() => null);
    if (frame?.toString('latin1', 0, 40).includes('"ok":true')) joined++;
  });
  return { joined, ms: performance.now() - started, snapshotSeats };
}

/** New visitors: `count` sessions, then each joins the event's waiting room over HTTP (POST /api/events/:id/queue). */
async function httpJoins(url: string, eventId: string, count: number, concurrency: number) {
  const sessionsStarted = performance.now();
  const tokens = await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      const mine: string[] = [];
      for (let i = lane; i < count; i += concurrency) mine.push(await newToken(url));
      return mine;
    }),
  ).then((lanes) => lanes.flat());
  const sessionsMs = performance.now() - sessionsStarted;
  const latency = new Reservoir(50_000, 3);
  const states: Record<string, number> = {};
  let failed = 0;
  const joinStarted = performance.now();
  await pool(tokens, concurrency, async (token) => {
    const sent = performance.now();
    try {
      const res = await fetch(`${url}/api/events/${eventId}/queue`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const body = (await res.json()) as { ok: boolean; state?: string; error?: { code: string } };
      latency.add(performance.now() - sent);
      const key = body.ok ? (body.state ?? 'ok') : `error:${body.error?.code ?? res.status}`;
      states[key] = (states[key] ?? 0) + 1;
      if (!body.ok) failed++;
    } catch {
      failed++;
    }
  });
  return { sessions: tokens.length, sessionsMs, joinMs: performance.now() - joinStarted, failed, states, latency: { samples: latency.samples, seen: latency.seen, max: latency.max } };
}

/** Every light viewer joins the event's waiting room (and with it the room's queue:update broadcasts). */
async function queueJoins(eventId: string): Promise<{ joined: number; failed: number; ms: number }> {
  const started = performance.now();
  let joined = 0;
  let failed = 0;
  await pool(viewers, 32, async (viewer) => {
    const frame = await viewer.emit('queue:join', { eventId }).catch(() => null);
    if (frame?.toString('latin1', 0, 40).includes('"ok":true')) joined++;
    else failed++;
  });
  return { joined, failed, ms: performance.now() - started };
}

interface HoldSpec {
  durationMs: number;
  /** Sockets to use (the first n); default all. */
  sockets?: number;
  /** closed: one request in flight per socket. open: holds at `ratePerSocket`/s each, whatever is in flight. */
  mode: 'closed' | 'open';
  ratePerSocket?: number;
  workload: WorkloadName;
  seed: number;
  /** Events to hold on (socket i uses eventIds[i % n]; every one must have the arena's seats); default the demo arena. */
  eventIds?: string[];
}

async function holds(spec: HoldSpec) {
  const intents = makeWorkload(spec.workload, 50_000, spec.seed).intents;
  const latency = new Reservoir(50_000, spec.seed);
  const users = sockets.slice(0, spec.sockets ?? sockets.length);
  const counts = { holdAcks: 0, holdsOk: 0, releases: 0, timeouts: 0, failures: {} as Record<string, number> };
  let cursor = spec.seed * 7919;
  const started = performance.now();
  const deadline = started + spec.durationMs;
  let inFlight = 0;

  const eventIds = spec.eventIds?.length ? spec.eventIds : [EVENT];
  const once = async (socket: Socket, eventId: string) => {
    const intent = intents[cursor++ % intents.length];
    const sent = performance.now();
    inFlight++;
    try {
      const reply = await ack<{ ok: boolean; hold?: { id: string }; error?: { code: string } }>(socket, 'hold:create', { eventId, seatIds: intent.seatIds });
      latency.add(performance.now() - sent);
      counts.holdAcks++;
      if (reply.ok && reply.hold) {
        counts.holdsOk++;
        const released = await ack<{ ok: boolean }>(socket, 'hold:release', { holdId: reply.hold.id });
        if (released.ok) counts.releases++;
      } else {
        const code = reply.error?.code ?? 'unknown';
        counts.failures[code] = (counts.failures[code] ?? 0) + 1;
      }
    } catch {
      counts.timeouts++;
    } finally {
      inFlight--;
    }
  };

  if (spec.mode === 'closed') {
    await Promise.all(
      users.map(async (socket, i) => {
        while (performance.now() < deadline) await once(socket, eventIds[i % eventIds.length]);
      }),
    );
  } else {
    const intervalMs = 1000 / (spec.ratePerSocket ?? 1);
    await Promise.all(
      users.map(async (socket, i) => {
        // Spread the sockets' phases evenly over one interval.
        let at = started + (i / users.length) * intervalMs;
        const mine: Promise<void>[] = [];
        while (at < deadline) {
          const wait = at - performance.now();
          if (wait > 1) await new Promise((r) => setTimeout(r, wait));
          mine.push(once(socket, eventIds[i % eventIds.length]));
          at += intervalMs;
        }
        await Promise.all(mine);
      }),
    );
  }
  const elapsedMs = performance.now() - started;
  return { ...counts, elapsedMs, inFlightAtEnd: inFlight, latency: { samples: latency.samples, seen: latency.seen, max: latency.max } };
}

process.on('message', (raw) => {
  const msg = raw as Record<string, unknown> & { type: string; id: number };
  const answer = (body: unknown) => process.send?.({ id: msg.id, body });
  const fail = (error: unknown) => answer({ error: String(error) });
  switch (msg.type) {
    case 'connect':
      openSockets(msg.url as string, msg.count as number).then(answer, fail);
      return;
    case 'connect-light':
      openViewers(msg.url as string, msg.count as number).then(answer, fail);
      return;
    case 'join':
      joinAll(msg.eventId as string).then(answer, fail);
      return;
    case 'holds':
      holds(msg as unknown as HoldSpec).then(answer, fail);
      return;
    case 'http-join':
      httpJoins(msg.url as string, msg.eventId as string, msg.count as number, (msg.concurrency as number | undefined) ?? 64).then(answer, fail);
      return;
    case 'queue-join':
      queueJoins(msg.eventId as string).then(answer, fail);
      return;
    case 'queue-view-start':
      queueViewing = { frames: 0, perSocket: new Uint32Array(Math.max(1, viewerSeq)), lag: new Reservoir(50_000, 5), servings: new Set() };
      answer({ ok: true });
      return;
    case 'queue-view-end': {
      const v = queueViewing!;
      queueViewing = null;
      let minPerSocket = Infinity;
      let maxPerSocket = 0;
      for (const n of v.perSocket) {
        if (n > maxPerSocket) maxPerSocket = n;
        if (n < minPerSocket) minPerSocket = n;
      }
      answer({
        frames: v.frames,
        sockets: viewers.length,
        alive: viewers.filter((x) => x.open).length,
        minPerSocket: Number.isFinite(minPerSocket) ? minPerSocket : 0,
        maxPerSocket,
        updates: v.servings.size,
        lag: { samples: v.lag.samples, seen: v.lag.seen, max: v.lag.max },
      });
      return;
    }
    case 'view-start':
      viewing = { frames: 0, changes: 0, perSocket: new Uint32Array(Math.max(sockets.length, viewerSeq)), receipts: [], gaps: 0 };
      answer({ ok: true });
      return;
    case 'view-end': {
      const v = viewing!;
      viewing = null;
      let maxPerSocket = 0;
      for (const n of v.perSocket) if (n > maxPerSocket) maxPerSocket = n;
      // Light viewers count changes on every 10th viewer only: scale up to all.
      const changes = viewers.length ? v.changes * 10 : v.changes;
      const alive = sockets.filter((x) => x.connected).length + viewers.filter((x) => x.open).length;
      answer({ alive, frames: v.frames, changes, maxFramesPerSocket: maxPerSocket, sockets: sockets.length + viewers.length, receipts: v.receipts });
      return;
    }
    case 'stop':
      for (const socket of sockets) socket.close();
      for (const viewer of viewers) viewer.close();
      answer({ ok: true });
      setTimeout(() => process.exit(0), 100);
      return;
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
