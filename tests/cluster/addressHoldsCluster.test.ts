// Issue 12 in the distributed mode: "seats held at once per event per
// address" is one count for the whole cluster. A bot whose sessions are spread
// over two processes gets the limit once, not once per process; a hold that
// ends on any process gives its seats back everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, stallsCentreSeats } from '../server/helpers';
import { sleep, waitUntil } from '../support/waitUntil';
import { CLUSTER_EVENTS, startCluster, type TestCluster } from './clusterHarness';

const EVENT = 'demo-theatre';
const LIMIT = 6;
const BOT = '203.0.113.7';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster({
    processes: 2,
    env: {
      TRUST_PROXY: 'loopback',
      LIMIT_SESSIONS_PER_ADDRESS_PER_HOUR: '0',
      LIMIT_QUEUE_ENTRIES_PER_ADDRESS_PER_HOUR: '0',
      LIMIT_HELD_SEATS_PER_ADDRESS: String(LIMIT),
    },
  });
  await cluster.settled(CLUSTER_EVENTS);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

const from = (address: string) => ({ 'x-forwarded-for': address });

async function sessionOn(url: string): Promise<string> {
  const { status, body } = await sendJson<{ token: string }>('POST', `${url}/api/session`, undefined, undefined, from(BOT));
  expect(status).toBe(201);
  return body.token;
}

type HoldAnswer = { hold: { id: string; seatIds: string[] }; error?: { code: string } };

/** A hold as a client makes it: a 503 (the event is moving between processes after a join) is retried. */
async function hold(url: string, token: string, seatIds: string[], address = BOT): Promise<{ status: number; body: HoldAnswer }> {
  let answer = await sendJson<HoldAnswer>('POST', `${url}/api/events/${EVENT}/holds`, { seatIds }, token, from(address));
  const deadline = performance.now() + 20_000;
  while (answer.status === 503 && performance.now() < deadline) {
    await sleep(200);
    answer = await sendJson<HoldAnswer>('POST', `${url}/api/events/${EVENT}/holds`, { seatIds }, token, from(address));
  }
  return answer;
}

describe('seats held at once per address, across the cluster', () => {
  it('a bot spread over two processes holds the limit once; a release through either process frees seats on both', async () => {
    const [first, second] = cluster.processes;
    const seats = stallsCentreSeats();
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => sessionOn(i % 2 === 0 ? first.url : second.url)));
    // Eight sessions, two seats each, half through each process, all at once: room for three holds.
    const grabs = await Promise.all(tokens.map((token, i) => hold((i % 2 === 0 ? first : second).url, token, seats.slice(2 * i, 2 * i + 2))));
    const held = grabs.flatMap((grab, i) => (grab.status === 201 ? [{ token: tokens[i], hold: grab.body.hold, process: i % 2 }] : []));
    expect(held.reduce((n, h) => n + h.hold.seatIds.length, 0), JSON.stringify(grabs.map((g) => [g.status, g.body]))).toBe(LIMIT);
    expect(grabs.filter((grab) => grab.status === 429).every((grab) => grab.body.error?.code === 'rate_limited')).toBe(true);
    expect(grabs.filter((grab) => grab.status === 429)).toHaveLength(8 - LIMIT / 2);

    // Another address is not affected.
    const neighbour = (await sendJson<{ token: string }>('POST', `${second.url}/api/session`, undefined, undefined, from('198.51.100.9'))).body.token;
    expect((await hold(second.url, neighbour, [seats[40]], '198.51.100.9')).status).toBe(201);

    // A hold made through one process is released through the other: its seats come back for a session on the first.
    // (Which of the racing sessions won is up to the race: any winner will do.)
    const released = held[0];
    const [madeThrough, otherProcess] = released.process === 0 ? [first, second] : [second, first];
    expect((await sendJson('DELETE', `${otherProcess.url}/api/holds/${released.hold.id}`, undefined, released.token, from(BOT))).status).toBe(200);
    const next = await sessionOn(madeThrough.url);
    // The release reaches the count when the owner's commit notice does: wait for that, not for a time.
    await waitUntil(
      async () => (await hold(madeThrough.url, next, [seats[50], seats[51]])).status === 201,
      'a hold in the released seats’ place',
      20_000,
      100,
    );
    const over = await hold(second.url, await sessionOn(second.url), [seats[60]]);
    expect(over.status).toBe(429);
  });
});
