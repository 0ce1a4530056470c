/**
 * `npm run preflight`: before anything reaches the cluster, prove that every MCP server that runs from a
 * package exists and answers. For each: the package version and its executable exist in the npm registry;
 * the server is installed and started with the commands its standalone Deployment renders (a stdio server
 * through the bridge); an MCP client initializes and lists its tools. Needs no cluster.
 *
 * One result per server:
 * - `ok`: it listed its tools.
 * - `started`: it answered MCP `initialize` but not `tools/list`, and its policy (`check: "startup"`) says
 *   that needs its upstream; the note says why.
 * - `not run`: nothing to run here (an image runs in the cluster only; an external server is deployed by
 *   something else).
 * - `FAILED`: anything else. A process that exits, or never answers `initialize`, before its deadline fails
 *   whatever its policy, with its last stderr lines: a server that crashes here crash-loops in its pod.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { App, Chart } from 'cdk8s';
import { McpServer } from '../../constructs/mcp/mcp-server.js';
import { isNpmSource, isServiceSource, npmBin, servedTransport, type McpTransport } from '../../constructs/mcp/mcp-server-props.js';
import type { McpServerConfig } from '../config.js';
import { BRIDGE_CHILD_FAILED, bridgedServerExit, bridgedServerStderr } from './bridge-log.js';
import { freePort, installLocally, LocalRunError, renderedCommands, startLocally, type RunningServer } from './local-run.js';
import { startUpstream, type RunningUpstream } from './upstreams.js';

export type PreflightOutcome = 'ok' | 'started' | 'not run' | 'FAILED';

export interface PreflightResult {
  readonly server: string;
  /** "package@version", the image, or "service namespace/name". */
  readonly source: string;
  readonly transport: McpTransport;
  /** The server's policy; undefined for a server that is not run. */
  readonly check: 'full' | 'startup' | undefined;
  readonly outcome: PreflightOutcome;
  /** Tool names, sorted; only with `ok`. */
  readonly tools: readonly string[] | undefined;
  readonly seconds: number;
  /** Why, in a line; empty for a plain `ok`. */
  readonly note: string;
  /** The server's last stderr lines, for a FAILED server that ran. */
  readonly stderr?: readonly string[];
}

/** How long each step may take, in milliseconds. */
export interface PreflightDeadlines {
  /** Installing the package (and the bridge). @default 180000 */
  readonly install?: number;
  /** The bridge's health endpoint (or an HTTP server's port) answering. @default 60000 */
  readonly start?: number;
  /** The answer to MCP `initialize`. @default 30000 */
  readonly initialize?: number;
  /** The answer to `tools/list`. @default 30000 */
  readonly listTools?: number;
}

export interface PreflightOptions {
  /** Called with a line before each server is checked. */
  readonly log?: (line: string) => void;
  readonly deadlines?: PreflightDeadlines;
}

const DEFAULT_DEADLINES: Required<PreflightDeadlines> = { install: 180_000, start: 60_000, initialize: 30_000, listTools: 30_000 };
/** After an MCP error, how long to wait for the bridge's line about its server process exiting. */
const EXIT_GRACE_MS = 500;
/** ...and how long its stderr must stay quiet before its last lines are taken. */
const QUIET_MS = 100;
/** How many of a failed server's last stderr lines a result keeps. */
const STDERR_LINES = 5;

/**
 * Checks every server, one after the other; image-based ones are not run (no container runtime is needed
 * or used), and neither are external ones (something else deploys them: there is nothing to run here).
 */
export async function preflight(servers: readonly McpServerConfig[], options: PreflightOptions = {}): Promise<PreflightResult[]> {
  const deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  // One npm cache for the run: the bridge, and a package two servers share, are downloaded once.
  const npmCache = mkdtempSync(join(tmpdir(), 'mcp-preflight-npm-cache-'));
  const results: PreflightResult[] = [];
  try {
    for (const server of servers) {
      options.log?.(`preflight ${server.name} ...`);
      results.push(await checkServer(server, deadlines, npmCache));
    }
  } finally {
    rmSync(npmCache, { recursive: true, force: true });
  }
  return results;
}

