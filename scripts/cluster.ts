// `npm run cluster`: N Seatline server processes in distributed mode behind one
// port, through nginx, on a PostgreSQL and a Redis of their own (temp dirs) or
// the ones DATABASE_URL / REDIS_URL name. Builds once, then starts N copies of
// the production server (`npm run serve`'s server/main.ts with NODE_ENV=production).
// The first process starts alone (it migrates and seeds an empty database), the
// others once it is healthy, nginx once all are. A process that dies is reported;
// with --restart it is started again. Ctrl-C / SIGTERM stops everything and
// removes the temp directories.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CLUSTER_USAGE, type Env, localNginxConfig, newInstanceId, parseClusterOptions, processEnv, randomSecret } from './clusterConfig';
import { Child, describeExit, describeUptime, getJson, waitHealthy } from './clusterProcesses';
import { freePort, startPostgres, startRedis, type LocalPostgres, type LocalRedis } from './localServices';

const root = resolve(import.meta.dirname, '..');
const HEALTH_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 15_000;
const RESTART_DELAY_MAX_MS = 30_000;

const parsed = parseClusterOptions(process.argv.slice(2), process.env);
if (typeof parsed === 'string') {
  console.error(`npm run cluster: ${parsed}\n\n${CLUSTER_USAGE}`);
  process.exit(2);
}
if (parsed.help) {
  console.log(CLUSTER_USAGE);
  process.exit(0);
}
const options = parsed;
const say = (line: string) => console.log(`[cluster] ${line}`);

interface ServerSlot {
  index: number;
  name: string;
  port: number;
  instanceId: string;
  child: Child | null;
  restarts: number;
}

const work = mkdtempSync(join(tmpdir(), 'seatline-cluster-'));
chmodSync(work, 0o755); // nginx's workers (www-data when we are root) reach their temp paths below
const nginxDir = join(work, 'nginx');
const logDir = join(work, 'logs');
for (const dir of [nginxDir, logDir]) mkdirSync(dir, { recursive: true });

let postgres: LocalPostgres | null = null;
let redis: LocalRedis | null = null;
let nginx: Child | null = null;
const slots: ServerSlot[] = [];
let stopping: Promise<never> | null = null;
let forced = false;

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) {
      // A second Ctrl-C: no more waiting for graceful exits.
      forced = true;
      for (const child of [nginx, ...slots.map((s) => s.child)]) child?.signal('SIGKILL');
      return;
    }
    say(`${signal}: stopping everything…`);
    void shutdown(0);
  });
}
process.on('uncaughtException', (error) => {
  console.error('[cluster] unexpected error:', error);
  void shutdown(1);
});

function shutdown(exitCode: number): Promise<never> {
  stopping ??= (async () => {
    // nginx first (SIGTERM is its fast shutdown: open sockets must not hold it up), so no new
    // request reaches a process that is stopping; then the servers, then what they stand on.
    await nginx?.stop('SIGTERM', 5_000);
    await Promise.all(
      slots.map(async (slot) => {
        if (!slot.child?.running) return;
        await slot.child.stop(forced ? 'SIGKILL' : 'SIGTERM', STOP_GRACE_MS);
      }),
    );
    await redis?.stop().catch((error: unknown) => say(`could not stop Redis: ${String(error)}`));
    await postgres?.destroy().catch((error: unknown) => say(`could not stop PostgreSQL: ${String(error)}`));
    rmSync(work, { recursive: true, force: true });
    say(`stopped; removed ${work}${postgres ? ` and ${dirname(postgres.dir)}` : ''}`);
    process.exit(exitCode);
  })();
  return stopping;
}

async function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, host, () => server.close(() => resolvePort(true)));
  });
}

function nginxBinary(): string {
  if (process.env.NGINX_BIN) return process.env.NGINX_BIN;
  if (existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return found;
  throw new Error('nginx is not installed: apt-get install nginx (or set NGINX_BIN)');
}

/** postgres://user:secret@host/db → postgres://user:***@host/db, for printing. */
function redacted(url: string): string {
  try {
    const parsedUrl = new URL(url);
    if (parsedUrl.password) parsedUrl.password = '***';
    return parsedUrl.toString();
  } catch {
    return '(unparseable URL)';
  }
}

const adminPassword = process.env.ADMIN_PASSWORD || randomSecret(18);
// Given DATABASE_URL and no SESSION_SECRET, the secret stored in that database is used (shared by
// every process, and buyers' sessions survive a restart of the cluster); with a PostgreSQL of our
// own, one generated for this run (decided in main()).
let sessionSecret = process.env.SESSION_SECRET || undefined;
let databaseUrl = process.env.DATABASE_URL ?? '';
let redisUrl = process.env.REDIS_URL ?? '';

function serverEnv(slot: ServerSlot): Env {
  return processEnv({
    base: process.env,
    index: slot.index,
    port: slot.port,
    instanceId: slot.instanceId,
    databaseUrl,
    redisUrl,
    adminPassword,
    sessionSecret,
    listen: { host: options.host, port: options.port },
    // With a PostgreSQL of our own the emails are as temporary as the data.
    outboxDir: postgres ? join(work, 'outbox') : undefined,
  });
}

function launch(slot: ServerSlot): Child {
  const child = new Child(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: serverEnv(slot),
    logFile: join(logDir, `${slot.name}.log`),
    echoPrefix: options.logs ? slot.name : undefined,
  });
  slot.child = child;
  void child.exited.then((exit) => {
    if (stopping || slot.child !== child) return;
    onServerDied(slot, child, describeExit(exit));
  });
  return child;
}

