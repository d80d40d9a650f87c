// A tiny method+path router for the JSON API. Bodies are capped and must be
// JSON; every reply uses the same Ack shape as the Socket.IO acks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fail, HTTP_STATUS, type Ack } from '../../lib/protocol';

export const MAX_BODY_BYTES = 64 * 1024;

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type RouteHandler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      '^' +
        path.replace(/:([a-zA-Z]+)/g, (_, key: string) => {
          keys.push(key);
          return '([^/]+)';
        }) +
        '/?$',
    );
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }

  /** Handles the request if a route matches its path; returns false when no path matches. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        try {
          params[key] = decodeURIComponent(match[i + 1]);
        } catch {
          params[key] = match[i + 1];
        }
      });
      await route.handler({ req, res, url, params });
      return true;
    }
    if (pathMatched) {
      sendAck(res, fail('invalid_request', `Method ${req.method} is not allowed here.`), 405);
      return true;
    }
    return false;
  }
}

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/** Sends an Ack with the status its error code maps to (200/201 on success). */
export function sendAck<T extends object>(res: ServerResponse, ack: Ack<T>, status?: number): void {
  const code = status ?? (ack.ok ? 200 : HTTP_STATUS[ack.error.code]);
  const headers: Record<string, string> = {};
  if (!ack.ok && ack.error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(ack.error.retryAfterMs / 1000));
  sendJson(res, code, JSON.stringify(ack), headers);
}

export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a JSON body of at most `maxBytes` (default MAX_BODY_BYTES). Empty body → {}. */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.resume();
    throw new BodyError(413, `The body is larger than ${maxBytes} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      req.resume();
      throw new BodyError(413, `The body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  const type = String(req.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new BodyError(415, 'Send the body as application/json.');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'The body is not valid JSON.');
  }
}
