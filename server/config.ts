// Server configuration from the environment, validated once at start.
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

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
  MAILBOX_CAPACITY: positiveInt.default(10_000),
  MAX_BATCH_SIZE: positiveInt.default(1_024),
  /** Per Socket.IO connection: sustained commands/s (burst is twice that). 0 disables. */
  RATE_LIMIT_SOCKET_PER_SEC: z.coerce.number().min(0).default(20),
  /** Per client address, HTTP API + sockets together: sustained requests/s (burst is twice that). 0 disables. */
  RATE_LIMIT_IP_PER_SEC: z.coerce.number().min(0).default(500),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Organizer password; when unset a strong one is generated at start and logged once. */
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must be at least 8 characters').max(256).optional(),
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
  mailboxCapacity: number;
  maxBatchSize: number;
  rateLimitSocketPerSec: number;
  rateLimitIpPerSec: number;
  sessionSecret?: string;
  metricsToken?: string;
  adminPassword?: string;
  seedDemo: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  checkInvariants: boolean;
  dev: boolean;
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  const e = parsed.data;
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
    mailboxCapacity: e.MAILBOX_CAPACITY,
    maxBatchSize: e.MAX_BATCH_SIZE,
    rateLimitSocketPerSec: e.RATE_LIMIT_SOCKET_PER_SEC,
    rateLimitIpPerSec: e.RATE_LIMIT_IP_PER_SEC,
    sessionSecret: e.SESSION_SECRET,
    metricsToken: e.METRICS_TOKEN,
    adminPassword: e.ADMIN_PASSWORD,
    seedDemo: e.SEED_DEMO,
    logLevel: e.LOG_LEVEL,
    checkInvariants: e.CHECK_INVARIANTS,
    dev: e.NODE_ENV !== 'production',
  };
}
