// The waiting room's storage (issue 12): portable SQL, the same text on
// SQLite and PostgreSQL. Every change that several processes may attempt at
// once is ONE conditional statement (or one transaction whose statements are
// guarded by the room's step token), so a join from any process and the
// admission ticker of the event's owner need no lock held across round trips,
// and a step cut short by a crash either happened entirely or not at all.
import type { SqlRunner, Statement, StoreDialect } from './sqlRunner';
import { openRoom, STATEMENT_ROWS, type OpenOptions } from './waitingRoomOpening';

export type { OpenOptions } from './waitingRoomOpening';

export interface WaitingRoomSettings {
  enabled: boolean;
  admitPerMinute: number;
  maxActiveShoppers: number | null;
  shoppingWindowMs: number;
  /** Epoch ms; null = open at once. */
  opensAt: number | null;
  paused: boolean;
  powRequired: boolean;
}

/** The ticker's figures of a step, kept on the room's row for every process to read. */
export interface RoomFigures {
  waiting: number;
  active: number;
  admittedLastMinute: number;
  leftLastMinute: number;
}

export interface WaitingRoomRecord extends WaitingRoomSettings {
  eventId: string;
  /** Secret until the room opened (never sent to buyers before `openedAt`). */
  shuffleSeed: string;
  seedCommitment: string;
  openedAt: number | null;
  preQueueCount: number;
  nextNumber: number;
  serving: number;
  admittedTotal: number;
  admitCredit: number;
  creditAt: number | null;
  stepToken: string;
  soldOut: boolean;
  /** The ticker's last figures (at most one step old). */
  waitingCount: number;
  activeCount: number;
  admittedLastMinute: number;
  /** Shoppers whose window ended (checkout or time) in the last minute. */
  leftLastMinute: number;
  updatedAt: number;
}

export interface QueueEntryRecord {
  eventId: string;
  buyerId: string;
  joinedAt: number;
  shuffleKey: string;
  number: number | null;
  admittedAt: number | null;
  admittedUntil: number | null;
  checkedOutAt: number | null;
}

/** One admission step: who, and the room's counters after it. */
export interface AdmissionStep {
  eventId: string;
  /** The token the step read; it commits only if the room still has it. */
  expectedToken: string;
  newToken: string;
  at: number;
  admittedUntil: number;
  buyerIds: string[];
  /** The highest queue number among them (or the current serving mark). */
  servingAtLeast: number;
  admitCredit: number;
}

export interface WaitingRoomStore {
  room(eventId: string): Promise<WaitingRoomRecord | null>;
  rooms(): Promise<WaitingRoomRecord[]>;
  /**
   * Creates or changes a room's settings. The seed (and its commitment) are set once, when the
   * room is created; the opening time can no longer change once the room opened.
   */
  configure(eventId: string, settings: WaitingRoomSettings, seed: { seed: string; commitment: string; stepToken: string }, now: number): Promise<WaitingRoomRecord>;
  setPaused(eventId: string, paused: boolean, now: number): Promise<void>;
  /** Sets the sold-out flag; true when this call changed it. */
  setSoldOut(eventId: string, soldOut: boolean, now: number): Promise<boolean>;

