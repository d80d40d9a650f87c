// Order access keys: the secret in the link that opens an order in any
// browser (`/orders/:id?key=…`). A key is `<generation>.<mac>` where mac is
// HMAC-SHA256(secret, order id + generation), cut to 192 bits: unguessable,
// bound to one order, and revocable by bumping the order's generation
// (db/orderAccess.ts). The secret lives in the database settings, like the
// session secret, so every process of a deployment shares it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ORDER_ACCESS_KEY_PATTERN, orderPath } from '../lib/orderProtocol';
import { fail, type Fail } from '../lib/protocol';
import type { OrderAccessRow, Store } from '../db/store';

const MAC_CHARS = 32; // 32 base64url characters = 192 bits

/** 'ok': a key of the current generation; 'revoked': a genuine key of an older one; 'invalid': anything else. */
export type KeyCheck = 'ok' | 'revoked' | 'invalid';

export class OrderAccessKeys {
  constructor(
    private readonly secret: string,
    /** e.g. https://tickets.example.com (no trailing slash): links in emails and the console. */
    private readonly publicUrl: () => string,
  ) {}

  keyFor(orderId: string, generation: number): string {
    return `${generation}.${this.mac(orderId, generation)}`;
  }

  /** Checks a key against the order's current generation (constant-time on the mac). */
  check(orderId: string, key: string, currentGeneration: number): KeyCheck {
    if (!ORDER_ACCESS_KEY_PATTERN.test(key)) return 'invalid';
    const dot = key.indexOf('.');
    const generation = Number(key.slice(0, dot));
    if (!Number.isSafeInteger(generation) || generation > currentGeneration) return 'invalid';
    const given = Buffer.from(key.slice(dot + 1));
    const expected = Buffer.from(this.mac(orderId, generation));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return generation === currentGeneration ? 'ok' : 'revoked';
  }

  /** The absolute link that opens the order with this generation's key. */
  url(orderId: string, generation: number): string {
    return `${this.publicUrl()}${orderPath(orderId, this.keyFor(orderId, generation))}`;
  }

  private mac(orderId: string, generation: number): string {
    return createHmac('sha256', this.secret).update(`order-access:v1:${orderId}:${generation}`).digest('base64url').slice(0, MAC_CHARS);
  }
}

export type OrderAuthorization = { ok: true; access: OrderAccessRow; via: 'session' | 'key' } | Fail;

/** Who may open an order: its buyer's session, or a key of the order's current generation. */
export class OrderAccess {
  constructor(
    private readonly store: Store,
    readonly keys: OrderAccessKeys,
  ) {}

  async authorize(orderId: string, who: { buyerId: string | null; key?: string }): Promise<OrderAuthorization> {
    const access = await this.store.orderAccessOf(orderId);
    if (access && who.buyerId !== null && access.buyerId === who.buyerId) return { ok: true, access, via: 'session' };
    if (who.key !== undefined) {
      // A key for an order that does not exist reads like any wrong key: ids are not an oracle.
      const check = access ? this.keys.check(orderId, who.key, access.generation) : 'invalid';
      if (check === 'ok') return { ok: true, access: access!, via: 'key' };
      return check === 'revoked'
        ? fail('access_key_revoked', 'This order link was replaced by the organizer and no longer works. Use the newest link we emailed you, or get a fresh one with Find my tickets.')
        : fail('access_key_invalid', 'This order link is not valid. Check that you opened the whole link from the email, or get a fresh one with Find my tickets.');
    }
    if (who.buyerId === null) return fail('unauthorized', 'No buyer session: open the site first, or open the order with the link from its email.');
    // Someone else's order answers exactly like a missing one.
    return fail('not_found', 'No such order.');
  }

  currentKey(access: OrderAccessRow): string {
    return this.keys.keyFor(access.orderId, access.generation);
  }

  /** Revokes every key of the order (and queues the new link for the buyer, if asked); the new generation, or null without such an order. */
  revoke(orderId: string, at: number, options: { emailBuyer: boolean }): Promise<number | null> {
    return this.store.revokeOrderAccess(orderId, at, options);
  }
}