async function startServer(slot: ServerSlot): Promise<void> {
  const child = launch(slot);
  const health = await waitHealthy(`http://127.0.0.1:${slot.port}/api/health`, child, HEALTH_TIMEOUT_MS).catch((error: unknown) => {
    throw new Error(`${slot.name} (port ${slot.port}) did not come up: ${(error as Error).message}\n  ${child.lastLines().join('\n  ')}`);
  });
  if (health.instanceId !== undefined && health.instanceId !== slot.instanceId) {
    say(`warning: ${slot.name} reports instanceId ${String(health.instanceId)}, expected ${slot.instanceId}`);
  }
}

function onServerDied(slot: ServerSlot, child: Child, how: string): void {
  say(`✗ ${slot.name} (instance ${slot.instanceId}, pid ${child.pid}, port ${slot.port}) ${how} after ${describeUptime(Date.now() - child.startedAt)}. Its last lines:`);
  for (const line of child.lastLines().slice(-6)) console.log(`    ${line.slice(0, 300)}`);
  const alive = slots.filter((s) => s.child?.running).length;
  if (!options.restart) {
    say(`  not restarted (run with --restart for that). ${alive} of ${slots.length} processes are running${alive > 0 ? '; nginx sends new requests to them' : ''}.`);
    if (alive === 0) {
      say('no server process is left: stopping the cluster.');
      void shutdown(1);
    }
    return;
  }
  slot.restarts += 1;
  const delayMs = Math.min(RESTART_DELAY_MAX_MS, 1000 * 2 ** Math.min(slot.restarts - 1, 5));
  say(`  restarting it in ${delayMs / 1000} s with a new instance id (restart ${slot.restarts}).`);
  setTimeout(() => {
    if (stopping) return;
    slot.instanceId = newInstanceId(slot.index);
    startServer(slot).then(
      () => {
        say(`↻ ${slot.name} is back: instance ${slot.instanceId}, pid ${slot.child?.pid}, port ${slot.port}.`);
        slot.restarts = 0;
      },
      // Its exit (if it died) is reported by launch(); a hang is reported here.
      (error: unknown) => {
        if (!stopping && slot.child?.running) say(`${(error as Error).message.split('\n')[0]}; it keeps running, nginx skips it while it refuses connections.`);
      },
    );
  }, delayMs);
}

function watchRedis(local: LocalRedis): void {
  local.process.once('exit', (code, signal) => {
    // Ctrl-C reaches redis-server too (it shares our terminal): give our own handler a moment.
    setTimeout(() => {
      if (stopping) return;
      say(`✗ Redis (pid ${local.process.pid}) ${describeExit({ code, signal })}: commands routed between processes fail until it is back.`);
      if (!options.restart) return say('  not restarted (run with --restart for that); stop with Ctrl-C.');
      local.restart().then(
        () => {
          say(`↻ Redis is back on ${local.url} (empty), pid ${local.process.pid}.`);
          watchRedis(local);
        },
        (error: unknown) => say(`  Redis could not be restarted: ${String(error)}`),
      );
    }, 500);
  });
}

