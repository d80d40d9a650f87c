// Server configuration from the environment, validated once at start.
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { INSTANCE_ID_PATTERN } from './cluster/messages';
import { parseTrustProxy, type TrustProxy } from './http/clientInfo';

const positiveInt = z.coerce.number().int().positive();
/** "Name <local@domain>" or "local@domain": the domain also names our Message-IDs. */
const MAIL_FROM_PATTERN = /^(?:[^<>]*<)?[^<>\s@]+@([A-Za-z0-9.-]+)>?$/;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/seatline.db'),
  /** postgres://… runs on PostgreSQL instead of the embedded SQLite file. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  /** Default hold lifetime; an event's own holdTtlMs overrides it. Any positive value (tests use seconds). */
  HOLD_TTL_MS: positiveInt.default(600_000),
  /** Seat limit per buyer for seeded and newly created events. */
  MAX_SEATS_PER_BUYER: positiveInt.max(50).default(8),
  SQLITE_SYNCHRONOUS: z.enum(['OFF', 'NORMAL', 'FULL']).default('FULL'),
  /** How long a write waits for a database locked by another process before failing (storage_unavailable). */
  // Short: better-sqlite3 waits synchronously, and the loop retries by itself.
  SQLITE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /**
   * Fault injection for crash tests only: SIGKILL this process inside the Nth
   * batch transaction, after its writes and before COMMIT. Never set in production.
   */
  FAULT_KILL_IN_COMMIT: z.coerce.number().int().min(1).optional(),
  /**
   * Fault injection for mail crash tests only: SIGKILL this process when the outbox sender has
   * claimed a message and is about to hand it to the transport ('before_send'), or right after
   * the transport accepted it, before it is marked sent ('after_send'). Never set in production.
   */
  FAULT_KILL_MAIL: z.enum(['before_send', 'after_send']).optional(),
  /** smtp://user:pass@host:587 or smtps://user:pass@host:465; unset = write .eml files to MAIL_OUTBOX_DIR. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, message: 'SMTP_URL must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_FROM: z.string().trim().regex(MAIL_FROM_PATTERN, 'MAIL_FROM must be an address like "Seatline <tickets@example.com>"').default('Seatline <tickets@localhost>'),
  /** Without SMTP_URL, emails are written here as .eml files (default: "outbox" next to the database). */
  MAIL_OUTBOX_DIR: z.string().min(1).optional(),
  /** How often the sender looks for messages queued by other processes (it is nudged after local commits). */
  MAIL_POLL_MS: positiveInt.default(5_000),
  /** How long a claimed message is reserved for its sender; renewed while sending. */
  MAIL_CLAIM_LEASE_MS: positiveInt.min(500).default(120_000),
  /** First retry delay after a failed send; doubles per attempt (capped at 30 min). */
  MAIL_RETRY_BASE_MS: positiveInt.default(5_000),
  MAIL_MAX_ATTEMPTS: positiveInt.max(100).default(15),
  /** "Find my tickets": requests per client address, and emails per address, per hour. */
  FIND_TICKETS_PER_ADDRESS_PER_HOUR: positiveInt.default(20),
  FIND_TICKETS_PER_EMAIL_PER_HOUR: positiveInt.default(3),
  MAILBOX_CAPACITY: positiveInt.default(10_000),
  MAX_BATCH_SIZE: positiveInt.default(1_024),
  /** Per Socket.IO connection: sustained commands/s (burst is twice that). 0 disables. */
  RATE_LIMIT_SOCKET_PER_SEC: z.coerce.number().min(0).default(20),
  /** Per client address, HTTP API + sockets together: sustained requests/s (burst is twice that). 0 disables. */
  RATE_LIMIT_IP_PER_SEC: z.coerce.number().min(0).default(500),
  /** Waiting rooms: how often each event's admission ticker steps (also the queue:update bound). */
  WAITING_ROOM_STEP_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Waiting rooms: how often each process re-reads which rooms are on (a safety net; changes are also announced). */
  WAITING_ROOM_REFRESH_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  /** New buyer sessions per client address per hour (burst the same). 0 disables. */
  LIMIT_SESSIONS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).default(60),
  /** New queue entries per event per client address per hour (burst the same). 0 disables. */
  LIMIT_QUEUE_ENTRIES_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).default(30),
  /** Seats one client address may hold at once per event. 0 disables. */
  LIMIT_HELD_SEATS_PER_ADDRESS: z.coerce.number().int().min(0).default(40),
  /** Proof of work (when an event asks for it): the challenge's number range; the expected work is half of it. */
  POW_MAX_NUMBER: z.coerce.number().int().min(10).max(10_000_000).default(100_000),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Organizer password; when unset a strong one is generated at start and logged once. */
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must be at least 8 characters').max(256).optional(),
  /** The site's public address (https://tickets.example.com): its origin is the site's own; https means Secure cookies and HSTS. */
  PUBLIC_URL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      const origin = originOf(value.trim());
      if (!origin) ctx.addIssue({ code: 'custom', message: 'PUBLIC_URL must be an absolute http(s) URL, e.g. https://tickets.example.com' });
      return origin ?? undefined;
    }),
  /** More origins whose pages may call the API and open sockets with the site's sessions (comma-separated). */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const origins: string[] = [];
      for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
        const origin = bareOriginOf(entry);
        if (!origin) {
          ctx.addIssue({ code: 'custom', message: `ALLOWED_ORIGINS: ${JSON.stringify(entry)} is not an origin like https://shop.example.com` });
        } else origins.push(origin);
      }
      return origins;
    }),
  /** Which peers may set X-Forwarded-For / -Proto: a hop count, or proxy addresses / CIDRs / loopback, linklocal, uniquelocal. */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: `TRUST_PROXY: ${parsed}` });
      return typeof parsed === 'string' ? ({ kind: 'none' } as TrustProxy) : parsed;
    }),
  SEED_DEMO: z
    .enum(['0', '1', 'true', 'false'])
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CHECK_INVARIANTS: z
    .enum(['0', '1'])
    .default('0')
    .transform((v) => v === '1'),
  NODE_ENV: z.string().default('development'),
  /** redis://… with a postgres DATABASE_URL turns on the distributed mode (docs/scaling.md). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// or rediss:// URL')
    .optional(),
  /** This process's name in the cluster (default: host name, pid and a random suffix). */
  INSTANCE_ID: z
    .string()
    .regex(INSTANCE_ID_PATTERN, 'INSTANCE_ID may use letters, digits, _ . : - (at most 128)')
    .optional(),
  /** How long an event's owner may go without renewing before another process takes the event over. */
  LEASE_TTL_MS: positiveInt.min(1_000).max(60_000).default(3_000),
  /** A command routed to another process's loop answers `unavailable` after this long without a reply. */
  ROUTE_TIMEOUT_MS: positiveInt.min(100).max(60_000).default(3_000),
});

