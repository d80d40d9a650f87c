// Cross-site request forgery and cross-site WebSocket hijacking: a page on
// another site can make the browser send our cookies with a POST or open a
// socket to us. Browsers say where such a request comes from (Origin, and
// Sec-Fetch-Site); we refuse state-changing requests and socket handshakes
// whose origin is not the site's own. The site's own origin is PUBLIC_URL's
// when set, else the scheme and Host the request came to; ALLOWED_ORIGINS adds
// more. A request without either header is not from a browser (curl, API
// clients with bearer tokens): it is let through, it carries no ambient
// credentials a third party could have borrowed.
import type { IncomingHttpHeaders } from 'node:http';

export interface OriginPolicyOptions {
  /** PUBLIC_URL's origin; when set, the Host header no longer defines the site. */
  publicOrigin?: string;
  /** ALLOWED_ORIGINS, already normalised to origins. */
  allowedOrigins: readonly string[];
}

/** Methods that never change anything here, so never need the check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class OriginPolicy {
  private readonly allowed: Set<string>;

  constructor(private readonly options: OriginPolicyOptions) {
    this.allowed = new Set([...(options.publicOrigin ? [options.publicOrigin] : []), ...options.allowedOrigins]);
  }

  /** Whether a request with this method is checked at all. */
  static changesState(method: string | undefined): boolean {
    return !SAFE_METHODS.has((method ?? 'GET').toUpperCase());
  }

  /**
   * Null when the request may proceed, else why it is refused (for the error message).
   * `protocol`: how the client reached us (see ClientInfo.protocol), for the Host-derived origin.
   */
  refusal(headers: IncomingHttpHeaders, protocol: 'http' | 'https'): string | null {
    const origin = headers.origin;
    if (origin === undefined) {
      const site = headers['sec-fetch-site'];
      if (site === 'cross-site' || site === 'same-site') return 'This request comes from another origin (Sec-Fetch-Site): only pages of this site may do this.';
      return null;
    }
    const given = origin.trim().toLowerCase();
    if (this.allowed.has(given)) return null;
    if (!this.options.publicOrigin && given === hostOrigin(headers.host, protocol)) return null;
    return `Origin ${origin.slice(0, 100)} is not accepted here: only pages of this site may do this.`;
  }
}

/** The origin a browser would send for a page at this Host (default ports dropped), or null. */
function hostOrigin(host: string | undefined, protocol: 'http' | 'https'): string | null {
  if (!host) return null;
  try {
    const url = new URL(`${protocol}://${host}`);
    return url.host === host.toLowerCase() || url.host === host.toLowerCase().replace(/:(80|443)$/, '') ? url.origin : null;
  } catch {
    return null;
  }
}
