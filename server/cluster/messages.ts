// The messages of command routing between the processes of a cluster (see
// commandRouter.ts), as zod schemas: every message is plain JSON, validated
// on receipt, with a schema version. The command and outcome schemas mirror
// the core's `Command` and `Outcome` types exactly; the type checks at the
// bottom make a new command or outcome kind fail to compile until it is
// described here, so it can never be refused (or worse, mangled) in transit.
//
// Commands are parsed strictly (an unknown field is an error): an owner must
// never run a command without a field its sender relied on (a newer process's
// idempotency key, say) — it answers `unavailable` instead, which a rolling
// deploy turns into success. Outcomes drop unknown fields: the caller's code
// cannot use them anyway.
import '../../lib/zodConfig';
import { z } from 'zod';
import { ERROR_CODES } from '../../lib/protocol';
import type { Command, Outcome } from '../../core/types';

/** Bump on any change that an older process could not read; receivers refuse other versions. */
export const ROUTING_SCHEMA_VERSION = 1;

/** Instance ids name Redis channels: keep them short and plain. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const instanceIdSchema = z.string().regex(INSTANCE_ID_PATTERN);

/** Where an instance receives commands for the events it owns. */
export const requestChannel = (instanceId: string): string => `seatline:cmd:${instanceId}`;
/** Where an instance receives the answers to the commands it routed. */
export const replyChannel = (instanceId: string): string => `seatline:reply:${instanceId}`;

// ---------- the core's commands ----------

const buyerDetails = z.strictObject({ name: z.string(), email: z.string() });

const bestSeats = z.strictObject({
  quantity: z.number(),
  categoryIds: z.array(z.string()).optional(),
  maxPriceCents: z.number().optional(),
  sectionIds: z.array(z.string()).optional(),
  accessible: z.boolean().optional(),
});

const eventRules = z.strictObject({
  holdTtlMs: z.number(),
  maxSeatsPerBuyer: z.number(),
  maxExtensions: z.number(),
  saleStatus: z.enum(['open', 'paused', 'closed']),
  saleOpensAt: z.number().nullable(),
  saleClosesAt: z.number().nullable(),
  preventOrphanSeats: z.boolean(),
});

const eventMeta = z.strictObject({ name: z.string(), venueName: z.string(), startsAt: z.number() });

const seatPlace = z.strictObject({
  sectionId: z.string(),
  row: z.string(),
  number: z.string(),
  category: z.string(),
  x: z.number(),
  y: z.number(),
  accessible: z.enum(['wheelchair', 'companion']).optional(),
});

const seatSpec = z.strictObject({ id: z.string(), priceCents: z.number(), gaArea: z.string().optional(), place: seatPlace.optional() });

const stageBox = z.strictObject({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });

export const commandSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('hold'),
    buyerId: z.string(),
    seatIds: z.array(z.string()),
    gaRequests: z.array(z.strictObject({ areaId: z.string(), quantity: z.number() })).optional(),
    best: bestSeats.optional(),
    requestId: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('extend'), buyerId: z.string(), holdId: z.string() }),
  z.strictObject({ type: z.literal('release'), buyerId: z.string(), holdId: z.string() }),
  z.strictObject({ type: z.literal('confirm'), buyerId: z.string(), holdId: z.string(), idempotencyKey: z.string(), buyer: buyerDetails }),
  z.strictObject({ type: z.literal('admin_release'), holdId: z.string(), reason: z.string().nullable(), actor: z.string() }),
  z.strictObject({ type: z.literal('block'), seatIds: z.array(z.string()), reason: z.string().nullable(), actor: z.string() }),
  z.strictObject({ type: z.literal('unblock'), seatIds: z.array(z.string()), reason: z.string().nullable(), actor: z.string() }),
  z.strictObject({
    type: z.literal('cancel_tickets'),
    orderId: z.string(),
    seatIds: z.array(z.string()).nullable(),
    reason: z.string(),
    actor: z.string(),
  }),
  z.strictObject({
    type: z.literal('configure'),
    rules: eventRules.partial(),
    holdTtlOverride: z.number().nullable().optional(),
    meta: eventMeta.partial(),
    actor: z.string(),
  }),
  z.strictObject({ type: z.literal('replace_layout'), seats: z.array(seatSpec), stage: stageBox.optional(), layout: z.unknown(), actor: z.string() }),
  z.strictObject({ type: z.literal('retire'), actor: z.string() }),
  z.strictObject({ type: z.literal('check_in'), code: z.string(), door: z.string().nullable(), actor: z.string() }),
]);

// ---------- the core's outcomes ----------

const hold = z.object({
  id: z.string(),
  eventId: z.string(),
  buyerId: z.string(),
  seatIds: z.array(z.string()),
  createdAt: z.number(),
  expiresAt: z.number(),
  extensions: z.number(),
  requestId: z.string().optional(),
});

