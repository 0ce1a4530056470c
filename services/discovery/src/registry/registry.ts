/**
 * The MCP server registry in PostgreSQL (table mcp_servers of migration 0001): what each probe learned,
 * upserted by name. Tool-list changes are recorded and flagged for review by the table's own trigger, so
 * this class never writes mcp_server_tool_changes. Every write is one statement: a lost connection throws
 * and leaves nothing half-written, and the next pass writes it again.
 */
import type pg from 'pg';
import type { Candidate, CandidateSource, ProbeResult, ProbedTool, RegisteredServer } from '../model.js';

/** What recording a probe changed. */
export interface ProbeRecord {
  /** True when a server known with a fingerprint came back with another one: the trigger recorded it for review. */
  readonly toolsChanged: boolean;
  /** The tools the registry now knows for the server (a failed probe keeps the last good one's); null when no probe ever succeeded. */
  readonly toolCount: number | null;
  readonly reviewState: RegisteredServer['reviewState'];
}

/** A tool-list change of a known server, waiting for a human. */
export interface ToolChange {
  readonly server: string;
  readonly oldFingerprint: string | null;
  readonly newFingerprint: string | null;
  readonly oldTools: readonly ProbedTool[];
  readonly newTools: readonly ProbedTool[];
  readonly detectedAt: string;
}

export interface RegistryOptions {
  /** How long readiness waits for the database before calling it down. @default 2000 */
  readonly pingTimeoutMs?: number;
}

const TYPE_BY_SOURCE: Readonly<Record<CandidateSource, string>> = { service: 'discovered', kmcp: 'kmcp', toolhive: 'toolhive' };

const SERVER_COLUMNS = `name, namespace, type, transport, endpoint, source, health, health_checked_at, latency_ms, server_info,
  protocol_version, tools, tool_count, fingerprint, review_state, first_seen, last_seen`;

interface ServerRow {
  readonly name: string;
  readonly namespace: string | null;
  readonly type: string;
  readonly transport: string;
  readonly endpoint: string;
  readonly source: RegisteredServer['source'];
  readonly health: RegisteredServer['health'];
  readonly health_checked_at: Date | null;
  readonly latency_ms: number | null;
  readonly server_info: RegisteredServer['serverInfo'];
  readonly protocol_version: string | null;
  readonly tools: ProbedTool[];
  readonly tool_count: number;
  readonly fingerprint: string | null;
  readonly review_state: RegisteredServer['reviewState'];
  readonly first_seen: Date;
  readonly last_seen: Date;
}

/**
 * One statement. `previous` locks the existing row and reads the fingerprint the update replaces; the
 * join makes it run before the upsert (a CTE runs when first read, and read only in RETURNING it would
 * see the updated row). A failed probe sends no fingerprint and keeps what the last good probe learned,
 * the transport the server answered over included.
 * `source` only ever moves from discovered to declared (a declared server stays declared), and a server
 * declared before keeps its type unless this probe is of the declared object itself.
 */
const RECORD_PROBE = `
WITH previous AS (SELECT fingerprint FROM mcp_servers WHERE name = $1 FOR UPDATE)
INSERT INTO mcp_servers AS known
  (name, namespace, type, transport, endpoint, health, health_checked_at, latency_ms, server_info, protocol_version, tools, fingerprint, first_seen, last_seen, source)
SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::timestamptz, $8::integer, $9::jsonb, $10::text,
  coalesce($11::jsonb, '[]'::jsonb), $12::text, $7::timestamptz, $7::timestamptz, $13::text
FROM (VALUES (1)) AS probe LEFT JOIN previous ON true
ON CONFLICT (name) DO UPDATE SET
  namespace = excluded.namespace,
  type = CASE WHEN known.source = 'declared' AND excluded.source <> 'declared' THEN known.type ELSE excluded.type END,
  source = CASE WHEN excluded.source = 'declared' THEN 'declared' ELSE known.source END,
  transport = CASE WHEN excluded.fingerprint IS NULL THEN known.transport ELSE excluded.transport END,
  endpoint = excluded.endpoint,
  health = excluded.health,
  health_checked_at = excluded.health_checked_at,
  latency_ms = excluded.latency_ms,
  last_seen = excluded.last_seen,
  server_info = CASE WHEN excluded.fingerprint IS NULL THEN known.server_info ELSE excluded.server_info END,
  protocol_version = CASE WHEN excluded.fingerprint IS NULL THEN known.protocol_version ELSE excluded.protocol_version END,
  tools = CASE WHEN excluded.fingerprint IS NULL THEN known.tools ELSE excluded.tools END,
  fingerprint = coalesce(excluded.fingerprint, known.fingerprint)
RETURNING known.review_state, known.fingerprint, known.tool_count, (SELECT fingerprint FROM previous) AS previous_fingerprint`;

export class Registry {
  private readonly pingTimeoutMs: number;

  constructor(
    private readonly pool: pg.Pool,
    options: RegistryOptions = {},
  ) {
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
  }