  entry(eventId: string, buyerId: string): Promise<QueueEntryRecord | null>;
  /** Inserts the buyer's entry unless they have one; true when this call created it. */
  insertEntry(eventId: string, buyerId: string, shuffleKey: string, now: number): Promise<boolean>;
  /** Hands out the next queue number (one conditional statement: unique across processes). */
  takeNumber(eventId: string): Promise<number>;
  /** Gives an unnumbered entry its number; false if it had one already (the number is then a gap). */
  assignNumber(eventId: string, buyerId: string, number: number): Promise<boolean>;
  /** Puts a buyer whose window ended (or who checked out) back in the queue with a new number. */
  requeue(eventId: string, buyerId: string, number: number, now: number): Promise<boolean>;
  /**
   * Opens the room: numbers the pre-queue 1…P in shuffle-key order and records the opening; does
   * nothing if the room is already open. Written in several short transactions (db/waitingRoomOpening.ts):
   * an opening cut short anywhere is completed by the next call, in the same order.
   */
  open(eventId: string, now: number, options?: OpenOptions): Promise<void>;
  /** Entries still without a number (they joined while the room was opening, or after its opening time before it ran), oldest first. */
  unnumbered(eventId: string, limit: number): Promise<string[]>;
  /** The next entries to admit, in queue-number order. */
  nextToAdmit(eventId: string, limit: number): Promise<{ buyerId: string; number: number }[]>;
  /** Admits the step's buyers and moves the counters, atomically; false if another step won the race. */
  admit(step: AdmissionStep): Promise<boolean>;
  /** Moves the rate credit on without admitting anyone (same guard as `admit`). */
  saveCredit(eventId: string, expectedToken: string, newToken: string, admitCredit: number, at: number): Promise<boolean>;
  /** Ends a buyer's window early because they checked out; true when it did. */
  checkOut(eventId: string, buyerId: string, at: number): Promise<boolean>;
  counts(eventId: string, now: number): Promise<{ waiting: number; active: number }>;
  /** Stores the ticker's figures on the room's row, for every process's joins to read. */
  saveFigures(eventId: string, figures: RoomFigures): Promise<void>;
  /** Admissions and joins per minute since `sinceMs` (for the organizer's chart). */
  perMinute(eventId: string, sinceMs: number): Promise<{ minute: number; admitted: number; joined: number }[]>;
  /** Admitted entries in admission order (tests and audits). */
  admissions(eventId: string): Promise<{ buyerId: string; number: number; admittedAt: number }[]>;
  /** The pre-queue's members and their shuffle keys (audit: recompute the order from the published seed). */
  preQueue(eventId: string): Promise<{ buyerId: string; number: number | null }[]>;
}

interface RoomRow {
  event_id: string;
  enabled: number;
  admit_per_minute: number;
  max_active_shoppers: number | null;
  shopping_window_ms: number;
  opens_at: number | null;
  paused: number;
  pow_required: number;
  shuffle_seed: string;
  seed_commitment: string;
  opened_at: number | null;
  pre_queue_count: number;
  next_number: number;
  serving: number;
  admitted_total: number;
  admit_credit: number;
  credit_at: number | null;
  step_token: string;
  sold_out: number;
  waiting_count: number;
  active_count: number;
  admitted_last_minute: number;
  left_last_minute: number;
  updated_at: number;
}

interface EntryRow {
  event_id: string;
  buyer_id: string;
  joined_at: number;
  shuffle_key: string;
  number: number | null;
  admitted_at: number | null;
  admitted_until: number | null;
  checked_out_at: number | null;
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function roomOf(r: RoomRow): WaitingRoomRecord {
  return {
    eventId: r.event_id,
    enabled: num(r.enabled) === 1,
    admitPerMinute: num(r.admit_per_minute),
    maxActiveShoppers: numOrNull(r.max_active_shoppers),
    shoppingWindowMs: num(r.shopping_window_ms),
    opensAt: numOrNull(r.opens_at),
    paused: num(r.paused) === 1,
    powRequired: num(r.pow_required) === 1,
    shuffleSeed: r.shuffle_seed,
    seedCommitment: r.seed_commitment,
    openedAt: numOrNull(r.opened_at),
    preQueueCount: num(r.pre_queue_count),
    nextNumber: num(r.next_number),
    serving: num(r.serving),
    admittedTotal: num(r.admitted_total),
    admitCredit: num(r.admit_credit),
    creditAt: numOrNull(r.credit_at),
    stepToken: r.step_token,
    soldOut: num(r.sold_out) === 1,
    waitingCount: num(r.waiting_count),
    activeCount: num(r.active_count),
    admittedLastMinute: num(r.admitted_last_minute),
    leftLastMinute: num(r.left_last_minute),
    updatedAt: num(r.updated_at),
  };
}

function entryOf(r: EntryRow): QueueEntryRecord {
  return {
    eventId: r.event_id,
    buyerId: r.buyer_id,
    joinedAt: num(r.joined_at),
    shuffleKey: r.shuffle_key,
    number: numOrNull(r.number),
    admittedAt: numOrNull(r.admitted_at),
    admittedUntil: numOrNull(r.admitted_until),
    checkedOutAt: numOrNull(r.checked_out_at),
  };
}

const bit = (b: boolean) => (b ? 1 : 0);

export class SqlWaitingRoomStore implements WaitingRoomStore {
  /** `dialect` only tunes how many rows a statement carries (the SQL is the same on both). */
  constructor(
    private readonly sql: SqlRunner,
    private readonly dialect: () => StoreDialect,
  ) {}

