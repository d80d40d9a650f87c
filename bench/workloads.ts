// Seeded, reproducible workloads over the demo arena (22,212 seats).
//
// A workload is a list of "intents" that virtual buyers work through: which
// adjacent seats to try to hold, and what to do with the hold if they get it.
//   uniform — seats uniformly at random; every won hold is released again.
//   hot     — an on-sale rush: 80% of holds target the best 500 seats
//             (front rows of Floor A/B, nearest the stage); won holds are released.
//   mixed   — uniform seats; a won hold is confirmed (10%), released (50%)
//             or abandoned to expire (40%, with a short TTL).
import type { BuyerDetails } from '../lib/protocol';
import { arenaLayout } from '../db/demoVenues';

export type WorkloadName = 'uniform' | 'hot' | 'mixed';
export const WORKLOADS: WorkloadName[] = ['uniform', 'hot', 'mixed'];

export type Then = 'release' | 'confirm' | 'abandon';
export interface Intent {
  seatIds: string[];
  then: Then;
}

export interface Workload {
  name: WorkloadName;
  /** Hold TTL the event is created with for this workload. */
  holdTtlMs: number;
  intents: Intent[];
}

/** mulberry32: tiny, fast, good enough for load generation, fully reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BUYER: BuyerDetails = { name: 'Bench Buyer', email: 'bench@example.com' };

/**
 * The checkout details of virtual buyer n: a mailbox of its own, because the purchase cap
 * (core/purchaseLedger.ts) counts tickets per email, and one shared address would turn every
 * confirm after the first few into `limit_exceeded`.
 */
export function buyerDetails(n: number): BuyerDetails {
  return { name: BUYER.name, email: `bench${n}@example.com` };
}

/** Seat ids of the arena in layout order (section, row, seat), and the best 500. */
export function arenaSeats(): { all: string[]; best: string[] } {
  const seats = arenaLayout().seats;
  const rowIndex = (row: string) => row.split('').reduce((n, ch) => n * 26 + (ch.charCodeAt(0) - 64), 0);
  const best = seats
    .filter((s) => s.category === 'floor-front')
    .sort((a, b) => rowIndex(a.row) - rowIndex(b.row) || Math.abs(a.x) - Math.abs(b.x))
    .slice(0, 500)
    // Back to layout order, so a block of consecutive entries is side by side in a row.
    .sort((a, b) => seats.indexOf(a) - seats.indexOf(b))
    .map((s) => s.id);
  return { all: seats.map((s) => s.id), best };
}

/** How many seats one hold asks for: 1 (25%), 2 (45%), 3 (10%), 4 (20%); mean 2.25. */
function holdSize(rand: () => number): number {
  const r = rand();
  return r < 0.25 ? 1 : r < 0.7 ? 2 : r < 0.8 ? 3 : 4;
}

function block(pool: string[], rand: () => number): string[] {
  const size = holdSize(rand);
  const start = Math.floor(rand() * (pool.length - size + 1));
  return pool.slice(start, start + size);
}

const cache = new Map<string, Workload>();

export function makeWorkload(name: WorkloadName, count = 200_000, seed = 42): Workload {
  const key = `${name}:${count}:${seed}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const { all, best } = arenaSeats();
  const rand = mulberry32(seed ^ name.length * 7919);
  const intents: Intent[] = new Array(count);
  for (let i = 0; i < count; i++) {
    if (name === 'hot') {
      intents[i] = { seatIds: block(rand() < 0.8 ? best : all, rand), then: 'release' };
    } else if (name === 'uniform') {
      intents[i] = { seatIds: block(all, rand), then: 'release' };
    } else {
      const r = rand();
      intents[i] = { seatIds: block(all, rand), then: r < 0.1 ? 'confirm' : r < 0.6 ? 'release' : 'abandon' };
    }
  }
  const workload: Workload = { name, holdTtlMs: name === 'mixed' ? 500 : 60_000, intents };
  cache.set(key, workload);
  return workload;
}
