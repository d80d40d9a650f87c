// Where organizer logouts are remembered. Tokens are stateless (signed, with
// their expiry inside), so the only server-side state is the list of sessions
// ended early. Asynchronous so that a shared store (PostgreSQL, Redis) can back
// it when several processes serve the site: a logout in one must hold in all.
import { isAdminSessionRevoked, revokeAdminSession } from '../../db/adminSessions';
import type { DatabaseHandle } from '../../db/connection';

export interface AdminSessionStore {
  /** Ends session `sessionId` (its token expires at `expiresAt`, after which it may be forgotten). */
  revoke(sessionId: string, expiresAt: number): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

/** The embedded default: the revocations table of this server's database. */
export class DatabaseAdminSessionStore implements AdminSessionStore {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly clock: () => number,
  ) {}

  async revoke(sessionId: string, expiresAt: number): Promise<void> {
    revokeAdminSession(this.handle, sessionId, expiresAt, this.clock());
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return isAdminSessionRevoked(this.handle, sessionId);
  }
}