  private async one<T>(query: string, ...params: unknown[]): Promise<T | undefined> {
    return (await this.sql.all<T>(query, ...params))[0];
  }

  async room(eventId: string): Promise<WaitingRoomRecord | null> {
    const row = await this.one<RoomRow>('SELECT * FROM waiting_rooms WHERE event_id = ?', eventId);
    return row ? roomOf(row) : null;
  }

  async rooms(): Promise<WaitingRoomRecord[]> {
    return (await this.sql.all<RoomRow>('SELECT * FROM waiting_rooms ORDER BY event_id')).map(roomOf);
  }

  async configure(
    eventId: string,
    s: WaitingRoomSettings,
    seed: { seed: string; commitment: string; stepToken: string },
    now: number,
  ): Promise<WaitingRoomRecord> {
    await this.sql.all(
      `INSERT INTO waiting_rooms (event_id, enabled, admit_per_minute, max_active_shoppers, shopping_window_ms, opens_at, paused,
         pow_required, shuffle_seed, seed_commitment, step_token, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (event_id) DO UPDATE SET
         enabled = excluded.enabled,
         admit_per_minute = excluded.admit_per_minute,
         max_active_shoppers = excluded.max_active_shoppers,
         shopping_window_ms = excluded.shopping_window_ms,
         opens_at = CASE WHEN waiting_rooms.opened_at IS NULL THEN excluded.opens_at ELSE waiting_rooms.opens_at END,
         paused = excluded.paused,
         pow_required = excluded.pow_required,
         updated_at = excluded.updated_at`,
      eventId,
      bit(s.enabled),
      s.admitPerMinute,
      s.maxActiveShoppers,
      s.shoppingWindowMs,
      s.opensAt,
      bit(s.paused),
      bit(s.powRequired),
      seed.seed,
      seed.commitment,
      seed.stepToken,
      now,
    );
    return (await this.room(eventId))!;
  }

  async setPaused(eventId: string, paused: boolean, now: number): Promise<void> {
    await this.sql.all('UPDATE waiting_rooms SET paused = ?, updated_at = ? WHERE event_id = ?', bit(paused), now, eventId);
  }

  async setSoldOut(eventId: string, soldOut: boolean, now: number): Promise<boolean> {
    const rows = await this.sql.all<{ event_id: string }>(
      'UPDATE waiting_rooms SET sold_out = ?, updated_at = ? WHERE event_id = ? AND sold_out <> ? RETURNING event_id',
      bit(soldOut),
      now,
      eventId,
      bit(soldOut),
    );
    return rows.length > 0;
  }

  async entry(eventId: string, buyerId: string): Promise<QueueEntryRecord | null> {
    const row = await this.one<EntryRow>('SELECT * FROM waiting_room_entries WHERE event_id = ? AND buyer_id = ?', eventId, buyerId);
    return row ? entryOf(row) : null;
  }

  async insertEntry(eventId: string, buyerId: string, shuffleKey: string, now: number): Promise<boolean> {
    const rows = await this.sql.all<{ buyer_id: string }>(
      `INSERT INTO waiting_room_entries (event_id, buyer_id, joined_at, shuffle_key) VALUES (?, ?, ?, ?)
       ON CONFLICT (event_id, buyer_id) DO NOTHING RETURNING buyer_id`,
      eventId,
      buyerId,
      now,
      shuffleKey,
    );
    return rows.length > 0;
  }

  async takeNumber(eventId: string): Promise<number> {
    const row = await this.one<{ next_number: number }>(
      'UPDATE waiting_rooms SET next_number = next_number + 1 WHERE event_id = ? RETURNING next_number',
      eventId,
    );
    if (!row) throw new Error(`no waiting room for ${eventId}`);
    return num(row.next_number);
  }

