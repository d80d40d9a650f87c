/**
 * A linearizability checker for histories of seat-book operations
 * (hold / extend / release / confirm) recorded against a running server.
 *
 * The question: is there ONE serial order of all operations that
 *   (a) respects real time — if A completed before B was invoked, A comes
 *       first;
 *   (b) gives every operation exactly its recorded outcome when the
 *       operations are replayed in that order on a simple sequential model of
 *       the seat book (below); and
 *   (c) ends in the seat map the server reported afterwards?
 * If so, every acknowledged outcome is explainable: a seat's holders and
 * buyers form a legal sequence, no acknowledged sale is missing, no seat is
 * sold twice.
 *
 * Algorithm (Wing & Gong's search, with Lowe's memoization and
 * P-compositionality):
 *   0. Quick necessary conditions over the whole history (unique ids, each
 *      seat sold at most once, the final map shows exactly the acknowledged
 *      sales, no hold on a seat already sold, no refusal of a seat nobody
 *      could have held). They catch the common violations at once.
 *   1. Split the history into independent parts. Operations on disjoint seats
 *      commute, but a hold spans several seats, and release / extend /
 *      confirm act on a hold's seats; so seats are joined (union-find) when
 *      one operation touches them together, and each connected component of
 *      seats, with its operations, is checked on its own. (The per-buyer seat
 *      limit couples components; it is checked per component, which is exact
 *      as long as no buyer comes near the limit — the server test sets it
 *      high.)
 *   2. Per component, a depth-first search builds the serial order one
 *      operation at a time. Only "minimal" operations may go next: those
 *      invoked before every not-yet-placed operation completed. An operation
 *      is placed only if the model, in its current state, explains its
 *      outcome. Outcomes that change nothing (seats_unavailable, not_found,
 *      replays, ...) are placed greedily as soon as they fit: placing a no-op
 *      early never hurts. Changes are tried earliest deadline first (the time
 *      the server stamped on them, else their completion), preferring those
 *      that spoil no outcome still waiting for its moment; this order only
 *      affects speed. A branch dies when the clock passed an unplaced
 *      operation's deadline or an unplaced operation can never fit any more
 *      (it needs a sold seat free, ...). Dead configurations are memoized by
 *      (placed operations, model state), so none is explored twice. Running
 *      out of the time budget is reported as a failure, never as a pass.
 *
 * Time. The server stamps every hold and order with its own clock
 * (expiresAt = now + TTL, order.createdAt = now), and the recorder keeps each
 * operation's window [invokeWall, completeWall] in that same clock. The model
 * gives each state-changing operation a server time t inside its window, never
 * decreasing along the order (exactly the stamped time when there is one);
 * a hold is live while t < expiresAt and has expired from expiresAt on —
 * expiry is a model step that happens at the deadline, so an operation that
 * completed before a deadline can never see that hold expired, and one that
 * started after it always does. No-op outcomes are checked against a time in
 * their own window but do not move the clock (a slight relaxation: it can
 * only accept more, never reject a linearizable history; it keeps the greedy
 * step exact). The final seat map may still show a hold whose
 * deadline passed (the server expires holds from a timer), never the reverse.
 */
import type { ErrorCode, SeatStatus } from '../../lib/protocol';
import type { HistoryEntry } from './history';

export interface CheckOptions {
  holdTtlMs: number;
  maxSeatsPerBuyer: number;
  maxExtensions: number;
  /** Public seat statuses before the first operation; seats not listed were available. 'held' is not supported. */
  initial?: Record<string, SeatStatus>;
  /** The server's seat map after every operation completed, and when (server clock) it was requested. */
  final: { seats: Record<string, SeatStatus>; readAt: number };
  /** Search budget (default 20 s of search in all); running out is reported as a failure, never as a pass. */
  budgetMs?: number;
  maxSteps?: number;
}

export type CheckResult =
  | { ok: true; components: number; largestComponent: number; steps: number }
  | { ok: false; reason: string };

