/**
 * One reconcile pass: candidates from the watched objects, a probe of each over MCP, a registry record of
 * each probe, and the pull requests for servers that are new. `reconcile --once`, the watch loop and
 * `POST /api/v1/reconcile` all run exactly this.
 */
import { performance } from 'node:perf_hooks';
import { findCandidates } from './candidates.js';
import type { GitHost } from './git-host/git-host.js';
import type { DiscoveryMetrics } from './metrics.js';
import type { Candidate, ClusterObjects, ProbeResult } from './model.js';
import { DEFAULT_PROBE_LIMITS, probe, type ProbeLimits } from './probe/probe.js';
import { probeAll } from './probe/probe-pool.js';
import type { DiscoverySettings } from './settings.js';
import { reconcilePullRequests, type Discovered, type PullRequestOptions, type PullRequestOutcome } from './reconcile/pull-requests.js';

/** What the pass needs of the registry. */
export interface ProbeRecorder {
  /** `toolCount`: the tools the registry knows for the server after this probe (the last good probe's), null when none. */
  recordProbe(candidate: Candidate, result: ProbeResult): Promise<{ readonly toolsChanged: boolean; readonly toolCount?: number | null }>;
  /** Marks registry rows of servers the platform repo declares. */
  markDeclared(names: readonly string[]): Promise<number>;
}

export interface PassLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface PassDependencies {
  readonly objects: ClusterObjects;
  readonly registry: ProbeRecorder;
  readonly host: GitHost;
  readonly metrics: DiscoveryMetrics;
  readonly log: PassLog;
  /** Probes a candidate; the real MCP probe unless a benchmark measures the rest without it. */
  readonly probe?: (candidate: Candidate, limits: ProbeLimits) => Promise<ProbeResult>;
}

export interface PassOptions {
  readonly annotationPrefix: string;
  readonly probeLimits: ProbeLimits;
  readonly probeConcurrency: number;
  readonly pullRequests: PullRequestOptions;
}

export interface PassReport {
  /** True when every step succeeded for every server. */
  readonly ok: boolean;
  /** Servers new to the platform. */
  readonly candidates: number;
  /** Servers the platform rendered, probed for their health. */
  readonly declaredProbed: number;
  readonly rejected: number;
  readonly alreadyDeclared: number;
  /** Probe results by result label ("ok", "timeout", ...). */
  readonly probes: Readonly<Record<string, number>>;
  readonly recorded: number;
  /** Known servers whose tool list changed: flagged for review in the registry. */
  readonly toolChanges: readonly string[];
  readonly pullRequests: readonly PullRequestOutcome[];
  readonly errors: readonly string[];
  /** On a dry run: where the would-be pull requests were written (nothing was sent to GitHub). */
  readonly dryRunDir?: string;
  /** Milliseconds per step. */
  readonly timings: { readonly scan: number; readonly probe: number; readonly record: number; readonly pullRequests: number };
}

/** What a pass does, as the settings say. */
export function passOptions(settings: DiscoverySettings): PassOptions {
  return {
    annotationPrefix: settings.annotationPrefix,
    probeLimits: { ...DEFAULT_PROBE_LIMITS, timeoutMs: settings.probeTimeoutMs },
    probeConcurrency: settings.probeConcurrency,
    pullRequests: {
      baseBranch: settings.baseBranch,
      serversDir: settings.serversDir,
      serverFileImport: settings.serverFileImport,
      maxOpenPullRequests: settings.maxOpenPullRequests,
      toolBudget: settings.toolBudget,
      platform: { namespace: settings.platformNamespace, ...(settings.gatewayApplication ? { application: settings.gatewayApplication } : {}) },
      ...(settings.dryRunDir !== undefined ? { dryRunDir: settings.dryRunDir } : {}),
    },
  };
}

const probeCandidate = (candidate: Candidate, limits: ProbeLimits) =>
  probe({ host: candidate.host, port: candidate.port, path: candidate.path, transport: candidate.transport }, limits);

