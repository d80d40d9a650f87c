// What every Socket.IO handshake goes through before a namespace's own
// authentication: the origin check and the per-address rate limit. Every
// refusal is a connect_error whose message is the error code and whose `data`
// is `{ code, message, retryAfterMs? }` (socket.io-client: `err.data`), and no
// middleware may throw or reject unanswered: a handshake left without an
// answer stays half-open on the server.
import type { IncomingMessage } from 'node:http';
import type { ExtendedError, Socket } from 'socket.io';
import type { ErrorCode } from '../lib/protocol';
import type { ClientInfo } from './http/clientInfo';
import type { OriginPolicy } from './http/originPolicy';
import type { Logger } from './logger';
import type { RequestLimits } from './rateLimiter';

/** What the server decides about a connection from its first HTTP request (kept after the request is trimmed). */
export interface HandshakeFacts {
  /** The client's address (trusted proxies honoured). */
  address: string;
  /** Why a browser on another site may not connect, or null. */
  originRefusal: string | null;
}

export function handshakeFactsOf(req: IncomingMessage, clientInfo: ClientInfo, originPolicy: OriginPolicy): HandshakeFacts {
  return { address: clientInfo.address(req), originRefusal: originPolicy.refusal(req.headers, clientInfo.protocol(req)) };
}

type Next = (error?: ExtendedError) => void;
type Middleware = (socket: Socket, next: Next) => void;

/** A connect_error the client can act on: message = code, data = { code, message, … }. */
export function handshakeError(code: ErrorCode, message: string, extra: { retryAfterMs?: number } = {}): ExtendedError {
  const error = new Error(code) as ExtendedError;
  error.data = { code, message, ...extra };
  return error;
}

/** Runs `middleware` so that a throw becomes an `internal` connect_error, and `next` counts once. */
export function guardedMiddleware(logger: Logger, middleware: Middleware): Middleware {
  return (socket, next) => {
    let answered = false;
    const once: Next = (error) => {
      if (answered) return;
      answered = true;
      next(error);
    };
    try {
      middleware(socket, once);
    } catch (error) {
      logger.error({ err: error, nsp: socket.nsp.name, address: socket.handshake.address }, 'socket handshake failed');
      once(handshakeError('internal', 'Something went wrong on our side; try again.'));
    }
  };
}

/** The first middleware of every namespace: origin, then the address's rate limit. */
export function handshakeGuard(limits: RequestLimits, logger: Logger): Middleware {
  return guardedMiddleware(logger, (socket, next) => {
    const facts = (socket.request as unknown as { seatline?: HandshakeFacts }).seatline;
    if (!facts) throw new Error('handshake facts missing: the engine connection was not inspected');
    if (facts.originRefusal) return next(handshakeError('forbidden', facts.originRefusal));
    limits.take(facts.address).then(
      (waitMs) =>
        next(waitMs > 0 ? handshakeError('rate_limited', 'Too many connections from this address; slow down.', { retryAfterMs: waitMs }) : undefined),
      (error: unknown) => {
        logger.error({ err: error }, 'handshake rate limit failed');
        next(handshakeError('internal', 'Something went wrong on our side; try again.'));
      },
    );
  });
}