/** Outcomes that promise nothing changed: explainable anywhere. */
const NO_EFFECT: ReadonlySet<ErrorCode> = new Set(['busy', 'rate_limited', 'storage_unavailable']);
const SOLD = '(sold)'; // a seat's holder when it is sold (hold ids cannot contain parentheses)

// ---------- the sequential model ----------

interface HoldRec {
  buyer: string;
  seats: string[];
  expiresAt: number;
  extensions: number;
  status: 'live' | 'released' | 'expired' | 'confirmed';
  orderId?: string;
}

interface State {
  /** Server-clock time reached so far along the order. */
  tmin: number;
  /** seat → id of the live hold on it, or SOLD. Absent: available. */
  seats: ReadonlyMap<string, string>;
  holds: ReadonlyMap<string, HoldRec>;
  /** buyer + idempotency key → the order it created. */
  keys: ReadonlyMap<string, { holdId: string; orderId: string }>;
}

/** An outcome that fits: a no-op (`pure`), or a change whose next state is built only if the search goes there. */
type Next = { pure: true; state: State } | { pure: false; state: () => State };

/** Constraints on the server time t at which one operation takes effect. */
class When {
  private lo: number;
  private readonly hi: number;
  private below = Infinity;
  private exact: number | null = null;
  /** True when the outcome needs some hold to have expired by t (a state change). */
  needsExpiry = false;

  constructor(tmin: number, op: HistoryEntry) {
    this.lo = Math.max(tmin, op.invokeWall);
    this.hi = op.completeWall;
  }
  /** The hold must have expired: t >= deadline. */
  expired(deadline: number): void {
    this.lo = Math.max(this.lo, deadline);
    this.needsExpiry = true;
  }
  /** The hold must still be live: t < deadline. */
  live(deadline: number): void {
    this.below = Math.min(this.below, deadline);
  }
  /** The server stamped the time. */
  at(t: number): void {
    this.exact = t;
  }
  /** The earliest time meeting every constraint, or a reason why there is none. */
  earliest(): number | string {
    const t = this.exact ?? this.lo;
    if (t < this.lo || t > this.hi || t >= this.below) {
      return `no server time fits: needs ${this.exact !== null ? `exactly ${t}, ` : ''}>= ${this.lo}, <= ${this.hi}, < ${this.below}`;
    }
    return t;
  }
}

const sameSet = (a: readonly string[] | undefined, b: readonly string[]) =>
  a !== undefined && a.length === b.length && new Set([...a, ...b]).size === b.length;

/** Seats the buyer holds at time t (`theirHolds`: every hold id the history shows this buyer got). */
function heldBy(s: State, theirHolds: readonly string[], t: number): number {
  let n = 0;
  for (const id of theirHolds) {
    const h = s.holds.get(id);
    if (h?.status === 'live' && h.expiresAt > t) n += h.seats.length;
  }
  return n;
}

/** A copy of the state at time t: every live hold whose deadline passed has expired. */
function advance(s: State, t: number): { tmin: number; seats: Map<string, string>; holds: Map<string, HoldRec>; keys: State['keys'] } {
  const seats = new Map(s.seats);
  const holds = new Map(s.holds);
  for (const [id, h] of holds) {
    if (h.status === 'live' && h.expiresAt <= t) {
      holds.set(id, { ...h, status: 'expired' });
      for (const seat of h.seats) seats.delete(seat);
    }
  }
  return { tmin: Math.max(s.tmin, t), seats, holds, keys: s.keys };
}

/** Constrains t so that `seat` is free (wantFree) or taken at t; returns a reason if impossible. */
function seatAt(s: State, seat: string, wantFree: boolean, w: When): string | null {
  const holder = s.seats.get(seat);
  if (holder === SOLD) return wantFree ? `${seat} was sold` : null;
  if (holder === undefined) return wantFree ? null : `${seat} was free`;
  const deadline = s.holds.get(holder)!.expiresAt;
  if (wantFree) w.expired(deadline);
  else w.live(deadline);
  return null;
}

