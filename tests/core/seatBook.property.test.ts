// Property tests for the seat book.
// (a) model-based: random command sequences run against the real book and an
//     independent model (tests/core/model.ts); see harness.ts for the checks
//     made after every step.
// (b) concurrency: random interleavings (fc.scheduler) of buyers racing for
//     overlapping seats never produce two holds covering one seat.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concurrentBuyersProperty, runScenario, scenarioArb } from './harness';

describe('seat book vs model', () => {
  it('random hold/extend/release/confirm/expire/batch sequences agree with the model and keep invariants', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        runScenario(scenario);
      }),
      { numRuns: 200 },
    );
  });

  it('the generator actually reaches the interesting outcomes', () => {
    // Guards against a silently weak generator: over a fixed sample, every
    // outcome the model test relies on must show up at least once.
    const seen = new Set<string>();
    const sample = fc.sample(scenarioArb, { numRuns: 100, seed: 42 });
    for (const scenario of sample) {
      runScenario(scenario, (out) => {
        seen.add(out.ok ? `${out.type}${out.type === 'confirmed' && out.replayed ? ':replayed' : ''}` : out.code);
      });
    }
    for (const code of [
      'held',
      'extended',
      'released',
      'confirmed',
      'confirmed:replayed',
      'seats_unavailable',
      'not_found',
      'invalid_request',
      'limit_exceeded',
      'sale_closed',
      'extend_limit',
      'not_hold_owner',
      'hold_expired',
      'already_confirmed',
      'idempotency_conflict',
    ]) {
      expect(seen, `outcome ${code} never generated`).toContain(code);
    }
  });
});

describe('concurrent buyers', () => {
  it('random interleavings of buyers holding overlapping seats never put one seat in two holds', async () => {
    await fc.assert(concurrentBuyersProperty(), { numRuns: 150 });
  });
});
