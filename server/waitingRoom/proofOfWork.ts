// Proof of work on queue entry (issue 12), with ALTCHA's maintained server
// library (altcha-lib, its v1 challenge format: SHA-256 over salt + number).
// A challenge is bound to one event and one buyer session through its signed
// salt parameters and expires after a few minutes, so a solution can neither
// be shared between sessions nor stockpiled. Off unless the organizer asks
// for it on the event's waiting room.
import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import type { Challenge } from 'altcha-lib/v1/types';

export interface ProofOfWork {
  challenge(eventId: string, buyerId: string): Promise<Challenge>;
  /** True when `payload` solves a live challenge issued for this event and buyer. */
  verify(payload: string, eventId: string, buyerId: string): Promise<boolean>;
}

export interface AltchaOptions {
  hmacKey: string;
  /** Upper bound of the secret number: the expected work is half of it (SHA-256 hashes). */
  maxNumber: number;
  challengeTtlMs: number;
  clock: () => number;
}

export class AltchaProofOfWork implements ProofOfWork {
  constructor(private readonly options: AltchaOptions) {}

  challenge(eventId: string, buyerId: string): Promise<Challenge> {
    return createChallenge({
      hmacKey: this.options.hmacKey,
      maxNumber: this.options.maxNumber,
      expires: new Date(this.options.clock() + this.options.challengeTtlMs),
      params: { event: eventId, buyer: buyerId },
    });
  }

  async verify(payload: string, eventId: string, buyerId: string): Promise<boolean> {
    try {
      if (!(await verifySolution(payload, this.options.hmacKey, true))) return false;
      const params = extractParams(payload);
      return params.event === eventId && params.buyer === buyerId;
    } catch {
      return false;
    }
  }
}
