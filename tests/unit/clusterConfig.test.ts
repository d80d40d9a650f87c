// `npm run cluster`'s pure parts: its options, each process's environment, and the
// nginx configuration (the local one, and deploy/nginx.conf for docker-compose).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../server/config';
import { INSTANCE_ID_PATTERN } from '../../server/cluster/messages';
import {
  composeNginxConfig,
  localNginxConfig,
  newInstanceId,
  parseClusterOptions,
  processEnv,
  randomSecret,
  siteConfig,
  type ClusterOptions,
  type Env,
  type ProcessEnvInput,
} from '../../scripts/clusterConfig';

const NGINX = '/usr/sbin/nginx';

function options(argv: string[], env: Env = {}): ClusterOptions {
  const parsed = parseClusterOptions(argv, env);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

/** The non-comment directives of a config, one per line, whitespace collapsed. */
function directives(config: string): string[] {
  return config
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim().replace(/\s+/g, ' '))
    .filter(Boolean);
}

describe('parseClusterOptions', () => {
  it('defaults: 3 processes behind 127.0.0.1:3000, a build, no restarts', () => {
    expect(options([])).toEqual({ processes: 3, port: 3000, host: '127.0.0.1', restart: false, build: true, logs: false, help: false });
  });

  it('reads --processes, -n, CLUSTER_PROCESSES, PORT, HOST and the flags; the command line wins', () => {
    expect(options(['--processes', '5']).processes).toBe(5);
    expect(options(['--processes=2']).processes).toBe(2);
    expect(options(['-n', '4']).processes).toBe(4);
    expect(options([], { CLUSTER_PROCESSES: '6' }).processes).toBe(6);
    expect(options(['-n', '2'], { CLUSTER_PROCESSES: '6' }).processes).toBe(2);
    expect(options([], { PORT: '8080', HOST: '0.0.0.0' })).toMatchObject({ port: 8080, host: '0.0.0.0' });
    expect(options(['--restart', '--no-build', '--logs'])).toMatchObject({ restart: true, build: false, logs: true });
    expect(options(['-h']).help).toBe(true);
  });

  it('refuses nonsense with a sentence', () => {
    for (const [argv, env] of [
      [['--processes', '0'], {}],
      [['--processes', '17'], {}],
      [['--processes', 'three'], {}],
      [['-n', '2.5'], {}],
      [[], { CLUSTER_PROCESSES: '-1' }],
      [[], { PORT: '0' }],
      [[], { PORT: '70000' }],
      [[], { PORT: 'http' }],
      [[], { HOST: 'a b' }],
      [['--bogus'], {}],
      [['stray'], {}],
    ] as [string[], Env][]) {
      expect(typeof parseClusterOptions(argv, env), JSON.stringify({ argv, env })).toBe('string');
    }
  });
});

describe('instance ids and secrets', () => {
  it('instance ids are valid, name the process and differ per start', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newInstanceId(2)));
    expect(ids.size).toBe(50);
    for (const id of ids) {
      expect(id).toMatch(INSTANCE_ID_PATTERN);
      expect(id.startsWith('node2-')).toBe(true);
    }
  });

  it('secrets are long enough for the server (ADMIN_PASSWORD ≥ 8, SESSION_SECRET ≥ 32)', () => {
    const env = processEnv(envInput({ adminPassword: randomSecret(18), sessionSecret: randomSecret(32) }));
    const config = configFromEnv(env as NodeJS.ProcessEnv);
    expect(config.adminPassword).toHaveLength(24);
    expect(config.sessionSecret!.length).toBeGreaterThanOrEqual(32);
  });
});

function envInput(overrides: Partial<ProcessEnvInput> = {}): ProcessEnvInput {
  return {
    base: {},
    index: 1,
    port: 41001,
    instanceId: 'node1-abcdef',
    databaseUrl: 'postgres://postgres@127.0.0.1:5433/postgres',
    redisUrl: 'redis://127.0.0.1:6380',
    adminPassword: 'organizer-password',
    sessionSecret: 's'.repeat(32),
    listen: { host: '127.0.0.1', port: 3000 },
    ...overrides,
  };
}

