// Unguessable ids from the OS's CSPRNG, for production. Tests inject counters.
import { randomBytes } from 'node:crypto';
import type { IdSource } from './reservations/types';

export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

export const cryptoIds: IdSource = {
  holdId: () => randomId('h'),
  orderId: () => randomId('o', 9),
  ticketId: () => randomId('t'),
  // Printed as the ticket's QR code: 128 bits, so it cannot be guessed at the door.
  ticketCode: () => randomBytes(16).toString('base64url'),
};
