'use client';
// Polls GET /api/admin/cluster every 2 s while the tab is visible (hidden: no
// requests; visible again: at once), one request at a time. Changes of owner
// that arrive after the first answer are marked new for a minute and announced.
import { useEffect, useRef, useState } from 'react';
import { ownershipChangeKey, type ClusterStatus } from '../clusterProtocol';
import { adminApi } from './adminApi';
import { announceChanges } from './clusterText';

export const CLUSTER_POLL_MS = 2000;
/** How long a change that arrived while watching stays marked new. */
const NEW_FOR_MS = 60_000;

export interface ClusterFeed {
  status: ClusterStatus | null;
  /** performance.now() when `status` arrived: durations in it are as of then. */
  receivedAt: number;
  /** The last poll failed (the status shown is older). */
  error: string | null;
  /** The tab is hidden: polling paused. */
  paused: boolean;
  /** Change key → performance.now() it arrived, for changes that came in while watching. */
  fresh: ReadonlyMap<string, number>;
  /** The latest arrivals, in words, for a live region. */
  announcement: string;
}

export function useClusterStatus(): ClusterFeed {
  const [feed, setFeed] = useState<ClusterFeed>({ status: null, receivedAt: 0, error: null, paused: false, fresh: new Map(), announcement: '' });
  const seen = useRef<Set<string> | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let inFlight = false;
    let stopped = false;

    const poll = async () => {
      if (inFlight || stopped) return;
      inFlight = true;
      const res = await adminApi.cluster();
      inFlight = false;
      if (stopped) return;
      const now = performance.now();
      if (res.ok) {
        const known = seen.current;
        const arrived = known ? res.cluster.changes.filter((c) => !known.has(ownershipChangeKey(c))) : [];
        // Only the listed changes need remembering: one that fell off the list never comes back.
        seen.current = new Set(res.cluster.changes.map(ownershipChangeKey));
        setFeed((previous) => {
          const fresh = new Map([...previous.fresh].filter(([, at]) => now - at < NEW_FOR_MS));
          for (const change of arrived) fresh.set(ownershipChangeKey(change), now);
          return {
            status: res.cluster,
            receivedAt: now,
            error: null,
            // A reply that was in flight when the tab was hidden must not look like polling resumed.
            paused: document.visibilityState !== 'visible',
            fresh,
            announcement: arrived.length ? announceChanges(arrived) : previous.announcement,
          };
        });
      } else {
        setFeed((previous) => ({ ...previous, error: res.error.message }));
      }
      schedule();
    };

    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = document.visibilityState === 'visible' ? setTimeout(() => void poll(), CLUSTER_POLL_MS) : null;
    };

    const onVisibility = () => {
      const hidden = document.visibilityState !== 'visible';
      setFeed((previous) => (previous.paused === hidden ? previous : { ...previous, paused: hidden }));
      if (hidden) {
        if (timer) clearTimeout(timer);
        timer = null;
      } else void poll();
    };

    document.addEventListener('visibilitychange', onVisibility);
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);

  return feed;
}