describe('processEnv', () => {
  it('one production process on its own loopback port, in distributed mode, trusting nginx as one hop', () => {
    const env = processEnv(envInput({ base: { LOG_LEVEL: 'warn', HOLD_TTL_MS: '60000', CLUSTER_PROCESSES: '3' } }));
    expect(env).toMatchObject({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '41001',
      INSTANCE_ID: 'node1-abcdef',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5433/postgres',
      REDIS_URL: 'redis://127.0.0.1:6380',
      ADMIN_PASSWORD: 'organizer-password',
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
      HOLD_TTL_MS: '60000',
    });
    expect(env.CLUSTER_PROCESSES).toBeUndefined();
    expect(env.SESSION_SECRET).toBe('s'.repeat(32));
    // The server accepts it as a whole.
    const config = configFromEnv(env as NodeJS.ProcessEnv);
    expect(config.dev).toBe(false);
    expect(config.trustProxy).toEqual({ kind: 'hops', hops: 1 });
  });

  it('without a session secret of its own, no process inherits one: they share the database\'s', () => {
    const env = processEnv(envInput({ sessionSecret: undefined, base: { SESSION_SECRET: '' } }));
    expect('SESSION_SECRET' in env).toBe(false);
    expect(configFromEnv(env as NodeJS.ProcessEnv).sessionSecret).toBeUndefined();
  });

  it('only the first process seeds the demo (and only if SEED_DEMO allows it)', () => {
    expect(processEnv(envInput({ index: 1 })).SEED_DEMO).toBe('1');
    expect(processEnv(envInput({ index: 2 })).SEED_DEMO).toBe('0');
    expect(processEnv(envInput({ index: 1, base: { SEED_DEMO: '0' } })).SEED_DEMO).toBe('0');
  });

  it('on loopback the site is http://localhost:PORT (emails link through nginx), 127.0.0.1 allowed too', () => {
    const env = processEnv(envInput({ listen: { host: '127.0.0.1', port: 8080 } }));
    expect(env.PUBLIC_URL).toBe('http://localhost:8080');
    expect(env.ALLOWED_ORIGINS).toBe('http://127.0.0.1:8080');
    expect(configFromEnv(env as NodeJS.ProcessEnv).allowedOrigins).toEqual(['http://127.0.0.1:8080']);
    const withOrigins = processEnv(envInput({ base: { ALLOWED_ORIGINS: 'https://box.example.com' } }));
    expect(withOrigins.ALLOWED_ORIGINS).toBe('https://box.example.com,http://127.0.0.1:3000');
  });

  it('a given PUBLIC_URL, TRUST_PROXY or MAIL_OUTBOX_DIR wins; on a public address the Host decides', () => {
    const given = processEnv(envInput({ base: { PUBLIC_URL: 'https://tickets.example.com', TRUST_PROXY: '2', MAIL_OUTBOX_DIR: '/srv/mail' }, outboxDir: '/tmp/x/outbox' }));
    expect(given).toMatchObject({ PUBLIC_URL: 'https://tickets.example.com', TRUST_PROXY: '2', MAIL_OUTBOX_DIR: '/srv/mail' });
    expect(given.ALLOWED_ORIGINS).toBeUndefined();
    expect(processEnv(envInput({ outboxDir: '/tmp/x/outbox' })).MAIL_OUTBOX_DIR).toBe('/tmp/x/outbox');
    const everywhere = processEnv(envInput({ listen: { host: '0.0.0.0', port: 3000 } }));
    expect(everywhere.PUBLIC_URL).toBeUndefined();
    expect(everywhere.HOST).toBe('127.0.0.1'); // the processes themselves stay behind nginx
  });
});