async function main(): Promise<void> {
  const nginxBin = nginxBinary();
  if (!(await portIsFree(options.host, options.port))) {
    throw new Error(`${options.host}:${options.port} is in use: stop what listens there, or choose another PORT`);
  }
  if (options.build) {
    say('building the production app once (npm run build)…');
    const build = spawnSync('nice', ['-n', '10', 'npm', 'run', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`npm run build failed (${build.signal ?? `code ${build.status}`})`);
  } else if (!existsSync(join(root, '.next', 'BUILD_ID'))) {
    throw new Error('--no-build, but there is no production build in .next: run npm run build first');
  }

  if (!databaseUrl) {
    say('starting PostgreSQL in a temp directory…');
    postgres = await startPostgres();
    databaseUrl = await postgres.createDatabase('seatline');
    sessionSecret ??= randomSecret(32);
  }
  if (!redisUrl) {
    say('starting Redis…');
    redis = await startRedis();
    redisUrl = redis.url;
    watchRedis(redis);
  }

  for (let index = 1; index <= options.processes; index++) {
    slots.push({ index, name: `node${index}`, port: await freePort(), instanceId: newInstanceId(index), child: null, restarts: 0 });
  }
  // The first process alone: it applies the migrations and seeds an empty database.
  say(`starting ${slots[0].name} (migrations, demo seed)…`);
  await startServer(slots[0]);
  if (slots.length > 1) {
    say(`starting ${slots.slice(1).map((s) => s.name).join(', ')}…`);
    await Promise.all(slots.slice(1).map((slot) => startServer(slot)));
  }

  const workerUser = typeof process.getuid === 'function' && process.getuid() === 0 ? 'www-data' : undefined;
  const upstreams = slots.map((slot) => ({ host: '127.0.0.1', port: slot.port }));
  writeFileSync(join(nginxDir, 'nginx.conf'), localNginxConfig({ listen: { host: options.host, port: options.port }, upstreams, dir: nginxDir, workerUser }));
  nginx = new Child(nginxBin, ['-p', nginxDir, '-e', join(nginxDir, 'error.log'), '-c', join(nginxDir, 'nginx.conf')], {
    cwd: nginxDir,
    env: process.env,
    logFile: join(nginxDir, 'stderr.log'),
  });
  const nginxChild = nginx;
  void nginxChild.exited.then((exit) => {
    if (stopping) return;
    say(`✗ nginx (pid ${nginxChild.pid}) ${describeExit(exit)}; without it the cluster has no front door: stopping.`);
    for (const line of nginxChild.lastLines()) console.log(`    ${line}`);
    void shutdown(1);
  });
  const connectHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const front = `http://${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${options.port}`;
  await waitHealthy(`${front}/api/health`, nginxChild, 30_000);
  await printSummary(front);
}

async function printSummary(front: string): Promise<void> {
  const site = serverEnv(slots[0]).PUBLIC_URL ?? front;
  const healths = await Promise.all(slots.map((slot) => getJson(`http://127.0.0.1:${slot.port}/api/health`)));
  const distributed = healths.every((h) => typeof h?.instanceId === 'string');
  const rows = slots.map((slot, i) => {
    const owned = Array.isArray(healths[i]?.ownedEvents) ? `owns ${(healths[i]!.ownedEvents as unknown[]).join(', ') || 'nothing'} now` : '–';
    return `    ${slot.name.padEnd(8)} ${slot.instanceId.padEnd(16)} 127.0.0.1:${String(slot.port).padEnd(6)} pid ${String(slot.child?.pid).padEnd(8)} ${owned}`;
  });
  const lines = [
    '',
    `Seatline cluster: ${site}  (nginx → ${slots.length} server processes)`,
    '',
    `  processes (name, instance id, port, pid, owned events):`,
    ...rows,
    `  nginx       ${options.host}:${options.port}, pid ${nginx?.pid}; config ${join(nginxDir, 'nginx.conf')}, access log ${join(nginxDir, 'access.log')}`,
    `  PostgreSQL  ${redacted(databaseUrl)}${postgres ? ` (started here, data in ${dirname(postgres.dir)}; removed on stop)` : ' (given by DATABASE_URL)'}`,
    `  Redis       ${redisUrl}${redis ? ` (started here, pid ${redis.process.pid}; no persistence)` : ' (given by REDIS_URL)'}`,
    `  logs        ${logDir}/node<N>.log${options.logs ? ' (also printed here)' : ''}`,
    ...(postgres ? [`  emails      ${join(work, 'outbox')} (.eml files)`] : []),
    '',
    `  organizer   ${site}/admin  password: ${adminPassword}${process.env.ADMIN_PASSWORD ? ' (ADMIN_PASSWORD)' : ' (generated for this run)'}`,
    `  sessions    ${
      process.env.SESSION_SECRET ? 'SESSION_SECRET given' : sessionSecret ? `SESSION_SECRET generated: ${sessionSecret}` : 'the session secret stored in the database'
    } (the same for every process)`,
    `  health      curl ${front}/api/health   (answered by whichever process nginx picks)`,
    '',
    distributed
      ? '  Distributed mode: each event is owned by one process at a time (its lease in PostgreSQL).'
      : '  WARNING: these servers do not run distributed mode (their /api/health has no instanceId): each runs every event\'s loop itself. Fine for trying the orchestration, NOT for real use.',
    options.restart
      ? '  A process that dies is reported and started again (--restart).'
      : '  A process that dies is reported and NOT restarted (use --restart for that); nginx skips it.',
    `  Stop: Ctrl-C here (or kill -TERM ${process.pid}): stops nginx, the servers${postgres || redis ? ', Redis and PostgreSQL' : ''}, and removes ${work}.`,
    '',
  ];
  console.log(lines.join('\n'));
}

main().catch(async (error: unknown) => {
  console.error(`[cluster] ${(error as Error).message}`);
  await shutdown(1);
});
