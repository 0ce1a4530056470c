import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the migrations are rendered with. */
export interface SchemaOptions {
  /**
   * Dimension of the embedding model's vectors (768 for nomic-embed-text, 1024 for bge-m3, ...): the
   * `vector(n)` columns must match it, or every insert of a new embedding fails.
   */
  readonly embeddingDimensions: number;
  /** HNSW index build parameters. @default pgvector's own: m 16, efConstruction 64 */
  readonly hnsw?: {
    /** Links per node: higher finds neighbours better and costs memory. 2 to 100. @default 16 */
    readonly m?: number;
    /** Candidate list size while building: higher builds slower and better. At least 2 × m, at most 1000. @default 64 */
    readonly efConstruction?: number;
  };
}

/** One versioned migration file, rendered. */
export interface Migration {
  /** The NNNN of `NNNN_name.sql`; migrations apply in this order, each once. */
  readonly version: number;
  /** The file name without `.sql`, e.g. `0002_query_history`: what schema_migrations and errors show. */
  readonly name: string;
  /** Absolute path of the file. */
  readonly file: string;
  /** The SQL with its placeholders filled in. */
  readonly sql: string;
  /**
   * sha256 hex of the file as written, before placeholders are filled. Options are left out on purpose:
   * the script checks the live columns and indexes against them with a message about the option, and a
   * dimension change stays possible through a new migration that re-embeds. Had the checksum covered
   * them, a new embedding model would read as an edited migration and could never be migrated to.
   */
  readonly checksum: string;
  /** Whether the SQL needs pgvector, so a database without it (the CI PostgreSQL) can run the rest. */
  readonly requiresVector: boolean;
}

/** Where the `NNNN_name.sql` files live, beside this module so they ship with it. */
export const MIGRATIONS_DIR: string = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * The `pg_advisory_xact_lock` key that serializes concurrent runs of the migration script (two Job pods,
 * a Job and the discovery service at start): the bytes of ASCII "mcpmig", so pg_locks shows it as
 * classid 28003 (0x6d63), objid 1886218599 (0x706d6967). Any fixed number works; it must never change,
 * or an old and a new runner would no longer exclude each other. Below 2^53, so exact as a JS number.
 */
export const MIGRATION_LOCK_KEY: number = 0x6d63706d6967;

/**
 * pgvector builds HNSW and IVFFlat indexes on `vector` columns of at most 2000 dimensions; above that a
 * column can be created but never indexed, and similarity search turns into a full scan.
 */
export const MAX_VECTOR_INDEX_DIMENSIONS = 2000;

/**
 * The vector columns the migrations create and their HNSW indexes. The script checks them against the
 * options on every run; a migration that adds a vector column adds it here.
 */
const VECTOR_COLUMNS = [
  { table: 'query_history', column: 'embedding', index: 'query_history_embedding_hnsw_idx' },
  { table: 'app_contexts', column: 'embedding', index: 'app_contexts_embedding_hnsw_idx' },
] as const;

const FILE_NAME = /^(\d{4})_([a-z0-9]+(?:_[a-z0-9]+)*)\.sql$/;

/**
 * Reads, validates and renders the migrations in MIGRATIONS_DIR (or `directory`), sorted by version.
 * Throws on a file not named `NNNN_name.sql`, a duplicate version, a placeholder left unfilled or an
 * option pgvector would reject, so a bad schema fails synth instead of the Job in the cluster.
 *
 * @param filter.vector false keeps only migrations that do not need pgvector. @default true
 * @param directory where the files are read from. @default MIGRATIONS_DIR
 */
