'use client';
// The order page's live connection: joins the order's room (authorised by the
// buyer's session or the access key) and calls `onUpdated` when the order
// changed (an organizer cancelled tickets, or replaced the link). It joins
// again after every reconnect and reloads then too, so nothing missed while
// offline stays missed.
import { useEffect, useRef } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { OrderUpdatedNotice } from '../orderProtocol';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol';

type OrderSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 15_000;

export function useOrderLive(orderId: string, accessKey: string | undefined, enabled: boolean, onUpdated: (change: OrderUpdatedNotice['change'] | 'reconnected') => void): void {
  const onUpdatedRef = useRef(onUpdated);
  onUpdatedRef.current = onUpdated;

  useEffect(() => {
    if (!enabled) return;
    const socket: OrderSocket = io({ withCredentials: true, forceNew: true, reconnectionDelayMax: 5000 });
    let joinedBefore = false;
    socket.on('connect', () => {
      socket.timeout(ACK_TIMEOUT_MS).emit('order:watch', { orderId, ...(accessKey ? { key: accessKey } : {}) }, (err, res) => {
        if (err || !res.ok) return;
        // After a reconnect the order may have changed meanwhile.
        if (joinedBefore) onUpdatedRef.current('reconnected');
        joinedBefore = true;
      });
    });
    socket.on('order:updated', (notice) => {
      if (notice.orderId === orderId) onUpdatedRef.current(notice.change);
    });
    return () => {
      socket.disconnect();
    };
  }, [orderId, accessKey, enabled]);
}
