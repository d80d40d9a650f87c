// Identifiers on the wire: their patterns and zod schemas (part of lib/protocol.ts's contract).
import './zodConfig';
import { z } from 'zod';

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const SEAT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export const eventIdSchema = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, _ or -');
export const holdIdSchema = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, _ or -');
export const orderIdSchema = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, _ or -');
export const seatIdSchema = z.string().regex(SEAT_ID_PATTERN, 'must be 1-64 letters, digits, _ . : or -');
export const idempotencyKeySchema = z
  .string()
  .min(8, 'use at least 8 characters, e.g. a UUID')
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