/** What an extend / release / confirm must answer for this hold and buyer, or null if it is theirs and live. */
function holdFailure(rec: HoldRec | undefined, buyer: string): ErrorCode | null {
  if (!rec) return 'not_found';
  if (rec.buyer !== buyer) return 'not_hold_owner';
  if (rec.status === 'released') return 'not_found';
  if (rec.status === 'confirmed') return 'already_confirmed';
  if (rec.status === 'expired') return 'hold_expired';
  return null;
}

function describe(op: HistoryEntry): string {
  return `#${op.id} ${op.client} ${op.op}(${JSON.stringify(op.args)}) → ${JSON.stringify(op.result)}`;
}

interface Context {
  o: CheckOptions;
  /** buyer → the ids of every hold the history shows they got. */
  holdsOf: ReadonlyMap<string, readonly string[]>;
}

/** Can `op` take effect now, with its recorded outcome? How the state moves on, or why not. */
function step(s: State, op: HistoryEntry, { o, holdsOf }: Context): Next | string {
  const r = op.result;
  const w = new When(s.tmin, op);
  const change = (t: number, edit: (next: ReturnType<typeof advance>) => void = () => {}): Next => ({
    pure: false,
    state: () => {
      const next = advance(s, t);
      edit(next);
      return next;
    },
  });
  const read = (): Next | string => {
    const t = w.earliest();
    if (typeof t === 'string') return t;
    return w.needsExpiry ? change(t) : { pure: true, state: s };
  };
  const theirHolds = holdsOf.get(op.buyer) ?? [];
  if (!r.ok && NO_EFFECT.has(r.code)) return read();

  if (op.op === 'hold') {
    const asked = (op.args as { seatIds: string[] }).seatIds;
    if (r.ok) {
      if (!sameSet(r.seatIds, asked)) return 'the hold has other seats than asked for';
      if (s.holds.has(r.holdId!)) return `hold id ${r.holdId} reused`;
      for (const seat of asked) {
        const why = seatAt(s, seat, true, w);
        if (why) return why;
      }
      w.at(r.expiresAt! - o.holdTtlMs);
      const t = w.earliest();
      if (typeof t === 'string') return t;
      if (heldBy(s, theirHolds, t) + asked.length > o.maxSeatsPerBuyer) return 'over the per-buyer seat limit';
      return change(t, (next) => {
        next.holds.set(r.holdId!, { buyer: op.buyer, seats: asked, expiresAt: r.expiresAt!, extensions: 0, status: 'live' });
        for (const seat of asked) next.seats.set(seat, r.holdId!);
      });
    }
    if (r.code === 'seats_unavailable') {
      const named = new Set(r.seatIds ?? []);
      if (named.size === 0 || [...named].some((seat) => !asked.includes(seat))) return 'seats_unavailable must name some of the seats asked for';
      for (const seat of asked) {
        const why = seatAt(s, seat, !named.has(seat), w);
        if (why) return why;
      }
      return read();
    }
    if (r.code === 'limit_exceeded') {
      for (const seat of asked) {
        const why = seatAt(s, seat, true, w);
        if (why) return why;
      }
      const t = w.earliest();
      if (typeof t === 'string') return t;
      if (heldBy(s, theirHolds, t) + asked.length <= o.maxSeatsPerBuyer) return 'limit_exceeded, but the buyer was under the limit';
      return read();
    }
    return `a hold cannot answer ${r.code} here`;
  }

  const { holdId } = op.args as { holdId: string };
  const rec = s.holds.get(holdId);

  if (op.op === 'confirm') {
    const { key } = op.args as { key: string };
    const keyed = s.keys.get(`${op.buyer}\u0000${key}`);
    if (keyed) {
      if (keyed.holdId !== holdId) return !r.ok && r.code === 'idempotency_conflict' ? read() : 'expected idempotency_conflict';
      if (!r.ok || !r.replayed || r.orderId !== keyed.orderId) return `expected a replay of order ${keyed.orderId}`;
      return read();
    }
    if (r.ok && r.replayed) return 'a replay, but this key has no order yet';
  }

  const code = holdFailure(rec, op.buyer);
  if (code !== null) {
    if (r.ok || r.code !== code) return `expected ${code}`;
    if (code === 'already_confirmed' && r.orderId !== undefined && r.orderId !== rec!.orderId) return 'already_confirmed names another order';
    return read();
  }
  // The buyer's own live hold: live or expired depends on when this takes effect.
  const hold = rec!;
  if (!r.ok && r.code === 'hold_expired') {
    w.expired(hold.expiresAt);
    return read();
  }
  w.live(hold.expiresAt);
  if (op.op === 'extend') {
    if (!r.ok) return r.code === 'extend_limit' && hold.extensions >= o.maxExtensions ? read() : `an extend cannot answer ${r.code} here`;
    if (hold.extensions >= o.maxExtensions) return 'extended past the limit';
    if (r.extensionsLeft !== undefined && r.extensionsLeft !== o.maxExtensions - hold.extensions - 1) return 'wrong extensionsLeft';
    w.at(r.expiresAt! - o.holdTtlMs);
    const t = w.earliest();
    if (typeof t === 'string') return t;
    return change(t, (next) => next.holds.set(holdId, { ...hold, extensions: hold.extensions + 1, expiresAt: r.expiresAt! }));
  }
  if (!r.ok) return `a ${op.op} cannot answer ${r.code} here`;
  if (op.op === 'release') {
    const t = w.earliest();
    if (typeof t === 'string') return t;
    return change(t, (next) => {
      next.holds.set(holdId, { ...hold, status: 'released' });
      for (const seat of hold.seats) next.seats.delete(seat);
    });
  }
  // confirm: a new order for the hold's seats
  if (!sameSet(r.seatIds, hold.seats)) return 'the order has other seats than the hold';
  if (r.orderCreatedAt !== undefined) w.at(r.orderCreatedAt);
  const t = w.earliest();
  if (typeof t === 'string') return t;
  return change(t, (next) => {
    next.holds.set(holdId, { ...hold, status: 'confirmed', orderId: r.orderId });
    for (const seat of hold.seats) next.seats.set(seat, SOLD);
    next.keys = new Map(s.keys).set(`${op.buyer}\u0000${(op.args as { key: string }).key}`, { holdId, orderId: r.orderId! });
  });
}