describe('siteConfig (nginx)', () => {
  const upstreams = [
    { host: '127.0.0.1', port: 41001 },
    { host: '127.0.0.1', port: 41002 },
    { host: '127.0.0.1', port: 41003 },
  ];
  const lines = directives(siteConfig({ listen: '127.0.0.1:3000', upstreams }));
  /** The directives inside `header {` … its closing `}` (blocks here nest one level at most). */
  const block = (header: string): string[] => {
    const start = lines.indexOf(`${header} {`);
    expect(start, header).toBeGreaterThanOrEqual(0);
    return lines.slice(start + 1, lines.indexOf('}', start));
  };
  const servers = [
    'server 127.0.0.1:41001 max_fails=1 fail_timeout=5s;',
    'server 127.0.0.1:41002 max_fails=1 fail_timeout=5s;',
    'server 127.0.0.1:41003 max_fails=1 fail_timeout=5s;',
  ];

  it('both upstreams list every process, in order, and nothing else', () => {
    expect(block('upstream seatline').filter((l) => l.startsWith('server '))).toEqual(servers);
    expect(block('upstream seatline_sockets').filter((l) => l.startsWith('server '))).toEqual(servers);
    expect(lines).toContain('listen 127.0.0.1:3000;');
    expect(() => siteConfig({ listen: '80', upstreams: [] })).toThrow();
  });

  it('Socket.IO is sticky (a consistent hash of the client address, before keepalive); pages and API are not', () => {
    const sockets = block('upstream seatline_sockets');
    // nginx requires the balancing method before keepalive, or keepalive falls back to round-robin.
    expect(sockets.indexOf('hash $remote_addr consistent;')).toBe(0);
    expect(sockets.indexOf('keepalive 32;')).toBeGreaterThan(0);
    expect(block('upstream seatline').some((l) => /^(hash|ip_hash|sticky)/.test(l))).toBe(false);
    expect(block('location /socket.io/')).toContain('proxy_pass http://seatline_sockets;');
    expect(block('location /')).toEqual(['proxy_pass http://seatline;']);
  });

  it('passes WebSocket upgrades over HTTP/1.1 and keeps sockets open past Socket.IO pings', () => {
    expect(lines).toContain('proxy_http_version 1.1;');
    expect(lines).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(lines).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(block('map $http_upgrade $connection_upgrade')).toEqual(['default upgrade;', "'' '';"]);
    expect(block('location /socket.io/')).toContain('proxy_read_timeout 1h;');
    // Inherited by the locations only while they set no proxy_set_header of their own.
    expect(lines.slice(lines.indexOf('location /socket.io/ {')).some((l) => l.startsWith('proxy_set_header'))).toBe(false);
  });

  it('tells the app who the client is and which Host and scheme it used', () => {
    expect(lines).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(lines).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
    expect(lines).toContain('proxy_set_header Host $http_host;');
  });
});

describe('localNginxConfig', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('runs in the foreground with everything in its own directory', () => {
    const config = localNginxConfig({ listen: { host: '127.0.0.1', port: 3000 }, upstreams: [{ host: '127.0.0.1', port: 41001 }], dir: '/tmp/c/nginx', workerUser: 'www-data' });
    const lines = directives(config);
    expect(lines.slice(0, 3)).toEqual(['user www-data;', 'daemon off;', 'master_process on;']);
    expect(lines).toContain('pid /tmp/c/nginx/nginx.pid;');
    expect(lines).toContain('proxy_temp_path /tmp/c/nginx/proxy;');
    expect(lines.filter((l) => /(^|\s)\/(var|etc|run)\//.test(l))).toEqual([]);
    expect(directives(localNginxConfig({ listen: { host: '::1', port: 3000 }, upstreams: [{ host: '127.0.0.1', port: 1 }], dir: '/d' }))).toContain('listen [::1]:3000;');
  });

  it.skipIf(!existsSync(NGINX))("is accepted by Debian's nginx (nginx -t)", () => {
    dir = mkdtempSync(join(tmpdir(), 'seatline-nginx-test-'));
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    const config = localNginxConfig({ listen: { host: '127.0.0.1', port: 3000 }, upstreams: [{ host: '127.0.0.1', port: 41001 }, { host: '127.0.0.1', port: 41002 }], dir, workerUser: root ? 'www-data' : undefined });
    writeFileSync(join(dir, 'nginx.conf'), config);
    // Throws (with nginx's complaint on stderr) when the configuration is invalid.
    execFileSync(NGINX, ['-t', '-q', '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' });
  });
});

describe('deploy/nginx.conf', () => {
  it('is exactly what composeNginxConfig generates (regenerate it from there)', () => {
    expect(readFileSync(join(import.meta.dirname, '../../deploy/nginx.conf'), 'utf8')).toBe(composeNginxConfig());
  });

  it('proxies to the three compose services on port 3000 and listens on 80', () => {
    const lines = directives(composeNginxConfig());
    const apps = ['server app1:3000 max_fails=1 fail_timeout=5s;', 'server app2:3000 max_fails=1 fail_timeout=5s;', 'server app3:3000 max_fails=1 fail_timeout=5s;'];
    expect(lines.filter((l) => /^server app\d/.test(l))).toEqual([...apps, ...apps]);
    expect(lines).toContain('listen 80;');
    expect(lines).toContain('hash $remote_addr consistent;');
  });
});
