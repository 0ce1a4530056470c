import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import type { Candidate, ProbeResult, ProbedTool } from '../../../services/discovery/src/model.js';
import { openDatabase, type Database } from '../../../services/discovery/src/registry/database.js';
import { Registry } from '../../../services/discovery/src/registry/registry.js';
import { tempDir } from '../../support/files.js';
import { type PrivatePostgres, SHARED_POSTGRES, sharedInSchema, startPostgres } from '../../support/postgres.js';

const prefix = `discovery_registry_${randomBytes(4).toString('hex')}`;
/** The shared server, with unqualified names resolving in `schema`, so parallel test files do not meet. */

/** State folders made by this file: an embedded database takes about 40 MB, so each is removed at the end. */
const stateDirs: string[] = [];
const stateDir = () => {
  const dir = tempDir('discovery-state-');
  stateDirs.push(dir);
  return dir;
};

async function onShared<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SHARED_POSTGRES });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function recordingLog() {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    info: (_: object, message: string) => lines.push({ level: 'info', message }),
    warn: (_: object, message: string) => lines.push({ level: 'warn', message }),
  };
}

const candidate = (name: string, overrides: Partial<Candidate> = {}): Candidate => ({
  name,
  namespace: 'mcp-tools',
  source: 'service',
  object: `Service mcp-tools/${name}`,
  transport: 'streamable-http',
  service: { name, namespace: 'mcp-tools', port: 8080 },
  host: '10.96.0.12',
  port: 8080,
  path: '/mcp',
  capabilities: ['tools'],
  ...overrides,
});

const echo: ProbedTool = { name: 'echo', description: 'Echoes back the input' };
const add: ProbedTool = { name: 'add', description: 'Adds two numbers' };

const healthy = (fingerprint: string, tools: readonly ProbedTool[] = [echo], transport: 'streamable-http' | 'sse' = 'streamable-http'): ProbeResult => ({
  ok: true,
  transport,
  serverInfo: { name: 'mcp-servers/everything', version: '2.0.0' },
  protocolVersion: '2025-06-18',
  tools,
  fingerprint,
  latencyMs: 12.4,
});

const timedOut: ProbeResult = { ok: false, result: 'timeout', error: 'no answer within 5000 ms', latencyMs: 5000 };

const at = (time: string) => new Date(`2026-01-01T${time}Z`);

const backends: [string, () => Promise<Database>][] = [
  [
    'the shared PostgreSQL 15',
    async () => {
      await onShared((client) => client.query(`CREATE SCHEMA ${prefix}_suite`));
      return openDatabase({ url: sharedInSchema(`${prefix}_suite`), stateDir: stateDir(), log: recordingLog() });
    },
  ],
  ['the embedded PGlite', () => openDatabase({ stateDir: stateDir(), log: recordingLog() })],
];

