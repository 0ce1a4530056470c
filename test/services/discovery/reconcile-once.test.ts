/**
 * End to end, through the real command line: annotated Services in the local Kubernetes API pointing at
 * real MCP servers, one `reconcile --once`, then the pull requests on the local GitHub API; the file they
 * add compiles and the platform synthesizes with it; a second run writes nothing; and the faults.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import ts from 'typescript';
import { loadConfigFile, DEFAULT_CONFIG } from '../../../stacks/load-config.js';
import { loadServerFiles } from '../../../stacks/servers.js';
import { synthesize } from '../../../stacks/synth.js';
import { LABELS } from '../../../services/discovery/src/reconcile/pull-requests.js';
import { mcpService, plainService, SERVERS_DIR, startDiscoveryWorld, type DiscoveryWorld } from '../../support/discovery-world.js';
import { tempDir } from '../../support/files.js';
import { freePort, runProcess } from '../../support/processes.js';
import { startEverything, startGarbageServer, startHangingServer, startOversizedServer, type HangingServer, type LocalMcpServer } from '../../support/mcp-servers.js';
import { SHARED_POSTGRES, sharedInSchema, startPostgres, type PrivatePostgres } from '../../support/postgres.js';
import { waitUntil } from '../../support/wait.js';


interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly report?: any;
}

/** Runs `npm run discovery -- <args>` as the package script does (tsx), as a child process. */
function runCli(args: readonly string[], env: NodeJS.ProcessEnv, options: { onStart?: (kill: () => void) => void } = {}): Promise<CliRun> {
  return runProcess(process.execPath, ['--import', 'tsx', 'services/discovery/src/main.ts', ...args], { env, onStart: options.onStart }).then(({ status, stdout, stderr }) => {
    let report;
    try {
      report = JSON.parse(stdout);
    } catch {
      report = undefined;
    }
    return { code: status, stdout, stderr, report };
  });
}