/** The server's final map agrees with the model's end state on these seats, or why not. */
function finalMismatch(s: State, seats: Iterable<string>, o: CheckOptions): string | null {
  for (const seat of seats) {
    const seen = o.final.seats[seat];
    const holder = s.seats.get(seat);
    if (holder === SOLD) {
      if (seen !== 'sold') return `${seat} was sold but the server shows it ${seen}`;
    } else if (holder === undefined) {
      if (seen !== 'available') return `${seat} should be available but the server shows it ${seen}`;
    } else {
      const due = s.holds.get(holder)!.expiresAt <= o.final.readAt; // its expiry timer may not have run yet
      if (!(seen === 'held' || (due && seen === 'available'))) return `${seat} should be held by ${holder} but the server shows it ${seen}`;
    }
  }
  return null;
}

/**
 * Quick necessary conditions, checked on the whole history before searching
 * (each follows from the model; no cancellations exist in these histories):
 * hold and order ids are unique; no seat is in two orders; the final map
 * shows exactly the acknowledged sales as sold; no hold succeeds on a seat
 * whose sale completed before the hold was sent; a seats_unavailable names
 * only seats that someone could have held by then.
 */
function necessaryConditions(history: HistoryEntry[], o: CheckOptions): string | null {
  const ids = new Set<string>();
  for (const e of history) {
    const r = e.result;
    const id = r.ok && e.op === 'hold' ? `hold ${r.holdId}` : r.ok && e.op === 'confirm' && !r.replayed ? `order ${r.orderId}` : null;
    if (id && ids.has(id)) return `${id} was handed out twice`;
    if (id) ids.add(id);
  }
  const initiallySold = (seat: string) => o.initial?.[seat] === 'sold';
  const sales = history.filter((e) => e.op === 'confirm' && e.result.ok && !e.result.replayed);
  const soldBy = new Map<string, HistoryEntry>();
  for (const sale of sales) {
    for (const seat of (sale.result as { seatIds: string[] }).seatIds) {
      if (soldBy.has(seat) || initiallySold(seat)) return `${seat} was sold twice (${describe(sale)})`;
      soldBy.set(seat, sale);
      if (o.final.seats[seat] !== 'sold') return `acknowledged sale missing: ${seat} shows ${o.final.seats[seat]} (${describe(sale)})`;
    }
  }
  for (const [seat, status] of Object.entries(o.final.seats)) {
    if (status === 'sold' && !soldBy.has(seat) && !initiallySold(seat)) return `${seat} shows sold, but no acknowledged order sold it`;
  }
  const heldFrom = new Map<string, number>(); // seat → earliest stamp of a successful hold on it
  for (const e of history) {
    if (e.op !== 'hold' || !e.result.ok) continue;
    for (const seat of (e.args as { seatIds: string[] }).seatIds) {
      const sale = soldBy.get(seat);
      if (sale && sale.completeAt < e.invokeAt) return `${seat} was held after its sale had completed (${describe(e)})`;
      heldFrom.set(seat, Math.min(heldFrom.get(seat) ?? Infinity, e.result.expiresAt! - o.holdTtlMs));
    }
  }
  for (const e of history) {
    if (e.op !== 'hold' || e.result.ok || e.result.code !== 'seats_unavailable') continue;
    for (const seat of e.result.seatIds ?? []) {
      if (!initiallySold(seat) && !((heldFrom.get(seat) ?? Infinity) <= e.completeWall)) {
        return `${seat} was provably free while this hold ran, yet it was refused (${describe(e)})`;
      }
    }
  }
  return null;
}

