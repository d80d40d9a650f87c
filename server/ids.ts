// Unguessable ids from the OS's CSPRNG, for production. Tests inject counters.
import { randomFillSync } from 'node:crypto';
import type { IdSource } from '../core/types';

/** 8 KB: 500+ ids per refill, small enough to stay out of the way. */
const POOL_BYTES = 8192;

/**
 * Random bytes drawn from one buffer that is refilled from the CSPRNG when used up:
 * one randomFillSync call per few hundred ids instead of one randomBytes call (and
 * Buffer) per id, which showed in the server's CPU profile. Every byte is handed out
 * at most once, so each id keeps the full entropy of its length; a tail too short for
 * the next request is discarded, never reused.
 */
export class RandomPool {
  private readonly buffer: Buffer;
  private offset: number;

  constructor(
    size = POOL_BYTES,
    private readonly fill: (buffer: Buffer) => void = (buffer) => void randomFillSync(buffer),
  ) {
    // allocUnsafeSlow: our own memory, not a slice of Node's shared buffer pool.
    this.buffer = Buffer.allocUnsafeSlow(size);
    this.offset = size; // empty: the first request fills it
  }

  /** `bytes` fresh random bytes, as base64url (no padding). */
  base64url(bytes: number): string {
    if (!Number.isInteger(bytes) || bytes <= 0 || bytes > this.buffer.length) {
      throw new RangeError(`RandomPool: cannot draw ${bytes} bytes from a ${this.buffer.length}-byte pool`);
    }
    if (this.offset + bytes > this.buffer.length) {
      this.fill(this.buffer);
      this.offset = 0;
    }
    const text = this.buffer.toString('base64url', this.offset, this.offset + bytes);
    this.offset += bytes;
    return text;
  }
}

const pool = new RandomPool();

export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}_${pool.base64url(bytes)}`;
}

export const cryptoIds: IdSource = {
  holdId: () => randomId('h'), // 96 bits
  orderId: () => randomId('o', 9), // 72 bits
  ticketId: () => randomId('t'), // 96 bits
  // Printed as the ticket's QR code: 128 bits, so it cannot be guessed at the door.
  ticketCode: () => pool.base64url(16),
};
