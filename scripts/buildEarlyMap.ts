// Bundles the script that draws the seat map's first frame before React
// (components/SeatMap/earlyMap.ts) into public/seatmap-early.js, which Next
// serves from our own origin. Part of
// `npm run build` and `npm run dev`; tests/unit/earlyMapBundle.test.ts checks
// that the bundle stays free of React, zod and Socket.IO.
//
//   npx tsx scripts/buildEarlyMap.ts
import { build, type Metafile } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
export const EARLY_MAP_ENTRY = 'components/SeatMap/earlyMap.ts';
export const EARLY_MAP_OUTFILE = 'public/seatmap-early.js';

export interface EarlyMapBundle {
  code: string;
  /** Source files that went into the bundle, relative to the project root. */
  inputs: string[];
  metafile: Metafile;
}

/** Builds the bundle; writes it to public/ unless `write` is false. */
export async function bundleEarlyMap(write: boolean): Promise<EarlyMapBundle> {
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: [EARLY_MAP_ENTRY],
    outfile: EARLY_MAP_OUTFILE,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    metafile: true,
    write,
    logLevel: 'warning',
  });
  const output = result.outputFiles?.[0]?.text;
  return {
    code: output ?? '',
    inputs: Object.keys(result.metafile.inputs),
    metafile: result.metafile,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bundle = await bundleEarlyMap(true);
  const bytes = bundle.metafile.outputs[EARLY_MAP_OUTFILE]?.bytes ?? 0;
  process.stdout.write(`${EARLY_MAP_OUTFILE}: ${(bytes / 1024).toFixed(1)} KB from ${bundle.inputs.length} files\n`);
}