// ---------- splitting into independent components ----------

function components(history: HistoryEntry[]): { seats: string[]; ops: HistoryEntry[] }[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const union = (seats: string[]) => {
    for (const seat of seats) if (!parent.has(seat)) parent.set(seat, seat);
    for (const seat of seats.slice(1)) parent.set(find(seat), find(seats[0]));
  };
  const holdSeats = new Map<string, string[]>();
  for (const e of history) {
    if (e.op === 'hold' && e.result.ok && e.result.holdId) holdSeats.set(e.result.holdId, (e.args as { seatIds: string[] }).seatIds);
  }
  // Confirms with one buyer's key interact (replays, conflicts): their holds belong together.
  const byKey = new Map<string, string[]>();
  for (const e of history) {
    if (e.op !== 'confirm') continue;
    const { holdId, key } = e.args as { holdId: string; key: string };
    const k = `${e.buyer}\u0000${key}`;
    byKey.set(k, [...(byKey.get(k) ?? []), ...(holdSeats.get(holdId) ?? [])]);
  }
  const seatsOf = (e: HistoryEntry): string[] => {
    if (e.op === 'hold') return (e.args as { seatIds: string[] }).seatIds;
    const seats = holdSeats.get((e.args as { holdId: string }).holdId) ?? [];
    if (e.op !== 'confirm') return seats;
    return [...seats, ...(byKey.get(`${e.buyer}\u0000${(e.args as { key: string }).key}`) ?? [])];
  };
  for (const e of history) union(seatsOf(e));
  const parts = new Map<string, { seats: string[]; ops: HistoryEntry[] }>();
  for (const seat of parent.keys()) {
    const root = find(seat);
    if (!parts.has(root)) parts.set(root, { seats: [], ops: [] });
    parts.get(root)!.seats.push(seat);
  }
  const alone: { seats: string[]; ops: HistoryEntry[] }[] = [];
  for (const e of history) {
    const seats = seatsOf(e);
    if (seats.length) parts.get(find(seats[0]))!.ops.push(e);
    else alone.push({ seats: [], ops: [e] }); // names no known hold: must be explainable on its own
  }
  return [...parts.values(), ...alone];
}

// ---------- the search ----------

class OutOfBudget extends Error {}

