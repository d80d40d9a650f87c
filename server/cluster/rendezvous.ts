// Which process should run each event's loop: rendezvous (highest random
// weight) hashing over the live instances. Every process computes the same
// answer from the same list, with no coordination; each event goes to the
// instance with the highest hash of (instance, event). When an instance joins,
// only the events it now wins move (to it); when one leaves, only its events
// move (each to its own runner-up). Pure: no clock, no I/O.
import { createHash } from 'node:crypto';

/** A 48-bit weight of the pair, the same in every process (SHA-256, so well spread whatever the ids). */
export function rendezvousWeight(instanceId: string, eventId: string): number {
  return createHash('sha256').update(instanceId).update('\u0000').update(eventId).digest().readUIntBE(0, 6);
}

/** The instance that should own the event (ties, practically impossible, go to the smaller id); null with no instances. */
export function rendezvousOwner(eventId: string, instanceIds: readonly string[]): string | null {
  let best: string | null = null;
  let bestWeight = -1;
  for (const instanceId of instanceIds) {
    const weight = rendezvousWeight(instanceId, eventId);
    if (weight > bestWeight || (weight === bestWeight && best !== null && instanceId < best)) {
      best = instanceId;
      bestWeight = weight;
    }
  }
  return best;
}

/** Event → the instance that should own it, for every event. */
export function rendezvousAssignment(eventIds: readonly string[], instanceIds: readonly string[]): Map<string, string | null> {
  return new Map(eventIds.map((eventId) => [eventId, rendezvousOwner(eventId, instanceIds)]));
}

/**
 * The assignment, recomputed only when the instances or the events change (a check runs every
 * few hundred ms; hashing every pair each time would cost milliseconds with a thousand events).
 */
export class RendezvousCache {
  private key = '';
  private assignment = new Map<string, string | null>();

  ownerOf(eventIds: readonly string[], instanceIds: readonly string[]): ReadonlyMap<string, string | null> {
    const key = `${[...instanceIds].sort().join('\u0001')}\u0002${eventIds.join('\u0001')}`;
    if (key !== this.key) {
      this.key = key;
      this.assignment = rendezvousAssignment(eventIds, instanceIds);
    }
    return this.assignment;
  }
}
