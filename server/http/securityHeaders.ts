// Response headers that tell browsers to contain the damage of a bug: a
// Content-Security-Policy (pages get a fresh script nonce per response, which
// Next.js reads from the request and puts on its own scripts), no framing, no
// MIME sniffing, no referrer beyond the site, and HSTS over HTTPS.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

const ONE_YEAR_S = 365 * 24 * 3600;

/** 128 random bits, base64: what CSP nonces are made of. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface PageCspOptions {
  nonce: string;
  https: boolean;
  /** Next's dev server evaluates code (React's dev tooling): allow eval there only. */
  dev: boolean;
}

/**
 * The policy of every page. Scripts: only those carrying this response's nonce,
 * and what they load ('strict-dynamic': Next's chunk loader adds <script>s).
 * Styles allow inline: React renders `style` attributes (the seat map sets
 * positions and colours that way), and CSS cannot run script. Sockets and
 * fetches go to the site itself only ('self' covers ws:/wss: of the same host).
 */
export function pageCsp({ nonce, https, dev }: PageCspOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** JSON, CSV and metrics are never documents: nothing may run or be framed in them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The headers every response gets (pages add their CSP, the API its own). */
export function setBaseSecurityHeaders(res: ServerResponse, https: boolean): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'same-origin');
  // A window we open (or that opens us) from another site gets no handle on ours.
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  // HSTS over plain HTTP is ignored by browsers and would only mislead; send it only when it counts.
  if (https) res.setHeader('strict-transport-security', `max-age=${ONE_YEAR_S}`);
}
