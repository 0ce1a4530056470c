/**
 * Probes one candidate over MCP: initialize, then tools/list, over Streamable HTTP or SSE, within time,
 * size and tool-count limits, without credentials. Never throws: every outcome is a `ProbeResult`.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ListToolsResultSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { NetworkTransport, ProbedTool, ProbeResult } from '../model.js';

/** Where a probe connects: built from the Service object, never from a URL someone wrote. */
export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  /** Plain absolute path of the MCP endpoint, e.g. "/mcp". */
  readonly path: string;
  /** The transport the candidate declares: tried first, the other one after a "not this transport" answer. */
  readonly transport: NetworkTransport;
}

export interface ProbeLimits {
  /** The whole probe, both transports included. */
  readonly timeoutMs: number;
  /** Body bytes the probe reads from the server, all responses and streams together. */
  readonly maxResponseBytes: number;
  /** Tools over all tools/list pages; more is `too-large`. */
  readonly maxTools: number;
  /** Characters kept of a tool description, the ellipsis included. */
  readonly maxDescriptionChars: number;
}

export const DEFAULT_PROBE_LIMITS: ProbeLimits = {
  timeoutMs: 10_000,
  maxResponseBytes: 1024 * 1024,
  maxTools: 500,
  maxDescriptionChars: 500,
};

/** The MCP tool-name rule: 1 to 128 of A-Z, a-z, 0-9, "_", "-", ".". */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** Control and format characters (bidi overrides, zero-width, tag characters), line/paragraph separators, lone surrogates. */
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** Caps on server-chosen text that is not a tool description: server name and version, error messages. */
const MAX_SERVER_INFO_CHARS = 128;
const MAX_ERROR_CHARS = 1000;

const CLIENT_INFO = { name: 'mcp-platform-discovery', version: '1.0.0' };

const TRANSPORT_NAMES: Readonly<Record<NetworkTransport, string>> = { 'streamable-http': 'Streamable HTTP', sse: 'SSE' };

/** Why a probe ended without a tool list; `result` is the metric's label. */
class ProbeFailure extends Error {
  constructor(
    readonly result: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Text from a server made safe to store, log and show in a pull request: unsafe characters become
 * spaces, whitespace collapses, and at most `maxChars` characters remain, the last one "…" when cut.
 */
export function sanitizeText(text: string, maxChars: number): string {
  const clean = text.replace(UNSAFE_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  const characters = Array.from(clean);
  return characters.length <= maxChars ? clean : `${characters.slice(0, Math.max(0, maxChars - 1)).join('')}…`;
}

/** JSON with object keys sorted at every depth, so equal values always give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 hex of the tools as the server sent them (names, descriptions, input schemas when known), in a fixed order. */
export function toolFingerprint(tools: readonly { readonly name: string; readonly description?: string; readonly inputSchema?: unknown }[]): string {
  const entries = tools.map((t) => canonicalJson({ name: t.name, description: t.description ?? '', inputSchema: t.inputSchema })).sort();
  return createHash('sha256').update(`[${entries.join(',')}]`).digest('hex');
}

/** The tools worth recording: valid, first-listed names only, sanitised, sorted by name. */
function recordedTools(tools: readonly Tool[], maxDescriptionChars: number): ProbedTool[] {
  const byName = new Map<string, ProbedTool>();
  for (const tool of tools) {
    if (TOOL_NAME.test(tool.name) && !byName.has(tool.name)) {
      byName.set(tool.name, { name: tool.name, description: sanitizeText(tool.description ?? '', maxDescriptionChars) });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** `http://host:port/path`, IPv6 hosts bracketed; a target that makes no URL is a failure naming the field. */
function endpointUrl(target: ProbeTarget): URL | ProbeFailure {
  if (!target.path.startsWith('/')) return new ProbeFailure('error', `target.path ${JSON.stringify(target.path)} must be an absolute path such as "/mcp"`);
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  try {
    return new URL(`http://${host}:${target.port}${target.path}`);
  } catch {
    return new ProbeFailure('error', `target.host ${JSON.stringify(target.host)} and target.port ${target.port} make no URL: use a DNS name or IP address and a port from 1 to 65535`);
  }
}

/** One probe's shared state: the first failure stops every request and stream it opened. */
class ProbeRun {
  private readonly stop = new AbortController();
  private readonly stopped: Promise<never>;
  private received = 0;

  constructor(
    readonly url: URL,
    readonly limits: ProbeLimits,
  ) {
    this.stopped = new Promise<never>((_, reject) => this.stop.signal.addEventListener('abort', () => reject(this.stop.signal.reason), { once: true }));
    this.stopped.catch(() => undefined);
  }

  get failure(): ProbeFailure | undefined {
    return this.stop.signal.aborted ? (this.stop.signal.reason as ProbeFailure) : undefined;
  }

  halt(failure: ProbeFailure): void {
    if (!this.stop.signal.aborted) this.stop.abort(failure);
  }

  /** `work`, unless the probe halts first. */
  bounded<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.stopped]);
  }

  /** The transports' fetch: aborted with the probe, refused connections reported, bodies counted against the limit. */
  readonly fetch: FetchLike = async (url, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, this.stop.signal]) : this.stop.signal;
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal });
    } catch (error) {
      if (networkCode(error) === 'ECONNREFUSED') this.halt(new ProbeFailure('refused', `connection to ${this.url.host} refused`));
      throw error;
    }
    if (Number(response.headers.get('content-length') ?? 0) > this.limits.maxResponseBytes - this.received) {
      await response.body?.cancel();
      throw this.tooLarge();
    }
    if (!response.body) return response;
    return new Response(response.body.pipeThrough(this.byteCounter()), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };

  private byteCounter(): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream({
      transform: (chunk, controller) => {
        this.received += chunk.byteLength;
        if (this.received > this.limits.maxResponseBytes) controller.error(this.tooLarge());
        else controller.enqueue(chunk);
      },
    });
  }

  private tooLarge(): ProbeFailure {
    this.halt(new ProbeFailure('too-large', `${this.url} sent more than ${this.limits.maxResponseBytes} bytes (limits.maxResponseBytes)`));
    return this.failure!;
  }
}

