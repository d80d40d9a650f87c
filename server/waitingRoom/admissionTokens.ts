// Admissions that cannot be forged (issue 12): HMAC-SHA256 over event, buyer,
// admission time and window end, with a secret every process reads from the
// store's settings. Any process verifies one without touching the store.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type AdmissionRefusal = 'missing' | 'malformed' | 'forged' | 'other_event' | 'other_buyer' | 'expired';

export type AdmissionCheck = { ok: true; admittedAt: number; expiresAt: number } | { ok: false; reason: AdmissionRefusal };

const VERSION = 'a1';
const PART = /^[A-Za-z0-9_-]{1,64}$/;

export class AdmissionTokens {
  constructor(private readonly secret: string) {
    if (secret.length < 32) throw new Error('the admission secret must be at least 32 characters');
  }

  /** `a1.<eventId>.<buyerId>.<admittedAt>.<expiresAt>.<signature>` */
  issue(eventId: string, buyerId: string, admittedAt: number, expiresAt: number): string {
    const body = `${VERSION}.${eventId}.${buyerId}.${admittedAt}.${expiresAt}`;
    return `${body}.${this.sign(body)}`;
  }

  verify(token: unknown, eventId: string, buyerId: string, now: number): AdmissionCheck {
    if (token === undefined || token === null || token === '') return { ok: false, reason: 'missing' };
    if (typeof token !== 'string' || token.length > 512) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 6 || parts[0] !== VERSION || !PART.test(parts[1]) || !PART.test(parts[2]) || !/^\d{1,15}$/.test(parts[3]) || !/^\d{1,15}$/.test(parts[4])) {
      return { ok: false, reason: 'malformed' };
    }
    const body = parts.slice(0, 5).join('.');
    const given = Buffer.from(parts[5]);
    const expected = Buffer.from(this.sign(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
    if (parts[1] !== eventId) return { ok: false, reason: 'other_event' };
    if (parts[2] !== buyerId) return { ok: false, reason: 'other_buyer' };
    const expiresAt = Number(parts[4]);
    if (now >= expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, admittedAt: Number(parts[3]), expiresAt };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(`admission:${body}`).digest('base64url');
  }
}

/** What a buyer is told for each refusal (the code is always not_admitted). */
export const REFUSAL_TEXT: Record<AdmissionRefusal | 'checked_out', string> = {
  missing: 'This event has a waiting room: join the queue first.',
  malformed: 'That admission is not valid: join the queue.',
  forged: 'That admission is not valid: join the queue.',
  other_event: 'That admission is for another event: join this event’s queue.',
  other_buyer: 'That admission belongs to someone else: join the queue yourself.',
  expired: 'Your shopping window has ended: join the queue again.',
  checked_out: 'Your shopping window ended when you checked out: join the queue again.',
};
