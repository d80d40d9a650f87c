// GET /api/admin/cluster: the organizer's view of the processes, which events
// each owns, lease epochs, mailbox depths and the latest changes of owner
// (server/admin/clusterStatus.ts says where it comes from in each mode).
import { fail } from '../../lib/protocol';
import type { ClusterStatusAck } from '../../lib/clusterProtocol';
import type { BuyerSessions } from '../buyerSession';
import { sendAck, type Router } from '../http/router';
import type { Logger } from '../logger';
import type { AdminAuth } from './adminAuth';
import { adminGuard } from './adminGuard';
import type { ClusterStatus } from './clusterStatus';

export interface ClusterRouteDeps {
  auth: AdminAuth;
  sessions: BuyerSessions;
  clusterStatus: () => Promise<ClusterStatus>;
  logger?: Logger;
}

/** The console polls every 2 s: a failed read is retried by the next poll anyway. */
const RETRY_AFTER_MS = 2000;

export function registerClusterRoutes(router: Router, deps: ClusterRouteDeps): void {
  const asAdmin = adminGuard(deps.auth, deps.sessions);
  router.add(
    'GET',
    '/api/admin/cluster',
    asAdmin(null, async (ctx) => {
      let cluster: ClusterStatus;
      try {
        cluster = await deps.clusterStatus();
      } catch (error) {
        // In distributed mode this is a read of the shared database; while it is down the
        // console keeps its last picture and says so, rather than reporting a bug.
        deps.logger?.warn({ err: error }, 'reading the cluster status failed');
        return sendAck(ctx.res, fail('storage_unavailable', 'Could not read the cluster state from the database; retrying.', { retryAfterMs: RETRY_AFTER_MS }));
      }
      const ack: ClusterStatusAck = { ok: true, cluster };
      sendAck(ctx.res, ack);
    }),
  );
}
