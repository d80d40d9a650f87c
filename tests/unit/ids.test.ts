import { describe, expect, it } from 'vitest';
import { cryptoIds, RandomPool, randomId } from '../../server/ids';

const B64URL = '[A-Za-z0-9_-]';

/** A filler that writes 0, 1, 2, … across refills: shows exactly which bytes each id got. */
function countingFill() {
  let next = 0;
  const fill = (buffer: Buffer) => {
    fill.calls++;
    for (let i = 0; i < buffer.length; i++) buffer[i] = next++ & 0xff;
  };
  fill.calls = 0;
  return fill;
}

const bytesOf = (text: string) => [...Buffer.from(text, 'base64url')];
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('production ids', () => {
  it('keep their formats and entropy: 96-bit hold/ticket ids, 72-bit order ids, 128-bit ticket codes', () => {
    for (let i = 0; i < 2_000; i++) {
      // base64url without padding: 12 bytes → 16 characters, 9 → 12, 16 → 22.
      expect(cryptoIds.holdId()).toMatch(new RegExp(`^h_${B64URL}{16}$`));
      expect(cryptoIds.ticketId()).toMatch(new RegExp(`^t_${B64URL}{16}$`));
      expect(cryptoIds.orderId()).toMatch(new RegExp(`^o_${B64URL}{12}$`));
      expect(cryptoIds.ticketCode()).toMatch(new RegExp(`^${B64URL}{22}$`));
    }
    expect(bytesOf(cryptoIds.ticketCode())).toHaveLength(16);
    expect(bytesOf(cryptoIds.orderId().slice(2))).toHaveLength(9);
    expect(randomId('x', 5)).toMatch(new RegExp(`^x_${B64URL}{7}$`));
  });

  it('never repeat over many ids, across many pool refills', () => {
    const seen = new Set<string>();
    const n = 100_000; // each kind crosses the 8 KB pool dozens of times
    for (let i = 0; i < n; i++) {
      seen.add(cryptoIds.holdId());
      seen.add(cryptoIds.orderId());
      seen.add(cryptoIds.ticketId());
      seen.add(cryptoIds.ticketCode());
    }
    expect(seen.size).toBe(4 * n);
  });

  it('are not all the same bytes: every byte value shows up in a large sample', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 5_000; i++) for (const b of bytesOf(cryptoIds.ticketCode())) counts[b]++;
    // 80,000 bytes, ~312 per value expected; a constant or stuck pool would leave most at 0.
    expect(Math.min(...counts)).toBeGreaterThan(200);
  });
});

describe('RandomPool', () => {
  it('fills lazily, hands out each byte once, and refills only when a request does not fit', () => {
    const fill = countingFill();
    const pool = new RandomPool(32, fill);
    expect(fill.calls).toBe(0);
    expect(bytesOf(pool.base64url(12))).toEqual(range(0, 12));
    expect(fill.calls).toBe(1);
    expect(bytesOf(pool.base64url(12))).toEqual(range(12, 24));
    // 8 bytes left: 12 do not fit, so the tail is discarded and a fresh fill (32…63) is used.
    expect(bytesOf(pool.base64url(12))).toEqual(range(32, 44));
    expect(fill.calls).toBe(2);
    // A request that ends exactly at the end of the pool does not refill.
    expect(bytesOf(pool.base64url(20))).toEqual(range(44, 64));
    expect(fill.calls).toBe(2);
    expect(bytesOf(pool.base64url(1))).toEqual([64]);
    expect(fill.calls).toBe(3);
  });

  it('serves a request as large as the pool, and refuses larger or empty ones', () => {
    const fill = countingFill();
    const pool = new RandomPool(16, fill);
    expect(bytesOf(pool.base64url(16))).toEqual(range(0, 16));
    expect(bytesOf(pool.base64url(16))).toEqual(range(16, 32));
    expect(fill.calls).toBe(2);
    expect(() => pool.base64url(17)).toThrow(RangeError);
    expect(() => pool.base64url(0)).toThrow(RangeError);
    expect(() => pool.base64url(1.5)).toThrow(RangeError);
  });
});
