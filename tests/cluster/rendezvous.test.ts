// Rendezvous hashing (server/cluster/rendezvous.ts): every process computes
// the same owner from the same live list, in any order; events spread evenly;
// and membership changes move only what they must — a joiner takes only
// events it now wins, a leaver's events alone move.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RendezvousCache, rendezvousAssignment, rendezvousOwner } from '../../server/cluster/rendezvous';

const EVENTS = Array.from({ length: 4000 }, (_, i) => `event-${i}`);
const instanceIdArb = fc.stringMatching(/^[a-z0-9-]{1,24}$/);
const instancesArb = (min: number, max: number) => fc.uniqueArray(instanceIdArb, { minLength: min, maxLength: max });

describe('rendezvous hashing', () => {
  it('is a pure function of the set: the same owner whatever the order, always a member', () => {
    fc.assert(
      fc.property(instancesArb(1, 8), fc.array(fc.string(), { minLength: 1, maxLength: 20 }), fc.nat(), (instances, events, turn) => {
        const k = turn % instances.length;
        const shuffled = [...instances.slice(k), ...instances.slice(0, k)].reverse();
        for (const eventId of events) {
          const owner = rendezvousOwner(eventId, instances);
          expect(instances).toContain(owner);
          expect(rendezvousOwner(eventId, shuffled)).toBe(owner);
        }
      }),
      { numRuns: 100 },
    );
    expect(rendezvousOwner('e', [])).toBeNull();
  });

  it('spreads events evenly: each of N instances gets within 25% of its fair share of 4,000 events', () => {
    fc.assert(
      fc.property(instancesArb(2, 8), (instances) => {
        const counts = new Map(instances.map((i) => [i, 0]));
        for (const owner of rendezvousAssignment(EVENTS, instances).values()) counts.set(owner!, counts.get(owner!)! + 1);
        const fair = EVENTS.length / instances.length;
        for (const count of counts.values()) {
          expect(count).toBeGreaterThan(fair * 0.75);
          expect(count).toBeLessThan(fair * 1.25);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('an instance that joins takes only events it now wins, about its share; everything else stays put', () => {
    fc.assert(
      fc.property(instancesArb(2, 7), (ids) => {
        const [joiner, ...before] = ids;
        const old = rendezvousAssignment(EVENTS.slice(0, 1000), before);
        const now = rendezvousAssignment(EVENTS.slice(0, 1000), ids);
        let moved = 0;
        for (const [eventId, owner] of now) {
          if (owner === old.get(eventId)) continue;
          expect(owner).toBe(joiner);
          moved++;
        }
        expect(moved).toBeGreaterThan(0);
        expect(moved).toBeLessThan((1000 / ids.length) * 1.5);
      }),
      { numRuns: 25 },
    );
  });

  it('when an instance leaves, only its events move, spread over the others', () => {
    fc.assert(
      fc.property(instancesArb(3, 8), (ids) => {
        const [leaver, ...after] = ids;
        const old = rendezvousAssignment(EVENTS.slice(0, 1000), ids);
        const now = rendezvousAssignment(EVENTS.slice(0, 1000), after);
        const heirs = new Set<string>();
        for (const [eventId, owner] of now) {
          const before = old.get(eventId);
          if (before === leaver) heirs.add(owner!);
          else expect(owner).toBe(before);
        }
        expect(heirs.size).toBe(after.length);
      }),
      { numRuns: 25 },
    );
  });

  it('the cache answers like a fresh computation, and recomputes when instances or events change', () => {
    const cache = new RendezvousCache();
    const first = cache.ownerOf(['a', 'b', 'c'], ['x', 'y']);
    expect([...first]).toEqual([...rendezvousAssignment(['a', 'b', 'c'], ['x', 'y'])]);
    expect(cache.ownerOf(['a', 'b', 'c'], ['y', 'x'])).toBe(first); // same set, other order: the cached map
    expect([...cache.ownerOf(['a', 'b', 'c'], ['x'])].every(([, owner]) => owner === 'x')).toBe(true);
    expect([...cache.ownerOf(['a', 'd'], ['x'])].map(([eventId]) => eventId)).toEqual(['a', 'd']);
  });
});
