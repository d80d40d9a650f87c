// Organizer login. The password comes from ADMIN_PASSWORD or is generated at
// start (printed once in the log); only its scrypt hash is kept. Sessions are
// signed, expiring, httpOnly cookies (or bearer tokens), revocable by logout.
import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readCookie } from '../buyerSession';
import { RateLimiter } from '../rateLimiter';

export const ADMIN_COOKIE = 'seatline_admin';
export const ADMIN_SESSION_TTL_MS = 8 * 3600 * 1000;

export interface AdminAuthOptions {
  /** The configured password, or undefined to generate one. */
  password?: string;
  secret: string;
  clock?: () => number;
}

export type LoginResult =
  | { ok: true; token: string; expiresAt: number }
  | { ok: false; code: 'unauthorized' | 'rate_limited'; retryAfterMs?: number };

export class AdminAuth {
  /** Set only when the password was generated: the caller logs it once, then drops it. */
  readonly generatedPassword: string | null;
  private readonly salt = randomBytes(16);
  private readonly passwordHash: Buffer;
  private readonly revoked = new Map<string, number>();
  private readonly clock: () => number;
  // Five tries per minute per address, and a global ceiling against distributed guessing.
  private readonly perAddress: RateLimiter;
  private readonly global: RateLimiter;

  constructor(private readonly options: AdminAuthOptions) {
    this.clock = options.clock ?? Date.now;
    const password = options.password ?? randomBytes(18).toString('base64url');
    this.generatedPassword = options.password ? null : password;
    this.passwordHash = scryptSync(password, this.salt, 32);
    this.perAddress = new RateLimiter({ ratePerSecond: 5 / 60, burst: 5 }, this.clock);
    this.global = new RateLimiter({ ratePerSecond: 1, burst: 30 }, this.clock);
  }

  login(password: unknown, address: string): LoginResult {
    const wait = Math.max(this.perAddress.take(address), this.global.take('*'));
    if (wait > 0) return { ok: false, code: 'rate_limited', retryAfterMs: wait };
    if (typeof password !== 'string' || password.length === 0 || password.length > 256) return { ok: false, code: 'unauthorized' };
    const given = scryptSync(password, this.salt, 32);
    if (!timingSafeEqual(given, this.passwordHash)) return { ok: false, code: 'unauthorized' };
    this.perAddress.forget(address);
    const expiresAt = this.clock() + ADMIN_SESSION_TTL_MS;
    const sessionId = randomBytes(12).toString('base64url');
    const body = `${sessionId}.${expiresAt}`;
    return { ok: true, token: `${body}.${this.sign(body)}`, expiresAt };
  }

  /** The session id of a valid, unexpired, unrevoked token; else null. */
  verify(token: string | undefined | null): string | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [sessionId, expiresAtText, signature] = parts;
    const expected = Buffer.from(this.sign(`${sessionId}.${expiresAtText}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const expiresAt = Number(expiresAtText);
    if (!Number.isFinite(expiresAt) || expiresAt <= this.clock()) return null;
    if (this.revoked.has(sessionId)) return null;
    return sessionId;
  }

  logout(token: string | undefined | null): void {
    const sessionId = this.verify(token);
    if (!sessionId) return;
    const expiresAt = Number(token!.split('.')[1]);
    this.revoked.set(sessionId, expiresAt);
    const now = this.clock();
    for (const [id, until] of this.revoked) if (until <= now) this.revoked.delete(id);
  }

  tokenFromRequest(req: IncomingMessage): string | undefined {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
    return readCookie(req.headers.cookie, ADMIN_COOKIE);
  }

  fromRequest(req: IncomingMessage): string | null {
    return this.verify(this.tokenFromRequest(req));
  }

  cookieHeader(token: string, secure: boolean): string {
    return `${ADMIN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${ADMIN_SESSION_TTL_MS / 1000}${secure ? '; Secure' : ''}`;
  }

  clearCookieHeader(): string {
    return `${ADMIN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.options.secret).update(`admin:${body}`).digest('base64url');
  }
}
