// Revoked organizer sessions (logout), kept in the database so a logout holds
// across restarts and, with a shared database, across processes. Portable SQL
// (INSERT … ON CONFLICT DO NOTHING works on SQLite and PostgreSQL alike).
import { eq, lte } from 'drizzle-orm';
import type { DatabaseHandle } from './connection';
import { adminSessionRevocations } from './schema';

/** Records that `sessionId` is revoked until `expiresAt`, and drops revocations that expired by `now`. */
export function revokeAdminSession({ db }: DatabaseHandle, sessionId: string, expiresAt: number, now: number): void {
  db.transaction((tx) => {
    tx.insert(adminSessionRevocations).values({ sessionId, expiresAt }).onConflictDoNothing().run();
    tx.delete(adminSessionRevocations).where(lte(adminSessionRevocations.expiresAt, now)).run();
  });
}

export function isAdminSessionRevoked({ db }: DatabaseHandle, sessionId: string): boolean {
  return (
    db
      .select({ sessionId: adminSessionRevocations.sessionId })
      .from(adminSessionRevocations)
      .where(eq(adminSessionRevocations.sessionId, sessionId))
      .get() !== undefined
  );
}
