// Opening a waiting room (issue 12): the pre-queue is numbered 1…P in the
// order of its shuffle keys (HMAC of the committed seed and the buyer id),
// then the room records its opening. Portable SQL, the same on SQLite and
// PostgreSQL.
//
// The ranks are computed here, from one read of the pre-queue sorted in JS
// (the comparison an auditor makes with the published seed), and written by
// primary key with UPDATE … FROM (VALUES …), a few thousand rows per
// transaction. On SQLite every transaction runs synchronously on the event
// loop, so opening 100,000 people is many short blocks with a turn of the loop
// between them rather than one long one. The rows are written in the order
// they were stored (join order), not in rank order: a transaction's rows then
// sit on a few neighbouring pages of the table and of each index instead of
// on nearly all of them (5× less work per row at 100,000 on SQLite).
//
// Why several transactions stay correct:
// - Before the room is open nothing else numbers an entry (joins and the
//   ticker number arrivals only in an open room), so every entry of an
//   unopened room is in the pre-queue, and a number it has was written by an
//   opening that was cut short, with the rank of that opening's read.
// - Opening converges: it reads every entry, ranks them by key, clears the
//   numbers that are not the rank (only someone who joined while an opening
//   was cut short can shift them) and writes the missing ones. So opening
//   again after a crash (or in another process) completes the same order;
//   whoever joined in between is in the shuffle at their key's place. Buyers
//   see no position before the room is open (server/waitingRoom/queueService.ts),
//   so no shown position ever moves.
// - An opening first claims the room with a fresh step token (which waits for
//   a chunk in flight, whose first statement locks the room's row), and every
//   chunk applies only while the room still has that token and is not open.
//   Two openers racing (a failover) never interleave their chunks: the later
//   claim wins, reads what the earlier one committed and carries on from there.
// - The last statement sets `opened_at` only with the token, once, and counts
//   the numbered entries: people who joined after this opening's read are not
//   numbered and queue as arrivals (the ticker numbers them).
// - The pre-queue is who joined before `opens_at` (the route never stores an
//   opening time in the past). An opening that runs late — the owner was down
//   at the opening time, or failing over — leaves those who joined after it
//   unnumbered: they queue as arrivals in join order, behind the shuffle, as
//   they would have had the room opened on time.
import { randomBytes } from 'node:crypto';
import type { SqlRunner, Statement } from './sqlRunner';

/** Rows written per transaction: short blocks of the event loop on SQLite, few commits on PostgreSQL. */
export const OPEN_ROWS_PER_TRANSACTION = 5000;
/**
 * Rows per statement, largest first: a transaction's rows are split greedily into these sizes, so the
 * number of distinct statement texts (each prepared and cached by both stores) stays bounded. On
 * PostgreSQL one statement of many rows saves a round of parsing, binding and executing per row; on
 * SQLite, where a statement is a function call, one prepared single-row UPDATE run per row is 5× cheaper
 * than UPDATE … FROM (VALUES …) (which materialises the values and joins them).
 */
export const STATEMENT_ROWS = { postgres: [1000, 100, 10, 1], sqlite: [1] } as const;

interface Entry {
  buyer_id: string;
  shuffle_key: string;
  joined_at: number;
  number: number | null;
}

/** The pre-queue's order: shuffle key, then buyer id, by UTF-16 code units (server/waitingRoom/shuffle.ts `shuffledOrder`). */
function byKey(a: Entry, b: Entry): number {
  if (a.shuffle_key !== b.shuffle_key) return a.shuffle_key < b.shuffle_key ? -1 : 1;
  return a.buyer_id < b.buyer_id ? -1 : a.buyer_id > b.buyer_id ? 1 : 0;
}

