// The SQL plumbing the stores share: a statement with its parameters, what SqlStore lends the
// lease and waiting-room stores to run them, and the two dialects. Imports nothing, so every
// store module can build on it without importing another.

export type StoreDialect = 'sqlite' | 'postgres';

export interface Statement {
  sql: string;
  params: unknown[];
}

/** What SqlStore lends the lease and waiting-room stores: run one statement, or several atomically. */
export interface SqlRunner {
  all<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  atomically(statements: readonly Statement[]): Promise<void>;
}
