/**
 * `npm run preflight`: before anything reaches the cluster, prove that every MCP server that runs from a
 * package exists and answers. For each: the package version and its executable exist in the npm registry;
 * the server is installed and started with the commands its standalone Deployment renders (a stdio server
 * through the bridge); an MCP client initializes and lists its tools. Needs no cluster.
 *
 * Servers that need credentials or their device are declared with `preflight: { check: "startup", reason }`:
 * for them, existence, installation and start-up must succeed, and the tools are listed if they answer.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Chart, Testing } from 'cdk8s';
import { McpServer } from '../../constructs/mcp/mcp-server.js';
import { isNpmSource, isServiceSource, npmBin, servedTransport } from '../../constructs/mcp/mcp-server-props.js';
import type { McpServerConfig } from '../config.js';
import { freePort, installLocally, renderedCommands, startLocally, type RunningServer } from './local-run.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

export interface PreflightResult {
  readonly server: string;
  readonly source: string;
  readonly transport: string;
  readonly check: 'full' | 'startup' | 'not run';
  readonly ok: boolean;
  readonly tools: readonly string[] | undefined;
  readonly seconds: number;
  readonly note: string;
}

/**
 * Checks every server; image-based ones are listed as not run (no container runtime is needed or used), and
 * so are external ones (something else deploys them: there is nothing to run here).
 */
export async function preflight(servers: readonly McpServerConfig[], log: (line: string) => void = () => {}): Promise<PreflightResult[]> {
  const results: PreflightResult[] = [];
  for (const server of servers) {
    log(`preflight ${server.name} ...`);
    results.push(await checkServer(server));
  }
  return results;
}

async function checkServer(server: McpServerConfig): Promise<PreflightResult> {
  const started = Date.now();
  const base = { server: server.name, transport: server.transport };
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  if (isServiceSource(server.source)) {
    const { name, namespace } = server.source.service;
    return { ...base, source: `service ${namespace}/${name}`, check: 'not run', ok: true, tools: undefined, seconds: 0, note: 'external: deployed by something else, nothing to run' };
  }
  if (!isNpmSource(server.source)) {
    return { ...base, source: server.source.image, check: 'not run', ok: true, tools: undefined, seconds: 0, note: 'image: runs in the cluster only' };
  }
  const source = server.source;
  const check = server.preflight?.check ?? 'full';
  const label = `${source.npm.package}@${source.npm.version}`;
  const fail = (note: string): PreflightResult => ({ ...base, source: label, check, ok: false, tools: undefined, seconds: seconds(), note });

  // 1. The version and its executable exist in the registry this machine's npm uses.
  let meta: { version?: string; bin?: Record<string, string> | string };
  try {
    meta = JSON.parse(await npm(['view', label, 'version', 'bin', '--json']));
  } catch (error) {
    return fail(`not in the npm registry: ${firstLine((error as Error).message)}`);
  }
  const bins = typeof meta.bin === 'string' ? [source.npm.package.replace(/^@[^/]+\//, '')] : Object.keys(meta.bin ?? {});
  if (meta.version !== source.npm.version) return fail(`the registry has no version ${source.npm.version}`);
  if (!bins.includes(npmBin(source))) return fail(`the package has no executable "${npmBin(source)}" (it has: ${bins.join(', ') || 'none'}); set source.npm.bin`);

  // 2. Install and start it with the commands its standalone Deployment renders.
  const port = await freePort();
  const chart = new Chart(Testing.app(), 'preflight', { disableResourceNameHashes: true });
  new McpServer(chart, server.name, {
    ...server,
    flavour: 'standalone',
    port,
    namespace: 'preflight',
    clients: [],
    apiServer: { cidrs: ['127.0.0.1/32'] },
  });
  const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment');
  const commands = renderedCommands(deployment);
  const workDir = mkdtempSync(join(tmpdir(), `mcp-preflight-${server.name}-`));
  let running: RunningServer | undefined;
  const client = new Client({ name: 'mcp-platform-preflight', version: '1.0.0' });
  try {
    try {
      await installLocally(commands, workDir);
    } catch (error) {
      return fail(`install failed: ${lastLines((error as Error).message)}`);
    }
    try {
      running = await startLocally(commands, workDir, { env: server.preflight?.env, timeoutMs: 60_000 });
    } catch (error) {
      return fail(`did not start: ${lastLines((error as Error).message)}`);
    }
    // 3. Initialize and list the tools, over what the gateway will speak to it.
    const path = server.path ?? (server.transport === 'sse' ? '/sse' : '/mcp');
    const url = new URL(`http://127.0.0.1:${port}${path}`);
    try {
      await withTimeout(
        client.connect(servedTransport(server.transport) === 'sse' ? new SSEClientTransport(url) : new StreamableHTTPClientTransport(url)),
        30_000,
      );
      const { tools } = await withTimeout(client.listTools(), 30_000);
      return { ...base, source: label, check, ok: true, tools: tools.map((t) => t.name).sort(), seconds: seconds(), note: '' };
    } catch (error) {
      const why = firstLine((error as Error).message);
      if (check === 'startup') {
        return { ...base, source: label, check, ok: true, tools: undefined, seconds: seconds(), note: `started; no answer without its upstream (${server.preflight?.reason}): ${why}` };
      }
      return fail(`did not answer: ${why}${running ? `\n${lastLines(running.output())}` : ''}`);
    }
  } finally {
    await client.close().catch(() => {});
    await running?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The results as a table, one row per server. */
export function formatPreflight(results: readonly PreflightResult[]): string {
  const rows = results.map((r) => [
    r.server,
    r.transport,
    r.check,
    r.tools ? String(r.tools.length) : '-',
    r.check === 'not run' ? '-' : `${r.seconds.toFixed(1)} s`,
    r.ok ? 'ok' : 'FAILED',
    r.note.split('\n')[0],
  ]);
  const header = ['server', 'transport', 'check', 'tools', 'time', 'result', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const failures = results.filter((r) => !r.ok).map((r) => `\n${r.server}: ${r.note}`);
  return [line(header), ...rows.map(line), ...failures].join('\n');
}

function npm(args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(err.split('\n').find((l) => l.includes('npm error')) ?? err))));
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolvePromise(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

const firstLine = (text: string) => text.split('\n').find((l) => l.trim()) ?? text;
const lastLines = (text: string) => text.trim().split('\n').slice(-4).join(' | ');
