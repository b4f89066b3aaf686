import { accessSync, chmodSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type CompiledQuery, type MigrationResultSet } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import type { Pool } from 'pg';
import { CamtroveError } from '../../domain/errors.js';
import { redactUrl } from '../../domain/redact.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, safe to print (no password). */
  description: string;
  /**
   * Runs a read and returns its rows as arrays, in the order of its selected columns, outside any
   * transaction: for reads of millions of rows, where building each row as an object costs more
   * than reading it.
   */
  arrays(query: CompiledQuery): Promise<unknown[][]>;
  /**
   * Reads a query's rows as arrays a batch at a time, as one statement: planned once and read in
   * one snapshot, however many rows it has. It holds a connection of its own until closed.
   */
  cursor(query: CompiledQuery): RowCursor;
  close(): Promise<void>;
}

/** A statement being read a batch at a time. */
export interface RowCursor {
  /** Up to `count` more rows, as arrays in the order of the selected columns; none once all were read. */
  read(count: number): Promise<unknown[][]>;
  /** Ends the statement and lets its connection go; safe to call again, and after a failed read. */
  close(): Promise<void>;
}

/**
 * The mode of a data folder camtrove creates: its owner's alone, since it holds camera passwords
 * and footage. A folder that exists already keeps its mode.
 */
export const PRIVATE_FOLDER = 0o700;

/** Opens the metadata database: SQLite in the data folder, or PostgreSQL when `databaseUrl` is set. */
export function openDatabase(options: { dataDir: string; databaseUrl: string }): DatabaseHandle {
  if (options.databaseUrl) {
    const { databaseUrl } = options;
    // pg is loaded on first use: most commands run on SQLite and need not pay for it.
    let created: Promise<Pool> | null = null;
    const pool = () => (created ??= newPool());
    const newPool = async () => {
      const { default: pg } = await import('pg');
      // PostgreSQL returns bigint as text by default; our bigints are epoch ms and sizes, safe as numbers.
      pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
      // A server that does not answer fails start-up after 10 s instead of hanging it (pg waits forever by default).
      const fresh = new pg.Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 10_000 });
      // An idle client losing its connection must not crash the process; the next query reconnects.
      fresh.on('error', () => undefined);
      return fresh;
    };
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const arrays = async (query: CompiledQuery) => (await (await pool()).query<unknown[]>({ text: query.sql, values: [...query.parameters], rowMode: 'array' })).rows;
    const cursor = (query: CompiledQuery) => postgresCursor(pool(), query);
    return { db, dialect: 'postgres', description: redactUrl(options.databaseUrl), arrays, cursor, close: () => db.destroy() };
  }
  mkdirSync(options.dataDir, { recursive: true, mode: PRIVATE_FOLDER });
  const file = join(options.dataDir, 'camtrove.db');
  const created = !existsSync(file);
  // SQLite opens a read-only file and fails only at the first write, half-way through a command.
  if (!created) refuseReadOnly(file);
  const sqlite = new SqliteDatabase(file);
  // It holds camera passwords and the footage index: readable by its owner only (SQLite gives the
  // -wal and -shm files the same mode). A file that already existed keeps the mode its owner chose.
  if (created) chmodSync(file, 0o600);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  // Several processes (serve, worker, CLI) share the file: wait for a lock rather than fail.
  sqlite.pragma('busy_timeout = 10000');
  // 16 MiB of pages instead of 2: archiving a thousand cameras writes into several indexes at once
  // (frames by camera and time, files by hash), and with the default their pages keep being re-read.
  sqlite.pragma('cache_size = -16384');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  // Prepared once per text: an export reads each batch's labels with the same statement hundreds of times.
  const prepared = new Map<string, SqliteDatabase.Statement>();
  const arrays = (query: CompiledQuery) => {
    let statement = prepared.get(query.sql);
    if (!statement) {
      if (prepared.size >= 64) prepared.clear();
      statement = sqlite.prepare(query.sql).raw(true);
      prepared.set(query.sql, statement);
    }
    return Promise.resolve(statement.all(...query.parameters) as unknown[][]);
  };
  const cursor = (query: CompiledQuery) => sqliteCursor(file, query);
  return { db, dialect: 'sqlite', description: file, arrays, cursor, close: () => db.destroy() };
}

