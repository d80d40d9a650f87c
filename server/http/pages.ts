// The door to the Next.js pages: the organizer gate, a fresh CSP nonce per
// response (handed to Next on the request), the buyer session cookie, and the
// rule that no page may be stored by a shared cache.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fail } from '../../lib/protocol';
import type { AdminAuth } from '../admin/adminAuth';
import type { BuyerSessions } from '../buyerSession';
import type { ClientInfo } from './clientInfo';
import { guardPageResponse } from './pageResponse';
import { sendJson } from './router';
import { newNonce, pageCsp } from './securityHeaders';

export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface PageDeps {
  /** Next's request handler (or a stand-in); null when this instance serves no pages. */
  handler: PageHandler | null;
  adminAuth: AdminAuth;
  sessions: BuyerSessions;
  clientInfo: ClientInfo;
  /** Next runs in development mode (its tooling needs eval). */
  dev: boolean;
  /** Per-address limit on new sessions: 0 when a page may hand out one (absent: unlimited). */
  sessionAllowance?(req: IncomingMessage): Promise<number>;
}

/** /admin and everything under it, except the login page itself. */
function isAdminPage(pathname: string): boolean {
  return (pathname === '/admin' || pathname.startsWith('/admin/')) && pathname !== '/admin/login';
}

export function pageServer(deps: PageDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { handler, adminAuth, sessions, clientInfo } = deps;
  return async (req, res, url) => {
    if (!handler) return sendJson(res, 404, JSON.stringify(fail('not_found', 'Pages are not served by this instance.')));
    // Build output with content hashes in their names: Next's long caching stands, no cookie, no nonce.
    if (url.pathname.startsWith('/_next/static/')) return handler(req, res);
    // Organizer pages need an organizer session; everything else is public.
    if (isAdminPage(url.pathname) && !(await adminAuth.fromRequest(req))) {
      res.writeHead(302, { location: `/admin/login?next=${encodeURIComponent(url.pathname + url.search)}`, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const https = clientInfo.isHttps(req);
    // Next reads the nonce from the request's CSP header and puts it on its own scripts; the root
    // layout reads x-nonce for its inline script. Whatever the client sent there is replaced.
    const nonce = newNonce();
    const csp = pageCsp({ nonce, https, dev: deps.dev });
    delete req.headers['content-security-policy-report-only'];
    req.headers['content-security-policy'] = csp;
    req.headers['x-nonce'] = nonce;
    res.setHeader('content-security-policy', csp);
    // Every visitor gets an anonymous buyer session on first page load (within the address's limit on
    // new sessions: past it the page is served without one, and POST /api/session says when to retry).
    const needsSession = !sessions.fromRequest(req) && ((await deps.sessionAllowance?.(req)) ?? 0) === 0;
    guardPageResponse(res, { buyerCookie: needsSession ? sessions.cookieHeader(sessions.issue().token, https) : null });
    await handler(req, res);
  };
}