function checkComponent(ops: HistoryEntry[], seats: string[], initial: State, ctx: Context, giveUpAt: number): { steps: number } | string {
  const { o } = ctx;
  ops = [...ops].sort((a, b) => a.invokeAt - b.invokeAt);
  const n = ops.length;
  const done = new Uint8Array(n);
  let first = 0; // every op before `first` is placed
  const memo = new Set<string>();
  let steps = 0;
  let best = { left: n + 1, state: initial, done: done.slice() };

  /** Indexes of the ops that may go next, and the window end (every placed op lies before it). */
  const frontier = (): { next: number[]; end: number } => {
    while (first < n && done[first]) first++;
    const next: number[] = [];
    let minComplete = Infinity;
    let i = first;
    for (; i < n && ops[i].invokeAt <= minComplete; i++) {
      if (done[i]) continue;
      next.push(i);
      minComplete = Math.min(minComplete, ops[i].completeAt);
    }
    return { next, end: i };
  };
  const unplace = (i: number) => {
    done[i] = 0;
    first = Math.min(first, i);
  };

  // Every operation takes effect at a server time no later than its deadline: the time the server
  // stamped on it (holds, extensions, new orders), else its completion. The clock never goes back,
  // so once it passed an unplaced operation's deadline, the branch is dead.
  const deadline = ops.map((op) => {
    const r = op.result;
    if (r.ok && (op.op === 'hold' || op.op === 'extend')) return r.expiresAt! - o.holdTtlMs;
    if (r.ok && op.op === 'confirm' && !r.replayed && r.orderCreatedAt !== undefined) return r.orderCreatedAt;
    return op.completeWall;
  });
  const byDeadline = ops.map((_, i) => i).sort((a, b) => deadline[a] - deadline[b]);
  const missedDeadline = (tmin: number): boolean => {
    for (const i of byDeadline) {
      if (deadline[i] >= tmin) return false;
      if (!done[i]) return true;
    }
    return false;
  };

  // What each failed hold needs to be explained: some seats taken, the others free.
  const needs = ops.map((op) => {
    const r = op.result;
    if (op.op !== 'hold' || r.ok) return { free: [] as string[], taken: [] as string[] };
    const asked = (op.args as { seatIds: string[] }).seatIds;
    const named = r.code === 'seats_unavailable' ? (r.seatIds ?? []) : [];
    return { free: asked.filter((seat) => !named.includes(seat)), taken: named };
  });
  /** The seats a change takes or frees. */
  const effects = (op: HistoryEntry, state: State): { takes: string[]; frees: string[] } => {
    if (op.op === 'hold') return op.result.ok ? { takes: (op.args as { seatIds: string[] }).seatIds, frees: [] } : { takes: [], frees: [] };
    const hold = state.holds.get((op.args as { holdId: string }).holdId);
    if (hold && (op.op === 'release' || !op.result.ok)) return { takes: [], frees: hold.seats }; // released or expired
    return { takes: [], frees: [] };
  };

  // For ruling out branches early: which unplaced operations could still free or take a seat.
  const releasesOf = new Map<string, number[]>(); // hold id → acknowledged releases of it
  const extensionsOf = new Map<string, number[]>(); // hold id → acknowledged extensions and new orders of it
  const holdsOn = new Map<string, number[]>(); // seat → acknowledged holds taking it
  ops.forEach((op, i) => {
    if (!op.result.ok || (op.op === 'confirm' && op.result.replayed)) return;
    if (op.op !== 'hold') {
      const byHold = op.op === 'release' ? releasesOf : extensionsOf;
      const id = (op.args as { holdId: string }).holdId;
      byHold.set(id, [...(byHold.get(id) ?? []), i]);
    }
    if (op.op === 'hold') for (const seat of (op.args as { seatIds: string[] }).seatIds) holdsOn.set(seat, [...(holdsOn.get(seat) ?? []), i]);
  });
  /**
   * True when `op` can never be placed after this state, whatever comes next
   * (sales and ended holds are forever, the clock only moves on): a seat it
   * needs free is sold, or held by a hold that cannot end before `op`'s
   * deadline; a seat it needs taken is free and no unplaced hold can take it
   * in time; or its hold has ended and that fixes a different answer.
   */
  const hopeless = (s: State, i: number): boolean => {
    const op = ops[i];
    const r = op.result;
    const needsFree = (seat: string): boolean => {
      const holder = s.seats.get(seat);
      if (holder === undefined) return false;
      if (holder === SOLD) return true;
      let end = s.holds.get(holder)!.expiresAt; // extensions only move it later
      for (const j of releasesOf.get(holder) ?? []) if (!done[j]) end = Math.min(end, Math.max(s.tmin, ops[j].invokeWall));
      return end > deadline[i];
    };
    const needsTaken = (seat: string): boolean => {
      const holder = s.seats.get(seat);
      if (holder === SOLD) return false;
      if (holder !== undefined) {
        let end = s.holds.get(holder)!.expiresAt; // an extension still to come moves it later; a sale, forever
        for (const j of extensionsOf.get(holder) ?? []) if (!done[j]) end = Math.max(end, ops[j].op === 'extend' ? (ops[j].result as { expiresAt: number }).expiresAt : Infinity);
        if (end > Math.max(s.tmin, op.invokeWall)) return false;
      }
      return !(holdsOn.get(seat) ?? []).some((j) => !done[j] && deadline[j] <= deadline[i]);
    };
    if (op.op === 'hold') {
      const asked = (op.args as { seatIds: string[] }).seatIds;
      if (r.ok) return asked.some(needsFree);
      if (r.code !== 'seats_unavailable') return false;
      return asked.some((seat) => (r.seatIds?.includes(seat) ? needsTaken(seat) : needsFree(seat)));
    }
    const rec = s.holds.get((op.args as { holdId: string }).holdId);
    if (!rec || rec.status === 'live' || (!r.ok && NO_EFFECT.has(r.code))) return false;
    // A replay or a key conflict depends on the buyer's orders, which may still come.
    if (op.op === 'confirm' && ((r.ok && r.replayed) || (!r.ok && r.code === 'idempotency_conflict'))) return false;
    if (op.op === 'confirm' && s.keys.has(`${op.buyer}\u0000${(op.args as { key: string }).key}`)) return false;
    return r.ok || r.code !== holdFailure(rec, op.buyer);
  };

  const search = (state: State, left: number): boolean => {
    if (++steps > (o.maxSteps ?? Infinity) || (steps % 256 === 0 && performance.now() > giveUpAt)) throw new OutOfBudget();
    // Greedy: no-op outcomes that are explainable right now go now.
    const greedy: number[] = [];
    for (let again = true; again; ) {
      again = false;
      for (const i of frontier().next) {
        const r = step(state, ops[i], ctx);
        if (typeof r !== 'string' && r.pure) {
          done[i] = 1;
          greedy.push(i);
          again = true;
        }
      }
    }
    left -= greedy.length;
    if (left < best.left) best = { left, state, done: done.slice() };
    let found = false;
    if (left === 0) {
      found = finalMismatch(state, seats, o) === null;
    } else {
      const { next, end } = frontier();
      const placed: number[] = [];
      for (let i = first; i < end; i++) if (done[i]) placed.push(i);
      const key = `${first}:${placed.join(',')}|${state.tmin}|${[...state.seats].sort().join(';')}`;
      if (!memo.has(key) && !missedDeadline(state.tmin) && !next.some((i) => hopeless(state, i))) {
        // Try the changes earliest deadline first: stamped ones in server-time order, and the
        // unstamped ones (releases, expiries) as late as they can go, so that outcomes which saw
        // the state before them still fit.
        const options: { i: number; blocks: number; state: () => State }[] = [];
        const waiting = { free: new Map<string, number>(), taken: new Map<string, number>() };
        const changes: { i: number; state: () => State }[] = [];
        for (const i of next) {
          const r = step(state, ops[i], ctx);
          if (typeof r !== 'string') {
            if (!r.pure) changes.push({ i, state: r.state });
          } else {
            for (const seat of needs[i].free) waiting.free.set(seat, (waiting.free.get(seat) ?? 0) + 1);
            for (const seat of needs[i].taken) waiting.taken.set(seat, (waiting.taken.get(seat) ?? 0) + 1);
          }
        }
        // ... but first the changes that spoil no outcome still waiting for its moment.
        for (const c of changes) {
          const { takes, frees } = effects(ops[c.i], state);
          let blocks = 0;
          for (const seat of takes) blocks += waiting.free.get(seat) ?? 0;
          for (const seat of frees) blocks += waiting.taken.get(seat) ?? 0;
          options.push({ ...c, blocks });
        }
        options.sort((a, b) => Math.sign(a.blocks) - Math.sign(b.blocks) || deadline[a.i] - deadline[b.i] || a.i - b.i);
        for (const { i, state: nextState } of options) {
          done[i] = 1;
          if (search(nextState(), left - 1)) {
            found = true;
            break;
          }
          unplace(i);
        }
        if (!found) memo.add(key);
      }
    }
    if (!found) for (const i of greedy) unplace(i);
    return found;
  };

  let verdict = 'not linearizable';
  try {
    if (search(initial, n)) return { steps };
  } catch (error) {
    if (!(error instanceof OutOfBudget)) throw error;
    verdict = `gave up after ${steps} search steps, which counts as a failure; no order found so far`;
  }
  // Explain the furthest point the search reached.
  if (best.left === 0) return `${verdict}: every operation fits, but the final seat map does not: ${finalMismatch(best.state, seats, o)}`;
  done.set(best.done);
  first = 0;
  const stuck = frontier().next.map((i) => {
    const r = step(best.state, ops[i], ctx);
    return `  ${describe(ops[i])}: ${typeof r === 'string' ? r : 'fits here, but nothing fits after it'}`;
  });
  return (
    `${verdict} (seats ${seats.join(', ')}): at best ${n - best.left} of ${n} operations can be ordered; ` +
    `then none of these can go next:\n${stuck.join('\n')}`
  );
}

