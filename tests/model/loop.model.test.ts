// Model-based testing of the reservation loop with a fake clock, fake timers
// and manual scheduling on an in-memory SQLite database (see loopSystem.ts
// for what is compared after every step). Batches mix buyers' and
// organizers' commands for both events; clock advances sometimes fire the
// expiry timers and sometimes leave them late (the next tick must expire
// first); restarts rebuild the loops from the database alone.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LoopCommand, loopSetup, type LoopRunStats, type LoopStep } from './loopSystem';
import { buyerOrAdminStepArb } from './steps';

const loopStepArb: fc.Arbitrary<LoopStep> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('batch' as const), items: fc.array(buyerOrAdminStepArb, { minLength: 1, maxLength: 4 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1500 }), fire: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('toDeadline' as const), delta: fc.constantFrom(-1 as const, 0 as const, 1 as const), fire: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'restart' as const }) },
);

describe('reservation loop vs reference model (fc.asyncModelRun)', () => {
  it('batches, expiry timers and restarts keep replies, snapshot, book and database equal to the model', async () => {
    const stats: LoopRunStats = { seen: new Set(), restarts: 0 };
    await fc.assert(
      fc.asyncProperty(fc.commands([loopStepArb.map((s) => new LoopCommand(s, stats))], { maxCommands: 40, size: '+1' }), async (cmds) => {
        const setup = loopSetup();
        try {
          await fc.asyncModelRun(() => setup, cmds);
        } finally {
          setup.real.close();
        }
      }),
      { numRuns: 100 },
    );
    expect(stats.restarts).toBeGreaterThan(10);
    // The generator really exercised the loop (each of these comes up dozens of times per run).
    for (const label of ['held', 'extended', 'released', 'confirmed', 'confirmed:replayed', 'blocked', 'tickets_cancelled', 'seats_unavailable', 'hold_expired', 'checked_in', 'already_checked_in']) {
      expect(stats.seen, `outcome ${label} never reached`).toContain(label);
    }
  });
});
