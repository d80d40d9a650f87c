// The cluster page's words (lib/client/clusterText.ts): every kind of change
// of owner has its own label and tone (a failover is the one that stands out),
// spans read at the right precision, and announcements stay short.
import { describe, expect, it } from 'vitest';
import type { OwnershipChangeReason } from '../../lib/clusterProtocol';
import { ownershipChangeKey } from '../../lib/clusterProtocol';
import { announceChanges, changeWords, fmtSpan } from '../../lib/client/clusterText';

const REASONS: OwnershipChangeReason[] = ['acquired', 'takeover', 'handoff', 'reacquired', 'released'];

describe('cluster page words', () => {
  it('each reason has its own label; only a takeover reads as a failover', () => {
    const words = REASONS.map((reason) => changeWords({ ownerId: 'proc-b', reason }));
    expect(new Set(words.map((w) => w.label)).size).toBe(REASONS.length);
    expect(words.filter((w) => w.tone === 'failover').map((w) => w.label)).toEqual(['Failover']);
    for (const w of words) expect(w.action).toContain('proc-b');
  });

  it('spans: tenths under 10 s, then seconds, minutes, hours and days', () => {
    expect(fmtSpan(-5)).toBe('0.0 s');
    expect(fmtSpan(2_449)).toBe('2.4 s');
    expect(fmtSpan(45_900)).toBe('45 s');
    expect(fmtSpan(7 * 60_000 + 59_000)).toBe('7 min');
    expect(fmtSpan(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 05 min');
    expect(fmtSpan(2 * 86_400_000 + 5)).toBe('2 d');
  });

  it('announces the first three changes in full, then a count', () => {
    const change = (eventName: string, reason: OwnershipChangeReason, epoch: number) => ({ eventName, ownerId: 'proc-a', reason, epoch });
    expect(announceChanges([])).toBe('');
    expect(announceChanges([change('Gala', 'takeover', 7)])).toBe('Failover: Gala taken over by proc-a after its owner stopped renewing the lease (epoch 7).');
    const many = announceChanges([change('A', 'takeover', 2), change('B', 'handoff', 3), change('C', 'released', 1), change('D', 'acquired', 1), change('E', 'acquired', 1)]);
    expect(many).toContain('Released: C');
    expect(many).not.toContain(': D');
    expect(many.endsWith('And 2 more changes of owner.')).toBe(true);
  });

  it('a change key tells a grant from the release of the same epoch, and nothing else', () => {
    expect(ownershipChangeKey({ eventId: 'e', epoch: 3, reason: 'takeover' })).toBe(ownershipChangeKey({ eventId: 'e', epoch: 3, reason: 'handoff' }));
    expect(ownershipChangeKey({ eventId: 'e', epoch: 3, reason: 'released' })).not.toBe(ownershipChangeKey({ eventId: 'e', epoch: 3, reason: 'takeover' }));
    expect(ownershipChangeKey({ eventId: 'e', epoch: 3, reason: 'released' })).not.toBe(ownershipChangeKey({ eventId: 'e', epoch: 4, reason: 'released' }));
  });
});
