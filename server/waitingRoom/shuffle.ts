// The pre-queue's fair order (issue 12). Everyone who arrives before the room
// opens gets a key HMAC-SHA256(seed, buyer id); at opening they are numbered
// in key order. The seed is drawn when the room is created and only its
// SHA-256 (the commitment) is shown until opening; afterwards the seed itself
// is published, so anyone can check that the order is exactly the keys'
// order, and nobody (not even by refreshing or opening 50 tabs: one place per
// session) could have chosen or learnt a place in advance.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

export function seedCommitment(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

export function shuffleKey(seed: string, buyerId: string): string {
  return createHmac('sha256', seed).update(buyerId).digest('hex');
}

/** The pre-queue's order from the published seed: what an auditor recomputes. */
export function shuffledOrder(seed: string, buyerIds: readonly string[]): string[] {
  return buyerIds
    .map((buyerId) => ({ buyerId, key: shuffleKey(seed, buyerId) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.buyerId < b.buyerId ? -1 : 1))
    .map((e) => e.buyerId);
}
