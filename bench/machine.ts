// What the numbers were measured on.
import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memGb: number;
  node: string;
  os: string;
  sqlite: string;
  fsyncMs: number;
  loadAvgAtStart: number[];
  fdLimit: number;
  chromium?: string;
  redis?: string;
  /** PostgreSQL server version, when the PostgreSQL designs ran. */
  postgres?: string;
}

/** Median time of one 4 KiB write + fsync in the temp directory (what synchronous=FULL pays per commit). */
function fsyncCost(): number {
  const dir = mkdtempSync(join(tmpdir(), 'seatline-fsync-'));
  const fd = openSync(join(dir, 'probe'), 'w');
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    writeSync(fd, block);
    fsyncSync(fd);
    times.push(performance.now() - t);
  }
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
  return times.sort((a, b) => a - b)[25];
}

export function describeMachine(fdLimit: number): Machine {
  const db = new Database(':memory:');
  const sqlite = db.prepare('select sqlite_version()').pluck().get() as string;
  db.close();
  let chromium: string | undefined;
  try {
    chromium = execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    chromium = undefined;
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    sqlite,
    fsyncMs: fsyncCost(),
    loadAvgAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    fdLimit,
    chromium,
  };
}
