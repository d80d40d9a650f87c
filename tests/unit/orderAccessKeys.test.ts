// Order access keys: bound to one order and one generation, unforgeable
// without the secret, refused when tampered with, and told apart when revoked
// (a genuine key of an older generation) from simply wrong.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_ACCESS_KEY_PATTERN, orderAccessKeySchema } from '../../lib/orderProtocol';
import { OrderAccessKeys } from '../../server/orderAccess';

const keys = new OrderAccessKeys('a-server-secret-of-at-least-32-chars!!', () => 'https://tickets.example.com');

describe('order access keys', () => {
  it('a key opens its own order at its own generation only', () => {
    const key = keys.keyFor('o_abc', 1);
    expect(key).toMatch(ORDER_ACCESS_KEY_PATTERN);
    expect(orderAccessKeySchema.safeParse(key).success).toBe(true);
    expect(keys.check('o_abc', key, 1)).toBe('ok');
    expect(keys.check('o_abd', key, 1)).toBe('invalid');
    // Revoked: a genuine key of a generation before the current one.
    expect(keys.check('o_abc', key, 2)).toBe('revoked');
    expect(keys.check('o_abc', keys.keyFor('o_abc', 2), 2)).toBe('ok');
    // A generation that was never issued is not "revoked", it is wrong.
    expect(keys.check('o_abc', keys.keyFor('o_abc', 3), 2)).toBe('invalid');
    // Another deployment's secret makes other keys.
    const other = new OrderAccessKeys('another-secret-another-secret-1234567', () => '');
    expect(keys.check('o_abc', other.keyFor('o_abc', 1), 1)).toBe('invalid');
  });

  it('the link carries the key for the order', () => {
    const url = new URL(keys.url('o_abc', 4));
    expect(url.origin).toBe('https://tickets.example.com');
    expect(url.pathname).toBe('/orders/o_abc');
    expect(keys.check('o_abc', url.searchParams.get('key')!, 4)).toBe('ok');
  });

  it('any change to a key makes it invalid (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        fc.integer({ min: 1, max: 50 }),
        fc.nat(),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'),
        (orderId, generation, at, replacement) => {
          const key = keys.keyFor(orderId, generation);
          const i = at % key.length;
          fc.pre(key[i] !== replacement);
          const tampered = key.slice(0, i) + replacement + key.slice(i + 1);
          // Not even "revoked": a genuine older key would need the secret.
          expect(keys.check(orderId, tampered, generation)).toBe('invalid');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('garbage is invalid, never an exception', () => {
    for (const junk of ['', '.', '1.', '0.' + 'a'.repeat(32), '1.' + 'a'.repeat(31), '1.' + 'a'.repeat(33), '99999999999.' + 'a'.repeat(32), 'x'.repeat(5000)]) {
      expect(keys.check('o_abc', junk, 1)).toBe('invalid');
    }
  });
});
