/**
 * Discovery figures: 10,000 Services in the local Kubernetes API, 200 of them new MCP servers served by
 * real server-everything processes on loopback, the local GitHub API; a full `reconcile --once` through
 * the real CLI in a fresh process, then a second run over the same state.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { mcpService, startDiscoveryWorld } from '../support/discovery-world.js';
import { startEverything, type LocalMcpServer } from '../support/mcp-servers.js';
import { benchServices } from './cluster-of.js';
import { median, runNode } from './measure.js';

export interface DiscoveryFigures {
  readonly services: number;
  readonly newServers: number;
  readonly logicMs: number;
  readonly scanMs: number;
  readonly fullWallMs: number;
  readonly probeMs: number;
  readonly recordMs: number;
  readonly pullRequestsMs: number;
  readonly maxRssMb: number;
  readonly githubRequests: number;
  readonly requestsPerNewServer: number;
  readonly secondRunRequests: number;
  readonly secondRunWrites: number;
  readonly opened: number;
}

const SHARED = 'postgresql://postgres@127.0.0.1:5432/test';

const BUILD = resolve('services/discovery/build');

/**
 * The service compiled as the image runs it (tsc, then plain node), with the files it reads beside the
 * compiled code where the Dockerfile puts them. Running it through tsx instead costs about 200 MB more
 * for tsx's own transforms and source maps, which the image does not have.
 */
function buildService(): string {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'services/discovery/tsconfig.build.json'], { stdio: 'inherit' });
  for (const [link, target] of [
    [join(BUILD, 'templates'), resolve('templates')],
    [join(BUILD, 'constructs', 'database', 'migrations'), resolve('constructs', 'database', 'migrations')],
    // The pull-request body renders the server through the platform's constructs: the gateway's schema and validator.
    [join(BUILD, 'constructs', 'validation', 'validator-runtime.cjs'), resolve('constructs', 'validation', 'validator-runtime.cjs')],
    [join(BUILD, 'imports', 'crds', 'agentgateway-config.schema.json'), resolve('imports', 'crds', 'agentgateway-config.schema.json')],
    [join(BUILD, 'imports', 'validators', 'agentgateway-config.cjs'), resolve('imports', 'validators', 'agentgateway-config.cjs')],
  ] as const) {
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link);
  }
  return join(BUILD, 'services', 'discovery', 'src', 'main.js');
}

/** The node options the image runs the service with (its Dockerfile's NODE_OPTIONS), so the figures are the image's. */
function imageNodeOptions(): string[] {
  const match = /NODE_OPTIONS=("?)([^"\s\\]+)\1/.exec(readFileSync('services/discovery/Dockerfile', 'utf8'));
  return match ? match[2]!.split(' ') : [];
}

export async function discoveryBench(runs: number, total = 10_000, fresh = 200, backends = 4): Promise<DiscoveryFigures> {
  const logic = [];
  for (let i = 0; i < runs; i++) logic.push((await runNode('test/bench/discovery-logic-once.ts', [String(total), String(fresh)])).output);

  const main = buildService();
  const nodeArgs = imageNodeOptions();
  const servers: LocalMcpServer[] = await Promise.all(Array.from({ length: backends }, () => startEverything('streamableHttp')));
  const db = new pg.Client(SHARED);
  await db.connect();
  const results = [];
  try {
    for (let i = 0; i < runs; i++) {
      const world = await startDiscoveryWorld();
      const schema = `bench_discovery_${process.pid}_${i}`;
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
      try {
        for (const service of benchServices(total, fresh, servers)) {
          world.kube.add(service.metadata.name.startsWith('mcp-') ? mcpService(service.metadata.name, servers[Number(service.metadata.name.slice(4)) % backends]!, { namespace: service.metadata.namespace }) : (service as any));
        }
        const url = `${SHARED}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
        const args = ['reconcile', '--once', ...world.args(['--database-url', url, '--max-open-pull-requests', String(fresh), '--probe-concurrency', '16'])];
        const before = world.github.requests.length;
        const full = await runNode(main, args, world.env(), { tsx: false, nodeArgs });
        const githubRequests = world.github.requests.length - before;
        const writesBefore = world.github.writes();
        const secondBefore = world.github.requests.length;
        await runNode(main, args, world.env(), { tsx: false, nodeArgs });
        const report = full.output;
        results.push({
          fullWallMs: full.wallMs,
          maxRssMb: full.maxRssMb,
          probeMs: report.timings?.probe ?? NaN,
          recordMs: report.timings?.record ?? NaN,
          pullRequestsMs: report.timings?.pullRequests ?? NaN,
          githubRequests,
          // Reads made once per pass (base head, servers folder, branches, pull requests) are not per server.
          requestsPerNewServer: (githubRequests - (world.github.requests.length - secondBefore)) / fresh,
          secondRunRequests: world.github.requests.length - secondBefore,
          secondRunWrites: world.github.writes() - writesBefore,
          opened: report.pullRequests.filter((p: { action: string }) => p.action === 'opened').length,
        });
      } finally {
        await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await world.close();
        rmSync(world.dir, { recursive: true, force: true });
      }
    }
  } finally {
    await db.end();
    await Promise.all(servers.map((s) => s.stop()));
  }
  const pick = (key: string, from: Record<string, number>[]) => median(from.map((r) => r[key]!));
  return {
    services: total,
    newServers: fresh,
    logicMs: pick('logicMs', logic),
    scanMs: pick('scanMs', logic),
    fullWallMs: pick('fullWallMs', results),
    probeMs: pick('probeMs', results),
    recordMs: pick('recordMs', results),
    pullRequestsMs: pick('pullRequestsMs', results),
    maxRssMb: pick('maxRssMb', results),
    githubRequests: pick('githubRequests', results),
    requestsPerNewServer: pick('requestsPerNewServer', results),
    secondRunRequests: pick('secondRunRequests', results),
    secondRunWrites: pick('secondRunWrites', results),
    opened: pick('opened', results),
  };
}
