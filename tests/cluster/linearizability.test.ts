// Linearizability across processes: clients spread over three server
// processes (half over Socket.IO, half over HTTP) hammer the hot seats of one
// event whose loop runs in one of them; most commands are routed to it over
// Redis. One history spans the processes, and the checker must find one
// serial order consistent with real time that explains every outcome and
// ends in the availability every process reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeatStatus } from '../../lib/protocol';
import { checkHistory } from '../linearizability/checker';
import { HistoryRecorder } from '../linearizability/history';
import { EVENT, HOT, RULES, openClients, runClient, tally, type SharedPool } from '../linearizability/workload';
import { adminLogin, call } from '../server/adminHelpers';
import { closeSockets, getJson, type TestSocket } from '../server/helpers';
import { waitUntil } from '../support/waitUntil';
import { CLUSTER_EVENTS, startCluster, type TestCluster } from './clusterHarness';

let cluster: TestCluster;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  // A routed command that times out may still have run (the checker cannot explain such an answer): the
  // timeout is set far beyond what this load needs, so every answer here is the owner's own.
  cluster = await startCluster({ processes: 3, env: { HOLD_TTL_MS: '60000', ROUTE_TIMEOUT_MS: '30000' } });
  await cluster.settled(CLUSTER_EVENTS);
  // The checker checks the per-buyer limit per group of seats: keep every buyer far from it.
  const admin = await adminLogin(cluster.processes[0].url, 'cluster-test-organizer');
  const patched = await call(cluster.processes[1].url, 'PATCH', `/api/admin/events/${EVENT}`, { token: admin, body: { maxSeatsPerBuyer: RULES.maxSeatsPerBuyer } });
  expect(patched.status, patched.text).toBe(200);
}, 120_000);

afterAll(async () => {
  closeSockets(sockets);
  await cluster?.stop();
});

async function availability(url: string): Promise<{ version: number; seats: Record<string, SeatStatus> }> {
  const { status, body } = await getJson<{ version: number; seats: Record<string, SeatStatus> }>(`${url}/api/events/${EVENT}/availability`);
  expect(status).toBe(200);
  return body;
}

describe('three processes are linearizable together', () => {
  it('90 clients × 15 ops spread over three processes on 30 hot seats: every outcome fits one serial order', async () => {
    const owner = (await cluster.ownerOf(EVENT))!;
    const initial = (await availability(owner.url)).seats;
    for (const seat of HOT) expect(initial[seat], seat).toBe('available');
    const clients = await openClients(
      cluster.processes.map((p) => p.url),
      90,
      sockets,
    );
    const rec = new HistoryRecorder();
    const pool: SharedPool = { holds: [], sold: 0 };
    await Promise.all(clients.map((c, i) => runClient(c, rec, 15, 5000 + i, pool, async () => {})));

    const readAt = Date.now();
    const final = await availability(owner.url);
    const result = checkHistory(rec.entries, { holdTtlMs: 60_000, ...RULES, initial, final: { seats: final.seats, readAt }, budgetMs: 90_000 });
    const counts = tally(rec.entries);
    expect(result, result.ok ? '' : `${result.reason}\noutcomes: ${JSON.stringify(counts)}`).toMatchObject({ ok: true });
    for (const label of ['hold:ok', 'hold:seats_unavailable', 'confirm:ok', 'confirm:replayed', 'release:ok', 'extend:ok']) {
      expect(counts[label] ?? 0, `${label} never happened: ${JSON.stringify(counts)}`).toBeGreaterThan(0);
    }
    // Routing never failed while the owner was stable.
    expect(Object.keys(counts).filter((l) => /unavailable$|busy|rate_limited|internal|invalid_request/.test(l) && !l.endsWith('seats_unavailable')), JSON.stringify(counts)).toEqual([]);
    // Every process ends on the owner's map, at its version.
    for (const p of cluster.processes) {
      await waitUntil(async () => (await availability(p.url)).version >= final.version, `${p.instanceId} at version ${final.version}`);
      const seen = await availability(p.url);
      if (seen.version === final.version) expect(seen.seats).toEqual(final.seats);
    }
  }, 300_000);
});