export type ServerConfig = {
  port: number;
  host: string;
  databasePath: string;
  databaseUrl?: string;
  holdTtlMs: number;
  maxSeatsPerBuyer: number;
  synchronous: 'OFF' | 'NORMAL' | 'FULL';
  busyTimeoutMs: number;
  faultKillInCommit?: number;
  faultKillMail?: 'before_send' | 'after_send';
  mail: MailConfig;
  findTicketsPerAddressPerHour: number;
  findTicketsPerEmailPerHour: number;
  mailboxCapacity: number;
  maxBatchSize: number;
  rateLimitSocketPerSec: number;
  rateLimitIpPerSec: number;
  waitingRoomStepMs: number;
  waitingRoomRefreshMs: number;
  limitSessionsPerAddressPerHour: number;
  limitQueueEntriesPerAddressPerHour: number;
  limitHeldSeatsPerAddress: number;
  powMaxNumber: number;
  sessionSecret?: string;
  metricsToken?: string;
  adminPassword?: string;
  /** The origin of PUBLIC_URL (scheme://host[:port]), if set: the site's own origin, and the base of links in emails. */
  publicOrigin?: string;
  allowedOrigins: string[];
  trustProxy: TrustProxy;
  seedDemo: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  checkInvariants: boolean;
  dev: boolean;
  /** Set in the distributed mode (DATABASE_URL=postgres://… and REDIS_URL); null in the embedded mode. */
  cluster: ClusterConfig | null;
};

