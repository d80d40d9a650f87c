// What one broadcast costs per socket on this box: the cause of the fan-out
// sections' staleness. A frame reaches its last viewer only after the process
// has written it to every socket, one after the other, in one synchronous
// loop; so p99 staleness is at least sockets × (cost per socket).
//
// A bare Socket.IO server with the app's options (no database, no loops)
// holds N light viewers (bench/lightViewer.ts) in two other processes, all
// in one room. Each broadcast of a seats:update is timed around the
// synchronous call, two ways:
//   socketio  io.to(room).emit(…): Socket.IO and Engine.IO's path, which
//             frames the packet once for all websocket clients;
//   raw       the same WebSocket frame written straight to each socket's
//             TCP connection: one write() per socket and nothing else, the
//             floor for any per-socket broadcast from Node.
// Run as a child of bench/run.ts (section "broadcast"): prints one JSON result.
import { createServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server } from 'socket.io';
import { forkTs, type Child } from './children';
import { LightViewer } from './lightViewer';
import { percentiles, type Percentiles } from './stats';

export interface BroadcastSpec {
  sizes: number[];
  broadcasts: number;
  gapMs: number;
}

export interface BroadcastLevel {
  sockets: number;
  /** Synchronous ms per broadcast, and µs per socket at the median. */
  socketio: { ms: Percentiles; usPerSocket: number; cpuUsPerSocket: number };
  raw: { ms: Percentiles; usPerSocket: number; cpuUsPerSocket: number };
  /** Frames the viewers received over all broadcasts (both ways), against the number sent. */
  delivered: number;
  expected: number;
}

export interface BroadcastResult {
  levels: BroadcastLevel[];
  frameBytes: number;
}

const ROOM = 'arena';
// A seats:update as the arena sends it under churn (a delta of a few dozen changes).
const PAYLOAD = { eventId: 'arena', fromVersion: 41, version: 42, delta: 'a17h3s220a4h1186s2a9h3'.repeat(4) };

/** One unmasked WebSocket text frame (RFC 6455 §5.2), as a server sends it. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x81, n]) : n < 65_536 ? Buffer.from([0x81, 126, n >> 8, n & 0xff]) : Buffer.concat([Buffer.from([0x81, 127]), Buffer.alloc(8)]);
  if (n >= 65_536) head.writeBigUInt64BE(BigInt(n), 2);
  return Buffer.concat([head, payload]);
}

async function viewersMain(url: string): Promise<void> {
  const viewers: LightViewer[] = [];
  let frames = 0;
  process.on('message', (raw) => {
    const msg = raw as { type: string; id: number; count?: number };
    const answer = (body: unknown) => process.send?.({ id: msg.id, body });
    if (msg.type === 'connect') {
      void (async () => {
        const start = viewers.length;
        for (let i = 0; i < (msg.count ?? 0); i++) {
          const v = new LightViewer(start + i, () => frames++, false);
          viewers.push(v);
          await v.connect(url, 'bench');
        }
        answer({ ok: true });
      })();
    } else if (msg.type === 'frames') answer({ frames });
    else if (msg.type === 'stop') {
      for (const v of viewers) v.close();
      process.exit(0);
    }
  });
  process.send?.({ type: 'ready' });
}

async function benchMain(spec: BroadcastSpec): Promise<void> {
  const http = createServer();
  // The app's Socket.IO options that matter for a broadcast (server/app.ts).
  const io = new Server(http, { serveClient: false, perMessageDeflate: false, maxHttpBufferSize: 100_000 });
  io.on('connection', (socket) => void socket.join(ROOM));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const children: Child[] = [];
  for (let i = 0; i < 2; i++) {
    const child = forkTs(new URL(import.meta.url).pathname, ['viewers', url]);
    await child.next('ready', 60_000);
    children.push(child);
  }
  const frameText = `42${JSON.stringify(['seats:update', PAYLOAD])}`;
  const frame = textFrame(frameText);
  const levels: BroadcastLevel[] = [];
  let connected = 0;
  let framesBefore = 0;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const framesNow = async () => (await Promise.all(children.map((c) => c.request<{ frames: number }>({ type: 'frames' })))).reduce((n, r) => n + r.frames, 0);
  for (const size of spec.sizes) {
    const more = size - connected;
    await Promise.all(children.map((c, i) => c.request({ type: 'connect', count: Math.floor(more / 2) + (i < more % 2 ? 1 : 0) }, 600_000)));
    connected = size;
    while (io.of('/').adapter.rooms.get(ROOM)?.size !== size) await sleep(50);
    await sleep(500);
    const tcpSockets = [...io.of('/').sockets.values()].map((s) => (s.conn.transport as unknown as { socket: { _socket: NetSocket } }).socket._socket);
    const time = (send: () => void) => {
      const cpu = process.cpuUsage();
      const t = performance.now();
      send();
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      return { ms, cpuMs: (used.user + used.system) / 1000 };
    };
    const ways = {
      socketio: () => io.to(ROOM).emit('seats:update', PAYLOAD),
      raw: () => {
        for (const socket of tcpSockets) socket.write(frame);
      },
    };
    const samples: Record<keyof typeof ways, { ms: number; cpuMs: number }[]> = { socketio: [], raw: [] };
    for (let k = 0; k < spec.broadcasts; k++) {
      // Alternate, so both ways see the same state of the box.
      for (const way of (k % 2 ? ['raw', 'socketio'] : ['socketio', 'raw']) as (keyof typeof ways)[]) {
        samples[way].push(time(ways[way]));
        await sleep(spec.gapMs);
      }
    }
    await sleep(1000);
    const framesAfter = await framesNow();
    const summary = (list: { ms: number; cpuMs: number }[]) => {
      const ms = percentiles(list.map((s) => s.ms));
      const cpu = percentiles(list.map((s) => s.cpuMs));
      return { ms, usPerSocket: (ms.p50 * 1000) / size, cpuUsPerSocket: (cpu.p50 * 1000) / size };
    };
    levels.push({ sockets: size, socketio: summary(samples.socketio), raw: summary(samples.raw), delivered: framesAfter - framesBefore, expected: 2 * spec.broadcasts * size });
    framesBefore = framesAfter;
    process.stderr.write(`  ${size} sockets: Socket.IO ${levels.at(-1)!.socketio.usPerSocket.toFixed(1)} µs/socket, raw write ${levels.at(-1)!.raw.usPerSocket.toFixed(1)} µs/socket\n`);
  }
  await Promise.all(children.map((c) => c.stop()));
  await io.close();
  process.send?.({ type: 'result', result: { levels, frameBytes: frame.length } satisfies BroadcastResult });
  process.exit(0);
}

if (process.argv[2] === 'viewers') void viewersMain(process.argv[3]);
else if (process.argv[2]) void benchMain(JSON.parse(process.argv[2]) as BroadcastSpec);
