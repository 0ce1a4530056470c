import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import {
  MAX_VECTOR_INDEX_DIMENSIONS,
  MIGRATION_LOCK_KEY,
  MIGRATIONS_DIR,
  loadMigrations,
  migrationScript,
  type Migration,
  type SchemaOptions,
} from '../../../constructs/database/schema.js';
import { tempDir } from '../../support/files.js';

const small: SchemaOptions = { embeddingDimensions: 8 };
const script = (options: SchemaOptions, filter?: { vector?: boolean }) => migrationScript(loadMigrations(options, filter), options);
const scriptFile = (text: string) => {
  const file = join(tempDir('mcp-schema-'), 'migrate.sql');
  writeFileSync(file, text);
  return file;
};

interface Psql {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the script the way the Kubernetes Job does. Asynchronous, not spawnSync: the PGlite socket server
 * answers psql from this process's event loop, which spawnSync would block until psql gave up.
 */
function psql(host: string, port: number, database: string, file: string, env: Record<string, string> = {}): Promise<Psql> {
  return new Promise((resolve, reject) => {
    const args = ['-v', 'ON_ERROR_STOP=1', '-X', '-q', '-h', host, '-p', String(port), '-U', 'postgres', '-d', database, '-f', file];
    const child = spawn('psql', args, { env: { ...process.env, ...env }, timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** `count` rows of seeded random embeddings; one correlated subquery per row, so each row gets its own vector. */
async function seedEmbeddings(db: PGlite, dimensions: number, count: number): Promise<void> {
  const randomVector = `(SELECT array_agg(random() * 2 - 1) FROM generate_series(1, ${dimensions}) WHERE i > 0)::vector`;
  await db.exec(`
    SELECT setseed(0.42);
    INSERT INTO query_history (query, embedding, model) SELECT 'query ' || i, ${randomVector}, 'test' FROM generate_series(1, ${count}) AS i;
    INSERT INTO app_contexts (app, context_key, content, embedding) SELECT 'app-' || i % 5, 'key-' || i, 'content ' || i, ${randomVector} FROM generate_series(1, ${count}) AS i;
  `);
}

/** A vector no seeded row is close to: random components are never all exactly ±1 in this pattern. */
const planted = (dimensions: number) => `[${Array.from({ length: dimensions }, (_, i) => (i % 2 ? 1 : -1)).join(',')}]`;

/** Plants a row with the query vector itself, then checks the HNSW index serves the query and returns it first. */
async function expectNearestThroughIndex(db: PGlite, dimensions: number): Promise<void> {
  const target = planted(dimensions);
  await db.query(`INSERT INTO query_history (query, embedding) VALUES ('planted', $1)`, [target]);
  await db.query(`INSERT INTO app_contexts (app, context_key, content, embedding) VALUES ('app-planted', 'planted', 'planted', $1)`, [target]);
  // A few hundred rows fit in a handful of pages, so the planner prefers a seq scan plus sort; forbidding
  // it makes the plan show whether the HNSW index can serve the query at all.
  await db.exec('SET enable_seqscan = off');
  try {
    for (const [table, label, index] of [
      ['query_history', 'query', 'query_history_embedding_hnsw_idx'],
      ['app_contexts', 'context_key', 'app_contexts_embedding_hnsw_idx'],
    ]) {
      const knn = `SELECT ${label} AS label, embedding <=> $1 AS distance FROM ${table} ORDER BY embedding <=> $1 LIMIT 5`;
      const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${knn}`, [target]);
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(`Index Scan using ${index} on ${table}`);
      const nearest = await db.query<{ label: string; distance: number }>(knn, [target]);
      expect(nearest.rows).toHaveLength(5);
      expect(nearest.rows[0]).toEqual({ label: 'planted', distance: 0 });
    }
  } finally {
    await db.exec('RESET enable_seqscan');
  }
}

async function recordedMigrations(db: PGlite) {
  return (await db.query<{ version: number; name: string; checksum: string; applied_at: Date }>('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version')).rows;
}

describe('loadMigrations', () => {
  it('renders the three migrations in version order with the embedding dimension and pgvector default HNSW parameters', () => {
    const migrations = loadMigrations({ embeddingDimensions: 768 });
    expect(migrations.map(({ version, name, requiresVector }) => ({ version, name, requiresVector }))).toEqual([
      { version: 1, name: '0001_mcp_registry', requiresVector: false },
      { version: 2, name: '0002_query_history', requiresVector: true },
      { version: 3, name: '0003_app_contexts', requiresVector: true },
    ]);
    for (const migration of migrations) {
      expect(migration.file).toBe(join(MIGRATIONS_DIR, `${migration.name}.sql`));
      expect(migration.checksum).toBe(createHash('sha256').update(readFileSync(migration.file)).digest('hex'));
      expect(migration.sql).not.toContain('{{');
    }
    expect(migrations[1].sql).toContain('embedding vector(768) NOT NULL');
    expect(migrations[2].sql).toContain('USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)');
  });

  it('renders the HNSW parameters it is given', () => {
    const [, queryHistory] = loadMigrations({ embeddingDimensions: 8, hnsw: { m: 24, efConstruction: 100 } });
    expect(queryHistory.sql).toContain('WITH (m = 24, ef_construction = 100)');
  });

  it('keeps only the migrations that need no pgvector when asked', () => {
    expect(loadMigrations(small, { vector: false }).map((m) => m.name)).toEqual(['0001_mcp_registry']);
  });

  it('checksums the file as written, so a new embedding dimension is not mistaken for an edited migration', () => {
    const checksums = (dimensions: number) => loadMigrations({ embeddingDimensions: dimensions }).map((m) => m.checksum);
    expect(checksums(16)).toEqual(checksums(8));
  });

  it.each([0, MAX_VECTOR_INDEX_DIMENSIONS + 1, 1.5])('rejects embeddingDimensions %p with the limit and the fix', (dimensions) => {
    expect(() => loadMigrations({ embeddingDimensions: dimensions })).toThrow(
      `embeddingDimensions must be a whole number from 1 to 2000, got ${dimensions}: pgvector indexes vector columns of at most 2000 dimensions. ` +
        'Pick an embedding model with at most 2000 dimensions, or one that can shorten its embeddings (Matryoshka models such as text-embedding-3-large or nomic-embed-text) and configure that length.',
    );
  });

  it('rejects HNSW parameters pgvector would refuse', () => {
    expect(() => loadMigrations({ embeddingDimensions: 8, hnsw: { m: 1 } })).toThrow("hnsw.m must be a whole number from 2 to 100 (pgvector's limits), got 1.");
    expect(() => loadMigrations({ embeddingDimensions: 8, hnsw: { m: 40 } })).toThrow(
      "hnsw.efConstruction must be a whole number from 2 × m (80) to 1000 (pgvector's limits), got 64.",
    );
  });

  it('rejects a file not named NNNN_name.sql, a duplicate version and an unknown placeholder', () => {
    const misnamed = tempDir();
    writeFileSync(join(misnamed, '1_registry.sql'), 'SELECT 1;');
    expect(() => loadMigrations(small, undefined, misnamed)).toThrow(
      `Migration 1_registry.sql in ${misnamed}: the name must be NNNN_name.sql (four digits, an underscore, lowercase words joined by underscores).`,
    );

    const duplicate = tempDir();
    writeFileSync(join(duplicate, '0001_a.sql'), 'SELECT 1;');
    writeFileSync(join(duplicate, '0001_b.sql'), 'SELECT 2;');
    expect(() => loadMigrations(small, undefined, duplicate)).toThrow('Migrations 0001_a and 0001_b share version 1: give each migration its own number.');

    const placeholder = tempDir();
    writeFileSync(join(placeholder, '0001_a.sql'), 'CREATE TABLE t (e vector({{EMBEDDING_DIMS}}));');
    expect(() => loadMigrations(small, undefined, placeholder)).toThrow(
      'Migration 0001_a.sql: unknown placeholder {{EMBEDDING_DIMS}}; the placeholders are {{EMBEDDING_DIMENSIONS}}, {{HNSW_M}}, {{HNSW_EF_CONSTRUCTION}}.',
    );
  });
});

describe('migrationScript', () => {
  it('is one transaction behind the advisory lock, with no psql meta-command', () => {
    const text = script(small);
    expect(text).toMatch(new RegExp(`^-- .*\\nBEGIN;\\nSELECT pg_advisory_xact_lock\\(${MIGRATION_LOCK_KEY}\\);\\n`));
    expect(text.endsWith('COMMIT;\n')).toBe(true);
    expect(text).not.toMatch(/^\s*\\/m);
    expect(Number.isSafeInteger(MIGRATION_LOCK_KEY)).toBe(true);
  });

  it('refuses a migration that contains the dollar-quote tag it would be wrapped in', () => {
    const [registry] = loadMigrations(small, { vector: false });
    const tampered = { ...registry, sql: `${registry.sql}\nSELECT $migration_0001$ $migration_0001$;` };
    expect(() => migrationScript([tampered], small)).toThrow(
      `Migration 0001_mcp_registry contains $migration_0001$, the dollar-quote tag the script wraps it in: use another tag in ${registry.file}.`,
    );
  });
});

describe('migrations on PGlite with pgvector', () => {
  let db: PGlite;

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    await db.exec(script(small));
    await seedEmbeddings(db, small.embeddingDimensions, 500);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('records each migration once and changes nothing on a second run', async () => {
    const objects = async () => (await db.query(`SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname`)).rows;
    const [migrationsBefore, objectsBefore] = [await recordedMigrations(db), await objects()];

    await db.exec(script(small));

    expect(await recordedMigrations(db)).toEqual(migrationsBefore);
    expect(await objects()).toEqual(objectsBefore);
    expect(migrationsBefore.map(({ version, name, checksum }) => ({ version, name, checksum }))).toEqual(
      loadMigrations(small).map(({ version, name, checksum }) => ({ version, name, checksum })),
    );
  });

  it('keeps the registry to DNS-1123 names, known transports and a tool array, and counts the tools', async () => {
    const insert = (name: string, transport: string, tools = '[]') =>
      db.query(`INSERT INTO mcp_servers (name, type, transport, endpoint, tools) VALUES ($1, 'toolhive', $2, 'http://x.mcp-system.svc:8080/mcp', $3) RETURNING *`, [name, transport, tools]);

    const { rows } = await insert('kubernetes', 'streamable-http', '[{"name":"pods_list"},{"name":"pods_get"}]');
    expect(rows[0]).toMatchObject({ tool_count: 2, source: 'discovered', health: 'unknown', review_state: 'none', namespace: null });

    await expect(insert('Kubernetes_MCP', 'sse')).rejects.toThrow('new row for relation "mcp_servers" violates check constraint "mcp_servers_name_is_dns_label"');
    await expect(insert('a'.repeat(64), 'sse')).rejects.toThrow('violates check constraint "mcp_servers_name_is_dns_label"');
    await expect(insert('talos', 'websocket')).rejects.toThrow('new row for relation "mcp_servers" violates check constraint "mcp_servers_transport_is_known"');
    await expect(insert('proxmox', 'sse', '{}')).rejects.toThrow('new row for relation "mcp_servers" violates check constraint "mcp_servers_tools_is_array"');
    await expect(insert('kubernetes', 'sse')).rejects.toThrow('duplicate key value violates unique constraint "mcp_servers_name_key"');
  });

  it('records a tool-list change of a known server and flags it for review, but not a liveness probe', async () => {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO mcp_servers (name, type, transport, endpoint, tools, fingerprint, updated_at)
       VALUES ('adguard', 'standalone', 'stdio', 'http://adguard-mcp:8080/mcp', '[{"name":"list_rules"}]', 'fp-1', '2000-01-01T00:00:00Z') RETURNING id`,
    );
    const id = rows[0].id;
    const server = async () => (await db.query<{ review_state: string; updated_at: Date }>('SELECT review_state, updated_at FROM mcp_servers WHERE id = $1', [id])).rows[0];
    const changes = async () => (await db.query('SELECT old_fingerprint, new_fingerprint, old_tools, new_tools, reviewed_at FROM mcp_server_tool_changes WHERE server_id = $1', [id])).rows;

    await db.query(`UPDATE mcp_servers SET last_seen = now(), health = 'healthy', health_checked_at = now(), latency_ms = 12 WHERE id = $1`, [id]);
    expect(await server()).toEqual({ review_state: 'none', updated_at: new Date('2000-01-01T00:00:00Z') });
    expect(await changes()).toEqual([]);

    await db.query(`UPDATE mcp_servers SET tools = '[{"name":"list_rules"},{"name":"delete_rule"}]', fingerprint = 'fp-2' WHERE id = $1`, [id]);
    const after = await server();
    expect(after.review_state).toBe('pending');
    expect(after.updated_at.getTime()).toBeGreaterThan(new Date('2000-01-01T00:00:00Z').getTime());
    expect(await changes()).toEqual([
      { old_fingerprint: 'fp-1', new_fingerprint: 'fp-2', old_tools: [{ name: 'list_rules' }], new_tools: [{ name: 'list_rules' }, { name: 'delete_rule' }], reviewed_at: null },
    ]);
  });

  it('serves nearest-neighbour queries from the HNSW indexes', async () => {
    await expectNearestThroughIndex(db, small.embeddingDimensions);
  });

  it('heals a database where a migration ran but was not recorded', async () => {
    await db.exec(`DROP INDEX app_contexts_embedding_hnsw_idx; DELETE FROM schema_migrations WHERE version = 3;`);

    await db.exec(script(small));

    expect((await recordedMigrations(db)).map((m) => m.name)).toEqual(['0001_mcp_registry', '0002_query_history', '0003_app_contexts']);
    expect((await db.query(`SELECT to_regclass('app_contexts_embedding_hnsw_idx') AS index`)).rows).toEqual([{ index: 'app_contexts_embedding_hnsw_idx' }]);
  });

  it('refuses to run when an applied migration was changed', async () => {
    const [, queryHistory] = loadMigrations(small);
    await db.query(`UPDATE schema_migrations SET checksum = 'edited' WHERE version = 2`);
    try {
      await expect(db.exec(script(small))).rejects.toThrow(
        `migration 0002_query_history was changed after it was applied (checksum edited when applied, ${queryHistory.checksum} now): add a new migration instead of editing an applied one.`,
      );
      await db.exec('ROLLBACK');
    } finally {
      await db.query(`UPDATE schema_migrations SET checksum = $1 WHERE version = 2`, [queryHistory.checksum]);
    }
  });

  it('refuses HNSW parameters other than those the index was built with', async () => {
    await expect(db.exec(script({ ...small, hnsw: { m: 32 } }))).rejects.toThrow(
      'query_history_embedding_hnsw_idx was built with {m=16,ef_construction=64} but the hnsw options ask for m=32, ef_construction=64: keep the options the index was built with, or add a new migration that drops and recreates the index with the new ones.',
    );
    await db.exec('ROLLBACK');
  });
});

describe('migrations on PGlite with pgvector at 768 dimensions', () => {
  const nomic: SchemaOptions = { embeddingDimensions: 768 };
  let db: PGlite;

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('stores and searches embeddings of a real model size', async () => {
    await db.exec(script(nomic));
    await seedEmbeddings(db, nomic.embeddingDimensions, 500);
    const columns = await db.query(
      `SELECT attrelid::regclass::text AS "table", format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attname = 'embedding' AND attrelid IN ('query_history'::regclass, 'app_contexts'::regclass) ORDER BY 1`,
    );
    expect(columns.rows).toEqual([
      { table: 'app_contexts', type: 'vector(768)' },
      { table: 'query_history', type: 'vector(768)' },
    ]);
    await expectNearestThroughIndex(db, nomic.embeddingDimensions);
  });
});

describe('migrations through real psql against PGlite', () => {
  let db: PGlite;
  let server: PGLiteSocketServer;
  let port: number;
  /**
   * Runs psql, then waits until the server has let go of its session: after a failed run the socket
   * server rolls back psql's open transaction only once it has seen the socket close, a moment after
   * psql exits (a real PostgreSQL ends the backend instead).
   */
  async function run(text: string): Promise<Psql> {
    const result = await psql('127.0.0.1', port, 'postgres', scriptFile(text));
    for (let waited = 0; server.getStats().activeConnections > 0 || db.isInTransaction(); waited += 10) {
      if (waited > 5_000) throw new Error('the PGlite socket server kept the psql session open');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return result;
  }
  // Read only while psql is not connected: PGlite is one session, which psql's transaction would share.
  const tables = async () =>
    (await db.query<{ name: string }>(`SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v') ORDER BY 1`)).rows.map((r) => r.name);

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
    await server.start();
    port = Number(server.getServerConn().split(':').pop());
  });

  afterAll(async () => {
    await server?.stop();
    await db?.close();
  });

  it('leaves nothing behind when a migration fails half-way', async () => {
    expect(await tables()).toEqual([]);
    // A view where 0003 expects its table: CREATE TABLE IF NOT EXISTS skips it, the statements after it
    // fail, after 0001 and 0002 ran in the same transaction.
    await db.exec(`CREATE VIEW app_contexts AS SELECT 1 AS id`);
    try {
      const result = await run(script(small));

      expect(result.status).toBe(3);
      expect(result.stderr).toContain('ERROR:  "app_contexts" is not a table');
      expect(await tables()).toEqual(['app_contexts']);
    } finally {
      await db.exec(`DROP VIEW app_contexts`);
    }
  });

  it('applies the script with psql -v ON_ERROR_STOP=1 -f, the Job command, and changes nothing the second time', async () => {
    const first = await run(script(small));
    expect(first.status).toBe(0);
    const second = await run(script(small));
    expect(second.status).toBe(0);

    expect(second.stderr).not.toContain('applied migration');
    expect((await recordedMigrations(db)).map((m) => m.name)).toEqual(['0001_mcp_registry', '0002_query_history', '0003_app_contexts']);
    expect(await tables()).toEqual(['app_contexts', 'mcp_server_tool_changes', 'mcp_servers', 'query_history', 'schema_migrations']);
  });

  it('fails on another embedding dimension with the table, both dimensions and the fix, and changes nothing', async () => {
    expect((await run(script(small))).status).toBe(0);
    const before = await recordedMigrations(db);

    const result = await run(script({ embeddingDimensions: 16 }));

    expect(result.status).toBe(3);
    expect(result.stderr).toContain(
      'ERROR:  query_history.embedding has 8 dimensions (vector(8)) but embeddingDimensions is 16: the stored embeddings come from a model with 8 dimensions. ' +
        'Configure the embedding model the data was embedded with (embeddingDimensions 8), or add a new migration that changes the column to vector(16) and re-embeds every row with the new model.',
    );
    expect(await recordedMigrations(db)).toEqual(before);
    expect((await db.query(`SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'query_history'::regclass AND attname = 'embedding'`)).rows).toEqual([
      { type: 'vector(8)' },
    ]);
  });
});

describe('registry migration on the real PostgreSQL server', () => {
  const registry = script(small, { vector: false });
  const prefix = `mcp_test_${randomBytes(4).toString('hex')}`;
  const clients: pg.Client[] = [];

  /** A client whose unqualified names resolve in its own schema, so parallel runs do not meet. */
  async function clientIn(schema: string): Promise<pg.Client> {
    const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    clients.push(client);
    await client.connect();
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    return client;
  }

  afterAll(async () => {
    // Ended first: a client a failed test left in an aborted transaction would hold locks DROP SCHEMA waits on.
    await Promise.all(clients.map((client) => client.end()));
    const cleanup = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await cleanup.connect();
    try {
      await cleanup.query(`DROP SCHEMA IF EXISTS ${prefix}_client, ${prefix}_psql, ${prefix}_concurrent, ${prefix}_atomic CASCADE`);
    } finally {
      await cleanup.end();
    }
  });

  it('applies through node-postgres twice, recording the migration once', async () => {
    const client = await clientIn(`${prefix}_client`);
    await client.query(registry);
    const before = (await client.query('SELECT version, name, checksum, applied_at FROM schema_migrations')).rows;

    await client.query(registry);

    expect((await client.query('SELECT version, name, checksum, applied_at FROM schema_migrations')).rows).toEqual(before);
    expect(before.map(({ name, checksum }) => ({ name, checksum }))).toEqual([{ name: '0001_mcp_registry', checksum: loadMigrations(small)[0].checksum }]);
    await expect(client.query(`INSERT INTO mcp_servers (name, type, transport, endpoint) VALUES ('gh', 'kmcp', 'grpc', 'http://gh')`)).rejects.toThrow(
      'new row for relation "mcp_servers" violates check constraint "mcp_servers_transport_is_known"',
    );
  });

  it('refuses a changed migration and leaves the session usable after ROLLBACK', async () => {
    const client = await clientIn(`${prefix}_client`);
    await client.query(registry);
    await client.query(`UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1`);

    await expect(client.query(registry)).rejects.toThrow('migration 0001_mcp_registry was changed after it was applied (checksum edited when applied, ');
    await client.query('ROLLBACK');

    expect((await client.query('SELECT checksum FROM schema_migrations')).rows).toEqual([{ checksum: 'edited' }]);
  });

  it('applies through real psql twice', async () => {
    const schema = `${prefix}_psql`;
    const client = await clientIn(schema);
    const file = scriptFile(registry);
    const env = { PGOPTIONS: `-c search_path=${schema}` };

    const first = await psql('127.0.0.1', 5432, 'test', file, env);
    const second = await psql('127.0.0.1', 5432, 'test', file, env);

    expect([first.status, second.status]).toEqual([0, 0]);
    expect(first.stderr).toContain('INFO:  applied migration 0001_mcp_registry');
    expect(second.stderr).toBe('');
    expect((await client.query('SELECT name FROM schema_migrations')).rows).toEqual([{ name: '0001_mcp_registry' }]);
  });

  it('leaves nothing behind when the migration fails half-way', async () => {
    const schema = `${prefix}_atomic`;
    const client = await clientIn(schema);
    await client.query('CREATE VIEW mcp_server_tool_changes AS SELECT 1 AS server_id');

    const result = await psql('127.0.0.1', 5432, 'test', scriptFile(registry), { PGOPTIONS: `-c search_path=${schema}` });

    expect(result.status).toBe(3);
    expect(result.stderr).toContain('ERROR:  "mcp_server_tool_changes" is not a table');
    const left = await client.query(`SELECT relname FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind IN ('r', 'v')`, [schema]);
    expect(left.rows).toEqual([{ relname: 'mcp_server_tool_changes' }]);
  });

  it('lets concurrent runners wait on the advisory lock instead of racing', async () => {
    const schema = `${prefix}_concurrent`;
    const [a, b] = [await clientIn(schema), await clientIn(schema)];

    await Promise.all([a.query(registry), b.query(registry)]);

    expect((await a.query('SELECT name FROM schema_migrations')).rows).toEqual([{ name: '0001_mcp_registry' }]);
  });
});

/** A folder holding the given migration files. */
function migrationsDir(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('loadMigrations rules, each on its own', () => {
  it('locks on the bytes of ASCII "mcpmig" and indexes up to 2000 dimensions', () => {
    expect(MIGRATION_LOCK_KEY).toBe(Buffer.from('mcpmig', 'ascii').readUIntBE(0, 6));
    expect(MAX_VECTOR_INDEX_DIMENSIONS).toBe(2000);
  });

  it.each(['0001_Registry.sql', '0001-registry.sql', '001_registry.sql', '00001_registry.sql', 'x0001_registry.sql', '0001_registry.sql.bak', '0001_registry_.sql', '0001__registry.sql', '0001_.sql', '0001_reg-istry.sql'])(
    'rejects the file name %s',
    (fileName) => {
      const dir = migrationsDir({ [fileName]: 'SELECT 1;' });
      expect(() => loadMigrations(small, undefined, dir)).toThrow(
        new Error(`Migration ${fileName} in ${dir}: the name must be NNNN_name.sql (four digits, an underscore, lowercase words joined by underscores).`),
      );
    },
  );

  it('takes the version from the digits and the name from the file, sorted by version, needing pgvector only for vector SQL', () => {
    const dir = migrationsDir({
      '0010_later_step2.sql': 'SELECT 10;',
      '0002_vectors.sql': 'CREATE TABLE t (e VECTOR(3));',
      '0003_extension.sql': 'create extension if not exists Vector;',
      '0004_plain.sql': "SELECT 'vectors' AS word, 'vector' AS other;",
    });
    const migrations = loadMigrations(small, undefined, dir);
    expect(migrations.map(({ version, name, file, requiresVector }) => ({ version, name, file, requiresVector }))).toEqual([
      { version: 2, name: '0002_vectors', file: join(dir, '0002_vectors.sql'), requiresVector: true },
      { version: 3, name: '0003_extension', file: join(dir, '0003_extension.sql'), requiresVector: true },
      { version: 4, name: '0004_plain', file: join(dir, '0004_plain.sql'), requiresVector: false },
      { version: 10, name: '0010_later_step2', file: join(dir, '0010_later_step2.sql'), requiresVector: false },
    ]);
    expect(loadMigrations(small, { vector: true }, dir)).toHaveLength(4);
    expect(loadMigrations(small, {}, dir)).toHaveLength(4);
    expect(loadMigrations(small, { vector: false }, dir).map((m) => m.version)).toEqual([4, 10]);
  });

  it('fills every placeholder, each as often as it appears', () => {
    const dir = migrationsDir({ '0001_all.sql': '{{EMBEDDING_DIMENSIONS}} {{HNSW_M}} {{HNSW_EF_CONSTRUCTION}} {{EMBEDDING_DIMENSIONS}}' });
    expect(loadMigrations({ embeddingDimensions: 8, hnsw: { m: 3, efConstruction: 7 } }, undefined, dir)[0].sql).toBe('8 3 7 8');
  });

  it('names an empty placeholder too', () => {
    const dir = migrationsDir({ '0001_a.sql': 'SELECT {{}};' });
    expect(() => loadMigrations(small, undefined, dir)).toThrow(
      new Error('Migration 0001_a.sql: unknown placeholder {{}}; the placeholders are {{EMBEDDING_DIMENSIONS}}, {{HNSW_M}}, {{HNSW_EF_CONSTRUCTION}}.'),
    );
  });

  it('accepts 1 and 2000 dimensions', () => {
    expect(loadMigrations({ embeddingDimensions: 1 })[1].sql).toContain('embedding vector(1) NOT NULL');
    expect(loadMigrations({ embeddingDimensions: 2000 })[1].sql).toContain('embedding vector(2000) NOT NULL');
  });

  it('takes pgvector defaults for the HNSW parameters left out', () => {
    expect(loadMigrations({ embeddingDimensions: 8, hnsw: {} })[1].sql).toContain('WITH (m = 16, ef_construction = 64)');
    expect(loadMigrations({ embeddingDimensions: 8, hnsw: { m: 8 } })[1].sql).toContain('WITH (m = 8, ef_construction = 64)');
    expect(loadMigrations({ embeddingDimensions: 8, hnsw: { efConstruction: 200 } })[1].sql).toContain('WITH (m = 16, ef_construction = 200)');
  });

  it.each([
    [2, 4],
    [100, 200],
    [16, 32],
    [16, 1000],
  ])('accepts m %p with efConstruction %p, at the limits', (m, efConstruction) => {
    expect(loadMigrations({ embeddingDimensions: 8, hnsw: { m, efConstruction } })[1].sql).toContain(`WITH (m = ${m}, ef_construction = ${efConstruction})`);
  });

  it.each<[{ m?: number; efConstruction?: number }, string]>([
    [{ m: 101, efConstruction: 300 }, "hnsw.m must be a whole number from 2 to 100 (pgvector's limits), got 101."],
    [{ m: 2.5 }, "hnsw.m must be a whole number from 2 to 100 (pgvector's limits), got 2.5."],
    [{ m: 16, efConstruction: 31 }, "hnsw.efConstruction must be a whole number from 2 × m (32) to 1000 (pgvector's limits), got 31."],
    [{ m: 16, efConstruction: 1001 }, "hnsw.efConstruction must be a whole number from 2 × m (32) to 1000 (pgvector's limits), got 1001."],
    [{ m: 16, efConstruction: 64.5 }, "hnsw.efConstruction must be a whole number from 2 × m (32) to 1000 (pgvector's limits), got 64.5."],
  ])('rejects hnsw %p', (hnsw, message) => {
    expect(() => loadMigrations({ embeddingDimensions: 8, hnsw })).toThrow(new Error(message));
  });
});

describe('migrationScript structure', () => {
  it('names the migrations it was generated from and applies them in version order, whatever the order given', () => {
    const migrations = loadMigrations(small);
    const sorted = migrationScript(migrations, small);
    expect(sorted.split('\n')[0]).toBe('-- Generated by constructs/database/schema.ts from 0001_mcp_registry, 0002_query_history, 0003_app_contexts.');
    const shuffled = migrationScript([migrations[2], migrations[0], migrations[1]], small);
    expect(shuffled.split('\n').slice(1)).toEqual(sorted.split('\n').slice(1));
  });

  it('refuses a migration that contains its outer dollar-quote tag, padding the version to four digits', () => {
    const migration: Migration = { version: 12, name: '0012_tagged', file: '/migrations/0012_tagged.sql', sql: 'SELECT $migrate_0012$ x $migrate_0012$;', checksum: 'c', requiresVector: false };
    expect(() => migrationScript([migration], small)).toThrow(
      new Error('Migration 0012_tagged contains $migrate_0012$, the dollar-quote tag the script wraps it in: use another tag in /migrations/0012_tagged.sql.'),
    );
    expect(() => migrationScript([{ ...migration, sql: 'SELECT $migration_0012$ x $migration_0012$;' }], small)).toThrow(
      new Error('Migration 0012_tagged contains $migration_0012$, the dollar-quote tag the script wraps it in: use another tag in /migrations/0012_tagged.sql.'),
    );
  });
});

describe('migrations on PGlite without pgvector', () => {
  let db: PGlite;

  beforeAll(async () => {
    db = await PGlite.create();
  });

  afterAll(async () => {
    await db?.close();
  });

  it('quotes names and checksums as SQL literals', async () => {
    const quoted: Migration = { version: 7, name: "0007_o'hara", file: '/m/0007.sql', sql: 'CREATE TABLE IF NOT EXISTS quoted_t (id int);', checksum: "it's", requiresVector: false };
    const text = migrationScript([...loadMigrations(small, { vector: false }), quoted], small);

    await db.exec(text);
    await db.exec(text);

    expect((await recordedMigrations(db)).map(({ version, name, checksum }) => ({ version, name, checksum }))).toEqual([
      { version: 1, name: '0001_mcp_registry', checksum: loadMigrations(small)[0].checksum },
      { version: 7, name: "0007_o'hara", checksum: "it's" },
    ]);
  });
});

describe('migrations on PGlite with pgvector, checking the second vector table', () => {
  let db: PGlite;

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    await db.exec(script(small));
  });

  afterAll(async () => {
    await db?.close();
  });

  it('fails on app_contexts when only its embedding has another dimension', async () => {
    await db.exec(`DROP INDEX query_history_embedding_hnsw_idx; ALTER TABLE query_history ALTER COLUMN embedding TYPE vector(16)`);
    try {
      await expect(db.exec(script({ embeddingDimensions: 16 }))).rejects.toThrow(
        'app_contexts.embedding has 8 dimensions (vector(8)) but embeddingDimensions is 16: the stored embeddings come from a model with 8 dimensions. ' +
          'Configure the embedding model the data was embedded with (embeddingDimensions 8), or add a new migration that changes the column to vector(16) and re-embeds every row with the new model.',
      );
      await db.exec('ROLLBACK');
    } finally {
      await db.exec(`ALTER TABLE query_history ALTER COLUMN embedding TYPE vector(8); CREATE INDEX query_history_embedding_hnsw_idx ON query_history USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)`);
    }
  });

  it('fails on the app_contexts index when only it was built with other HNSW options', async () => {
    await db.exec(`DROP INDEX query_history_embedding_hnsw_idx; CREATE INDEX query_history_embedding_hnsw_idx ON query_history USING hnsw (embedding vector_cosine_ops) WITH (m = 24, ef_construction = 64)`);
    await expect(db.exec(script({ ...small, hnsw: { m: 24 } }))).rejects.toThrow(
      'app_contexts_embedding_hnsw_idx was built with {m=16,ef_construction=64} but the hnsw options ask for m=24, ef_construction=64: keep the options the index was built with, or add a new migration that drops and recreates the index with the new ones.',
    );
    await db.exec('ROLLBACK');
  });
});
