/**
 * The PostgreSQL sink: the same tables, views and rows as the SQLite sink (`schema.ts`,
 * `statements.ts`), written through `pg`. It only connects, creates the schema and runs
 * statements; what to write after a correction or a re-ingest is `pipeline/storePostgres.ts`.
 */
import pg from 'pg';
import { forDialect, numberedPlaceholders, postgresSchema } from './schema.js';
import { DatabaseRefused } from './sqlite.js';
import type { Statement } from './statements.js';

/** A connection or a pool: anything `pg` can run a query on. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** The URL as it may be printed: without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

// COUNT and SUM of integers are int8, ROUND(…::numeric) numeric: numbers, as SQLite gives them (pg gives strings
// so that no precision is lost beyond 2^53 — counts of rows here never come near it).
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID || oid === NUMERIC_OID
    ? (value: string) => Number(value)
    : pg.types.getTypeParser(oid, format ?? 'text'))) as typeof pg.types.getTypeParser,
};

/** One lock number for creating the schema: workers starting together create it once, the others wait. */
const SCHEMA_LOCK = 0x7a6970;

export function postgresPool(url: string, size = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: size, types: TYPES });
  // an idle connection that the server drops must not crash a worker: the next query reconnects
  pool.on('error', () => {});
  return pool;
}

/** `INSERT … VALUES (…)` with nothing after the row: rows of such statements can be sent together. */
const PLAIN_INSERT = /^INSERT INTO [^;]*VALUES (\([^()]*\))$/s;
const ROWS_PER_INSERT = 500;

/**
 * Consecutive inserts of the same SQL as one multi-row INSERT: a document is hundreds of rows
 * (provenance above all), and one round trip each to the server would bound a worker at a few
 * thousand rows per second. Order is kept, so what a later statement deletes or updates is there.
 */
export function coalesced(statements: readonly Statement[]): Statement[] {
  const out: Array<{ sql: string; params: unknown[]; base: string; rows: number }> = [];
  for (const { sql, params } of statements) {
    const last = out[out.length - 1];
    const row = PLAIN_INSERT.exec(sql)?.[1];
    if (row && last && last.base === sql && last.rows < ROWS_PER_INSERT) {
      last.sql += `, ${row}`;
      last.params.push(...params);
      last.rows++;
    } else out.push({ sql, params: [...params], base: row ? sql : '', rows: 1 });
  }
  return out.map(({ sql, params }) => ({ sql, params }));
}

/** Run statements of the shared SQL in order on one connection (the caller holds the transaction). */
export async function runOn(client: Queryable, statements: readonly Statement[]): Promise<void> {
  for (const { sql, params } of coalesced(statements)) await client.query(numberedPlaceholders(sql), params as unknown[]);
}

/** Rows of a query in the shared SQL (marked for PostgreSQL where it differs), parameters bound. */
export async function rowsOf<T>(client: Queryable, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const result = await client.query(numberedPlaceholders(forDialect(sql, 'postgres')), params as unknown[]);
  return result.rows as T[];
}

/** Run `work` in one transaction on one connection of the pool; rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function zipingTables(client: Queryable): Promise<string[]> {
  const rows = await rowsOf<{ table_name: string }>(client,
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('documents', 'forms')");
  return rows.map((r) => r.table_name);
}

/**
 * Connect and make sure the database holds ziping's schema. `create` (ingest, worker) creates the
 * tables and views when missing; without it (every command that reads) a database without them is
 * refused with `DatabaseRefused`, as the SQLite store refuses a path that holds no ziping database.
 */
export async function openPostgres(url: string, options: { create?: boolean; size?: number } = {}): Promise<pg.Pool> {
  const pool = postgresPool(url, options.size);
  const shown = redactUrl(url);
  try {
    if (options.create) {
      await inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
        await client.query(postgresSchema());
      });
    } else if ((await zipingTables(pool)).length < 2) {
      throw new DatabaseRefused(url, `${shown} is not a ziping database (a PostgreSQL database without documents and forms tables)`);
    }
  } catch (error) {
    await pool.end();
    if (error instanceof DatabaseRefused) throw error;
    throw new DatabaseRefused(url, `cannot open ${shown}: ${(error as Error).message}`);
  }
  return pool;
}
