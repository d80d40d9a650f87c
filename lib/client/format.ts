// Display formatting shared by the buyer pages.
import { formatPrice } from '../wireFormat';

export { formatPrice };

const dateFormat = new Intl.DateTimeFormat('en-IE', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const timeFormat = new Intl.DateTimeFormat('en-IE', { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat('en-IE', { dateStyle: 'medium', timeStyle: 'short' });

/** "Sat 14 Jun 2025 · 19:30" */
export function formatEventDate(epochMs: number): string {
  const d = new Date(epochMs);
  return `${dateFormat.format(d)} · ${timeFormat.format(d)}`;
}

export function formatDateTime(epochMs: number): string {
  return dateTimeFormat.format(new Date(epochMs));
}

/** "04:59"; negative durations show as 00:00. */
export function formatCountdown(remainingMs: number): string {
  const totalSeconds = Math.max(0, Math.ceil(remainingMs / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

export function formatPriceRange([minCents, maxCents]: [number, number], currency: string): string {
  if (minCents === maxCents) return formatPrice(minCents, currency);
  return `${formatPrice(minCents, currency)} – ${formatPrice(maxCents, currency)}`;
}

const numberFormat = new Intl.NumberFormat('en-IE');
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** "1 seat", "2 seats", "1,024 seats" */
export function pluralize(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * A duration in words, as precise as it matters: "1 second", "45 seconds", "1 minute",
 * "2 minutes 30 seconds", "10 minutes", "1 hour 5 minutes". Never "0 seconds".
 */
export function formatDurationWords(ms: number): string {
  const totalSeconds = Math.max(1, Math.round(ms / 1000));
  if (totalSeconds < 60) return pluralize(totalSeconds, 'second');
  if (totalSeconds < 600) {
    const seconds = totalSeconds % 60;
    const minutes = pluralize(Math.floor(totalSeconds / 60), 'minute');
    return seconds === 0 ? minutes : `${minutes} ${pluralize(seconds, 'second')}`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  if (totalMinutes < 60) return pluralize(totalMinutes, 'minute');
  const minutes = totalMinutes % 60;
  const hours = pluralize(Math.floor(totalMinutes / 60), 'hour');
  return minutes === 0 ? hours : `${hours} ${pluralize(minutes, 'minute')}`;
}

/** A UUID even outside secure contexts (crypto.randomUUID needs https or localhost). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
