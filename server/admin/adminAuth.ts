// Organizer login. The password comes from ADMIN_PASSWORD or is generated at
// start (printed once in the log); only its scrypt hash is kept, in memory.
// Sessions are signed, expiring tokens (httpOnly cookie or bearer), revocable
// by logout; revocations are stored (AdminSessionStore) so they survive
// restarts.
//
// Tokens are signed with a key derived from the session secret AND the
// password's hash (salt persisted in the database): changing ADMIN_PASSWORD
// changes the key, so every session signed under the old password stops
// verifying at once, in every process. A generated password is new on every
// start, so its sessions last one run, like the password itself.
import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { readCookie } from '../buyerSession';
import { bearerToken } from '../http/secrets';
import type { AdminSessionStore } from './adminSessionStore';
import type { LoginThrottle } from './loginThrottle';

export const ADMIN_COOKIE = 'seatline_admin';
export const DEVICE_COOKIE = 'seatline_device';
export const ADMIN_SESSION_TTL_MS = 8 * 3600 * 1000;
export const DEVICE_TTL_MS = 180 * 24 * 3600 * 1000;
/** The one organizer account (the login throttle counts per account). */
const ACCOUNT = 'organizer';
const HASH_BYTES = 32;

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface AdminAuthOptions {
  /** The configured password, or undefined to generate one. */
  password?: string;
  /** HMAC secret, persisted (settings: admin_session_secret). */
  secret: string;
  /** scrypt salt of the password hash, persisted (settings: admin_password_salt). */
  passwordSalt: string;
  revocations: AdminSessionStore;
  throttle: LoginThrottle;
  clock?: () => number;
}

export interface LoginClient {
  /** The client's address (ClientInfo.address). */
  address: string;
  /** The device cookie the client sent, if any. */
  deviceToken?: string;
}

export type LoginResult =
  | { ok: true; token: string; expiresAt: number; deviceToken: string }
  | { ok: false; code: 'unauthorized' | 'rate_limited'; retryAfterMs?: number };

/** The key that signs organizer tokens: bound to the secret and to the password. */
export function adminSigningKey(secret: string, passwordHash: Buffer): Buffer {
  return createHmac('sha256', secret).update('seatline admin signing key\0').update(passwordHash).digest();
}

export function hashAdminPassword(password: string, salt: string): Buffer {
  return scryptSync(password, Buffer.from(salt, 'base64url'), HASH_BYTES);
}

export class AdminAuth {
  /** Set only when the password was generated: the caller logs it once, then drops it. */
  readonly generatedPassword: string | null;
  private readonly salt: Buffer;
  private readonly passwordHash: Buffer;
  private readonly signingKey: Buffer;
  private readonly clock: () => number;

  constructor(private readonly options: AdminAuthOptions) {
    this.clock = options.clock ?? Date.now;
    const password = options.password ?? randomBytes(18).toString('base64url');
    this.generatedPassword = options.password ? null : password;
    this.salt = Buffer.from(options.passwordSalt, 'base64url');
    this.passwordHash = hashAdminPassword(password, options.passwordSalt);
    this.signingKey = adminSigningKey(options.secret, this.passwordHash);
  }

  async login(password: unknown, client: LoginClient): Promise<LoginResult> {
    const attempt = { address: client.address, account: ACCOUNT, deviceId: this.verifyDevice(client.deviceToken) };
    const wait = await this.options.throttle.admit(attempt);
    if (wait > 0) return { ok: false, code: 'rate_limited', retryAfterMs: wait };
    if (typeof password !== 'string' || password.length === 0 || password.length > 256) return { ok: false, code: 'unauthorized' };
    const given = await scryptAsync(password, this.salt, HASH_BYTES);
    if (!timingSafeEqual(given, this.passwordHash)) return { ok: false, code: 'unauthorized' };
    await this.options.throttle.succeeded(attempt);
    const expiresAt = this.clock() + ADMIN_SESSION_TTL_MS;
    const body = `${randomBytes(12).toString('base64url')}.${expiresAt}`;
    return { ok: true, token: `${body}.${this.sign('admin', body)}`, expiresAt, deviceToken: this.issueDevice(attempt.deviceId) };
  }

  /** The session id of a valid, unexpired, unrevoked token; else null. */
  async verify(token: string | undefined | null): Promise<string | null> {
    const session = this.check('admin', token);
    if (!session) return null;
    return (await this.options.revocations.isRevoked(session.id)) ? null : session.id;
  }

  async logout(token: string | undefined | null): Promise<void> {
    const session = this.check('admin', token);
    if (session) await this.options.revocations.revoke(session.id, session.expiresAt);
  }

  tokenFromRequest(req: IncomingMessage): string | undefined {
    return bearerToken(req.headers.authorization) ?? readCookie(req.headers.cookie, ADMIN_COOKIE);
  }

  fromRequest(req: IncomingMessage): Promise<string | null> {
    return this.verify(this.tokenFromRequest(req));
  }

  cookieHeader(token: string, secure: boolean): string {
    return `${ADMIN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${ADMIN_SESSION_TTL_MS / 1000}${secure ? '; Secure' : ''}`;
  }

  clearCookieHeader(secure: boolean): string {
    return `${ADMIN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
  }

  /** The device cookie: only the login route ever needs it. */
  deviceCookieHeader(token: string, secure: boolean): string {
    return `${DEVICE_COOKIE}=${token}; Path=/api/admin/login; HttpOnly; SameSite=Strict; Max-Age=${DEVICE_TTL_MS / 1000}${secure ? '; Secure' : ''}`;
  }

  /** Signature and expiry of `<id>.<expiresAt>.<mac>`; no store lookup. */
  private check(kind: 'admin' | 'device', token: string | undefined | null): { id: string; expiresAt: number } | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [id, expiresAtText, signature] = parts;
    const expected = Buffer.from(this.sign(kind, `${id}.${expiresAtText}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const expiresAt = Number(expiresAtText);
    if (!Number.isFinite(expiresAt) || expiresAt <= this.clock()) return null;
    return { id, expiresAt };
  }

  private verifyDevice(token: string | undefined): string | null {
    return this.check('device', token)?.id ?? null;
  }

  /** A fresh device token (the same device id when the browser had one). */
  private issueDevice(deviceId: string | null): string {
    const body = `${deviceId ?? randomBytes(12).toString('base64url')}.${this.clock() + DEVICE_TTL_MS}`;
    return `${body}.${this.sign('device', body)}`;
  }

  private sign(kind: 'admin' | 'device', body: string): string {
    return createHmac('sha256', this.signingKey).update(`${kind}:${body}`).digest('base64url');
  }
}
