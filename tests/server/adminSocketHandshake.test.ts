// Socket authentication after the server trims what each connection keeps of
// its HTTP request (server/socketRequests.ts, trimSocketRequests): only the cookie
// survives, so buyer and organizer cookies must still authenticate, over
// WebSocket and over polling upgraded to WebSocket, including /admin joined
// later over the same connection (one Manager) — and the requests themselves
// must really be released.
import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Manager, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminLogin, newSession, startAdminServer, type AdminTestServer } from './adminHelpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

function refused(socket: Socket): Promise<Error & { data?: { code?: string } }> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected without credentials')));
    socket.once('connect_error', resolve);
  });
}

describe('socket handshakes with trimmed requests', () => {
  let server: AdminTestServer;
  let buyerToken: string;
  let buyerId: string;
  let adminToken: string;
  const managers: Manager[] = [];
  const upgradeRequests: WeakRef<IncomingMessage>[] = [];

  beforeAll(async () => {
    server = await startAdminServer();
    ({ token: buyerToken, buyerId } = await newSession(server.url));
    adminToken = await adminLogin(server.url);
    server.httpServer.on('upgrade', (req: IncomingMessage) => upgradeRequests.push(new WeakRef(req)));
  });
  afterAll(async () => {
    for (const m of managers) m.engine?.close();
    await server?.stop();
  });

  /** One Manager = one engine.io connection, as a browser tab's `io()` has. */
  const manager = (cookie: string, transports: ('polling' | 'websocket')[]) => {
    const m = new Manager(server.url, { extraHeaders: { cookie }, transports, reconnection: false, forceNew: true, autoConnect: false });
    managers.push(m);
    return m;
  };
  const bothCookies = () => `theme=dark; seatline_buyer=${buyerToken}; seatline_admin=${adminToken}`;

  for (const transports of [['websocket'], ['polling', 'websocket']] as const) {
    it(`buyer cookie, then /admin over the same connection (${transports.join(' → ')})`, async () => {
      const m = manager(bothCookies(), [...transports]);
      const buyer = m.socket('/');
      buyer.connect();
      await connected(buyer);
      if (transports.length === 2) {
        // Wait for the upgrade, so /admin connects over the WebSocket that replaced polling.
        if (m.engine.transport.name !== 'websocket') await new Promise((r) => m.engine.once('upgrade', r));
      }
      const serverBuyer = [...server.io.of('/').sockets.values()].find((s) => s.id === buyer.id);
      expect(serverBuyer?.data.buyerId).toBe(buyerId);
      // What the connection kept of its request: the cookie and nothing else.
      expect(serverBuyer?.handshake.headers).toEqual({ cookie: bothCookies() });
      expect(serverBuyer?.conn.request.headers).toEqual({ cookie: bothCookies() });
      expect(serverBuyer?.handshake.address).toMatch(/127\.0\.0\.1/);

      const admin = m.socket('/admin');
      admin.connect();
      await connected(admin);
      // Same engine.io connection: the /admin handshake was built from the trimmed request.
      const serverAdmin = [...server.io.of('/admin').sockets.values()].find((s) => s.id === admin.id);
      expect(serverAdmin?.conn).toBe(serverBuyer?.conn);
      const ack = (await admin.timeout(5_000).emitWithAck('admin:watch', { eventId: 'no-such-event' })) as { ok: boolean; error?: { code: string } };
      expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } }); // authorized, just no such event
      buyer.disconnect();
      admin.disconnect();
    });
  }

  it('/admin over a buyer-only connection is still refused', async () => {
    const m = manager(`seatline_buyer=${buyerToken}`, ['polling', 'websocket']);
    const buyer = m.socket('/');
    buyer.connect();
    await connected(buyer);
    const admin = m.socket('/admin');
    admin.connect();
    const err = await refused(admin);
    expect(err.message).toBe('unauthorized');
    expect(err.data?.code).toBe('unauthorized');
    buyer.disconnect();
  });

  it('a connection without cookies is refused on both namespaces', async () => {
    const m = manager('', ['websocket']);
    const buyer = m.socket('/');
    buyer.connect();
    expect((await refused(buyer)).message).toBe('unauthorized');
    const admin = m.socket('/admin');
    admin.connect();
    expect((await refused(admin)).message).toBe('unauthorized');
  });

  it('the WebSocket upgrade requests are released while their connections stay open', async () => {
    const before = upgradeRequests.length;
    const m = manager(bothCookies(), ['websocket']);
    const buyer = m.socket('/');
    buyer.connect();
    await connected(buyer);
    expect(upgradeRequests.length).toBe(before + 1);
    // Collection may need a turn or two of the event loop after the handshake.
    let alive = upgradeRequests.filter((r) => r.deref() !== undefined).length;
    for (let i = 0; i < 20 && alive > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      gc();
      alive = upgradeRequests.filter((r) => r.deref() !== undefined).length;
    }
    expect(buyer.connected).toBe(true);
    expect(alive).toBe(0);
    buyer.disconnect();
  });
});
