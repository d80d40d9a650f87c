// Where organizer logouts are remembered. Tokens are stateless (signed, with
// their expiry inside), so the only server-side state is the list of sessions
// ended early. Asynchronous so that a shared store (PostgreSQL, Redis) can back
// it when several processes serve the site: a logout in one must hold in all.
import type { Store } from '../../db/store';

export interface AdminSessionStore {
  /** Ends session `sessionId` (its token expires at `expiresAt`, after which it may be forgotten). */
  revoke(sessionId: string, expiresAt: number): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

/** Revocations in the store's table: the same for every process on a shared database. */
export class StoredAdminSessions implements AdminSessionStore {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
  ) {}

  revoke(sessionId: string, expiresAt: number): Promise<void> {
    return this.store.revokeAdminSession(sessionId, expiresAt, this.clock());
  }

  isRevoked(sessionId: string): Promise<boolean> {
    return this.store.isAdminSessionRevoked(sessionId);
  }
}
