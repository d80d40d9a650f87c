import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forkTs } from '../../bench/children';

describe('bench child processes', () => {
  it("keeps a worker's 'ready' that arrived before anyone waited for it", async () => {
    const child = forkTs(join(__dirname, '..', 'support', 'fixtures', 'readyAtOnce.ts'), []);
    try {
      // The parent is busy elsewhere (as when Chromium starts) until well after the worker said ready.
      await new Promise<void>((resolve) => child.proc.once('message', () => setTimeout(resolve, 50)));
      await expect(child.next('ready', 2_000)).resolves.toEqual({ type: 'ready' });
    } finally {
      await child.stop();
    }
  });
});
