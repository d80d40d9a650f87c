// A replica (the distributed mode's read side) that missed a notice catches up from the store on
// the owner's beacon. The details served by GET /api/events/:id (name, sale status) catch up too:
// a notice swallowed by a gap is the only thing that would have reloaded them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store';
import { EventRegistry, type RegistryOptions } from '../../server/eventRegistry';
import { createLogger } from '../../server/logger';
import { Metrics } from '../../server/metrics';
import { CounterIds } from '../core/fixtures';
import { openTestStore, storeKinds } from '../support/stores';
import { addEvent, T0 } from '../waitingRoom/fixtures';

describe.each(storeKinds())('replica resync on %s', (kind) => {
  let store: Store;
  let close: () => Promise<void>;
  const registries: EventRegistry[] = [];

  const registry = (mode: RegistryOptions['mode']) => {
    const r = new EventRegistry({
      store,
      ids: new CounterIds(),
      clock: () => T0,
      holdTtlMs: 60_000,
      mailboxCapacity: 100,
      maxBatchSize: 100,
      checkInvariants: true,
      metrics: new Metrics(),
      logger: createLogger('silent'),
      mode,
    });
    registries.push(r);
    return r;
  };

  beforeEach(async () => {
    ({ store, close } = await openTestStore(kind));
    await addEvent(store, 'e1');
  });
  afterEach(async () => {
    for (const r of registries.splice(0)) for (const runtime of r.list()) await runtime.loop?.stop();
    await close();
  });

  it('an organizer change whose notice the replica never got reaches its details at the next beacon', async () => {
    const writer = registry('embedded'); // stands in for the owner: its commits are never announced to the replica
    const replica = registry('distributed');
    const owner = await writer.start('e1');
    const seen = await replica.start('e1');
    expect(seen.detail.saleStatus).toBe('open');

    const paused = await writer.execute(owner, { type: 'configure', rules: { saleStatus: 'paused' }, meta: { name: 'Renamed' }, actor: 'organizer' });
    expect(paused).toMatchObject({ ok: true });
    await replica.checkVersion('e1', owner.view.version); // the owner's beacon: the replica is behind

    const after = replica.get('e1')!;
    expect(after.view.rules.saleStatus).toBe('paused');
    expect(after.detail).toMatchObject({ saleStatus: 'paused', name: 'Renamed' });
    expect(JSON.parse(after.detailJson)).toMatchObject({ event: { saleStatus: 'paused', name: 'Renamed' } });
  });
});
