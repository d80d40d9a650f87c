// The script that draws the seat map before React (scripts/buildEarlyMap.ts) must
// stay small and free of what it exists to get ahead of: React, zod, Socket.IO.
import { describe, expect, it } from 'vitest';
import { bundleEarlyMap } from '../../scripts/buildEarlyMap';

describe('early map bundle', () => {
  it('bundles the map renderer without React, zod or Socket.IO', async () => {
    const bundle = await bundleEarlyMap(false);
    expect(bundle.inputs).toContain('components/SeatMap/SeatMapRenderer.ts');
    expect(bundle.inputs).toContain('lib/client/seatIndex.ts');
    const heavy = bundle.inputs.filter((file) => /node_modules\/(react|react-dom|next|zod|socket\.io-client|engine\.io-client)\//.test(file) || file === 'lib/protocol.ts');
    expect(heavy).toEqual([]);
    expect(bundle.code.length).toBeLessThan(60_000);
  });
});