export async function runPass(deps: PassDependencies, options: PassOptions): Promise<PassReport> {
  const { metrics, log } = deps;
  const errors: string[] = [];

  let started = performance.now();
  const scan = findCandidates(deps.objects, { annotationPrefix: options.annotationPrefix });
  for (const rejection of scan.rejections) {
    log.warn({ object: rejection.object, field: rejection.field, reason: rejection.reason }, 'skipped an object with an invalid MCP annotation or field');
    metrics.rejected.inc({ field: rejection.field });
  }
  metrics.candidates.reset();
  for (const source of ['service', 'kmcp', 'toolhive'] as const) metrics.candidates.set({ source }, scan.candidates.filter((c) => c.source === source).length);
  const scanMs = performance.now() - started;

  started = performance.now();
  const run = deps.probe ?? probeCandidate;
  // Declared servers are probed too: their health is what mcp_server_up (and the McpServerDown alert) reports.
  const probed = [...scan.candidates, ...scan.declared];
  const results = await probeAll(probed, options.probeConcurrency, (candidate) => run(candidate, options.probeLimits));
  const probes: Record<string, number> = {};
  metrics.serverUp.reset();
  probed.forEach((candidate, i) => {
    const result = results[i]!;
    const label = result.ok ? 'ok' : result.result;
    probes[label] = (probes[label] ?? 0) + 1;
    metrics.probes.inc({ result: label });
    metrics.serverUp.set({ server: candidate.name, namespace: candidate.namespace }, result.ok ? 1 : 0);
    if (!result.ok) log.warn({ server: candidate.name, object: candidate.object, result: result.result, err: result.error }, 'MCP probe failed');
  });
  const probeMs = performance.now() - started;

  started = performance.now();
  let recorded = 0;
  const toolChanges: string[] = [];
  // Last known tools per server: a declared server that fails one probe still counts on the gateway's endpoint.
  const toolCounts = new Map<string, number | undefined>();
  for (const [i, candidate] of probed.entries()) {
    const result = results[i]!;
    toolCounts.set(candidate.name, result.ok ? result.tools.length : undefined);
    try {
      const { toolsChanged, toolCount } = await deps.registry.recordProbe(candidate, result);
      if (typeof toolCount === 'number') toolCounts.set(candidate.name, toolCount);
      recorded++;
      if (toolsChanged) {
        toolChanges.push(candidate.name);
        metrics.toolChanges.inc();
        log.warn({ server: candidate.name }, 'the tool list of a known server changed: flagged for review in the registry');
      }
    } catch (error) {
      errors.push(`record ${candidate.name}: ${(error as Error).message}`);
    }
  }
  if (recorded < probed.length) log.error({ failed: probed.length - recorded, err: errors.at(-1) }, 'some probes were not recorded; the next pass records them');
  const recordMs = performance.now() - started;

  started = performance.now();
  const discovered: Discovered[] = [];
  scan.candidates.forEach((candidate, i) => {
    const result = results[i]!;
    // Only a server that answered is proposed: a pull request needs its tools for review.
    if (result.ok) discovered.push({ candidate, probe: result });
  });
  let pullRequests: PullRequestOutcome[] = [];
  try {
    pullRequests = await reconcilePullRequests(discovered, deps.host, options.pullRequests, log, { byServer: toolCounts, rendered: scan.declared.map((c) => c.name) });
  } catch (error) {
    errors.push(`pull requests: ${(error as Error).message}`);
    log.error({ err: (error as Error).message }, 'could not read the platform repo; no pull request was changed');
  }
  for (const outcome of pullRequests) {
    metrics.pullRequests.inc({ action: outcome.action });
    if (outcome.action === 'failed') errors.push(`pull request ${outcome.server}: ${outcome.detail}`);
  }
  const declared = pullRequests.filter((o) => o.action === 'declared').map((o) => o.server);
  if (declared.length) {
    try {
      await deps.registry.markDeclared(declared);
    } catch (error) {
      errors.push(`mark declared: ${(error as Error).message}`);
    }
  }
  const pullRequestsMs = performance.now() - started;

  const ok = errors.length === 0;
  metrics.passes.inc({ result: ok ? 'ok' : 'failed' });
  return {
    ok,
    candidates: scan.candidates.length,
    declaredProbed: scan.declared.length,
    rejected: scan.rejections.length,
    alreadyDeclared: scan.alreadyDeclared,
    probes,
    recorded,
    toolChanges,
    pullRequests,
    errors,
    ...(options.pullRequests.dryRunDir !== undefined ? { dryRunDir: options.pullRequests.dryRunDir } : {}),
    timings: { scan: scanMs, probe: probeMs, record: recordMs, pullRequests: pullRequestsMs },
  };
}