export interface ClusterConfig {
  redisUrl: string;
  instanceId: string;
  leaseTtlMs: number;
  routeTimeoutMs: number;
}

export interface MailConfig {
  /** Unset: the embedded default, every email is written to outboxDir as an .eml file. */
  smtpUrl?: string;
  from: string;
  /** The domain of `from`: Message-IDs are <outbox-id@domain>. */
  fromDomain: string;
  outboxDir: string;
  pollMs: number;
  claimLeaseMs: number;
  retryBaseMs: number;
  maxAttempts: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  const e = parsed.data;
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new Error('Invalid configuration:\n  REDIS_URL: the distributed mode needs a shared store too: set DATABASE_URL=postgres://… (or unset REDIS_URL for one process on SQLite)');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    holdTtlMs: e.HOLD_TTL_MS,
    maxSeatsPerBuyer: e.MAX_SEATS_PER_BUYER,
    synchronous: e.SQLITE_SYNCHRONOUS,
    busyTimeoutMs: e.SQLITE_BUSY_TIMEOUT_MS,
    faultKillInCommit: e.FAULT_KILL_IN_COMMIT,
    faultKillMail: e.FAULT_KILL_MAIL,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      fromDomain: MAIL_FROM_PATTERN.exec(e.MAIL_FROM)![1],
      outboxDir: e.MAIL_OUTBOX_DIR ?? join(e.DATABASE_PATH === ':memory:' ? './data' : dirname(e.DATABASE_PATH), 'outbox'),
      pollMs: e.MAIL_POLL_MS,
      claimLeaseMs: e.MAIL_CLAIM_LEASE_MS,
      retryBaseMs: e.MAIL_RETRY_BASE_MS,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
    },
    findTicketsPerAddressPerHour: e.FIND_TICKETS_PER_ADDRESS_PER_HOUR,
    findTicketsPerEmailPerHour: e.FIND_TICKETS_PER_EMAIL_PER_HOUR,
    mailboxCapacity: e.MAILBOX_CAPACITY,
    maxBatchSize: e.MAX_BATCH_SIZE,
    rateLimitSocketPerSec: e.RATE_LIMIT_SOCKET_PER_SEC,
    rateLimitIpPerSec: e.RATE_LIMIT_IP_PER_SEC,
    waitingRoomStepMs: e.WAITING_ROOM_STEP_MS,
    waitingRoomRefreshMs: e.WAITING_ROOM_REFRESH_MS,
    limitSessionsPerAddressPerHour: e.LIMIT_SESSIONS_PER_ADDRESS_PER_HOUR,
    limitQueueEntriesPerAddressPerHour: e.LIMIT_QUEUE_ENTRIES_PER_ADDRESS_PER_HOUR,
    limitHeldSeatsPerAddress: e.LIMIT_HELD_SEATS_PER_ADDRESS,
    powMaxNumber: e.POW_MAX_NUMBER,
    sessionSecret: e.SESSION_SECRET,
    metricsToken: e.METRICS_TOKEN,
    adminPassword: e.ADMIN_PASSWORD,
    publicOrigin: e.PUBLIC_URL,
    allowedOrigins: e.ALLOWED_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    seedDemo: e.SEED_DEMO,
    logLevel: e.LOG_LEVEL,
    checkInvariants: e.CHECK_INVARIANTS,
    dev: e.NODE_ENV !== 'production',
    cluster: e.REDIS_URL
      ? { redisUrl: e.REDIS_URL, instanceId: e.INSTANCE_ID ?? defaultInstanceId(), leaseTtlMs: e.LEASE_TTL_MS, routeTimeoutMs: e.ROUTE_TIMEOUT_MS }
      : null,
  };
}

/** The origin of an absolute http(s) URL, or null. */
function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** The origin of an entry that is scheme://host[:port] and nothing else (no path, query, user or wildcard), or null. */
function bareOriginOf(entry: string): string | null {
  if (entry.includes('*')) return null;
  try {
    const url = new URL(entry);
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
    return originOf(entry);
  } catch {
    return null;
  }
}

/** Unique per process start: a restarted process is a new instance (its old leases expire or are taken over). */
function defaultInstanceId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 60) || 'host';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
