// Server memory per connected socket: RSS and V8 heap (after two full GCs)
// with no sockets, then with 1,000 and 10,000 idle buyer sockets connected
// (authenticated, in their buyer room, not joined to an event).
import { join } from 'node:path';
import { benchDir, forkTs } from './children';
import { connectAll, startCluster, type Cluster } from './socketLoad';
import type { MemoryReport } from './serverProcess';

export interface MemoryLevel {
  sockets: number;
  rssMb: number;
  heapMb: number;
  rssPerSocketKb: number;
  heapPerSocketKb: number;
}

export interface MemoryResult {
  baseline: { rssMb: number; heapMb: number };
  levels: MemoryLevel[];
  /** The same measurement against a bare Socket.IO server with the app's options. */
  bare?: { baseline: { rssMb: number; heapMb: number }; levels: MemoryLevel[] };
  skipped?: string;
}

const MB = 1024 * 1024;

async function measure(cluster: Cluster, levels: number[], log: (s: string) => void, label: string) {
  const settle = () => new Promise((r) => setTimeout(r, 1000));
  await settle();
  const base = await cluster.server.request<MemoryReport>({ type: 'memory' });
  const out: MemoryLevel[] = [];
  let connected = 0;
  for (const target of levels) {
    const conn = await connectAll(cluster, target - connected);
    connected += conn.connected;
    await settle();
    const m = await cluster.server.request<MemoryReport>({ type: 'memory' });
    const level: MemoryLevel = {
      sockets: m.sockets,
      rssMb: m.rss / MB,
      heapMb: m.heapUsed / MB,
      rssPerSocketKb: (m.rss - base.rss) / 1024 / Math.max(1, m.sockets),
      heapPerSocketKb: (m.heapUsed - base.heapUsed) / 1024 / Math.max(1, m.sockets),
    };
    log(`  ${label}: ${m.sockets} sockets: heap ${level.heapPerSocketKb.toFixed(1)} KB/socket, RSS ${level.rssPerSocketKb.toFixed(1)} KB/socket`);
    out.push(level);
  }
  return { baseline: { rssMb: base.rss / MB, heapMb: base.heapUsed / MB }, levels: out };
}

export async function runMemory(levels: number[], fdLimit: number, log: (s: string) => void): Promise<MemoryResult> {
  // The open-file limit is per process: the server holds one descriptor per socket.
  const usable = levels.filter((n) => n + 500 <= fdLimit);
  const workers = Math.max(2, Math.ceil(Math.max(...usable, 1) / 2500));
  const app = await startCluster({ synchronous: 'FULL' }, workers);
  let result: MemoryResult;
  try {
    result = await measure(app, usable, log, 'app');
  } finally {
    await app.stop();
  }
  const bare = await startCluster({ synchronous: 'FULL' }, workers, () => forkTs(join(benchDir, 'bareSocketServer.ts'), []));
  try {
    result.bare = await measure(bare, usable, log, 'bare Socket.IO');
  } finally {
    await bare.stop();
  }
  if (usable.length < levels.length) result.skipped = `levels above ${fdLimit - 500} sockets skipped: open-file limit ${fdLimit}`;
  return result;
}
