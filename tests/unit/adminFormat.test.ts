import { describe, expect, it } from 'vitest';
import { fmtDuration } from '../../lib/client/adminFormat';

describe('fmtDuration', () => {
  it('says seconds, minutes and hours the way an organizer reads them', () => {
    expect(fmtDuration(0)).toBe('0 s');
    expect(fmtDuration(45_000)).toBe('45 s');
    expect(fmtDuration(5 * 60_000)).toBe('5 min');
    expect(fmtDuration(90_000)).toBe('1.5 min');
    expect(fmtDuration(2 * 3_600_000)).toBe('2 h');
    expect(fmtDuration(2.5 * 3_600_000)).toBe('2 h 30 min');
    expect(fmtDuration(2 * 3_600_000 + 59.8 * 60_000)).toBe('3 h');
  });
});