export function loadMigrations(options: SchemaOptions, filter?: { vector?: boolean }, directory: string = MIGRATIONS_DIR): Migration[] {
  const values = placeholderValues(options);
  const migrations = readdirSync(directory)
    .sort()
    .map((fileName): Migration => {
      const match = FILE_NAME.exec(fileName);
      if (!match) {
        throw new Error(`Migration ${fileName} in ${directory}: the name must be NNNN_name.sql (four digits, an underscore, lowercase words joined by underscores).`);
      }
      const file = join(directory, fileName);
      const text = readFileSync(file, 'utf8');
      const sql = Object.entries(values).reduce((rendered, [placeholder, value]) => rendered.replaceAll(placeholder, String(value)), text);
      const unknown = /\{\{[^}]*\}\}/.exec(sql);
      if (unknown) {
        throw new Error(`Migration ${fileName}: unknown placeholder ${unknown[0]}; the placeholders are ${Object.keys(values).join(', ')}.`);
      }
      return {
        version: Number(match[1]),
        name: fileName.slice(0, -'.sql'.length),
        file,
        sql,
        checksum: createHash('sha256').update(text).digest('hex'),
        requiresVector: /vector\(|CREATE EXTENSION IF NOT EXISTS vector/i.test(sql),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, i) => {
    const previous = migrations[i - 1];
    if (previous?.version === migration.version) {
      throw new Error(`Migrations ${previous.name} and ${migration.name} share version ${migration.version}: give each migration its own number.`);
    }
  });
  return filter?.vector === false ? migrations.filter((m) => !m.requiresVector) : migrations;
}

/**
 * One plain SQL script that brings a database up to `migrations`: the same text runs through
 * `psql -v ON_ERROR_STOP=1 -f` (the Kubernetes Job), node-postgres `client.query(script)` and PGlite
 * `db.exec(script)`, so what the tests run is what the cluster runs.
 *
 * It is one transaction behind an advisory lock: concurrent runners wait for each other, and a failure
 * anywhere leaves the database as it was. psql ends its session on the error, which rolls back; a caller
 * that keeps its connection (node-postgres, PGlite) must send `ROLLBACK` after a failed run, because the
 * script's own `BEGIN` leaves the session in the aborted transaction.
 *
 * Each migration runs once, recorded in schema_migrations with its checksum; a recorded migration whose
 * file changed fails the run, since the change would never reach databases that already applied it. A
 * migration's SQL is handed whole to PL/pgSQL `EXECUTE`, which runs a multi-statement string statement by
 * statement (checked on PostgreSQL 15 and PGlite 0.5 / PostgreSQL 18, with CREATE TABLE then INSERT into
 * it, CREATE EXTENSION and CREATE FUNCTION with a dollar-quoted body in one string), so files are never
 * split on `;`, which would break dollar-quoted bodies. Every statement in a migration is idempotent
 * on its own, so a database holding some of a migration's objects without its row (created by hand, or
 * restored from a dump without schema_migrations) heals instead of failing on "already exists".
 *
 * After the migrations, every run checks the vector columns' dimension and the HNSW indexes' parameters
 * against `options` and fails with the table, both values and the fix when they differ: inserts of a new
 * model's embeddings would fail later, far from the cause.
 */
export function migrationScript(migrations: readonly Migration[], options: SchemaOptions): string {
  const { m, efConstruction } = hnswParameters(options);
  const dimensions = validDimensions(options.embeddingDimensions);
  const applies = [...migrations].sort((a, b) => a.version - b.version).map(applyOnce);
  const checks = VECTOR_COLUMNS.map(({ table, column, index }) => {
    const configured = `vector(${dimensions})`;
    const fix = `Configure the embedding model the data was embedded with (embeddingDimensions %), or add a new migration that changes the column to ${configured} and re-embeds every row with the new model.`;
    const wanted = `ARRAY['m=${m}', 'ef_construction=${efConstruction}']`;
    return `  SELECT format_type(atttypid, atttypmod), atttypmod INTO found_type, found_dimensions
    FROM pg_attribute WHERE attrelid = to_regclass('${table}') AND attname = '${column}' AND NOT attisdropped;
  IF found_type IS NOT NULL AND found_type <> '${configured}' THEN
    RAISE EXCEPTION '${table}.${column} has % dimensions (%) but embeddingDimensions is ${dimensions}: the stored embeddings come from a model with % dimensions. ${fix}',
      found_dimensions, found_type, found_dimensions, found_dimensions;
  END IF;
  SELECT coalesce(reloptions, '{}') INTO found_options FROM pg_class WHERE oid = to_regclass('${index}');
  IF found_options IS NOT NULL AND NOT (found_options @> ${wanted} AND found_options <@ ${wanted}) THEN
    RAISE EXCEPTION '${index} was built with % but the hnsw options ask for m=${m}, ef_construction=${efConstruction}: keep the options the index was built with, or add a new migration that drops and recreates the index with the new ones.',
      found_options;
  END IF;`;
  });
  return `-- Generated by constructs/database/schema.ts from ${migrations.map((mg) => mg.name).join(', ')}.
BEGIN;
SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY});
-- "already exists, skipping" notices are noise in the Job's log; applied migrations are reported as INFO.
SET LOCAL client_min_messages = warning;
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE schema_migrations IS 'Migrations applied by the mcp-platform migration script, with the checksum of each file as applied.';
${applies.join('\n')}
DO $verify_options$
DECLARE
  found_type text;
  found_dimensions integer;
  found_options text[];
BEGIN
${checks.join('\n')}
END
$verify_options$;
COMMIT;
`;
}

/** The DO block that applies `migration` unless schema_migrations records it, and refuses an edited one. */
function applyOnce(migration: Migration): string {
  const digits = String(migration.version).padStart(4, '0');
  const outer = `$migrate_${digits}$`;
  const inner = `$migration_${digits}$`;
  for (const tag of [outer, inner]) {
    if (migration.sql.includes(tag)) {
      throw new Error(`Migration ${migration.name} contains ${tag}, the dollar-quote tag the script wraps it in: use another tag in ${migration.file}.`);
    }
  }
  return `DO ${outer}
DECLARE
  recorded text;
BEGIN
  SELECT checksum INTO recorded FROM schema_migrations WHERE version = ${migration.version};
  IF recorded IS NULL THEN
    EXECUTE ${inner}
${migration.sql}
${inner};
    INSERT INTO schema_migrations (version, name, checksum) VALUES (${migration.version}, ${literal(migration.name)}, ${literal(migration.checksum)});
    RAISE INFO 'applied migration %', ${literal(migration.name)};
  ELSIF recorded <> ${literal(migration.checksum)} THEN
    RAISE EXCEPTION 'migration % was changed after it was applied (checksum % when applied, % now): add a new migration instead of editing an applied one.',
      ${literal(migration.name)}, recorded, ${literal(migration.checksum)};
  END IF;
END
${outer};`;
}

/** A SQL string literal; names and checksums come from files, so they are quoted, never spliced. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function placeholderValues(options: SchemaOptions): Record<string, number> {
  const { m, efConstruction } = hnswParameters(options);
  return {
    '{{EMBEDDING_DIMENSIONS}}': validDimensions(options.embeddingDimensions),
    '{{HNSW_M}}': m,
    '{{HNSW_EF_CONSTRUCTION}}': efConstruction,
  };
}

function validDimensions(dimensions: number): number {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_VECTOR_INDEX_DIMENSIONS) {
    throw new Error(
      `embeddingDimensions must be a whole number from 1 to ${MAX_VECTOR_INDEX_DIMENSIONS}, got ${dimensions}: pgvector indexes vector columns of at most ${MAX_VECTOR_INDEX_DIMENSIONS} dimensions. ` +
        `Pick an embedding model with at most ${MAX_VECTOR_INDEX_DIMENSIONS} dimensions, or one that can shorten its embeddings (Matryoshka models such as text-embedding-3-large or nomic-embed-text) and configure that length.`,
    );
  }
  return dimensions;
}

/** pgvector's limits for HNSW, checked here so a bad value fails synth, not the CREATE INDEX in the cluster. */
function hnswParameters(options: SchemaOptions): { m: number; efConstruction: number } {
  const m = options.hnsw?.m ?? 16;
  const efConstruction = options.hnsw?.efConstruction ?? 64;
  if (!Number.isInteger(m) || m < 2 || m > 100) {
    throw new Error(`hnsw.m must be a whole number from 2 to 100 (pgvector's limits), got ${m}.`);
  }
  if (!Number.isInteger(efConstruction) || efConstruction < 2 * m || efConstruction > 1000) {
    throw new Error(`hnsw.efConstruction must be a whole number from 2 × m (${2 * m}) to 1000 (pgvector's limits), got ${efConstruction}.`);
  }
  return { m, efConstruction };
}
