// Round-trip latency of a routed command (server/cluster/commandRouter.ts) on
// loopback: a caller router sends `hold` commands to an owner router whose
// fake loop answers at once, through a throwaway redis-server. Measures the
// routing alone (two PUBLISHes, JSON, zod both ways), not a loop's commit.
//
//   npx tsx bench/routingLatency.ts [requests=2000]
//
// Three runs: both routers in this process; the owner in a child process
// (what a cluster does); and 64 commands in flight at once (throughput).
import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { CommandRouter, type SubmitLocal } from '../server/cluster/commandRouter';
import type { Command } from '../core/types';
import { startRedis } from '../scripts/localServices';

const EVENT_ID = 'bench-event';
const logger = pino({ level: 'warn' });

/** The owner's fake loop: a hold of the asked seats, answered at once. */
const fakeLoop: SubmitLocal = async (eventId, command) => {
  if (command.type !== 'hold') return { ok: false, code: 'internal', message: 'holds only' };
  const now = Date.now();
  return { ok: true, type: 'held', hold: { id: `h-${now}`, eventId, buyerId: command.buyerId, seatIds: command.seatIds, createdAt: now, expiresAt: now + 600_000, extensions: 0 } };
};

async function startOwner(redisUrl: string, instanceId: string): Promise<CommandRouter> {
  const router = new CommandRouter({
    instanceId,
    redisUrl,
    owners: { ownerOf: () => ({ instanceId, epoch: 1 }) },
    submitLocal: fakeLoop,
    logger,
  });
  await router.start();
  return router;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(label: string, caller: CommandRouter, requests: number, inFlight: number): Promise<void> {
  const command = (i: number): Command => ({ type: 'hold', buyerId: `buyer-${i % 97}`, seatIds: [`A-${i % 40}`, `A-${(i % 40) + 1}`, `A-${(i % 40) + 2}`, `A-${(i % 40) + 3}`] });
  for (let i = 0; i < 200; i++) await caller.route(EVENT_ID, command(i)); // warm-up
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < requests) {
        const i = next++;
        const t0 = performance.now();
        const outcome = await caller.route(EVENT_ID, command(i));
        latencies.push(performance.now() - t0);
        if (!outcome.ok) failures++;
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ms = (v: number) => v.toFixed(3);
  console.log(
    `${label.padEnd(38)} n=${requests} in flight=${String(inFlight).padEnd(3)} median ${ms(percentile(latencies, 50))} ms  p90 ${ms(percentile(latencies, 90))} ms  p99 ${ms(percentile(latencies, 99))} ms  max ${ms(latencies[latencies.length - 1])} ms  ${(requests / elapsedS).toFixed(0)}/s  failures ${failures}`,
  );
}

async function ownerChild(redisUrl: string, instanceId: string): Promise<void> {
  const router = await startOwner(redisUrl, instanceId);
  process.send?.('ready');
  process.on('message', (message) => {
    if (message === 'stop') void router.close().then(() => process.exit(0));
  });
}

async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? 2000);
  const redis = await startRedis();
  let child: ChildProcess | null = null;
  try {
    const owners = { ownerOf: (eventId: string) => (eventId === EVENT_ID ? { instanceId: 'owner', epoch: 1 } : null) };
    const caller = new CommandRouter({ instanceId: 'caller', redisUrl: redis.url, owners, submitLocal: fakeLoop, logger });
    await caller.start();

    const inProcess = await startOwner(redis.url, 'owner');
    await measure('routed, owner in this process', caller, requests, 1);
    await inProcess.close();

    child = fork(new URL(import.meta.url).pathname, ['--owner', redis.url, 'owner'], { execArgv: ['--import', 'tsx'] });
    await new Promise<void>((resolve, reject) => {
      child!.once('message', () => resolve());
      child!.once('exit', (code) => reject(new Error(`owner exited with ${code}`)));
    });
    await measure('routed, owner in another process', caller, requests, 1);
    await measure('routed, owner in another process', caller, requests * 5, 64);
    console.log('caller stats:', JSON.stringify(caller.stats()));
    await caller.close();
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.send('stop');
      await exited;
    }
    await redis.stop();
  }
}

if (process.argv[2] === '--owner') void ownerChild(process.argv[3], process.argv[4]);
else await main();