  async assignNumber(eventId: string, buyerId: string, number: number): Promise<boolean> {
    const rows = await this.sql.all<{ buyer_id: string }>(
      'UPDATE waiting_room_entries SET number = ? WHERE event_id = ? AND buyer_id = ? AND number IS NULL RETURNING buyer_id',
      number,
      eventId,
      buyerId,
    );
    return rows.length > 0;
  }

  async requeue(eventId: string, buyerId: string, number: number, now: number): Promise<boolean> {
    const rows = await this.sql.all<{ buyer_id: string }>(
      `UPDATE waiting_room_entries SET number = ?, joined_at = ?, admitted_at = NULL, admitted_until = NULL, checked_out_at = NULL
       WHERE event_id = ? AND buyer_id = ? AND admitted_at IS NOT NULL AND (admitted_until <= ? OR checked_out_at IS NOT NULL)
       RETURNING buyer_id`,
      number,
      now,
      eventId,
      buyerId,
      now,
    );
    return rows.length > 0;
  }

  async open(eventId: string, now: number, options?: OpenOptions): Promise<void> {
    await openRoom(this.sql, eventId, now, { statementRows: STATEMENT_ROWS[this.dialect()], ...options });
  }

  async unnumbered(eventId: string, limit: number): Promise<string[]> {
    const rows = await this.sql.all<{ buyer_id: string }>(
      `SELECT buyer_id FROM waiting_room_entries WHERE event_id = ? AND number IS NULL ORDER BY joined_at, buyer_id LIMIT ${Math.max(1, Math.floor(limit))}`,
      eventId,
    );
    return rows.map((r) => r.buyer_id);
  }

  async nextToAdmit(eventId: string, limit: number): Promise<{ buyerId: string; number: number }[]> {
    if (limit <= 0) return [];
    const rows = await this.sql.all<{ buyer_id: string; number: number }>(
      `SELECT buyer_id, number FROM waiting_room_entries
       WHERE event_id = ? AND admitted_at IS NULL AND number IS NOT NULL ORDER BY number LIMIT ${Math.floor(limit)}`,
      eventId,
    );
    return rows.map((r) => ({ buyerId: r.buyer_id, number: num(r.number) }));
  }

  async admit(step: AdmissionStep): Promise<boolean> {
    const statements: Statement[] = [
      {
        sql: `UPDATE waiting_rooms SET
                serving = CASE WHEN serving < ? THEN ? ELSE serving END,
                admitted_total = admitted_total + ?,
                admit_credit = ?, credit_at = ?, step_token = ?, updated_at = ?
              WHERE event_id = ? AND step_token = ?`,
        params: [step.servingAtLeast, step.servingAtLeast, step.buyerIds.length, step.admitCredit, step.at, step.newToken, step.at, step.eventId, step.expectedToken],
      },
    ];
    // Chunks well under both engines' parameter limits; each only applies if the room took this step.
    for (let i = 0; i < step.buyerIds.length; i += 500) {
      const chunk = step.buyerIds.slice(i, i + 500);
      statements.push({
        sql: `UPDATE waiting_room_entries SET admitted_at = ?, admitted_until = ?
              WHERE event_id = ? AND buyer_id IN (${chunk.map(() => '?').join(', ')}) AND admitted_at IS NULL
                AND EXISTS (SELECT 1 FROM waiting_rooms w WHERE w.event_id = ? AND w.step_token = ?)`,
        params: [step.at, step.admittedUntil, step.eventId, ...chunk, step.eventId, step.newToken],
      });
    }
    await this.sql.atomically(statements);
    const after = await this.one<{ step_token: string }>('SELECT step_token FROM waiting_rooms WHERE event_id = ?', step.eventId);
    return after?.step_token === step.newToken;
  }

  async saveCredit(eventId: string, expectedToken: string, newToken: string, admitCredit: number, at: number): Promise<boolean> {
    const rows = await this.sql.all<{ event_id: string }>(
      'UPDATE waiting_rooms SET admit_credit = ?, credit_at = ?, step_token = ? WHERE event_id = ? AND step_token = ? RETURNING event_id',
      admitCredit,
      at,
      newToken,
      eventId,
      expectedToken,
    );
    return rows.length > 0;
  }