  /** Upserts what a probe of `candidate` learned; `now` is its last_seen (and first_seen when new). */
  async recordProbe(candidate: Candidate, result: ProbeResult, now: Date = new Date()): Promise<ProbeRecord> {
    const learned = result.ok
      ? {
          serverInfo: JSON.stringify({ name: result.serverInfo.name, version: result.serverInfo.version }),
          protocolVersion: result.protocolVersion,
          tools: JSON.stringify(result.tools.map(({ name, description }) => ({ name, description }))),
          fingerprint: result.fingerprint,
        }
      : { serverInfo: null, protocolVersion: null, tools: null, fingerprint: null };
    const { rows } = await this.pool.query<{ review_state: RegisteredServer['reviewState']; fingerprint: string | null; tool_count: number | null; previous_fingerprint: string | null }>(
      RECORD_PROBE,
      [
        candidate.name,
        candidate.namespace,
        candidate.flavour ?? TYPE_BY_SOURCE[candidate.source],
        // What the server answered over, which is what it speaks; the annotation's until a probe succeeds.
        result.ok ? result.transport : candidate.transport,
        endpoint(candidate),
        result.ok ? 'healthy' : 'unhealthy',
        now,
        Math.max(0, Math.round(result.latencyMs)),
        learned.serverInfo,
        learned.protocolVersion,
        learned.tools,
        learned.fingerprint,
        candidate.declared ? 'declared' : 'discovered',
      ],
    );
    const { review_state, fingerprint, tool_count, previous_fingerprint } = rows[0];
    return {
      toolsChanged: previous_fingerprint !== null && previous_fingerprint !== fingerprint,
      reviewState: review_state,
      toolCount: fingerprint === null ? null : tool_count,
    };
  }

  /**
   * Marks the named servers as declared in the platform repo; names not in the registry are left alone.
   * @returns how many servers were newly marked
   */
  async markDeclared(names: readonly string[]): Promise<number> {
    const { rowCount } = await this.pool.query(`UPDATE mcp_servers SET source = 'declared' WHERE name = ANY($1::text[]) AND source <> 'declared'`, [names]);
    return rowCount ?? 0;
  }

  /** Every server, by name. */
  async list(): Promise<RegisteredServer[]> {
    const { rows } = await this.pool.query<ServerRow>(`SELECT ${SERVER_COLUMNS} FROM mcp_servers ORDER BY name`);
    return rows.map(toServer);
  }

  async get(name: string): Promise<RegisteredServer | undefined> {
    const { rows } = await this.pool.query<ServerRow>(`SELECT ${SERVER_COLUMNS} FROM mcp_servers WHERE name = $1`, [name]);
    return rows.length ? toServer(rows[0]) : undefined;
  }

  /** Tool-list changes nobody has reviewed yet, oldest first; of one server when `name` is given. */
  async pendingToolChanges(name?: string): Promise<ToolChange[]> {
    const { rows } = await this.pool.query<{
      server: string;
      old_fingerprint: string | null;
      new_fingerprint: string | null;
      old_tools: ProbedTool[] | null;
      new_tools: ProbedTool[] | null;
      detected_at: Date;
    }>(
      `SELECT s.name AS server, c.old_fingerprint, c.new_fingerprint, c.old_tools, c.new_tools, c.detected_at
       FROM mcp_server_tool_changes c JOIN mcp_servers s ON s.id = c.server_id
       WHERE c.reviewed_at IS NULL AND ($1::text IS NULL OR s.name = $1)
       ORDER BY c.detected_at, c.id`,
      [name ?? null],
    );
    return rows.map((row) => ({
      server: row.server,
      oldFingerprint: row.old_fingerprint,
      newFingerprint: row.new_fingerprint,
      oldTools: row.old_tools ?? [],
      newTools: row.new_tools ?? [],
      detectedAt: row.detected_at.toISOString(),
    }));
  }

  /** Whether the database answers within the ping timeout: the readiness check. Never throws. */
  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, this.pingTimeoutMs, false)));
    try {
      return await Promise.race([this.pool.query('SELECT 1').then(() => true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `host:port/path`, the host in brackets when it is an IPv6 address. */
function endpoint(candidate: Candidate): string {
  const host = candidate.host.includes(':') ? `[${candidate.host}]` : candidate.host;
  return `${host}:${candidate.port}${candidate.path}`;
}

function toServer(row: ServerRow): RegisteredServer {
  return {
    name: row.name,
    namespace: row.namespace,
    type: row.type,
    transport: row.transport,
    endpoint: row.endpoint,
    source: row.source,
    health: row.health,
    healthCheckedAt: row.health_checked_at?.toISOString() ?? null,
    latencyMs: row.latency_ms,
    serverInfo: row.server_info,
    protocolVersion: row.protocol_version,
    tools: row.tools,
    toolCount: row.tool_count,
    fingerprint: row.fingerprint,
    reviewState: row.review_state,
    firstSeen: row.first_seen.toISOString(),
    lastSeen: row.last_seen.toISOString(),
  };
}
