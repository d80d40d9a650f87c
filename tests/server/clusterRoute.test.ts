// GET /api/admin/cluster on a real server in embedded mode: organizers only
// (401 anonymous, 403 a buyer, with nothing leaked), and for an organizer one
// live process (this one) owning every event at epoch 0, with its viewers;
// and a status that cannot be read answers storage_unavailable, not a bug.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../lib/clusterProtocol';
import type { AdminAuth } from '../../server/admin/adminAuth';
import { registerClusterRoutes } from '../../server/admin/clusterRoutes';
import type { BuyerSessions } from '../../server/buyerSession';
import { Router } from '../../server/http/router';
import { adminLogin, ask, call, closeAll, connectBuyerSocket, createEvent, newSession, startAdminServer, type AdminTestServer, type BuyerSocket } from './adminHelpers';

describe('GET /api/admin/cluster (embedded mode)', () => {
  let server: AdminTestServer;
  let admin: string;
  const sockets: BuyerSocket[] = [];
  beforeAll(async () => {
    server = await startAdminServer({ env: { MAILBOX_CAPACITY: '321' } });
    admin = await adminLogin(server.url);
    await createEvent(server.url, admin, { id: 'cluster-one', name: 'Cluster One' });
    await createEvent(server.url, admin, { id: 'cluster-two', name: 'Cluster Two' });
  });
  afterAll(async () => {
    closeAll(sockets);
    await server?.stop();
  });

  it('refuses anyone but an organizer, without a word about the cluster', async () => {
    const anonymous = await call(server.url, 'GET', '/api/admin/cluster');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const buyer = await call(server.url, 'GET', '/api/admin/cluster', { token: (await newSession(server.url)).token });
    expect(buyer.status).toBe(403);
    expect(buyer.body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    for (const refused of [anonymous, buyer]) {
      expect(refused.text).not.toContain('cluster-one');
      expect(refused.text).not.toContain('embedded');
    }
    // Not a state change: POST is not a route here.
    expect((await call(server.url, 'POST', '/api/admin/cluster', { token: admin })).status).toBe(405);
  });

  it('an organizer sees one live process, this one, owning every event at epoch 0 with its viewers', async () => {
    const viewer = await connectBuyerSocket(server.url);
    sockets.push(viewer.socket);
    expect((await ask(viewer.socket, 'event:join', { eventId: 'cluster-two' })).ok).toBe(true);

    const before = Date.now();
    const res = await call<{ ok: true; cluster: ClusterStatus }>(server.url, 'GET', '/api/admin/cluster', { token: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { cluster } = res.body;
    expect(cluster).toMatchObject({ mode: 'embedded', instanceId: 'embedded', mailboxCapacity: 321, leases: [], changes: [] });
    expect(cluster.generatedAt).toBeGreaterThanOrEqual(before);
    expect(cluster.instances).toHaveLength(1);
    const [instance] = cluster.instances;
    expect(instance).toMatchObject({ instanceId: 'embedded', live: true, pid: process.pid, url: server.publicUrl, viewers: 1 });
    expect(instance.sockets).toBeGreaterThanOrEqual(1);
    expect(instance.startedAt).toBeLessThanOrEqual(instance.heartbeatAt);
    expect(instance.heartbeatAt).toBe(cluster.generatedAt);
    expect(instance.ownedEvents).toEqual([
      { eventId: 'cluster-one', eventName: 'Cluster One', epoch: 0, mailboxDepth: 0, viewers: 0 },
      { eventId: 'cluster-two', eventName: 'Cluster Two', epoch: 0, mailboxDepth: 0, viewers: 1 },
    ]);
  });
});

describe('GET /api/admin/cluster when the status cannot be read', () => {
  it('answers 503 storage_unavailable with retryAfterMs, and logs why', async () => {
    const router = new Router();
    const warnings: unknown[] = [];
    registerClusterRoutes(router, {
      // An organizer on every request: this is about the failure, the guard is tested above.
      auth: { fromRequest: async () => 'organizer-session' } as unknown as AdminAuth,
      sessions: { fromRequest: () => null } as unknown as BuyerSessions,
      clusterStatus: () => Promise.reject(new Error('connection refused')),
      logger: { warn: (...args: unknown[]) => warnings.push(args) } as never,
    });
    const http = createServer((req, res) => void router.handle(req, res, new URL(req.url ?? '/', 'http://localhost')));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const res = await call(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, 'GET', '/api/admin/cluster');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ ok: false, error: { code: 'storage_unavailable', retryAfterMs: 2000 } });
      expect(res.headers.get('retry-after')).toBe('2');
      expect(warnings).toHaveLength(1);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
