// The buyer's place in a waiting room and an honest wait estimate, from the
// room's "now serving" broadcasts. No zod here: the event page loads this before
// (and without) zod; the server imports it from here too.
import type { QueueUpdate } from './waitingRoom';

/** Client-side position from a queue number and the broadcast "now serving" counter. */
export function positionOf(number: number, serving: number): number {
  return Math.max(1, number - serving);
}

/** An honest estimate: position ÷ the rate admissions really run at (null when nobody is being admitted). */
export function estimatedWaitMsOf(position: number, update: Pick<QueueUpdate, 'phase' | 'admitPerMinute' | 'admittedLastMinute' | 'activeShoppers'>, capped: boolean): number | null {
  if (update.phase !== 'open' || update.admitPerMinute <= 0) return null;
  // While the shopper cap holds admissions back, the measured rate is the honest one.
  const rate = capped && update.admittedLastMinute > 0 ? Math.min(update.admitPerMinute, update.admittedLastMinute) : update.admitPerMinute;
  return Math.ceil((position / rate) * 60_000);
}