interface Listing {
  readonly transport: NetworkTransport;
  readonly serverInfo: { readonly name: string; readonly version: string };
  readonly protocolVersion: string;
  readonly tools: readonly Tool[];
}

function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } } | undefined)?.cause;
  return cause?.code ?? cause?.errors?.[0]?.code;
}

/** By name, not instanceof: fetch's JSON parser throws from another realm's SyntaxError under test runners. */
function isUnparsable(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && /^SyntaxError$|ZodError$/.test(name);
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** An HTTP status of the transport's own requests, if the error carries one. */
function httpStatus(error: unknown): number | undefined {
  return error instanceof StreamableHTTPError || error instanceof SseError ? error.code : undefined;
}

/** The answer of a server that does not speak this transport at this path (the MCP spec's fallback signal); 401 and 403 are not. */
function isWrongTransport(error: unknown): boolean {
  const status = httpStatus(error);
  if (status !== undefined && status >= 400 && status < 500) return status !== 401 && status !== 403;
  if (error instanceof StreamableHTTPError) return error.code === -1;
  return error instanceof SseError && /content type/i.test(error.message);
}

function asFailure(error: unknown, url: URL): ProbeFailure {
  if (error instanceof ProbeFailure) return error;
  const status = httpStatus(error);
  if (status === 401 || status === 403) return new ProbeFailure('unauthorized', `${url} answered HTTP ${status}: it needs credentials and the probe sends none`);
  const message = messageOf(error);
  if (isUnparsable(error)) return new ProbeFailure('protocol', `${url} did not answer with MCP JSON-RPC: ${message}`);
  const code = networkCode(error);
  return new ProbeFailure('error', `${url}: ${message}${code ? ` (${code})` : ''}`);
}

/** initialize and every tools/list page over one transport; the client is closed before this returns. */
async function listTools(run: ProbeRun, transport: NetworkTransport): Promise<Listing> {
  const connection =
    transport === 'sse' ? new SSEClientTransport(run.url, { fetch: run.fetch }) : new StreamableHTTPClientTransport(run.url, { fetch: run.fetch });
  let protocolVersion = '';
  const setProtocolVersion = connection.setProtocolVersion.bind(connection);
  // The client hands the negotiated version only to its transport.
  connection.setProtocolVersion = (version: string) => {
    protocolVersion = version;
    setProtocolVersion(version);
  };
  const client = new Client(CLIENT_INFO);
  // Unparsable messages on a stream reach only onerror; without this the pending request would wait for the timeout.
  client.onerror = (error) => {
    if (isUnparsable(error)) run.halt(asFailure(error, run.url));
  };
  // The SDK's per-request timeout, as long as the whole-probe deadline, whose timer started earlier: the deadline
  // always fires first, so the SDK's RequestTimeout error never decides a result.
  const options = { timeout: run.limits.timeoutMs };
  try {
    await run.bounded(client.connect(connection, options));
    const tools: Tool[] = [];
    const cursors = new Set<string>();
    let cursor: string | undefined;
    if (client.getServerCapabilities()?.tools) {
      do {
        // client.request, not client.listTools: listTools compiles every tool's output schema, which a probe never uses.
        const page = await run.bounded(client.request({ method: 'tools/list', params: cursor === undefined ? {} : { cursor } }, ListToolsResultSchema, options));
        tools.push(...page.tools);
        if (tools.length > run.limits.maxTools) throw new ProbeFailure('too-large', `${run.url} lists more than ${run.limits.maxTools} tools (limits.maxTools)`);
        cursor = page.nextCursor;
        if (cursor !== undefined && cursors.has(cursor)) throw new ProbeFailure('protocol', `${run.url} repeated tools/list cursor ${JSON.stringify(cursor)}`);
        if (cursor !== undefined) cursors.add(cursor);
      } while (cursor !== undefined);
    }
    // Ends the server's session, so a server does not keep one per probe; the list is already complete, so a failure here changes nothing.
    if (connection instanceof StreamableHTTPClientTransport) await connection.terminateSession().catch(() => undefined);
    return { transport, serverInfo: client.getServerVersion()!, protocolVersion, tools };
  } finally {
    await client.close();
  }
}

async function listWithFallback(run: ProbeRun, declared: NetworkTransport): Promise<Listing> {
  const [first, second]: NetworkTransport[] = declared === 'sse' ? ['sse', 'streamable-http'] : ['streamable-http', 'sse'];
  let firstError: unknown;
  try {
    return await listTools(run, first);
  } catch (error) {
    if (!isWrongTransport(error)) throw error;
    firstError = error;
  }
  try {
    return await listTools(run, second);
  } catch (error) {
    if (!isWrongTransport(error)) throw error;
    const reasons = [`${TRANSPORT_NAMES[first]}: ${messageOf(firstError)}`, `${TRANSPORT_NAMES[second]}: ${messageOf(error)}`];
    throw new ProbeFailure('protocol', `${run.url} speaks neither MCP transport (${reasons.join('; ')})`);
  }
}

/** Probes `target`; the result says what the server offers or why the probe failed ("timeout", "refused", ...). */
export async function probe(target: ProbeTarget, limits: ProbeLimits = DEFAULT_PROBE_LIMITS): Promise<ProbeResult> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  const failed = (failure: ProbeFailure): ProbeResult => ({ ok: false, result: failure.result, error: sanitizeText(failure.message, MAX_ERROR_CHARS), latencyMs: latencyMs() });
  const url = endpointUrl(target);
  if (url instanceof ProbeFailure) return failed(url);
  const run = new ProbeRun(url, limits);
  const timer = setTimeout(() => run.halt(new ProbeFailure('timeout', `${url} gave no tool list within ${limits.timeoutMs} ms (limits.timeoutMs)`)), limits.timeoutMs);
  try {
    const listing = await listWithFallback(run, target.transport);
    return {
      ok: true,
      transport: listing.transport,
      serverInfo: { name: sanitizeText(listing.serverInfo.name, MAX_SERVER_INFO_CHARS), version: sanitizeText(listing.serverInfo.version, MAX_SERVER_INFO_CHARS) },
      protocolVersion: listing.protocolVersion,
      tools: recordedTools(listing.tools, limits.maxDescriptionChars),
      fingerprint: toolFingerprint(listing.tools),
      latencyMs: latencyMs(),
    };
  } catch (error) {
    return failed(run.failure ?? asFailure(error, url));
  } finally {
    clearTimeout(timer);
  }
}
