// The waiting room's position and wait estimate, as the event page and the server compute them.
import { describe, expect, it } from 'vitest';
import { admissionsPerMinute, estimatedWaitMsOf, positionOf } from '../../lib/queueEstimate';
import type { QueueUpdate } from '../../lib/waitingRoom';

type Rates = Pick<QueueUpdate, 'phase' | 'admitPerMinute' | 'leftLastMinute' | 'activeShoppers' | 'shoppingWindowMs'>;
const MINUTE = 60_000;
const open = (over: Partial<Rates> = {}): Rates => ({ phase: 'open', admitPerMinute: 60, leftLastMinute: 0, activeShoppers: 0, shoppingWindowMs: 15 * MINUTE, ...over });

describe('queue position', () => {
  it('counts from "now serving", and is never below 1', () => {
    expect(positionOf(130, 100)).toBe(30);
    expect(positionOf(101, 100)).toBe(1);
    expect(positionOf(90, 100)).toBe(1);
  });
});

describe('wait estimate', () => {
  it('is position ÷ the admission rate while the room admits freely', () => {
    expect(estimatedWaitMsOf(120, open(), false)).toBe(2 * MINUTE);
    expect(estimatedWaitMsOf(1, open(), false)).toBe(1_000);
  });

  it('is null when nobody is being admitted: before opening, paused, closed, or a rate of 0', () => {
    for (const phase of ['pre_queue', 'paused', 'closed', 'off'] as const) expect(estimatedWaitMsOf(5, open({ phase }), false)).toBeNull();
    expect(estimatedWaitMsOf(5, open({ admitPerMinute: 0 }), false)).toBeNull();
  });

  it('behind a full shopper cap with nobody leaving yet, first place waits up to a whole shopping window (not "under a minute")', () => {
    expect(estimatedWaitMsOf(1, open({ activeShoppers: 1 }), true)).toBe(15 * MINUTE);
    // 100 shoppers at the cap leave within 15 minutes: at least 100 admissions per 15 minutes.
    expect(estimatedWaitMsOf(200, open({ activeShoppers: 100 }), true)).toBe(30 * MINUTE);
  });

  it('behind a full cap, goes at the pace shoppers really leave when that is faster than their windows', () => {
    expect(estimatedWaitMsOf(60, open({ leftLastMinute: 30, activeShoppers: 100 }), true)).toBe(2 * MINUTE);
  });

  it('is never faster than the admission rate, capped or not', () => {
    expect(estimatedWaitMsOf(60, open({ admitPerMinute: 10, leftLastMinute: 500, activeShoppers: 1_000 }), true)).toBe(6 * MINUTE);
  });
});

describe('admission rate', () => {
  it('is the configured rate unless the shopper cap holds admissions back', () => {
    expect(admissionsPerMinute({ admitPerMinute: 60, leftLastMinute: 3, activeShoppers: 10, shoppingWindowMs: 15 * MINUTE }, false)).toBe(60);
    expect(admissionsPerMinute({ admitPerMinute: 60, leftLastMinute: 3, activeShoppers: 300, shoppingWindowMs: 15 * MINUTE }, true)).toBe(20);
    expect(admissionsPerMinute({ admitPerMinute: 60, leftLastMinute: 45, activeShoppers: 300, shoppingWindowMs: 15 * MINUTE }, true)).toBe(45);
  });
});