const order = z.object({
  id: z.string(),
  eventId: z.string(),
  holdId: z.string(),
  buyerId: z.string(),
  buyer: z.object({ name: z.string(), email: z.string() }),
  idempotencyKey: z.string(),
  totalCents: z.number(),
  createdAt: z.number(),
  tickets: z.array(z.object({ id: z.string(), seatId: z.string(), priceCents: z.number(), code: z.string() })),
});

const doorTicket = z.object({
  ticketId: z.string(),
  orderId: z.string(),
  seatId: z.string(),
  buyerName: z.string(),
  checkIn: z.object({ at: z.number(), door: z.string().nullable(), actor: z.string() }).nullable(),
  cancelledAt: z.number().nullable(),
});

const failure = z.object({
  ok: z.literal(false),
  code: z.enum(ERROR_CODES),
  message: z.string(),
  seatIds: z.array(z.string()).optional(),
  orderId: z.string().optional(),
  retryAfterMs: z.number().optional(),
  ticket: doorTicket.optional(),
});

const success = z.discriminatedUnion('type', [
  z.object({ ok: z.literal(true), type: z.literal('held'), hold, replayed: z.boolean().optional() }),
  z.object({ ok: z.literal(true), type: z.literal('extended'), hold }),
  z.object({ ok: z.literal(true), type: z.literal('released'), holdId: z.string(), seatIds: z.array(z.string()) }),
  z.object({ ok: z.literal(true), type: z.literal('confirmed'), order, replayed: z.boolean() }),
  z.object({ ok: z.literal(true), type: z.enum(['blocked', 'unblocked']), seatIds: z.array(z.string()) }),
  z.object({ ok: z.literal(true), type: z.literal('tickets_cancelled'), orderId: z.string(), seatIds: z.array(z.string()) }),
  z.object({ ok: z.literal(true), type: z.literal('configured'), rules: eventRules }),
  z.object({ ok: z.literal(true), type: z.literal('layout_replaced'), seatCount: z.number() }),
  z.object({ ok: z.literal(true), type: z.literal('retired') }),
  z.object({ ok: z.literal(true), type: z.literal('checked_in'), ticket: doorTicket }),
]);

export const outcomeSchema = z.union([failure, success]);

// ---------- the messages ----------

const requestId = z.string().min(1).max(128);

/** Enough of any message, of any version, to know who is waiting for an answer. */
export const envelopeSchema = z.object({
  v: z.number(),
  kind: z.enum(['request', 'reply']),
  requestId,
  origin: instanceIdSchema,
});

/** A command for the event's owner, published on the owner's request channel. */
export const commandRequestSchema = z.strictObject({
  v: z.literal(ROUTING_SCHEMA_VERSION),
  kind: z.literal('request'),
  /** Correlates the reply; random per routed call (not the client's idempotency key). */
  requestId,
  /** The sender: its reply channel gets the answer. */
  origin: instanceIdSchema,
  eventId: z.string().min(1).max(64),
  /** The ownership epoch the sender believed the owner holds; the owner refuses any other. */
  epoch: z.number().int().nonnegative(),
  /** Sender's wall clock, ms: when it sent the message (logged with a refusal, to show clock skew). */
  sentAt: z.number(),
  /** Sender's wall clock, ms: past it the sender has answered `unavailable`, so the owner must not start it. */
  deadlineAt: z.number(),
  command: commandSchema,
});
export type CommandRequest = z.infer<typeof commandRequestSchema>;

/** The owner's answer, published on the origin's reply channel. */
export const commandReplySchema = z.strictObject({
  v: z.literal(ROUTING_SCHEMA_VERSION),
  kind: z.literal('reply'),
  requestId,
  /** The instance that answered. */
  origin: instanceIdSchema,
  outcome: outcomeSchema,
});
export type CommandReply = z.infer<typeof commandReplySchema>;

/** A message read off a channel: valid, or why not and (if its envelope says) who waits for an answer. */
export type Decoded =
  | { ok: true; message: CommandRequest | CommandReply }
  | { ok: false; problem: unknown; waiting: { requestId: string; origin: string } | null };

export function decodeMessage(kind: 'request' | 'reply', text: string): Decoded {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not JSON', waiting: null };
  }
  const parsed = (kind === 'request' ? commandRequestSchema : commandReplySchema).safeParse(data);
  if (parsed.success) return { ok: true, message: parsed.data };
  const envelope = envelopeSchema.safeParse(data);
  const waiting = envelope.success && envelope.data.kind === kind ? { requestId: envelope.data.requestId, origin: envelope.data.origin } : null;
  return { ok: false, problem: parsed.error.issues.slice(0, 5), waiting };
}

// ---------- the schemas describe exactly the core's types ----------

// Mutual assignability is not enough: it ignores an optional field one side lacks (a new
// `requestId?` on the core's hold would pass, and be refused or stripped in transit). So the
// check is type identity, field by field, optional ones included.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const commandsMatch: Same<z.infer<typeof commandSchema>, Command> = true;
const outcomesMatch: Same<z.infer<typeof outcomeSchema>, Outcome> = true;
void commandsMatch;
void outcomesMatch;
