// Waits for a condition instead of sleeping and hoping: polls `check` until it
// holds, and fails with a message naming what never happened. The timeout is
// a safety net for a hung test, never an assertion about speed.
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000, everyMs = 10): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
