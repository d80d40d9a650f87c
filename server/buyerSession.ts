// Anonymous buyer identity: a random buyer id signed with HMAC-SHA256.
// Browsers carry it in an httpOnly cookie; other clients as a bearer token.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const BUYER_COOKIE = 'seatline_buyer';
const ONE_YEAR_S = 365 * 24 * 3600;

export class BuyerSessions {
  constructor(private readonly secret: string) {}

  issue(): { buyerId: string; token: string } {
    const buyerId = `b_${randomBytes(12).toString('base64url')}`;
    return { buyerId, token: `${buyerId}.${this.sign(buyerId)}` };
  }

  /** The buyer id inside a token, or null if the token is missing, malformed or forged. */
  verify(token: string | undefined | null): string | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return null;
    const buyerId = token.slice(0, dot);
    if (!/^b_[A-Za-z0-9_-]{8,40}$/.test(buyerId)) return null;
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.sign(buyerId));
    return given.length === expected.length && timingSafeEqual(given, expected) ? buyerId : null;
  }

  /** Reads the buyer from `Authorization: Bearer` or the session cookie. */
  fromRequest(req: IncomingMessage): string | null {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return this.verify(auth.slice(7).trim());
    return this.verify(readCookie(req.headers.cookie, BUYER_COOKIE));
  }

  cookieHeader(token: string, secure: boolean): string {
    return `${BUYER_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ONE_YEAR_S}${secure ? '; Secure' : ''}`;
  }

  private sign(buyerId: string): string {
    return createHmac('sha256', this.secret).update(`buyer:${buyerId}`).digest('base64url');
  }
}

/**
 * The first value of cookie `name` that decodes; undefined when there is none.
 * A value that is not valid percent-encoding (`%E0%A4%A`, `%`) counts as absent:
 * a browser holding such a cookie gets a fresh session, never an error.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // not decodable: look for another cookie of that name, else treat it as absent
    }
  }
  return undefined;
}