afterAll(async () => {
  await onShared((client) => client.query(`DROP SCHEMA IF EXISTS ${prefix}_suite, ${prefix}_concurrent CASCADE`));
  stateDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

describe.each(backends)('Registry on %s', (_, open) => {
  let database: Database;
  let registry: Registry;

  beforeAll(async () => {
    database = await open();
    registry = new Registry(database.pool);
  });

  afterAll(async () => {
    await database?.close();
  });

  it('inserts a new server as discovered and healthy, with what the probe learned', async () => {
    const record = await registry.recordProbe(candidate('everything'), healthy('fp-1'), at('10:00:00'));

    expect(record).toEqual({ toolsChanged: false, reviewState: 'none', toolCount: 1 });
    expect(await registry.get('everything')).toEqual({
      name: 'everything',
      namespace: 'mcp-tools',
      type: 'discovered',
      transport: 'streamable-http',
      endpoint: '10.96.0.12:8080/mcp',
      source: 'discovered',
      health: 'healthy',
      healthCheckedAt: '2026-01-01T10:00:00.000Z',
      latencyMs: 12,
      serverInfo: { name: 'mcp-servers/everything', version: '2.0.0' },
      protocolVersion: '2025-06-18',
      tools: [echo],
      toolCount: 1,
      fingerprint: 'fp-1',
      reviewState: 'none',
      firstSeen: '2026-01-01T10:00:00.000Z',
      lastSeen: '2026-01-01T10:00:00.000Z',
    });
  });

  it('records the type the candidate was found as, and the endpoint as host:port/path', async () => {
    await registry.recordProbe(candidate('github', { source: 'kmcp', host: 'github.mcp-tools.svc.cluster.local', port: 3000, path: '/sse', transport: 'sse' }), healthy('fp-gh', [echo], 'sse'));
    await registry.recordProbe(candidate('fetch', { source: 'toolhive', host: 'fd00:10:96::a', path: '/mcp/v1' }), healthy('fp-fetch'));

    const servers = (await registry.list()).filter((s) => ['github', 'fetch'].includes(s.name));
    expect(servers.map(({ name, type, transport, endpoint }) => ({ name, type, transport, endpoint }))).toEqual([
      { name: 'fetch', type: 'toolhive', transport: 'streamable-http', endpoint: '[fd00:10:96::a]:8080/mcp/v1' },
      { name: 'github', type: 'kmcp', transport: 'sse', endpoint: 'github.mcp-tools.svc.cluster.local:3000/sse' },
    ]);
  });

  it('records the transport the server answered over, not the annotated one, and keeps it through a failed probe', async () => {
    // GIVEN a server annotated as Streamable HTTP that answered only over the SSE fallback
    await registry.recordProbe(candidate('legacy', { transport: 'streamable-http' }), healthy('fp-legacy', [echo], 'sse'), at('10:00:00'));
    expect((await registry.get('legacy'))?.transport).toBe('sse');
    // WHEN the next probe fails THEN what the last good one learned stays
    await registry.recordProbe(candidate('legacy', { transport: 'streamable-http' }), timedOut, at('10:05:00'));
    expect(await registry.get('legacy')).toMatchObject({ transport: 'sse', health: 'unhealthy' });
  });

  it('keeps first_seen and refreshes last_seen on the next probe', async () => {
    await registry.recordProbe(candidate('time'), healthy('fp-time'), at('10:00:00'));

    await registry.recordProbe(candidate('time', { host: '10.96.0.99' }), healthy('fp-time'), at('10:05:00'));

    expect(await registry.get('time')).toMatchObject({ firstSeen: '2026-01-01T10:00:00.000Z', lastSeen: '2026-01-01T10:05:00.000Z', endpoint: '10.96.0.99:8080/mcp' });
  });

  it('keeps the last known tools and fingerprint when a probe fails', async () => {
    await registry.recordProbe(candidate('memory'), healthy('fp-memory', [add, echo]), at('10:00:00'));

    const record = await registry.recordProbe(candidate('memory'), timedOut, at('10:05:00'));

    // The last good probe's tools still count (on the gateway's aggregated endpoint, in pull-request bodies).
    expect(record).toEqual({ toolsChanged: false, reviewState: 'none', toolCount: 2 });
    expect(await registry.get('memory')).toMatchObject({
      health: 'unhealthy',
      healthCheckedAt: '2026-01-01T10:05:00.000Z',
      latencyMs: 5000,
      tools: [add, echo],
      fingerprint: 'fp-memory',
      serverInfo: { name: 'mcp-servers/everything', version: '2.0.0' },
    });
    expect(await registry.pendingToolChanges('memory')).toEqual([]);
  });

  it('leaves a server that has only ever failed unhealthy with no tools', async () => {
    const record = await registry.recordProbe(candidate('broken'), timedOut);

    expect(record.toolCount).toBeNull();
    expect(await registry.get('broken')).toMatchObject({ health: 'unhealthy', tools: [], toolCount: 0, fingerprint: null, serverInfo: null });
  });

  it('flags a changed tool list for review, with one change row written by the trigger', async () => {
    await registry.recordProbe(candidate('sqlite'), healthy('fp-a', [echo]));

    const changed = await registry.recordProbe(candidate('sqlite'), healthy('fp-b', [add, echo]));
    const unchanged = await registry.recordProbe(candidate('sqlite'), healthy('fp-b', [add, echo]));

    expect([changed, unchanged]).toEqual([
      { toolsChanged: true, reviewState: 'pending', toolCount: 2 },
      { toolsChanged: false, reviewState: 'pending', toolCount: 2 },
    ]);
    const changes = await registry.pendingToolChanges('sqlite');
    expect(changes).toEqual([{ server: 'sqlite', oldFingerprint: 'fp-a', newFingerprint: 'fp-b', oldTools: [echo], newTools: [add, echo], detectedAt: expect.any(String) }]);
    expect((await registry.pendingToolChanges()).map((c) => c.server)).toEqual(['sqlite']);
  });

  it('keeps a declared server declared, and its type, when discovery probes it again', async () => {
    await registry.recordProbe(candidate('postgres', { source: 'kmcp' }), healthy('fp-pg'));

    expect(await registry.markDeclared(['postgres', 'not-in-registry'])).toBe(1);
    await registry.recordProbe(candidate('postgres', { source: 'service' }), timedOut);

    expect(await registry.get('postgres')).toMatchObject({ source: 'declared', type: 'kmcp', health: 'unhealthy' });
    expect(await registry.markDeclared(['postgres'])).toBe(0);
  });

  it('records a server the platform rendered as declared, with the flavour it was rendered in, and upgrades a discovered row', async () => {
    await registry.recordProbe(candidate('github', { declared: true, flavour: 'standalone' }), healthy('fp-gh'));
    expect(await registry.get('github')).toMatchObject({ source: 'declared', type: 'standalone', health: 'healthy' });

    await registry.recordProbe(candidate('wiki'), healthy('fp-wiki'));
    await registry.recordProbe(candidate('wiki', { declared: true, flavour: 'toolhive', source: 'toolhive' }), healthy('fp-wiki'));
    expect(await registry.get('wiki')).toMatchObject({ source: 'declared', type: 'toolhive' });
  });

  it('answers readiness and has nothing for an unknown name', async () => {
    expect(await registry.ping()).toBe(true);
    expect(await registry.get('unknown')).toBeUndefined();
  });
});

describe('openDatabase', () => {
  it('migrates once when two services start together against the same database', async () => {
    const schema = `${prefix}_concurrent`;
    await onShared((client) => client.query(`CREATE SCHEMA ${schema}`));
    const open = () => openDatabase({ url: sharedInSchema(schema), stateDir: stateDir(), log: recordingLog() });

    const both = await Promise.all([open(), open()]);
    try {
      expect(both.map((d) => d.applied).sort((a, b) => a.length - b.length)).toEqual([[], ['0001_mcp_registry']]);
      expect(both.map((d) => d.embedded)).toEqual([false, false]);
      expect((await both[0].pool.query('SELECT name FROM schema_migrations')).rows).toEqual([{ name: '0001_mcp_registry' }]);
    } finally {
      await Promise.all(both.map((d) => d.close()));
    }
  });

  it('keeps the embedded database on disk across close and reopen, and refuses a second open of its folder', async () => {
    const state = stateDir();
    const first = await openDatabase({ stateDir: state, log: recordingLog() });
    try {
      expect(first).toMatchObject({ embedded: true, applied: ['0001_mcp_registry', '0002_query_history', '0003_app_contexts'] });
      await new Registry(first.pool).recordProbe(candidate('everything'), healthy('fp-1'), at('10:00:00'));
      await expect(openDatabase({ stateDir: state, log: recordingLog() })).rejects.toThrow(
        `The embedded database in ${join(state, 'pglite')} is already open in process ${process.pid} (lock file ${join(state, 'pglite.lock')}): stop that process, or give this one another state folder or a database URL.`,
      );
    } finally {
      await first.close();
    }

    const reopened = await openDatabase({ stateDir: state, log: recordingLog() });
    try {
      expect(reopened.applied).toEqual([]);
      expect(await new Registry(reopened.pool).get('everything')).toMatchObject({ fingerprint: 'fp-1', firstSeen: '2026-01-01T10:00:00.000Z' });
      const embedding = await reopened.pool.query(`SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'query_history'::regclass AND attname = 'embedding'`);
      expect(embedding.rows).toEqual([{ type: 'vector(768)' }]);
    } finally {
      await reopened.close();
    }
  });

  it('takes over the lock a crashed process left, and lets go of it when the schema does not fit', async () => {
    const state = stateDir();
    await (await openDatabase({ stateDir: state, log: recordingLog() })).close();
    writeFileSync(join(state, 'pglite.lock'), String(spawnSync('true').pid));

    await expect(openDatabase({ stateDir: state, embeddingDimensions: 1024, log: recordingLog() })).rejects.toThrow(
      'query_history.embedding has 768 dimensions (vector(768)) but embeddingDimensions is 1024',
    );

    const reopened = await openDatabase({ stateDir: state, log: recordingLog() });
    await reopened.close();
    expect(existsSync(join(state, 'pglite.lock'))).toBe(false);
  });

  it('GIVEN no PostgreSQL at the URL THEN the error names the host, the port, the database and the setting', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));

    await expect(openDatabase({ url: `postgresql://app:hunter2@127.0.0.1:${port}/registry`, stateDir: stateDir(), log: recordingLog() })).rejects.toThrow(
      `cannot connect to PostgreSQL at 127.0.0.1:${port}, database "registry": connect ECONNREFUSED 127.0.0.1:${port} (check --database-url / DATABASE_URL)`,
    );
  });
});

