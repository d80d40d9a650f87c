import postgres from 'postgres';
import { it } from 'vitest';
import { connectBuyer, request, layoutOf } from '../server/helpers';
import { sleep } from '../support/waitUntil';
import { CLUSTER_EVENTS, signal, startCluster } from './clusterHarness';
it('dbg', async () => {
  const cluster = await startCluster({ processes: 3, env: { LOG_LEVEL: 'info' } });
  await cluster.settled(CLUSTER_EVENTS);
  const owner = (await cluster.ownerOf('demo-theatre'))!;
  const seatIds = (await layoutOf(owner.url, 'demo-theatre')).seatIds;
  const { socket } = await connectBuyer(owner.url);
  let stop = false;
  const loop = (async () => { for (let i = 0; !stop && i < 8; i++) { await request(socket, 'hold:create', { eventId: 'demo-theatre', seatIds: [seatIds[300 + i]] }, 3000).catch(() => null); } })();
  await sleep(30);
  const t0 = Date.now();
  signal(owner, 'SIGSTOP');
  const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} });
  for (let i = 0; i < 8; i++) {
    await sleep(1000);
    const act = await sql`SELECT application_name, state, wait_event_type, wait_event, left(query, 80) AS q, now() - xact_start AS xact FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'seatline' AND state <> 'idle'`;
    const leases = await sql`SELECT event_id, owner_id, epoch, expires_at - (extract(epoch from now())*1000)::bigint AS left FROM event_leases`;
    const inst = await sql`SELECT instance_id, expires_at - (extract(epoch from now())*1000)::bigint AS left FROM instances`;
    console.log(Date.now() - t0, JSON.stringify(act), JSON.stringify(leases), JSON.stringify(inst));
  }
  signal(owner, 'SIGCONT');
  stop = true;
  await sql.end();
  await sleep(2000);
  for (const p of cluster.processes) console.log(p.instanceId, p.server.stdout().split('\n').filter((l) => /owner|fence|lease|error|warn/i.test(l)).slice(-12).join('\n').slice(0, 3000));
  await cluster.stop();
}, 120000);