  async checkOut(eventId: string, buyerId: string, at: number): Promise<boolean> {
    const rows = await this.sql.all<{ buyer_id: string }>(
      `UPDATE waiting_room_entries SET checked_out_at = ?
       WHERE event_id = ? AND buyer_id = ? AND admitted_at IS NOT NULL AND checked_out_at IS NULL AND admitted_until > ?
       RETURNING buyer_id`,
      at,
      eventId,
      buyerId,
      at,
    );
    return rows.length > 0;
  }

  async counts(eventId: string, now: number): Promise<{ waiting: number; active: number }> {
    const row = await this.one<{ waiting: number; active: number }>(
      `SELECT
         (SELECT COUNT(*) FROM waiting_room_entries WHERE event_id = ? AND admitted_at IS NULL) AS waiting,
         (SELECT COUNT(*) FROM waiting_room_entries WHERE event_id = ? AND admitted_at IS NOT NULL AND checked_out_at IS NULL AND admitted_until > ?) AS active`,
      eventId,
      eventId,
      now,
    );
    return { waiting: num(row?.waiting ?? 0), active: num(row?.active ?? 0) };
  }

  async saveFigures(eventId: string, f: RoomFigures): Promise<void> {
    await this.sql.all(
      'UPDATE waiting_rooms SET waiting_count = ?, active_count = ?, admitted_last_minute = ?, left_last_minute = ? WHERE event_id = ?',
      f.waiting,
      f.active,
      f.admittedLastMinute,
      f.leftLastMinute,
      eventId,
    );
  }

  async perMinute(eventId: string, sinceMs: number): Promise<{ minute: number; admitted: number; joined: number }[]> {
    const [admitted, joined] = await Promise.all([
      this.sql.all<{ minute: number; n: number }>(
        `SELECT admitted_at / 60000 AS minute, COUNT(*) AS n FROM waiting_room_entries
         WHERE event_id = ? AND admitted_at IS NOT NULL AND admitted_at >= ? GROUP BY admitted_at / 60000`,
        eventId,
        sinceMs,
      ),
      this.sql.all<{ minute: number; n: number }>(
        `SELECT joined_at / 60000 AS minute, COUNT(*) AS n FROM waiting_room_entries
         WHERE event_id = ? AND joined_at >= ? GROUP BY joined_at / 60000`,
        eventId,
        sinceMs,
      ),
    ]);
    const byMinute = new Map<number, { minute: number; admitted: number; joined: number }>();
    const at = (minute: number) => {
      let point = byMinute.get(minute);
      if (!point) byMinute.set(minute, (point = { minute, admitted: 0, joined: 0 }));
      return point;
    };
    for (const r of admitted) at(Math.floor(num(r.minute)) * 60_000).admitted += num(r.n);
    for (const r of joined) at(Math.floor(num(r.minute)) * 60_000).joined += num(r.n);
    return [...byMinute.values()].sort((a, b) => a.minute - b.minute);
  }

  async admissions(eventId: string): Promise<{ buyerId: string; number: number; admittedAt: number }[]> {
    const rows = await this.sql.all<{ buyer_id: string; number: number; admitted_at: number }>(
      `SELECT buyer_id, number, admitted_at FROM waiting_room_entries WHERE event_id = ? AND admitted_at IS NOT NULL ORDER BY admitted_at, number`,
      eventId,
    );
    return rows.map((r) => ({ buyerId: r.buyer_id, number: num(r.number), admittedAt: num(r.admitted_at) }));
  }

  async preQueue(eventId: string): Promise<{ buyerId: string; number: number | null }[]> {
    const room = await this.room(eventId);
    const rows = await this.sql.all<{ buyer_id: string; number: number | null }>(
      `SELECT buyer_id, number FROM waiting_room_entries WHERE event_id = ? AND (number IS NULL OR number <= ?) ORDER BY number, buyer_id`,
      eventId,
      room?.openedAt === null || !room ? 2_000_000_000 : room.preQueueCount,
    );
    return rows.map((r) => ({ buyerId: r.buyer_id, number: numOrNull(r.number) }));
  }
}
