// Caching of what Next.js answers. Next marks prerendered pages cacheable by
// shared caches for a year (`s-maxage=31536000`), but our pages set the buyer
// cookie and the organizer pages exist only behind a session: a CDN or proxy
// caching one would hand one visitor's session, or the console, to everyone.
// So every document (HTML, or the RSC payload of a client-side navigation)
// leaves private and unstored, and only then gets the session cookie; files
// Next serves as public (the icon, /_next/static) keep their caching and never
// carry a cookie.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

export const PRIVATE_NO_STORE = 'private, no-cache, no-store, max-age=0, must-revalidate';

export interface PageResponseOptions {
  /** A Set-Cookie line for a new buyer session, or null when the visitor has one. */
  buyerCookie: string | null;
}

/** Applies the caching rule to `res` just before its headers are written, whoever writes them. */
export function guardPageResponse(res: ServerResponse, options: PageResponseOptions): void {
  const writeHead = res.writeHead;
  res.writeHead = function guardedWriteHead(this: ServerResponse, statusCode: number, ...rest: unknown[]): ServerResponse {
    res.writeHead = writeHead;
    // writeHead(status, [reason], [headers]): fold the headers in first, so the rule sees the final set.
    const reason = typeof rest[0] === 'string' ? rest[0] : undefined;
    const headers = reason === undefined ? rest[0] : rest[1];
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) this.appendHeader(String(headers[i]), headers[i + 1] as string);
    } else if (headers && typeof headers === 'object') {
      for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) if (value !== undefined) this.setHeader(name, value);
    }
    applyCachingRule(this, options);
    return (writeHead as (this: ServerResponse, code: number, reason?: string) => ServerResponse).call(this, statusCode, reason);
  } as ServerResponse['writeHead'];
}

function applyCachingRule(res: ServerResponse, { buyerCookie }: PageResponseOptions): void {
  if (isSharedFile(res)) return;
  res.setHeader('cache-control', PRIVATE_NO_STORE);
  if (buyerCookie) res.appendHeader('set-cookie', buyerCookie);
}

/** A file Next serves to everyone alike (not a document) and marks cacheable: the icon, public/ files. */
function isSharedFile(res: ServerResponse): boolean {
  const type = String(res.getHeader('content-type') ?? '').toLowerCase();
  if (type.startsWith('text/html') || type.startsWith('text/x-component')) return false;
  const cacheControl = String(res.getHeader('cache-control') ?? '').toLowerCase();
  return /(^|,)\s*public\s*(,|$)/.test(cacheControl) && !/(^|,)\s*private\s*(,|$)/.test(cacheControl);
}
