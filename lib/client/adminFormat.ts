// Formatting for the organizer pages: numbers, money, times, durations and
// the <input type="datetime-local"> round trip (browser-local time).
import { formatPrice } from '../wireFormat';

export { formatPrice };

const integer = new Intl.NumberFormat('en-IE');
const dateTime = new Intl.DateTimeFormat('en-IE', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const shortDateTime = new Intl.DateTimeFormat('en-IE', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const clock = new Intl.DateTimeFormat('en-IE', { hour: '2-digit', minute: '2-digit' });

export const fmtInt = (n: number): string => integer.format(n);
export const fmtDateTime = (ms: number): string => dateTime.format(new Date(ms));
export const fmtShortDateTime = (ms: number): string => shortDateTime.format(new Date(ms));
export const fmtClock = (ms: number): string => clock.format(new Date(ms));

export function fmtPercent(ratio: number | null, digits = 1): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function fmtMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** "4:05" or "1:02:03"; negative shows as 0:00. */
export function fmtCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "45 s", "5 min", "7.5 min", "2 h", "2 h 30 min": a hold TTL, a time to drain a queue. */
export function fmtDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`; // (and 0 is "0 s", not "0 h")
  if (ms < 3_600_000) return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${(ms / 60_000).toFixed(1)} min`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.round((ms - hours * 3_600_000) / 60_000);
  if (minutes === 60) return `${hours + 1} h`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

export function fmtAgo(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** Epoch ms → "2025-06-14T19:30" in the browser's time zone. */
export function toLocalInput(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** "2025-06-14T19:30" (browser time zone) → epoch ms; '' → null; garbage → NaN. */
export function fromLocalInput(value: string): number | null {
  if (value.trim() === '') return null;
  return new Date(value).getTime();
}

/** Euros typed by a person ("12", "12.5", "12,50") → cents, or null when unreadable. */
export function parseMoney(value: string): number | null {
  const normalized = value.trim().replace(/[€\s]/g, '').replace(',', '.');
  if (!/^\d+(\.\d{0,2})?$/.test(normalized)) return null;
  return Math.round(Number(normalized) * 100);
}

export function centsToInput(cents: number): string {
  return cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2);
}

export function shortId(id: string, keep = 8): string {
  return id.length <= keep + 1 ? id : `${id.slice(0, keep)}…`;
}
