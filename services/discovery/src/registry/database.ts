/**
 * The registry's database, opened and migrated: the PostgreSQL at a URL, or an embedded PostgreSQL
 * (PGlite with pgvector) on disk, served on a loopback port so both are reached through the same `pg` Pool.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { loadMigrations, migrationScript } from '../../../../constructs/database/schema.js';

/** A pino-like logger. */
export interface DatabaseLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface DatabaseOptions {
  /** postgresql:// URL of the database. @default an embedded PostgreSQL under `stateDir` */
  readonly url?: string;
  /** Folder the embedded database lives in (`<stateDir>/pglite`); unused with a URL. */
  readonly stateDir: string;
  /** Dimension of the embedding model's vectors, for the pgvector tables. @default 768 (nomic-embed-text) */
  readonly embeddingDimensions?: number;
  readonly log: DatabaseLog;
}

export interface Database {
  readonly pool: pg.Pool;
  /** True when this is the embedded PGlite rather than a PostgreSQL at a URL. */
  readonly embedded: boolean;
  /** The migrations this open applied, e.g. `0001_mcp_registry`; empty when the schema was already current. */
  readonly applied: readonly string[];
  /** Ends the pool, then stops the embedded database if there is one. */
  close(): Promise<void>;
}

/** Where a pool connects, and what stops the server behind it when it is ours. */
interface Server {
  readonly connection: pg.ClientConfig;
  stop(): Promise<void>;
}

const APPLICATION_NAME = 'mcp-discovery';
const CONNECT_TIMEOUT_MS = 5_000;

/** Opens the database and brings its schema up to date; concurrent opens wait on the migration lock. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const embedded = options.url === undefined;
  const server = options.url === undefined ? await startEmbedded(options.stateDir, options.log) : external(options.url);
  let applied: string[];
  try {
    applied = await migrate(server.connection, options.embeddingDimensions ?? 768, options.log);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const pool = new pg.Pool({
    ...server.connection,
    ...(embedded
      ? // PGlite runs one query at a time for all connections and shares one session between them: more
        // connections add no throughput. Kept open, since the socket server frees a slot only after a close.
        { max: 1, idleTimeoutMillis: 0 }
      : {
          max: 4,
          idleTimeoutMillis: 30_000,
          statement_timeout: 15_000,
          // A backstop for a server that stops answering; pool.query drops the client on it.
          query_timeout: 20_000,
          idle_in_transaction_session_timeout: 30_000,
        }),
  });
  // A PostgreSQL restart ends idle connections with an error event; the pool replaces them on next use.
  pool.on('error', (error) => options.log.warn({ err: error }, 'lost an idle database connection; the pool opens a new one on next use'));
  return {
    pool,
    embedded,
    applied,
    close: async () => {
      await pool.end();
      await server.stop();
    },
  };
}

function external(url: string): Server {
  return {
    connection: { connectionString: url, application_name: APPLICATION_NAME, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true },
    stop: async () => {},
  };
}

/**
 * Runs the migration script on a connection of its own, without the pool's statement timeout: it may wait
 * on the advisory lock while another runner (the Kubernetes Job) builds an index.
 */
async function migrate(connection: pg.ClientConfig, embeddingDimensions: number, log: DatabaseLog): Promise<string[]> {
  const client = new pg.Client(connection);
  const applied: string[] = [];
  client.on('notice', (notice) => {
    const match = /^applied migration (\S+)$/.exec(notice.message ?? '');
    if (match) applied.push(match[1]);
  });
  client.on('error', (error) => log.warn({ err: error }, 'lost the migration connection'));
  try {
    await client.connect();
  } catch (error) {
    // pg's own message ("connect ECONNREFUSED 127.0.0.1:5432") names neither the database nor where the address came from.
    throw new Error(`cannot connect to PostgreSQL at ${client.host}:${client.port}, database "${client.database}": ${(error as Error).message}${connection.connectionString ? ' (check --database-url / DATABASE_URL)' : ''}`, { cause: error });
  }
  try {
    const available = await client.query<{ vector: boolean }>(`SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'vector') AS vector`);
    const withVector = available.rows[0].vector;
    const schema = { embeddingDimensions };
    await client.query(migrationScript(loadMigrations(schema, { vector: withVector }), schema));
    log.info(
      { applied, vector: withVector },
      withVector ? 'database schema is current' : 'database schema is current; no pgvector here, so the query history and app context tables are left out',
    );
    return applied;
  } finally {
    // Ending the session also rolls back a failed script, whose own BEGIN left the transaction open.
    await client.end();
  }
}

async function startEmbedded(stateDir: string, log: DatabaseLog): Promise<Server> {
  const dataDir = join(stateDir, 'pglite');
  const release = claimStateDir(stateDir, dataDir);
  try {
    // Loaded only here: PGlite and its WebAssembly cost about 75 MB that a service with a database URL never needs.
    const [{ PGlite }, { vector }, { PGLiteSocketServer }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-pgvector'),
      import('@electric-sql/pglite-socket'),
    ]);
    const db = await PGlite.create({ dataDir, extensions: { vector } });
    // One spare connection beyond the pool's one: the migration connection, and a reconnect while the old slot frees.
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    log.info({ dataDir, port }, 'embedded PostgreSQL (PGlite with pgvector) listening on loopback');
    return {
      connection: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', application_name: APPLICATION_NAME, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
      stop: async () => {
        await server.stop();
        await db.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** Lock files this process holds: a lock naming our own pid is stale unless listed here (a restarted container reuses pids). */
const heldHere = new Set<string>();

/**
 * PGlite does not lock its folder, and two instances writing one folder corrupt it: a lock file with the
 * holder's pid keeps a second service, or a second open in this one, out. A lock whose process is gone is taken over.
 * @returns what releases the lock
 */
function claimStateDir(stateDir: string, dataDir: string): () => void {
  mkdirSync(stateDir, { recursive: true });
  const lockFile = join(stateDir, 'pglite.lock');
  const create = (): boolean => {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  };
  const inUse = () =>
    new Error(
      `The embedded database in ${dataDir} is already open in process ${readFileSync(lockFile, 'utf8')} (lock file ${lockFile}): stop that process, or give this one another state folder or a database URL.`,
    );
  if (!create()) {
    if (isRunning(Number(readFileSync(lockFile, 'utf8')), lockFile)) throw inUse();
    rmSync(lockFile, { force: true });
    // Another process may have taken the stale lock over between the two steps.
    if (!create()) throw inUse();
  }
  heldHere.add(lockFile);
  return () => {
    heldHere.delete(lockFile);
    rmSync(lockFile, { force: true });
  };
}

function isRunning(pid: number, lockFile: string): boolean {
  // An unreadable pid is a lock being written this instant, so it counts as held.
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return heldHere.has(lockFile);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
