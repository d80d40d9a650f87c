// How the cluster's pieces talk to Redis: commands fail fast rather than wait
// in a queue while Redis is away, and are never resent after a reconnect.
// For command routing a resent PUBLISH could run a command twice, and for a
// rate limit a late answer is worth nothing; in both cases the caller has a
// well-defined answer for "Redis is not there" (unavailable / the local
// fallback), which is better than a request that waits for a reconnect.
import { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  /** Shown by CLIENT LIST: which process and which role. */
  connectionName: string;
  /** A command without an answer after this long fails (a Redis that hangs rather than drops the connection). */
  commandTimeoutMs?: number;
  /** Longest wait between reconnection attempts. */
  reconnectMaxMs?: number;
  /** Resubscribe to the channels of before after a reconnect (off when the owner resubscribes itself). */
  autoResubscribe?: boolean;
}

/** A connection that is not connected yet: call `connect()`. */
export function redisConnection(url: string, options: RedisConnectionOptions): Redis {
  const reconnectMaxMs = options.reconnectMaxMs ?? 1000;
  return new Redis(url, {
    lazyConnect: true,
    connectionName: options.connectionName,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: options.autoResubscribe ?? true,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 5_000,
    // 50, 100, 200, … ms, then every reconnectMaxMs: a restarted Redis is found again within about that bound.
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt - 1, 10), reconnectMaxMs),
  });
}

const QUIT_WAIT_MS = 1_000;

/** QUIT when connected (Redis drops the connection's subscriptions before it answers), else, or if Redis hangs, just drop the socket. */
export async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_WAIT_MS)));
    const quitted = connection.quit().then(
      () => undefined,
      () => undefined,
    );
    await Promise.race([quitted, timeout]);
    clearTimeout(timer);
  }
  connection.disconnect();
}
