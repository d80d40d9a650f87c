// The portable SQL of db/sqlStore.ts uses `?` placeholders; PostgreSQL wants $1, $2, …

const converted = new Map<string, string>();

/** `?` → `$n`, outside quoted strings (cached per statement text). */
export function dollarParams(query: string): string {
  let out = converted.get(query);
  if (out !== undefined) return out;
  let n = 0;
  let quoted = false;
  out = '';
  for (const ch of query) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  converted.set(query, out);
  return out;
}
