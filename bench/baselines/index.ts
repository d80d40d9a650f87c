// Every design the bench compares, by name.
import type { PostgresStore } from '../../db/postgres/postgresStore';
import type { Synchronous } from '../../db/sqlite/connection';
import type { SqliteStore } from '../../db/sqlite/sqliteStore';
import type { DesignFactory } from './design';
import { loopDesign } from './loop';
import { redisDesign } from './redisLease';
import { pgLocksDesign } from './pgSeatLocks';
import { pgTxnDesign } from './pgTxnPerRequest';
import { locksDesign } from './seatLocks';
import { txnDesign } from './txnPerRequest';

export type DesignDef =
  | { kind: 'core'; label: string; cryptoIds: boolean }
  | {
      kind: 'sqlite';
      label: string;
      synchronous: Synchronous;
      needsRedis?: boolean;
      create: DesignFactory<SqliteStore>;
    }
  | { kind: 'postgres'; label: string; create: DesignFactory<PostgresStore> };

export const DESIGNS = {
  core: { kind: 'core', label: 'Loop core in memory (SeatBook, no I/O)', cryptoIds: false },
  'core-cryptoids': { kind: 'core', label: 'Loop core in memory, crypto-random ids', cryptoIds: true },
  'loop-normal': { kind: 'sqlite', label: 'Reservation loop, synchronous=NORMAL', synchronous: 'NORMAL', create: loopDesign },
  'loop-full': { kind: 'sqlite', label: 'Reservation loop, synchronous=FULL', synchronous: 'FULL', create: loopDesign },
  'txn-normal': { kind: 'sqlite', label: 'Transaction per request, NORMAL', synchronous: 'NORMAL', create: txnDesign },
  'txn-full': { kind: 'sqlite', label: 'Transaction per request, FULL', synchronous: 'FULL', create: txnDesign },
  'locks-normal': { kind: 'sqlite', label: 'Per-seat locks + txn per request, NORMAL', synchronous: 'NORMAL', create: locksDesign },
  'locks-full': { kind: 'sqlite', label: 'Per-seat locks + txn per request, FULL', synchronous: 'FULL', create: locksDesign },
  'redis-normal': { kind: 'sqlite', label: 'Redis lease + SQLite sale, NORMAL', synchronous: 'NORMAL', needsRedis: true, create: redisDesign },
  'redis-full': { kind: 'sqlite', label: 'Redis lease + SQLite sale, FULL', synchronous: 'FULL', needsRedis: true, create: redisDesign },
  // PostgreSQL (issue 10): synchronous_commit on, the server's default and the product's durability.
  'pg-loop': { kind: 'postgres', label: 'Reservation loop on PostgreSQL', create: loopDesign },
  'pg-txn': { kind: 'postgres', label: 'Transaction per request, SELECT … FOR UPDATE, on PostgreSQL', create: pgTxnDesign },
  'pg-locks': { kind: 'postgres', label: 'Per-seat locks + txn per request on PostgreSQL', create: pgLocksDesign },
} satisfies Record<string, DesignDef>;

export type DesignName = keyof typeof DESIGNS;
export const DESIGN_NAMES = Object.keys(DESIGNS) as DesignName[];