describe('Registry across PostgreSQL faults (a private cluster)', () => {
  let postgres: PrivatePostgres;
  let database: Database;
  let registry: Registry;
  const log = recordingLog();

  beforeAll(async () => {
    postgres = await startPostgres();
    database = await openDatabase({ url: postgres.url, stateDir: stateDir(), log });
    registry = new Registry(database.pool, { pingTimeoutMs: 1_000 });
  });

  afterAll(async () => {
    await database?.close();
    await postgres?.remove();
  });

  it('recovers after PostgreSQL restarts mid-run, with nothing lost', async () => {
    await registry.recordProbe(candidate('before-restart'), healthy('fp-1'));

    await postgres.restart();
    await registry.recordProbe(candidate('after-restart'), healthy('fp-2'));

    expect((await registry.list()).map((s) => [s.name, s.fingerprint])).toEqual([
      ['after-restart', 'fp-2'],
      ['before-restart', 'fp-1'],
    ]);
    expect(log.lines).toContainEqual({ level: 'warn', message: 'lost an idle database connection; the pool opens a new one on next use' });
  });

  it('fails a record and readiness while PostgreSQL is down, and succeeds on the next pass', async () => {
    await postgres.stop();
    try {
      await expect(registry.recordProbe(candidate('during-outage'), healthy('fp-3'))).rejects.toThrow('ECONNREFUSED');
      expect(await registry.ping()).toBe(false);
    } finally {
      await postgres.restart();
    }

    expect(await registry.ping()).toBe(true);
    await registry.recordProbe(candidate('during-outage'), healthy('fp-3'));
    expect(await registry.get('during-outage')).toMatchObject({ fingerprint: 'fp-3', health: 'healthy' });
  });

  it('keeps every committed record through a crash', async () => {
    await registry.recordProbe(candidate('before-crash'), healthy('fp-4'));

    await postgres.kill();
    await postgres.restart();

    expect(await registry.get('before-crash')).toMatchObject({ fingerprint: 'fp-4' });
    expect((await registry.list()).map((s) => s.name)).toEqual(['after-restart', 'before-crash', 'before-restart', 'during-outage']);
  });
});