async function checkServer(server: McpServerConfig, deadlines: Required<PreflightDeadlines>, npmCache: string): Promise<PreflightResult> {
  const started = Date.now();
  const base = { server: server.name, transport: server.transport };
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const notRun = (source: string, note: string): PreflightResult => ({ ...base, source, check: undefined, outcome: 'not run', tools: undefined, seconds: 0, note });
  if (isServiceSource(server.source)) {
    const { name, namespace } = server.source.service;
    return notRun(`service ${namespace}/${name}`, 'external: deployed by something else, nothing to run');
  }
  if (!isNpmSource(server.source)) return notRun(server.source.image, 'image: runs in the cluster only');
  const source = server.source;
  const check = server.preflight?.check ?? 'full';
  const label = `${source.npm.package}@${source.npm.version}`;
  const result = (outcome: PreflightOutcome, note: string, extra: { tools?: readonly string[]; stderr?: readonly string[] } = {}): PreflightResult => ({
    ...base,
    source: label,
    check,
    outcome,
    tools: extra.tools,
    seconds: seconds(),
    note,
    ...(extra.stderr ? { stderr: extra.stderr } : {}),
  });
  const failed = (note: string, stderr?: readonly string[]) => result('FAILED', note, { stderr });

  // 1. The version and its executable exist in the registry this machine's npm uses.
  const found = await registryEntry(label);
  if ('missing' in found) return failed(`not in the npm registry: ${found.missing}`);
  const bins = typeof found.bin === 'string' ? [source.npm.package.replace(/^@[^/]+\//, '')] : Object.keys(found.bin ?? {});
  if (found.version !== source.npm.version) return failed(`the registry has no version ${source.npm.version}`);
  if (!bins.includes(npmBin(source))) return failed(`the package has no executable "${npmBin(source)}" (it has: ${bins.join(', ') || 'none'}); set source.npm.bin`);

  // 2. Install and start it with the commands its standalone Deployment renders, its upstream stand-in first.
  const port = await freePort();
  // Rendered in memory: cdk8s's Testing.app() would leave a temporary folder behind on every run, and only
  // App.synth() writes to the outdir, so the one named here is never created.
  const chart = new Chart(new App({ outdir: join(tmpdir(), 'mcp-preflight-never-written') }), 'preflight', { disableResourceNameHashes: true });
  new McpServer(chart, server.name, {
    ...server,
    flavour: 'standalone',
    port,
    namespace: 'preflight',
    clients: [],
    apiServer: { cidrs: ['127.0.0.1/32'] },
  });
  const deployment = chart.toJson().find((o) => o.kind === 'Deployment');
  const commands = renderedCommands(deployment);
  const workDir = mkdtempSync(join(tmpdir(), `mcp-preflight-${server.name}-`));
  let upstream: RunningUpstream | undefined;
  let running: RunningServer | undefined;
  const client = new Client({ name: 'mcp-platform-preflight', version: '1.0.0' });
  try {
    try {
      await installLocally(commands, workDir, deadlines.install, npmCache);
    } catch (error) {
      if (!(error instanceof LocalRunError)) throw error;
      return failed(`install failed: ${error.command.slice(0, 2).join(' ')} ${error.what}`, lastLines(error.stderr.split('\n')));
    }
    if (server.preflight?.upstream) upstream = await startUpstream(server.preflight.upstream, server);
    try {
      running = await startLocally(commands, workDir, {
        env: { ...upstream?.env, ...server.preflight?.env },
        files: upstream?.files,
        timeoutMs: deadlines.start,
      });
    } catch (error) {
      if (!(error instanceof LocalRunError)) throw error;
      const stderr = server.transport === 'stdio' ? bridgedServerStderr(error.stderr) : error.stderr.split('\n');
      return failed(`did not start: ${server.transport === 'stdio' ? 'the bridge' : 'the server'} ${error.what}`, lastLines(stderr.length ? stderr : error.stderr.split('\n')));
    }

    // 3. Initialize and list the tools, over what the gateway will speak to it.
    const path = server.path ?? (server.transport === 'sse' ? '/sse' : '/mcp');
    const url = new URL(`http://127.0.0.1:${port}${path}`);
    const against = upstream ? ` against ${upstream.description}` : '';
    let step = 'initialize';
    try {
      const transport = servedTransport(server.transport) === 'sse' ? new SSEClientTransport(url) : new StreamableHTTPClientTransport(url);
      await withDeadline(deadlines.initialize, (timeout) => client.connect(transport, { timeout }));
      step = 'tools/list';
      const { tools } = await withDeadline(deadlines.listTools, (timeout) => client.listTools(undefined, { timeout }));
      return result('ok', upstream ? `tools listed${against}` : '', { tools: tools.map((t) => t.name).sort() });
    } catch (error) {
      const why = firstLine((error as Error).message);
      const exit = await processExit(server.transport, running, why);
      const stderr = serverStderr(server.transport, running);
      if (exit) return failed(`${exit} ${step === 'initialize' ? 'before answering initialize' : 'after answering initialize, on tools/list'}${against}`, stderr);
      if (step === 'initialize') return failed(`no answer to initialize${against}: ${why}`, stderr);
      if (check === 'startup') return result('started', `answered initialize; tools/list needs its upstream (${server.preflight?.reason}): ${why}`);
      return failed(`answered initialize, but not tools/list${against}: ${why} (a server that lists its tools only with its upstream declares preflight: { check: "startup", reason })`, stderr);
    }
  } finally {
    await client.close().catch(() => {});
    await running?.stop();
    await upstream?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * How the server's process ended, if it did: the process preflight started (the server, or the bridge), or,
 * behind the bridge, the server process the bridge started (the bridge itself stays up).
 */
async function processExit(transport: McpTransport, running: RunningServer, error: string): Promise<string | undefined> {
  const ended = () => {
    const { exitCode, signalCode } = running.child;
    if (exitCode !== null || signalCode !== null) return `${transport === 'stdio' ? 'the bridge' : 'the server'} exited (${exitCode === null ? `signal ${signalCode}` : `code ${exitCode}`})`;
    const behindBridge = transport === 'stdio' ? bridgedServerExit(running.stderr()) : undefined;
    return behindBridge && `the server process exited (${behindBridge})`;
  };
  // The bridge logs the exit before it fails the request, but our copy of its stderr may lag behind; and it
  // relays the server's last stderr around the exit: wait for the exit, then for its stderr to go quiet.
  await waitFor(() => ended() !== undefined, EXIT_GRACE_MS);
  let [seen, quietSince] = [-1, 0];
  await waitFor(() => {
    if (running.stderr().length !== seen) [seen, quietSince] = [running.stderr().length, Date.now()];
    return Date.now() - quietSince >= QUIET_MS;
  }, EXIT_GRACE_MS);
  return ended() ?? (error.includes(BRIDGE_CHILD_FAILED) ? 'the server process failed' : undefined);
}

/** Resolves once `done()` holds, or after `ms`. */
async function waitFor(done: () => boolean, ms: number): Promise<void> {
  for (const until = Date.now() + ms; !done() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 25));
}

function serverStderr(transport: McpTransport, running: RunningServer): readonly string[] {
  return lastLines(transport === 'stdio' ? bridgedServerStderr(running.stderr()) : running.stderr().split('\n'));
}

type RegistryEntry = { readonly version?: string; readonly bin?: Record<string, string> | string } | { readonly missing: string };

/** The registry's entry for `label`, or why there is none (what npm said, in a line). */
async function registryEntry(label: string): Promise<RegistryEntry> {
  const { code, stdout, stderr } = await npm(['view', label, 'version', 'bin', '--json']);
  let answer: { version?: string; bin?: Record<string, string> | string; error?: { code?: string; summary?: string } } | undefined;
  try {
    answer = stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    answer = undefined;
  }
  if (code === 0 && answer && !answer.error) return answer;
  const error = answer?.error;
  if (error?.code === 'E404') return { missing: `the registry does not have ${label} (E404 ${firstLine(error.summary ?? 'Not Found')})` };
  if (error) return { missing: `npm could not ask the registry for ${label}: ${error.code ?? 'error'} ${firstLine(error.summary ?? '')}`.trim() };
  return { missing: `npm could not ask the registry for ${label}: ${stderr.split('\n').find((l) => l.includes('npm error')) ?? firstLine(stderr)}` };
}

function npm(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npm', args, { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** The results as a table, one row per server, then the details of each FAILED one. */
export function formatPreflight(results: readonly PreflightResult[]): string {
  const rows = results.map((r) => [
    r.server,
    r.transport,
    r.check ?? '-',
    r.tools ? String(r.tools.length) : '-',
    r.outcome === 'not run' ? '-' : `${r.seconds.toFixed(1)} s`,
    r.outcome,
    r.note.split('\n')[0],
  ]);
  const header = ['server', 'transport', 'check', 'tools', 'time', 'result', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const failures = results
    .filter((r) => r.outcome === 'FAILED')
    .map((r) => [`\n${r.server}: ${r.note}`, ...(r.stderr ?? []).map((l) => `  stderr: ${l}`)].join('\n'));
  return [line(header), ...rows.map(line), ...failures].join('\n');
}

/** `start(timeout)` settled within `ms`; the SDK's own request timeout is set past it, so ours is what fires. */
function withDeadline<T>(ms: number, start: (sdkTimeout: number) => Promise<T>): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    start(ms + 1000).then(
      (value) => (clearTimeout(timer), resolvePromise(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

const firstLine = (text: string) => text.split('\n').find((l) => l.trim()) ?? text;
/** A line that says it is an error: "Error: ...", "TypeError: ...", "fatal: ...", "panic: ...", after an optional "[tag]". */
const ERROR_LINE = /^\s*(?:\[[^\]]*\]\s*)?(?:\w*error|fatal|panic)\b/i;

/** The last lines of stderr, from its last error line on when it has one (a CLI prints its usage after it). */
function lastLines(lines: readonly string[]): string[] {
  const text = lines.map((l) => l.trimEnd()).filter((l) => l.trim());
  const lastError = text.map((l) => ERROR_LINE.test(l)).lastIndexOf(true);
  return lastError === -1 ? text.slice(-STDERR_LINES) : text.slice(lastError, lastError + STDERR_LINES);
}