function refuseReadOnly(file: string): void {
  try {
    accessSync(file, constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EROFS' ? 'it is on a read-only file system' : 'it is read-only for this user';
    throw new CamtroveError('CAMTROVE_ERR_DATABASE_READ_ONLY', `the SQLite database ${file} cannot be written: ${reason}; give the user running camtrove write access to it and its folder, or choose another data folder with --data`);
  }
}

/**
 * A server-side cursor (a portal of the extended protocol) on a connection of the pool: rows come
 * a batch per round trip, without the parsing and planning a query per page would repeat.
 */
function postgresCursor(pool: Promise<Pool>, query: CompiledQuery): RowCursor {
  const opened = pool.then(async (p) => {
    const { default: Cursor } = await import('pg-cursor');
    const client = await p.connect();
    return { client, rows: client.query(new Cursor<unknown[]>(query.sql, [...query.parameters], { rowMode: 'array' })) };
  });
  let failure: Error | undefined;
  let closed: Promise<void> | null = null;
  return {
    async read(count) {
      const { rows } = await opened;
      try {
        return await rows.read(count);
      } catch (error) {
        failure = error as Error;
        throw error;
      }
    },
    close: () =>
      (closed ??= opened.then(
        async ({ client, rows }) => {
          // A failed statement has ended its transaction; its connection is dropped rather than trusted again.
          if (failure) return client.release(failure);
          try {
            await rows.close();
            client.release();
          } catch (error) {
            client.release(error as Error);
          }
        },
        () => undefined,
      )),
  };
}

/**
 * A statement on a read-only connection of its own: the library's connection stays free for
 * other work between batches (better-sqlite3 allows nothing else on a connection while one of its
 * statements is being read), and WAL mode lets it read one snapshot while others write.
 */
function sqliteCursor(file: string, query: CompiledQuery): RowCursor {
  let open: { connection: SqliteDatabase.Database; rows: IterableIterator<unknown[]> } | null = null;
  let closed = false;
  const close = () => {
    closed = true;
    open?.rows.return?.();
    open?.connection.close();
    open = null;
  };
  return {
    read(count) {
      if (closed) return Promise.resolve([]);
      try {
        if (!open) {
          const connection = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
          // A reader waits too, should it start while another process recovers or truncates the WAL.
          connection.pragma('busy_timeout = 10000');
          open = { connection, rows: connection.prepare(query.sql).raw(true).iterate(...query.parameters) as IterableIterator<unknown[]> };
        }
        const batch: unknown[][] = [];
        for (let next = open.rows.next(); !next.done; next = open.rows.next()) {
          batch.push(next.value);
          if (batch.length === count) break;
        }
        return Promise.resolve(batch);
      } catch (error) {
        close();
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    close() {
      close();
      return Promise.resolve();
    },
  };
}

/** Brings the schema up to date; safe to call at every start and from several processes. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: 'camtrove_migrations',
    migrationLockTableName: 'camtrove_migrations_lock',
    // Without a schema, Kysely takes a migration table in any other schema of the database for
    // this one's and never creates it here: name the schema the tables are created in.
    ...(handle.dialect === 'postgres' ? { migrationTableSchema: await currentSchema(handle) } : {}),
  });
  let result = await migrator.migrateToLatest();
  // Kysely lists the tables of every schema to find its own; on PostgreSQL a schema another client
  // drops at that moment fails the listing ("schema … does not exist"). Nothing was changed: retry.
  for (let retry = 0; retry < 3 && result.error && /schema "[^"]+" does not exist/.test(String((result.error as Error).message ?? result.error)); retry += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50 * (retry + 1)));
    result = await migrator.migrateToLatest();
  }
  if (result.error) {
    const reason = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new CamtroveError('CAMTROVE_ERR_INTERNAL', `database migration failed on ${handle.description}: ${reason}`, { cause: result.error });
  }
  return result;
}

/** The schema unqualified tables are created in (the first existing one on the search_path). */
async function currentSchema(handle: DatabaseHandle): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(handle.db);
  return rows[0]?.schema ?? undefined;
}

/** Whether an error is a unique-constraint violation, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | undefined;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Whether a statement failed because a value does not fit its column: PostgreSQL's data exceptions
 * (SQLSTATE class 22: a string longer than its varchar, a number out of an integer's range, a NUL in
 * text). SQLite stores such values as they come, so only PostgreSQL refuses them.
 */
export function isUnfitValue(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && (error as { severity?: unknown }).severity !== undefined;
}

/**
 * Whether a statement failed only because it met concurrent ones (a deadlock, a serialization
 * failure, a busy database): nothing was written, and the same statement may simply be sent again.
 */
export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (['40P01', '40001', '55P03'].includes(code) || code.startsWith('SQLITE_BUSY'));
}

/**
 * Runs `work` in a transaction, committed when it resolves and rolled back when it throws, and
 * fails with the error that failed it. (Kysely's own `transaction()` rolls back after a failed
 * COMMIT and throws the rollback's error; SQLite has rolled back by itself when its COMMIT meets a
 * full disk, so that error would be "cannot rollback - no transaction is active" instead of the
 * SQLITE_FULL that says what happened.)
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const trx = await db.startTransaction().execute();
  let result: T;
  try {
    result = await work(trx);
    await trx.commit().execute();
  } catch (error) {
    if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute().catch(() => undefined);
    throw error;
  }
  return result;
}
