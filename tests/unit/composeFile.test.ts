// docker-compose.yml and the Dockerfile cannot be run here (no Docker): these checks hold
// them to what the cluster needs, so an edit that breaks the shape fails a test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_APP_SERVICES } from '../../scripts/clusterConfig';

const root = join(import.meta.dirname, '../..');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

describe('docker-compose.yml', () => {
  it('PostgreSQL 15 on a volume, durability settings untouched; Redis 7', () => {
    expect(services.postgres.image).toBe('postgres:15');
    expect(services.postgres.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes)).toContain('pgdata');
    expect(JSON.stringify(services.postgres)).not.toMatch(/synchronous_commit|fsync/);
    expect(services.postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(services.redis.image).toBe('redis:7');
  });

  it('three app processes from the Dockerfile, in distributed mode, sharing the secrets, each with its own instance id', () => {
    const apps = Object.keys(services).filter((name) => name.startsWith('app'));
    expect(apps).toEqual([...COMPOSE_APP_SERVICES]);
    const envs = apps.map((name) => services[name].environment!);
    for (const [i, name] of apps.entries()) {
      expect(services[name].build, name).toBe('.');
      expect(services[name].ports, `${name} is reached through nginx only`).toBeUndefined();
      expect(envs[i].DATABASE_URL).toMatch(/^postgres:\/\/seatline:.*@postgres:5432\/seatline$/);
      expect(envs[i].REDIS_URL).toBe('redis://redis:6379');
      expect(envs[i].TRUST_PROXY).toBe('1');
      expect(envs[i].HOST).toBe('0.0.0.0');
      expect(envs[i].PORT).toBe('3000');
      // The same variable, required (compose refuses to start without it), on every process.
      expect(envs[i].ADMIN_PASSWORD).toBe(envs[0].ADMIN_PASSWORD);
      expect(envs[i].ADMIN_PASSWORD).toMatch(/^\$\{ADMIN_PASSWORD:\?/);
      expect(envs[i].SESSION_SECRET).toBe(envs[0].SESSION_SECRET);
      expect(envs[i].SESSION_SECRET).toMatch(/^\$\{SESSION_SECRET:\?/);
    }
    expect(new Set(envs.map((env) => env.INSTANCE_ID)).size).toBe(apps.length);
  });

  it('only app1 seeds: the others wait until it is healthy and do not seed', () => {
    expect(services.app1.environment!.SEED_DEMO).toBeUndefined();
    expect(Object.keys(services.app1.depends_on!)).toEqual(['postgres', 'redis']);
    for (const name of COMPOSE_APP_SERVICES.slice(1)) {
      expect(services[name].environment!.SEED_DEMO).toBe('0');
      expect(services[name].depends_on!.app1).toEqual({ condition: 'service_healthy' });
    }
  });

  it('nginx in front with deploy/nginx.conf, after every app is healthy', () => {
    expect(services.nginx.image).toMatch(/^nginx:/);
    expect(services.nginx.volumes).toContain('./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(services.nginx.ports).toEqual(['${PORT:-3000}:80']);
    for (const name of COMPOSE_APP_SERVICES) expect(services.nginx.depends_on![name]).toEqual({ condition: 'service_healthy' });
  });
});

describe('Dockerfile', () => {
  it('Node 20, npm ci and the production build, a non-root user, a health check on /api/health', () => {
    expect(dockerfile.match(/^FROM node:20\S*/gm)?.length).toBe(2);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK[\s\S]*\/api\/health/m);
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production/m);
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "server\/main.ts"\]$/m);
  });

  it('.dockerignore keeps local builds, databases and secrets out of the image', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', '.next', 'data', '.env', '.git']) expect(ignored).toContain(entry);
  });
});
