// Small persistent settings (e.g. the generated session secret).
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DatabaseHandle } from './connection';
import { settings } from './schema';

/** Returns the stored value for `key`, creating it with `make()` on first use. */
export function getOrCreateSetting({ db }: DatabaseHandle, key: string, make: () => string): string {
  const row = db.select().from(settings).where(eq(settings.key, key)).get();
  if (row) return row.value;
  const value = make();
  db.insert(settings).values({ key, value }).onConflictDoNothing().run();
  return db.select().from(settings).where(eq(settings.key, key)).get()!.value;
}

export const newSecret = () => randomBytes(32).toString('base64url');
