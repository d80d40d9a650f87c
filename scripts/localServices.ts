// Throwaway PostgreSQL and Redis servers on free loopback ports, in temp
// directories, for tests, `npm run cluster` and the benchmarks. Debian's
// packages: PostgreSQL refuses to run as root, so as root its commands run as
// the `postgres` user (runuser) on a directory that user owns.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The newest PostgreSQL's bin directory (PG_BIN overrides). */
export function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (apt-get install postgresql), or set PG_BIN');
  versions.sort((a, b) => Number(b) - Number(a));
  return join(root, versions[0], 'bin');
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as the postgres user when we are root. */
async function pg(bin: string, args: string[]): Promise<string> {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(postgresBin(), bin), ...args]] : [join(postgresBin(), bin), args];
  const { stdout } = await run(file, argv, { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export interface LocalPostgres {
  port: number;
  dir: string;
  /** The server's URL with the given database (default `postgres`). */
  url(database?: string): string;
  /** Creates a database (optionally from a template) and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  /** Stops it ('fast' by default; 'immediate' is a crash: no shutdown checkpoint). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data (after stop). */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

export interface PostgresOptions {
  /** fsync and synchronous_commit stay on (the product's durability) unless this says otherwise. */
  fsync?: boolean;
  port?: number;
}

export async function startPostgres(options: PostgresOptions = {}): Promise<LocalPostgres> {
  const port = options.port ?? (await freePort());
  // A parent the postgres user can traverse, and a data directory it owns.
  const parent = mkdtempSync(join(tmpdir(), 'seatline-pg-'));
  chmodSync(parent, 0o755);
  const dir = join(parent, 'data');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    const { stdout: gidOut } = await run('id', ['-g', 'postgres']);
    chownSync(parent, uid, Number(gidOut.trim()));
  }
  await pg('initdb', ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions', ...(options.fsync === false ? ['--no-sync'] : [])]);
  const settings = [
    `-p ${port}`,
    `-h 127.0.0.1`,
    `-k ${dir}`,
    '-c max_connections=200',
    '-c shared_buffers=128MB',
    ...(options.fsync === false ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
  ].join(' ');
  const start = () => pg('pg_ctl', ['-D', dir, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']).then(() => undefined);
  await start();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let running = true;
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    await pg('pg_ctl', ['-D', dir, '-m', mode, '-w', '-t', '60', 'stop']);
    running = false;
  };
  return {
    port,
    dir,
    url,
    async createDatabase(name, template) {
      if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
      await pg('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`]);
      return url(name);
    },
    stop,
    async start() {
      if (running) return;
      await start();
      running = true;
    },
    async destroy() {
      try {
        await stop('immediate');
      } catch {
        // already gone
      }
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

export interface LocalRedis {
  port: number;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** Kills it and starts a new empty one on the same port (a Redis restart without persistence). */
  restart(): Promise<void>;
}

export async function startRedis(options: { port?: number } = {}): Promise<LocalRedis> {
  const port = options.port ?? (await freePort());
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`redis-server could not start (apt-get install redis-server): ${error.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}`));
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.removeAllListeners('exit');
    return child;
  };
  const kill = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  const redis: LocalRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    process: await launch(),
    stop: () => kill(redis.process),
    async restart() {
      await kill(redis.process);
      redis.process = await launch();
    },
  };
  return redis;
}
