import { performance } from 'node:perf_hooks';
import { SeatBook as NewBook } from './server/reservations/seatBook';
import { SeatBook as OldBook } from '../../tmp/seats-base/server/reservations/seatBook';
import { arenaLayout } from './db/demoVenues';
import { makeWorkload } from './bench/workloads';
const specs = arenaLayout().seats.map((s) => ({ id: s.id, priceCents: s.priceCents }));
const rules = { holdTtlMs: 60000, maxSeatsPerBuyer: 8, maxExtensions: 1, saleStatus: 'open' as const, saleOpensAt: null, saleClosesAt: null, preventOrphanSeats: false };
const ids = () => { let n = 0; return { holdId: () => `h${++n}`, orderId: () => `o${++n}`, ticketId: () => `t${++n}`, ticketCode: () => `c${++n}` }; };
const books = { old: new OldBook('e', specs, rules as never, ids()), new: new NewBook('e', specs, rules, ids()) };
const { intents } = makeWorkload('uniform');
const samples: Record<'old' | 'new', number[]> = { old: [], new: [] };
const cursor = { old: 0, new: 0 };
const chunk = (which: 'old' | 'new') => {
  const book = books[which] as NewBook;
  const t = performance.now();
  for (let i = 0; i < 20000; i++) {
    const n = cursor[which]++;
    const o = book.apply({ type: 'hold', buyerId: `b${n}`, seatIds: intents[n % intents.length].seatIds }, 1);
    if (o.ok && o.type === 'held') book.apply({ type: 'release', buyerId: `b${n}`, holdId: o.hold.id }, 1);
    if ((i & 1023) === 0) book.takeBatch();
  }
  samples[which].push(performance.now() - t);
};
for (let r = 0; r < 80; r++) { chunk(r % 2 ? 'old' : 'new'); chunk(r % 2 ? 'new' : 'old'); }
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`median chunk (20k holds): old ${med(samples.old).toFixed(1)} ms, new ${med(samples.new).toFixed(1)} ms; new/old time ${(med(samples.new) / med(samples.old)).toFixed(3)}`);
