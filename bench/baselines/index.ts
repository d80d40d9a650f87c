// Every design the bench compares, by name.
import type { Synchronous } from '../../db/connection';
import type { DesignContext, Design } from './design';
import { loopDesign } from './loop';
import { redisDesign } from './redisLease';
import { locksDesign } from './seatLocks';
import { txnDesign } from './txnPerRequest';

export type DesignDef =
  | { kind: 'core'; label: string; cryptoIds: boolean }
  | {
      kind: 'db';
      label: string;
      synchronous: Synchronous;
      needsRedis?: boolean;
      create(ctx: DesignContext & { redisUrl?: string }): Promise<Design>;
    };

export const DESIGNS = {
  core: { kind: 'core', label: 'Loop core in memory (SeatBook, no I/O)', cryptoIds: false },
  'core-cryptoids': { kind: 'core', label: 'Loop core in memory, crypto-random ids', cryptoIds: true },
  'loop-normal': { kind: 'db', label: 'Reservation loop, synchronous=NORMAL', synchronous: 'NORMAL', create: loopDesign },
  'loop-full': { kind: 'db', label: 'Reservation loop, synchronous=FULL', synchronous: 'FULL', create: loopDesign },
  'txn-normal': { kind: 'db', label: 'Transaction per request, NORMAL', synchronous: 'NORMAL', create: txnDesign },
  'txn-full': { kind: 'db', label: 'Transaction per request, FULL', synchronous: 'FULL', create: txnDesign },
  'locks-normal': { kind: 'db', label: 'Per-seat locks + txn per request, NORMAL', synchronous: 'NORMAL', create: locksDesign },
  'locks-full': { kind: 'db', label: 'Per-seat locks + txn per request, FULL', synchronous: 'FULL', create: locksDesign },
  'redis-normal': { kind: 'db', label: 'Redis lease + SQLite sale, NORMAL', synchronous: 'NORMAL', needsRedis: true, create: redisDesign },
  'redis-full': { kind: 'db', label: 'Redis lease + SQLite sale, FULL', synchronous: 'FULL', needsRedis: true, create: redisDesign },
} satisfies Record<string, DesignDef>;

export type DesignName = keyof typeof DESIGNS;
export const DESIGN_NAMES = Object.keys(DESIGNS) as DesignName[];
