// What each Socket.IO connection keeps of the HTTP request that opened it.
// Our handshake verdicts (client address, origin) are taken from the full
// request first; then it is trimmed to the cookie, for memory (see below).
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { BuyerServer } from './buyerSockets';
import type { HandshakeFacts } from './socketHandshake';

/** What a connection keeps of its first HTTP request (see trimSocketRequests). */
interface TrimmedRequest {
  headers: { cookie?: string };
  connection: { encrypted: boolean };
  /** Origin verdict and client address, decided from the full request (see socketHandshake.ts). */
  seatline: HandshakeFacts;
}

/** The only parts of the request the namespaces' handshakes read: the session cookie (buyer and admin), and our verdicts. */
function trimmedRequest(req: IncomingMessage, facts: HandshakeFacts): TrimmedRequest {
  const cookie = req.headers.cookie;
  return {
    headers: cookie === undefined ? {} : { cookie },
    // Socket.IO derives `handshake.secure` from this.
    connection: { encrypted: (req.socket as { encrypted?: boolean } | null)?.encrypted === true },
    seatline: facts,
  };
}

/** engine.io's stand-in response for a WebSocket upgrade (not a ServerResponse). */
interface UpgradeResponse {
  req?: unknown;
  socket: { rawListeners(event: 'close'): unknown[]; removeListener(event: 'close', listener: (...args: unknown[]) => void): unknown };
}

function isUpgradeResponse(res: unknown): res is UpgradeResponse {
  if (res instanceof ServerResponse || typeof res !== 'object' || res === null || !('req' in res) || !('socket' in res)) return false;
  const socket = (res as { socket: unknown }).socket;
  return typeof socket === 'object' && socket !== null && typeof (socket as { rawListeners?: unknown }).rawListeners === 'function';
}

/**
 * Memory per idle connection (Socket.IO's "discard the initial HTTP request" tip, made effective):
 * - every engine.io connection keeps its first request for Socket.IO to build each namespace's
 *   `handshake` from, including namespaces joined later over the same connection (/admin after /).
 *   We replace it with a plain object holding only the cookie, so the IncomingMessage with all its
 *   headers, raw headers and stream state can be collected;
 * - engine.io also keeps each WebSocket upgrade request alive for the connection's lifetime: its
 *   stand-in response holds `req`, and a 'close' listener it puts on the TCP socket (only to
 *   re-emit 'close' for middlewares, of which we have none that listen) holds the response.
 *   Once the 101 headers are written (engine.io deletes the response's header store then) the
 *   response is finished, so we drop both. Without this the first step frees nothing for
 *   WebSocket clients. Measured in bench/memory.ts.
 */
export function trimSocketRequests(io: BuyerServer, factsOf: (req: IncomingMessage) => HandshakeFacts): void {
  const upgrades = new WeakMap<IncomingMessage, { res: UpgradeResponse; onClose: unknown }>();
  // Registered first, so it runs right after engine.io built the response: the TCP socket's
  // newest 'close' listener is then the response's own `once` wrapper. Anything else (say a
  // plain `on` listener of Node's http server) is left alone: then only `req` is dropped.
  io.engine.use((req: IncomingMessage, res: unknown, next: () => void) => {
    if (isUpgradeResponse(res)) {
      const newest = res.socket.rawListeners('close').at(-1) as { listener?: unknown } | undefined;
      upgrades.set(req, { res, onClose: typeof newest?.listener === 'function' ? newest : undefined });
    }
    next();
  });
  io.engine.on('headers', (_headers: unknown, req: IncomingMessage) => {
    const upgrade = upgrades.get(req);
    if (!upgrade) return;
    upgrades.delete(req);
    if (typeof upgrade.onClose === 'function') upgrade.res.socket.removeListener('close', upgrade.onClose as (...args: unknown[]) => void);
    upgrade.res.req = undefined;
  });
  io.engine.on('connection', (raw: { request: unknown; remoteAddress: string }) => {
    const facts = factsOf(raw.request as IncomingMessage);
    raw.request = trimmedRequest(raw.request as IncomingMessage, facts);
    // Socket.IO's `handshake.address`: the client behind trusted proxies, not the proxy.
    raw.remoteAddress = facts.address;
  });
}
