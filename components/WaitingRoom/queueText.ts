// The words (and the one figure) of the waiting room page, kept apart from
// the component so their plurals and edge cases can be tested.
import { formatCount, pluralize } from '../../lib/client/format';

/** A length of time in words: "45 seconds", "15 minutes", "1 hour", "1 hour 30 minutes". */
export function durationText(ms: number): string {
  if (ms < 60_000) return pluralize(Math.max(1, Math.round(ms / 1000)), 'second');
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return pluralize(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? pluralize(hours, 'hour') : `${pluralize(hours, 'hour')} ${pluralize(minutes % 60, 'minute')}`;
}

/** The estimated wait, or why there is none. */
export function waitText(ms: number | null): string {
  if (ms === null) return 'No estimate while admission is on hold';
  return ms < 60_000 ? 'Less than a minute' : `About ${durationText(ms)}`;
}

/** Added to the rate while the shopper cap holds admissions back: people get in only as shoppers leave. */
export function shopFullText(leftLastMinute: number): string {
  const left = leftLastMinute === 0 ? 'nobody has left' : `${pluralize(leftLastMinute, 'shopper')} left`;
  return `, but while the shop is full only as shoppers leave (${left} in the last minute)`;
}

/** "in less than a minute", "in about 10 minutes". */
export function opensInText(ms: number): string {
  return ms < 60_000 ? 'in less than a minute' : `in about ${durationText(ms)}`;
}

/** "3 people are waiting, you included." (nothing while the count has not caught up with this buyer yet). */
export function waitingText(waiting: number): string {
  if (waiting <= 0) return '';
  return `${pluralize(waiting, 'person', 'people')} ${waiting === 1 ? 'is' : 'are'} waiting, you included.`;
}

/** "30 people are let in each minute", "1 person is let in each minute". */
export function rateText(perMinute: number): string {
  return `${pluralize(perMinute, 'person', 'people')} ${perMinute === 1 ? 'is' : 'are'} let in each minute`;
}

/** "10:00:00", or "Sat 13 Dec, 10:00:00" when that is not today. */
export function clockText(at: number, now: number): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  const options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
  return new Intl.DateTimeFormat('en-IE', sameDay ? options : { ...options, weekday: 'short', day: 'numeric', month: 'short' }).format(at);
}

/**
 * How far along the queue the buyer is, 0..1, from the place this page first saw: it is full only
 * once admitted (place 1 of a first-seen 3 is 0.75), so the bar never looks finished while the buyer still waits.
 */
export function progressOf(position: number | null, firstPosition: number | null): number {
  if (position === null || !firstPosition) return 0;
  return Math.max(0.02, (firstPosition - position + 1) / (firstPosition + 1));
}

export const fmt = formatCount;