/** Join order: how the rows were stored, near enough. */
function byJoin(a: { joinedAt: number; buyerId: string }, b: { joinedAt: number; buyerId: string }): number {
  if (a.joinedAt !== b.joinedAt) return a.joinedAt - b.joinedAt;
  return a.buyerId < b.buyerId ? -1 : a.buyerId > b.buyerId ? 1 : 0;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface OpenOptions {
  rowsPerTransaction?: number;
  /** Rows per statement, largest first, ending with 1 (STATEMENT_ROWS; the store picks its dialect's). */
  statementRows?: readonly number[];
  /** Tests: called after each committed transaction with the rows it wrote; throwing stops the opening there, as a crash would. */
  afterChunk?: (written: number) => void | Promise<void>;
}

interface Ranked {
  buyerId: string;
  joinedAt: number;
  number: number | null;
  rank: number;
}

/** Opens the room (see above); does nothing if it is open already. */
export async function openRoom(sql: SqlRunner, eventId: string, now: number, options: OpenOptions = {}): Promise<void> {
  const token = randomBytes(9).toString('base64url');
  const claimed = await sql.all<{ event_id: string; opens_at: number | null }>(
    'UPDATE waiting_rooms SET step_token = ?, updated_at = ? WHERE event_id = ? AND opened_at IS NULL RETURNING event_id, opens_at',
    token,
    now,
    eventId,
  );
  if (claimed.length === 0) return; // no such room, or open already
  const opensAt = claimed[0].opens_at === null ? null : Number(claimed[0].opens_at);
  const all = await readEntries(sql, eventId);
  // Who joined at or after the opening time (the opening ran late: an outage, a failover) is an arrival, not in the shuffle.
  const preQueue = opensAt === null ? all : all.filter((e) => Number(e.joined_at) < opensAt);
  const arrivals = opensAt === null ? [] : all.filter((e) => Number(e.joined_at) >= opensAt);
  const ranked: Ranked[] = preQueue.sort(byKey).map((e, i) => ({
    buyerId: e.buyer_id,
    joinedAt: Number(e.joined_at),
    number: e.number === null ? null : Number(e.number),
    rank: i + 1,
  }));
  await nextTurn();
  ranked.sort(byJoin);
  await nextTurn();
  // An arrival numbered by an opening cut short before the opening time moved (it cannot be shown yet) loses that number too.
  const wrong = ranked.filter((e) => e.number !== null && e.number !== e.rank);
  for (const e of arrivals) if (e.number !== null) wrong.push({ buyerId: e.buyer_id, joinedAt: Number(e.joined_at), number: Number(e.number), rank: 0 });
  const missing = ranked.filter((e) => e.number !== e.rank);

  const guard = { sql: 'UPDATE waiting_rooms SET updated_at = ? WHERE event_id = ? AND step_token = ? AND opened_at IS NULL', params: [now, eventId, token] };
  const perTransaction = Math.max(1, options.rowsPerTransaction ?? OPEN_ROWS_PER_TRANSACTION);
  for (const [rows, write] of [
    [wrong, false],
    [missing, true],
  ] as const) {
    for (let from = 0; from < rows.length; from += perTransaction) {
      const chunk = rows.slice(from, from + perTransaction);
      // The guard comes first: on PostgreSQL it locks the room's row, so a later claim waits for this chunk.
      await sql.atomically([guard, ...chunkStatements(eventId, token, chunk, write, options.statementRows ?? STATEMENT_ROWS.postgres)]);
      if (!(await stillMine(sql, eventId, token))) return; // another opener took over and carries on
      await options.afterChunk?.(chunk.length);
      await nextTurn();
    }
  }
  await sql.atomically([
    {
      sql: `UPDATE waiting_rooms SET opened_at = ?, updated_at = ?,
              pre_queue_count = (SELECT COUNT(*) FROM waiting_room_entries WHERE event_id = ? AND number IS NOT NULL),
              next_number = (SELECT COUNT(*) FROM waiting_room_entries WHERE event_id = ? AND number IS NOT NULL),
              credit_at = ?
            WHERE event_id = ? AND step_token = ? AND opened_at IS NULL`,
      params: [now, now, eventId, eventId, now, eventId, token],
    },
  ]);
}

/** Rows read per statement: the read, too, is several short blocks of SQLite's event loop. */
const READ_PAGE_ROWS = 20_000;

/**
 * Every entry of the room, a page at a time by primary key. Not one snapshot: someone who joins while
 * the pages are read is in this opening or not, depending on where their id falls, and either way
 * consistently (not read = not numbered = an arrival).
 */
async function readEntries(sql: SqlRunner, eventId: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (let after = ''; ; ) {
    const page = await sql.all<Entry>(
      `SELECT buyer_id, shuffle_key, joined_at, number FROM waiting_room_entries WHERE event_id = ? AND buyer_id > ? ORDER BY buyer_id LIMIT ${READ_PAGE_ROWS}`,
      eventId,
      after,
    );
    for (const e of page) entries.push(e);
    await nextTurn();
    if (page.length < READ_PAGE_ROWS) return entries;
    after = page[page.length - 1].buyer_id;
  }
}

async function stillMine(sql: SqlRunner, eventId: string, token: string): Promise<boolean> {
  const [room] = await sql.all<{ step_token: string }>('SELECT step_token FROM waiting_rooms WHERE event_id = ?', eventId);
  return room?.step_token === token;
}

/**
 * Writes the chunk's ranks (`write`), or clears its numbers, as UPDATE … FROM (VALUES …) statements of
 * the sizes above; each applies only while the room still has the opening's token.
 */
function chunkStatements(eventId: string, token: string, chunk: readonly Ranked[], write: boolean, sizes: readonly number[]): Statement[] {
  // `+number` keeps SQLite from looking the rows up through the unique index on (event_id, number),
  // where every unnumbered row sits under NULL (that plan made each statement walk all of them).
  const set = write ? 'number = v.column2' : 'number = NULL';
  const unchanged = write ? '+waiting_room_entries.number IS NULL' : '+waiting_room_entries.number = v.column2';
  const stillOpening = 'EXISTS (SELECT 1 FROM waiting_rooms w WHERE w.event_id = ? AND w.step_token = ? AND w.opened_at IS NULL)';
  const value = (e: Ranked) => (write ? e.rank : e.number);
  const statements: Statement[] = [];
  let at = 0;
  for (const size of sizes) {
    while (chunk.length - at >= size) {
      const rows = chunk.slice(at, at + size);
      at += size;
      if (size === 1) {
        statements.push({
          sql: `UPDATE waiting_room_entries SET ${set.replace('v.column2', 'CAST(? AS INTEGER)')}
                WHERE event_id = ? AND buyer_id = ? AND ${unchanged.replace('v.column2', 'CAST(? AS INTEGER)')} AND ${stillOpening}`,
          params: write ? [rows[0].rank, eventId, rows[0].buyerId, eventId, token] : [eventId, rows[0].buyerId, rows[0].number, eventId, token],
        });
        continue;
      }
      statements.push({
        sql: `UPDATE waiting_room_entries SET ${set}
              FROM (VALUES ${rows.map(() => '(CAST(? AS TEXT), CAST(? AS INTEGER))').join(', ')}) AS v
              WHERE waiting_room_entries.event_id = ? AND waiting_room_entries.buyer_id = v.column1 AND ${unchanged} AND ${stillOpening}`,
        params: [...rows.flatMap((e) => [e.buyerId, value(e)]), eventId, eventId, token],
      });
    }
  }
  if (at !== chunk.length) throw new Error('statement sizes must end with 1');
  return statements;
}
