// The purchase cap's memory (issue 12): how many valid tickets each buyer
// session and each buyer email holds for one event. Pure: the seat book
// feeds it every order and every cancellation (and its restore replays the
// valid orders), so after a restart it is exactly what storage says.
import type { Order } from './types';

/**
 * The key an email counts under: lower case, surrounding spaces dropped, and a "+tag" in the
 * local part ignored (ada+1@example.com and Ada+2@Example.com are the same mailbox).
 */
export function emailKey(email: string): string {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return trimmed;
  const local = trimmed.slice(0, at);
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}${trimmed.slice(at)}`;
}

export class PurchaseLedger {
  private readonly byBuyer = new Map<string, number>();
  private readonly byEmail = new Map<string, number>();

  /** Valid tickets bought by this buyer session. */
  ticketsOfBuyer(buyerId: string): number {
    return this.byBuyer.get(buyerId) ?? 0;
  }

  /** Valid tickets bought under this email (any session). */
  ticketsOfEmail(email: string): number {
    return this.byEmail.get(emailKey(email)) ?? 0;
  }

  add(buyerId: string, email: string, tickets: number): void {
    if (tickets <= 0) return;
    bump(this.byBuyer, buyerId, tickets);
    bump(this.byEmail, emailKey(email), tickets);
  }

  remove(buyerId: string, email: string, tickets: number): void {
    if (tickets <= 0) return;
    bump(this.byBuyer, buyerId, -tickets);
    bump(this.byEmail, emailKey(email), -tickets);
  }

  /** Throws unless the counts are exactly those of `orders`' valid tickets. */
  checkInvariants(orders: Iterable<Order>): void {
    const expected = new PurchaseLedger();
    for (const order of orders) expected.add(order.buyerId, order.buyer.email, order.tickets.length);
    for (const [name, mine, theirs] of [
      ['buyer', this.byBuyer, expected.byBuyer],
      ['email', this.byEmail, expected.byEmail],
    ] as const) {
      if (mine.size !== theirs.size) throw new Error(`purchase ledger: ${mine.size} ${name}s counted, ${theirs.size} have tickets`);
      for (const [key, n] of theirs) if (mine.get(key) !== n) throw new Error(`purchase ledger: ${name} ${key} counted ${mine.get(key)}, holds ${n}`);
    }
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next < 0) throw new Error(`purchase ledger: count of ${key} went negative`);
  if (next === 0) map.delete(key);
  else map.set(key, next);
}