describe('reconcile --once, end to end', () => {
  let world: DiscoveryWorld;
  let everything: LocalMcpServer;
  let everythingSse: LocalMcpServer;
  let hanging: LocalMcpServer;
  let garbage: LocalMcpServer;
  let oversized: LocalMcpServer;
  let db: pg.Client;
  const schema = `discovery_e2e_${process.pid}`;
  let first: CliRun;

  beforeAll(async () => {
    [everything, everythingSse, hanging, garbage, oversized] = await Promise.all([
      startEverything('streamableHttp'),
      startEverything('sse'),
      startHangingServer(),
      startGarbageServer(),
      startOversizedServer({ tools: 5000 }),
    ]);
    world = await startDiscoveryWorld({ declared: ['talos'] });
    db = new pg.Client(SHARED_POSTGRES);
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);

    const { kube } = world;
    kube.add(mcpService('everything', everything));
    kube.add(mcpService('everything-sse', everythingSse, { transport: 'sse' }));
    kube.add(mcpService('talos', everything));
    kube.add(mcpService('mine', everything, { annotations: { 'mcp-platform.dev/declared-by': 'mcp-platform' } }));
    kube.add(mcpService('bad-port', everything, { annotations: { 'mcp-platform.dev/port': '99999' } }));
    kube.add(mcpService('hangs', hanging));
    kube.add(mcpService('garbage', garbage));
    kube.add(mcpService('oversized', oversized));
    kube.add(plainService('web'));
    // A kmcp MCPServer and the Service its operator made for it.
    kube.add({ apiVersion: 'kagent.dev/v1alpha1', kind: 'MCPServer', metadata: { name: 'kube-tools', namespace: 'mcp' }, spec: { transportType: 'http', httpTransport: { path: '/mcp' }, deployment: { port: everything.port } } });
    kube.add({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-tools', namespace: 'mcp' }, spec: { clusterIP: '127.0.0.1', ports: [{ name: 'http', port: everything.port }] } });

    // A probe deadline far above what any answering server needs, even on a busy machine: only the hanging one reaches it.
    first = await runCli(['reconcile', '--once', ...world.args(['--database-url', sharedInSchema(schema), '--probe-timeout', '10000'])], world.env());
  }, 180_000);

  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.end();
    await world?.close();
    await Promise.all([everything, everythingSse, hanging, garbage, oversized].map((s) => s?.stop()));
  });

  it('exits 0 and reports what it found, skipped and probed', () => {
    expect(first.stderr).not.toMatch(/"level":(50|60)/);
    expect(first.code).toBe(0);
    // The platform's own server ("mine") is probed for its health but never proposed.
    expect(first.report).toMatchObject({ ok: true, candidates: 7, declaredProbed: 1, rejected: 1, alreadyDeclared: 1, probes: { ok: 5, timeout: 1, protocol: 1, 'too-large': 1 }, recorded: 8 });
  });

  it('opens one pull request per new server that answered, with the file, body and labels', () => {
    const pulls = world.github.pullRequests();
    expect(pulls.map((p) => p.head).sort()).toEqual(['mcp-discovery/everything', 'mcp-discovery/everything-sse', 'mcp-discovery/kube-tools']);
    for (const pull of pulls) {
      expect(pull.labels).toEqual([...LABELS]);
      expect(pull.body).toContain('| echo |');
      expect(pull.body).toContain('### How to review');
    }
    const sse = world.github.fileAt('mcp-discovery/everything-sse', `${SERVERS_DIR}/everything-sse.ts`)!;
    expect(sse).toContain('"transport": "sse"');
    expect(sse).toContain('"path": "/sse"');
    expect(world.github.fileAt('mcp-discovery/everything', `${SERVERS_DIR}/talos.ts`)).toBe('// talos\n');
  });

  it("counts the tools of the servers the gateway routes now (the platform's own and the declared file's) in each body", async () => {
    const { rows } = await db.query(`SELECT tool_count FROM ${schema}.mcp_servers WHERE name IN ('mine', 'talos')`);
    const now = rows.reduce((sum, r) => sum + r.tool_count, 0);
    const pull = world.github.pullRequests().find((p) => p.head === 'mcp-discovery/everything')!;
    expect(pull.body).toContain(`\`/mcp\` serves ${now} tools now: the last probed tools of 2 declared servers found in the cluster.`);
    expect(pull.body).toContain('| `/mcp/everything`, this server alone |');
    expect(pull.body).toContain("NetworkPolicy `mcp-system/mcp-gateway` gains one egress rule, so the gateway's pods may connect to the server's:");
    expect(pull.body).toContain('### Rendered change');
  });

  it('records every probed server in PostgreSQL, healthy or not', async () => {
    const { rows } = await db.query(`SELECT name, health, source, tool_count FROM ${schema}.mcp_servers ORDER BY name`);
    expect(rows.map((r) => [r.name, r.health, r.source])).toEqual([
      ['everything', 'healthy', 'discovered'],
      ['everything-sse', 'healthy', 'discovered'],
      ['garbage', 'unhealthy', 'discovered'],
      ['hangs', 'unhealthy', 'discovered'],
      ['kube-tools', 'healthy', 'discovered'],
      ['mine', 'healthy', 'declared'],
      ['oversized', 'unhealthy', 'discovered'],
      // In the servers folder on the base branch: the registry says so.
      ['talos', 'healthy', 'declared'],
    ]);
    expect(rows.find((r) => r.name === 'everything')!.tool_count).toBeGreaterThan(5);
  });

  it('adds a file that type-checks and that the platform synthesizes with', async () => {
    const text = world.github.fileAt('mcp-discovery/everything', `${SERVERS_DIR}/everything.ts`)!;
    // In a folder beside stacks/servers, so its import of '../servers.js' resolves as it will in the repo.
    const dir = join(process.cwd(), 'stacks', `.e2e-servers-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      const file = join(dir, 'everything.ts');
      writeFileSync(file, text);
      const program = ts.createProgram([file], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: ['node'] });
      expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '))).toEqual([]);

      const config = await loadConfigFile(DEFAULT_CONFIG);
      const [added] = await loadServerFiles(dir);
      const out = tempDir();
      const report = synthesize({ ...config, mcpServers: [...config.mcpServers, added!.server] }, { manifestsDir: join(out, 'dist'), terraformDir: join(out, 'tf'), layers: ['workloads'] });
      expect(report.schemaErrors).toEqual([]);
      expect(report.policy.findings.filter((f) => f.level === 'error')).toEqual([]);
      const gateway = readFileSync(join(out, 'dist', 'mcp-servers', 'configmap-mcp-gateway-config.yaml'), 'utf8');
      expect(gateway).toContain('everything.tools.svc.cluster.local');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('makes no GitHub write on a second run over the same state', async () => {
    const before = world.github.writes();
    const second = await runCli(['reconcile', '--once', ...world.args(['--database-url', sharedInSchema(schema), '--probe-timeout', '10000'])], world.env());
    expect(second.code).toBe(0);
    expect(world.github.writes()).toBe(before);
    expect(second.report.pullRequests.map((p: any) => p.action).sort()).toEqual(['declared', 'unchanged', 'unchanged', 'unchanged']);
  }, 120_000);
});

describe('reconcile --once, faults', () => {
  let everything: LocalMcpServer;
  let hanging: HangingServer;

  beforeAll(async () => {
    [everything, hanging] = await Promise.all([startEverything('streamableHttp'), startHangingServer()]);
  });
  afterAll(async () => {
    await everything?.stop();
    await hanging?.stop();
  });

  it('GIVEN the process is killed between branch and pull request WHEN re-run THEN one pull request per server and the branch is reused', async () => {
    const world = await startDiscoveryWorld();
    const schema = `discovery_kill_${process.pid}`;
    const db = new pg.Client(SHARED_POSTGRES);
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    try {
      world.kube.add(mcpService('alpha', everything));
      world.kube.add(mcpService('beta', everything));
      world.github.failNext({ method: 'POST', path: /\/pulls$/, status: 0, hang: true });
      const args = ['reconcile', '--once', ...world.args(['--database-url', sharedInSchema(schema)])];
      const killed = await runCli(args, world.env(), {
        onStart: (kill) => void waitUntil(() => world.github.requests.some((r) => r.method === 'POST' && r.path.endsWith('/pulls')), 'the pull-request call').then(kill),
      });
      expect(killed.code).toBeNull();
      const branch = world.github.branchHead('mcp-discovery/alpha');
      expect(branch).toBeDefined();
      expect(world.github.pullRequests()).toEqual([]);

      const rerun = await runCli(args, world.env());
      expect(rerun.code).toBe(0);
      expect(world.github.pullRequests().map((p) => p.head)).toEqual(['mcp-discovery/alpha', 'mcp-discovery/beta']);
      expect(world.github.branchHead('mcp-discovery/alpha')).toBe(branch);
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
      await world.close();
    }
  }, 180_000);

  it('GIVEN PostgreSQL goes down mid-run THEN the run fails, and the next run records everything without a duplicate pull request', async () => {
    const world = await startDiscoveryWorld();
    const postgres: PrivatePostgres = await startPostgres();
    try {
      world.kube.add(mcpService('alpha', everything));
      world.kube.add(mcpService('slow', hanging));
      const args = ['reconcile', '--once', ...world.args(['--database-url', postgres.url, '--probe-timeout', '10000'])];
      // Migrations run once the cluster is listed; PostgreSQL stops while the hanging server holds the probe phase open.
      const before = hanging.received();
      const during = runCli(args, world.env(), {
        onStart: () => void waitUntil(() => hanging.received() > before, 'the probe of the hanging server').then(() => postgres.stop()),
      });
      const failed = await during;
      expect(failed.code).toBe(1);
      expect(failed.report.errors.join('\n')).toMatch(/record (alpha|slow)/);
      expect(world.github.pullRequests().map((p) => p.head)).toEqual(['mcp-discovery/alpha']);

      await postgres.restart();
      const writes = world.github.writes();
      const rerun = await runCli(args, world.env());
      expect(rerun.code).toBe(0);
      expect(world.github.writes()).toBe(writes);
      const client = new pg.Client(postgres.url);
      await client.connect();
      const { rows } = await client.query('SELECT name, health FROM mcp_servers ORDER BY name');
      await client.end();
      expect(rows).toEqual([
        { name: 'alpha', health: 'healthy' },
        { name: 'slow', health: 'unhealthy' },
      ]);
    } finally {
      await postgres.remove();
      await world.close();
    }
  }, 180_000);
});

describe('reconcile --once --dry-run', () => {
  it('GIVEN no repo and no database WHEN run THEN would-be pull requests are written under DIR, the registry is embedded, and GitHub is not called', async () => {
    const everything = await startEverything('streamableHttp');
    const world = await startDiscoveryWorld();
    try {
      world.kube.add(mcpService('alpha', everything));
      world.kube.add(mcpService('declared-here', everything));
      const checkout = tempDir();
      mkdirSync(join(checkout, SERVERS_DIR), { recursive: true });
      writeFileSync(join(checkout, SERVERS_DIR, 'declared-here.ts'), '// declared\n');
      const out = join(world.dir, 'out');
      const run = await runCli(
        ['reconcile', '--once', '--kubeconfig', world.kubeconfigFile, '--state-dir', join(world.dir, 'state'), '--dry-run', out, '--checkout', checkout],
        { ...process.env, LOG_LEVEL: 'info', GITHUB_TOKEN: '' },
      );
      expect(run.code).toBe(0);
      const file = join(out, 'mcp-discovery', 'alpha', 'files', SERVERS_DIR, 'alpha.ts');
      const pullRequest = join(out, 'mcp-discovery', 'alpha', 'pull-request.md');
      expect(readFileSync(file, 'utf8')).toContain('"name": "alpha"');
      expect(readFileSync(pullRequest, 'utf8')).toMatch(/^# Add MCP server alpha/);
      // What it says it did is what it did: nothing was opened.
      expect(run.report).toMatchObject({ ok: true, dryRunDir: out, pullRequests: [{ server: 'alpha', action: 'would-open', detail: `written to ${pullRequest}` }, { server: 'declared-here', action: 'declared' }] });
      expect(run.stderr).toContain('"msg":"would open a pull request (dry run: written locally, nothing sent to GitHub)"');
      expect(run.stderr).not.toMatch(/opened|pull request (opened|updated)/);
      expect(JSON.parse(readFileSync(join(out, 'mcp-discovery', 'alpha', 'labels.json'), 'utf8'))).toEqual([...LABELS]);
      expect(existsSync(join(out, 'mcp-discovery', 'declared-here'))).toBe(false);
      expect(existsSync(join(world.dir, 'state', 'pglite'))).toBe(true);
      expect(world.github.requests).toEqual([]);
    } finally {
      await world.close();
      await everything.stop();
    }
  }, 180_000);

  /** A kubeconfig whose cluster is `server`, and a state folder for the embedded database. */
  function unreachable(server: string): { kubeconfig: string; state: string; out: string } {
    const dir = tempDir();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'gone', cluster: { server } }], users: [{ name: 'u', user: {} }], contexts: [{ name: 'c', context: { cluster: 'gone', user: 'u' } }], 'current-context': 'c' }),
    );
    return { kubeconfig, state: join(dir, 'state'), out: join(dir, 'out') };
  }

  it('GIVEN a Kubernetes API that refuses connections THEN the run fails after --list-timeout naming it and the error, without opening the database', async () => {
    const port = await freePort();
    const { kubeconfig, state, out } = unreachable(`https://127.0.0.1:${port}`);
    const run = await runCli(['reconcile', '--once', '--kubeconfig', kubeconfig, '--dry-run', out, '--state-dir', state, '--list-timeout', '2'], { ...process.env, LOG_LEVEL: 'error' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `mcp-discovery: the Kubernetes API at https://127.0.0.1:${port} did not answer a full list within 2 s (last error: connect ECONNREFUSED 127.0.0.1:${port}): ` +
        'check --kubeconfig and the network, or give it longer with --list-timeout\n',
    );
    // The embedded database (PGlite's first start peaks near 900 MB) was never started.
    expect(existsSync(state)).toBe(false);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('GIVEN a Kubernetes API that accepts connections and never answers THEN the run fails after --list-timeout, without opening the database', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const { kubeconfig, state, out } = unreachable(`https://127.0.0.1:${port}`);
      const run = await runCli(['reconcile', '--once', '--kubeconfig', kubeconfig, '--dry-run', out, '--state-dir', state, '--list-timeout', '2'], { ...process.env, LOG_LEVEL: 'error' });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `mcp-discovery: the Kubernetes API at https://127.0.0.1:${port} did not answer a full list within 2 s (no answer at all): ` +
          'check --kubeconfig and the network, or give it longer with --list-timeout\n',
      );
      expect(existsSync(state)).toBe(false);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);

  it('GIVEN --help THEN the usage on stdout and exit 0', async () => {
    const run = await runCli(['--help'], { ...process.env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run discovery -- <serve \| reconcile --once> \[flags\]\n/);
    expect(run.stdout).toContain('--list-timeout S');
    expect(run.stderr).toBe('');
  });

  it('GIVEN an unknown flag THEN one line and exit 2', async () => {
    const run = await runCli(['reconcile', '--once', '--colour'], { ...process.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('mcp-discovery: unknown option --colour (see --help)\n');
    expect(run.stdout).toBe('');
  });

  it('GIVEN a bad value THEN exit 2 with the problem on one line', async () => {
    const run = await runCli(['reconcile', '--once', '--probe-timeout', 'soon', '--dry-run', '/tmp/x'], { ...process.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('mcp-discovery: --probe-timeout / PROBE_TIMEOUT_MS: "soon" must be a whole number from 100 to 300000 (see --help)\n');
  });
});