/** Checks a recorded history against the sequential seat-book model (see the comment at the top). */
export function checkHistory(history: HistoryEntry[], o: CheckOptions): CheckResult {
  const initialSeats = new Map<string, string>();
  for (const [seat, status] of Object.entries(o.initial ?? {})) {
    if (status === 'held') throw new Error(`initial state: seat ${seat} is held; start from available or sold seats`);
    if (status === 'sold') initialSeats.set(seat, SOLD);
  }

  const obvious = necessaryConditions(history, o);
  if (obvious) return { ok: false, reason: obvious };

  const parts = components(history);
  const giveUpAt = performance.now() + (o.budgetMs ?? 20_000);
  const holdsOf = new Map<string, string[]>();
  for (const e of history) {
    if (e.op === 'hold' && e.result.ok) holdsOf.set(e.buyer, [...(holdsOf.get(e.buyer) ?? []), e.result.holdId!]);
  }
  let steps = 0;
  const touched = new Set<string>();
  for (const part of parts) {
    for (const seat of part.seats) touched.add(seat);
    const initial: State = {
      tmin: -Infinity,
      seats: new Map(part.seats.filter((s) => initialSeats.has(s)).map((s) => [s, SOLD])),
      holds: new Map(),
      keys: new Map(),
    };
    const result = checkComponent(part.ops, part.seats, initial, { o, holdsOf }, giveUpAt);
    if (typeof result === 'string') return { ok: false, reason: result };
    steps += result.steps;
  }
  // Seats nobody touched must look as they did.
  for (const [seat, status] of Object.entries(o.final.seats)) {
    if (!touched.has(seat) && status !== (o.initial?.[seat] ?? 'available')) {
      return { ok: false, reason: `${seat} was never touched but changed from ${o.initial?.[seat] ?? 'available'} to ${status}` };
    }
  }
  return { ok: true, components: parts.length, largestComponent: Math.max(0, ...parts.map((p) => p.ops.length)), steps };
}
