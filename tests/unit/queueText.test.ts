// The waiting room page's words: plurals, the edges of the estimate, and a progress bar that is
// never full while the buyer still waits.
import { describe, expect, it } from 'vitest';
import { clockText, durationText, opensInText, progressOf, rateText, shopFullText, waitingText, waitText } from '../../components/WaitingRoom/queueText';

describe('durationText', () => {
  it('says seconds, minutes and hours with their plurals', () => {
    expect(durationText(1_000)).toBe('1 second');
    expect(durationText(45_000)).toBe('45 seconds');
    expect(durationText(60_000)).toBe('1 minute');
    expect(durationText(15 * 60_000)).toBe('15 minutes');
    expect(durationText(60 * 60_000)).toBe('1 hour');
    expect(durationText(61 * 60_000)).toBe('1 hour 1 minute');
    expect(durationText(150 * 60_000)).toBe('2 hours 30 minutes');
  });

  it('never says zero', () => {
    expect(durationText(0)).toBe('1 second');
    expect(durationText(59_999)).toBe('60 seconds');
  });
});

describe('waitText and opensInText', () => {
  it('admits to having no estimate, and rounds the rest', () => {
    expect(waitText(null)).toBe('No estimate while admission is on hold');
    expect(waitText(20_000)).toBe('Less than a minute');
    expect(waitText(2 * 60_000)).toBe('About 2 minutes');
    expect(waitText(90 * 60_000)).toBe('About 1 hour 30 minutes');
    expect(opensInText(5_000)).toBe('in less than a minute');
    expect(opensInText(10 * 60_000)).toBe('in about 10 minutes');
  });
});

describe('waitingText and rateText', () => {
  it('agree in number', () => {
    expect(waitingText(0)).toBe('');
    expect(waitingText(1)).toBe('1 person is waiting, you included.');
    expect(waitingText(12_345)).toBe('12,345 people are waiting, you included.');
    expect(rateText(1)).toBe('1 person is let in each minute');
    expect(rateText(600)).toBe('600 people are let in each minute');
  });

  it('say that a full shop lets people in only as shoppers leave', () => {
    expect(rateText(60) + shopFullText(0)).toBe('60 people are let in each minute, but while the shop is full only as shoppers leave (nobody has left in the last minute)');
    expect(shopFullText(1)).toBe(', but while the shop is full only as shoppers leave (1 shopper left in the last minute)');
    expect(shopFullText(12)).toBe(', but while the shop is full only as shoppers leave (12 shoppers left in the last minute)');
  });
});

describe('clockText', () => {
  it('gives the date only when it is not today', () => {
    const now = new Date(2026, 11, 6, 9, 0, 0).getTime();
    expect(clockText(new Date(2026, 11, 6, 10, 0, 0).getTime(), now)).toBe('10:00:00');
    const tomorrow = clockText(new Date(2026, 11, 7, 10, 0, 0).getTime(), now);
    expect(tomorrow).toContain('10:00:00');
    expect(tomorrow).toMatch(/Mon.*7.*Dec/);
  });
});

describe('progressOf', () => {
  it('grows as the place falls, and is never full before admission', () => {
    expect(progressOf(null, null)).toBe(0);
    expect(progressOf(3, 3)).toBe(0.25);
    expect(progressOf(2, 3)).toBe(0.5);
    expect(progressOf(1, 3)).toBe(0.75);
    expect(progressOf(1, 1)).toBe(0.5);
  });

  it('shows a sliver at the back of a long queue', () => {
    expect(progressOf(100_000, 100_000)).toBe(0.02);
  });
});
