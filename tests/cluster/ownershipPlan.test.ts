// The pure decisions of an ownership check (server/cluster/ownershipPlan.ts):
// acquire what rendezvous gives us and nobody holds live; notice leases taken
// over; hand off what should move once its loop is idle (or waited long
// enough); take nothing new and hand nothing off while our own liveness is
// unsure. A property test checks the plan's guarantees on random views.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planOwnership, type HeldLease, type OwnershipView, type SeenLease } from '../../server/cluster/ownershipPlan';

const held = (epoch: number, extra: Partial<HeldLease> = {}): HeldLease => ({ epoch, deadline: 10_000, handingOff: false, unwantedSince: null, ...extra });
const seen = (ownerId: string, epoch: number, expiresInMs = 2000): SeenLease => ({ ownerId, epoch, expiresInMs });

function view(overrides: Partial<OwnershipView>): OwnershipView {
  return {
    self: 'me',
    now: 1000,
    live: ['me', 'other'],
    desiredOwner: new Map(),
    leases: new Map(),
    held: new Map(),
    isIdle: () => true,
    maxHandoffWaitMs: 5000,
    ...overrides,
  };
}

describe('planOwnership', () => {
  it('acquires events it should own that are free, expired, released, or its own leftover; never one live elsewhere', () => {
    const plan = planOwnership(
      view({
        desiredOwner: new Map([
          ['never-leased', 'me'],
          ['expired', 'me'],
          ['live-elsewhere', 'me'],
          ['leftover', 'me'],
          ['not-mine', 'other'],
          ['already-held', 'me'],
        ]),
        leases: new Map([
          ['expired', seen('other', 3, -5)],
          ['live-elsewhere', seen('other', 4, 1500)],
          ['leftover', seen('me', 7, 1500)],
          ['not-mine', seen('other', 1, -100)],
          ['already-held', seen('me', 2)],
        ]),
        held: new Map([['already-held', held(2)]]),
      }),
    );
    expect(plan.acquire.sort()).toEqual(['expired', 'leftover', 'never-leased']);
    expect(plan).toMatchObject({ lost: [], handOff: [] });
  });

  it('a held lease the store shows with another epoch or owner, or not at all, is lost', () => {
    const plan = planOwnership(
      view({
        desiredOwner: new Map([
          ['bumped', 'me'],
          ['stolen', 'me'],
          ['gone', 'me'],
          ['fine', 'me'],
        ]),
        leases: new Map([
          ['bumped', seen('me', 6)],
          ['stolen', seen('other', 5)],
          ['fine', seen('me', 5)],
        ]),
        held: new Map([
          ['bumped', held(5)],
          ['stolen', held(5)],
          ['gone', held(5)],
          ['fine', held(5)],
        ]),
      }),
    );
    expect(plan.lost.sort()).toEqual(['bumped', 'gone', 'stolen']);
    expect(plan.acquire).toEqual([]); // a lost event is not re-acquired in the same check
  });

  it('hands off an event that should move once its loop is idle, or after waiting maxHandoffWaitMs for a busy one', () => {
    const leases = new Map([
      ['idle', seen('me', 1)],
      ['busy', seen('me', 1)],
      ['busy-long', seen('me', 1)],
      ['wanted-again', seen('me', 1)],
      ['going', seen('me', 1)],
    ]);
    const plan = planOwnership(
      view({
        now: 10_000,
        desiredOwner: new Map([
          ['idle', 'other'],
          ['busy', 'other'],
          ['busy-long', 'other'],
          ['wanted-again', 'me'],
          ['going', 'other'],
        ]),
        leases,
        held: new Map([
          ['idle', held(1)],
          ['busy', held(1, { unwantedSince: 9_000 })],
          ['busy-long', held(1, { unwantedSince: 5_000 })],
          ['wanted-again', held(1, { unwantedSince: 9_000 })],
          ['going', held(1, { handingOff: true, unwantedSince: 1 })],
        ]),
        isIdle: (eventId) => eventId === 'idle',
      }),
    );
    expect(plan.handOff.sort()).toEqual(['busy-long', 'idle']);
    expect([...plan.unwantedSince].sort()).toEqual([
      ['idle', 10_000],
      ['wanted-again', null],
    ]);
  });

  it('unsure of its own liveness, it acquires nothing and hands nothing off, but still notices losses', () => {
    const plan = planOwnership(
      view({
        live: null,
        desiredOwner: new Map([
          ['free', 'me'],
          ['moving', 'other'],
          ['stolen', 'me'],
        ]),
        leases: new Map([
          ['moving', seen('me', 1)],
          ['stolen', seen('other', 2)],
        ]),
        held: new Map([
          ['moving', held(1)],
          ['stolen', held(1)],
        ]),
      }),
    );
    expect(plan).toMatchObject({ acquire: [], handOff: [], lost: ['stolen'] });
  });

  it('on any view: acquires only unheld events it should own that nobody else holds live; hands off and loses only held ones, never both', () => {
    const ids = ['me', 'a', 'b'];
    const eventArb = fc.record({
      desired: fc.constantFrom(...ids, null),
      lease: fc.option(fc.record({ ownerId: fc.constantFrom(...ids), epoch: fc.integer({ min: 1, max: 3 }), expiresInMs: fc.integer({ min: -3000, max: 3000 }) })),
      held: fc.option(fc.record({ epoch: fc.integer({ min: 1, max: 3 }), handingOff: fc.boolean(), unwantedSince: fc.option(fc.integer({ min: 0, max: 10_000 })) })),
      idle: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 12 }), fc.boolean(), (events, sure) => {
        const v = view({
          now: 10_000,
          live: sure ? ids : null,
          desiredOwner: new Map(events.map((e, i) => [`e${i}`, e.desired])),
          leases: new Map(events.flatMap((e, i) => (e.lease ? [[`e${i}`, e.lease] as const] : []))),
          held: new Map(events.flatMap((e, i) => (e.held ? [[`e${i}`, { ...e.held, deadline: 20_000 }] as const] : []))),
          isIdle: (eventId) => events[Number(eventId.slice(1))].idle,
        });
        const plan = planOwnership(v);
        for (const eventId of plan.acquire) {
          expect(v.held.has(eventId)).toBe(false);
          expect(v.desiredOwner.get(eventId)).toBe('me');
          const lease = v.leases.get(eventId);
          if (lease && lease.ownerId !== 'me') expect(lease.expiresInMs).toBeLessThanOrEqual(0);
        }
        if (!sure) expect(plan.acquire.length + plan.handOff.length).toBe(0);
        for (const eventId of plan.handOff) {
          expect(v.held.get(eventId)!.handingOff).toBe(false);
          expect(v.desiredOwner.get(eventId)).not.toBe('me');
          expect(plan.lost).not.toContain(eventId);
        }
        for (const eventId of plan.lost) expect(v.held.has(eventId)).toBe(true);
        // Every held event whose lease the store shows as another's is noticed.
        for (const [eventId, h] of v.held) {
          const lease = v.leases.get(eventId);
          if (!lease || lease.ownerId !== 'me' || lease.epoch !== h.epoch) expect(plan.lost).toContain(eventId);
        }
      }),
      { numRuns: 500 },
    );
  });
});
