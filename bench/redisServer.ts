// A private redis-server for the Redis baseline: Debian's package, on
// 127.0.0.1 and a free port, no persistence, stopped after the bench.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RedisHandle {
  url: string;
  version: string;
  stop(): Promise<void>;
}

function findBinary(): string | null {
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Installs Debian's redis-server when we are root and apt-get exists (bounded to 5 minutes). */
function tryInstall(log: (s: string) => void): boolean {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get') || process.env.BENCH_NO_INSTALL === '1') return false;
  log('redis-server not found: installing the Debian package (apt-get install -y redis-server)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const cmd of ['apt-get install -y -qq redis-server', 'apt-get update -qq && apt-get install -y -qq redis-server']) {
    try {
      execFileSync('sh', ['-c', cmd], { stdio: 'ignore', env, timeout: 300_000 });
      if (findBinary()) return true;
    } catch {
      // try the next way
    }
  }
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Starts redis-server, or returns the reason it cannot. */
export async function startRedis(log: (s: string) => void): Promise<RedisHandle | { skipped: string }> {
  let bin = findBinary();
  if (!bin && tryInstall(log)) bin = findBinary();
  if (!bin) return { skipped: 'redis-server is not installed and could not be installed (apt-get install redis-server)' };
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1] ?? '?';
  const port = await freePort();
  const child: ChildProcess = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { Redis } = await import('ioredis');
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) return { skipped: `redis-server exited at start: ${output.trim().slice(0, 300)}` };
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return {
        url: `redis://127.0.0.1:${port}`,
        version,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await Promise.race([exited, sleep(3000)]);
          if (child.exitCode === null) child.kill('SIGKILL');
        },
      };
    } catch {
      probe.disconnect();
      await sleep(100);
    }
  }
  child.kill('SIGKILL');
  return { skipped: 'redis-server did not answer PING within 5 s' };
}
