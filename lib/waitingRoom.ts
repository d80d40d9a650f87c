// The waiting room's wire contract (issue 12): queue:join / queue:update /
// queue:admitted over Socket.IO, POST|GET /api/events/:id/queue over HTTP,
// and the organizer's settings. Shared by the browser and the server.
import './zodConfig';
import { z } from 'zod';
import { eventIdSchema } from './ids';
import type { Ack } from './failures';

/** ALTCHA payload (base64 JSON of { algorithm, challenge, number, salt, signature }). */
export const powSolutionSchema = z.string().min(16).max(2048);

export const queueJoinSchema = z.object({
  eventId: eventIdSchema,
  /** Required when the event's room asks for proof of work: a solved challenge from GET /api/events/:id/queue/challenge. */
  pow: powSolutionSchema.optional(),
});

/** Where the room is: before opening (pre-queue), admitting, paused by the organizer, sold out, or not in use. */
export type QueuePhase = 'pre_queue' | 'open' | 'paused' | 'closed' | 'off';

/** The room's public state, broadcast as queue:update (at most once a second per event) and part of every join ack. */
export interface QueueUpdate {
  eventId: string;
  phase: QueuePhase;
  /** "Now serving": everyone with a queue number at or below it has been admitted. */
  serving: number;
  /** The last queue number handed out. */
  lastNumber: number;
  /** People waiting (numbered or in the pre-queue). */
  waiting: number;
  /** Admitted buyers whose shopping window is still open. */
  activeShoppers: number;
  admitPerMinute: number;
  /** Admissions actually made in the last minute (lower than the rate while the shopper cap holds people back). */
  admittedLastMinute: number;
  /** Shoppers whose window ended (checkout or time) in the last minute: at the cap, the pace of admissions. */
  leftLastMinute: number;
  /** Whether the cap on active shoppers is what holds admissions back right now (then people get in only as shoppers leave). */
  shoppersAtCap: boolean;
  /** How long an admitted buyer may shop (ms); checking out ends it early. */
  shoppingWindowMs: number;
  opensAt: number | null;
  /** SHA-256 (hex) of the pre-queue shuffle's seed, published before opening. */
  seedCommitment: string;
  /** The seed itself, published once the room opened (hex); null before. */
  seed: string | null;
  /** The server's clock when this was sent (epoch ms). */
  at: number;
}

export type QueueState = 'waiting' | 'admitted' | 'closed';

export interface QueueStatus {
  eventId: string;
  state: QueueState;
  /** False when the event has no waiting room (or it is switched off): everyone may shop. */
  roomEnabled: boolean;
  /** Your queue number (absent in the pre-queue before opening). */
  number?: number;
  /** 1 = you are next. */
  position?: number;
  aheadOfYou?: number;
  /** null when no honest estimate exists (paused, or before opening). */
  estimatedWaitMs?: number | null;
  /** Admitted: when your shopping window ends (epoch ms). */
  admittedUntil?: number;
  /** Admitted: the signed admission to send with hold:create (`admission`). */
  admission?: string;
  /** Your window ended (time ran out, or you checked out): join again to queue anew. */
  windowEnded?: boolean;
  /** The room's proof-of-work requirement for joining. */
  powRequired: boolean;
  room: QueueUpdate | null;
}

export type QueueAck = Ack<QueueStatus>;

export interface QueueAdmittedNotice {
  eventId: string;
  admittedUntil: number;
  admission: string;
}

// ---------- the organizer's settings ----------

export const waitingRoomSettingsSchema = z
  .object({
    enabled: z.boolean(),
    admitPerMinute: z.number().int().min(1).max(1_000_000),
    maxActiveShoppers: z.number().int().min(1).max(10_000_000).nullable().optional(),
    shoppingWindowMs: z
      .number()
      .int()
      .min(10_000)
      .max(24 * 3600 * 1000)
      .optional(),
    opensAt: z.number().int().min(0).max(8_640_000_000_000).nullable().optional(),
    /** Extras: pause admission, and require proof of work to join. */
    paused: z.boolean().optional(),
    powRequired: z.boolean().optional(),
  })
  .strict();
export type WaitingRoomSettingsInput = z.infer<typeof waitingRoomSettingsSchema>;

export const waitingRoomPauseSchema = z.object({ paused: z.boolean() }).strict();

export const DEFAULT_SHOPPING_WINDOW_MS = 15 * 60_000;

/** The organizer's view of a room: settings, live figures and the admissions chart. */
export interface AdminWaitingRoomView {
  eventId: string;
  enabled: boolean;
  admitPerMinute: number;
  maxActiveShoppers: number | null;
  shoppingWindowMs: number;
  opensAt: number | null;
  paused: boolean;
  powRequired: boolean;
  phase: QueuePhase;
  openedAt: number | null;
  seedCommitment: string;
  seed: string | null;
  preQueueCount: number;
  serving: number;
  lastNumber: number;
  admittedTotal: number;
  waiting: number;
  activeShoppers: number;
  admittedLastMinute: number;
  /** Waiting ÷ the effective rate; null when nobody is being admitted. */
  estimatedDrainMs: number | null;
  perMinute: { minute: number; admitted: number; joined: number }[];
  at: number;
}

export type AdminWaitingRoomAck = Ack<{ room: AdminWaitingRoomView | null }>;
