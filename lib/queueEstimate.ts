// The buyer's place in a waiting room and an honest wait estimate, from the
// room's "now serving" broadcasts. No zod here: the event page loads this before
// (and without) zod; the server imports it from here too.
import type { QueueUpdate } from './waitingRoom';

/** Client-side position from a queue number and the broadcast "now serving" counter. */
export function positionOf(number: number, serving: number): number {
  return Math.max(1, number - serving);
}

type RoomRates = Pick<QueueUpdate, 'admitPerMinute' | 'leftLastMinute' | 'activeShoppers' | 'shoppingWindowMs'>;

/**
 * The rate admissions really run at, per minute. While the cap on active shoppers holds them
 * back, people get in only as shoppers leave: the shoppers who left in the last minute, but never
 * assumed slower than every shopper using their whole window (the shoppers at the cap all leave
 * within `shoppingWindowMs`), and never faster than the admission rate. So a first place behind a
 * full cap reads "up to a window", not "under a minute" (the admissions that filled the shop are
 * no measure of how fast it empties).
 */
export function admissionsPerMinute(rates: RoomRates, capped: boolean): number {
  if (!capped || rates.shoppingWindowMs <= 0) return rates.admitPerMinute;
  const windowEndsPerMinute = (Math.max(1, rates.activeShoppers) * 60_000) / rates.shoppingWindowMs;
  return Math.min(rates.admitPerMinute, Math.max(rates.leftLastMinute, windowEndsPerMinute));
}

/** An honest estimate: position ÷ the rate admissions really run at (null when nobody is being admitted). */
export function estimatedWaitMsOf(position: number, update: RoomRates & Pick<QueueUpdate, 'phase'>, capped: boolean): number | null {
  if (update.phase !== 'open' || update.admitPerMinute <= 0) return null;
  return Math.ceil((position / admissionsPerMinute(update, capped)) * 60_000);
}
