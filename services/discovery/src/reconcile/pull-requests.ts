/**
 * Discovered minus declared, as pull requests: one per new server, on the fixed branch
 * `mcp-discovery/<name>`, adding one file to the servers folder. Idempotent by construction: every pass
 * first reads the declared servers, the service's branches and its pull requests (open and closed), and
 * writes only what differs. It talks to the repo only through `GitHost`.
 */
import type { GitHost, PullRequest } from '../git-host/git-host.js';
import type { Candidate } from '../model.js';
import { ConfigError, parseMcpServer, type McpServerConfig } from '../../../../stacks/config.js';
import { bodyHash, pullRequestBody, pullRequestTitle, readMarker, sha256, type GatewayTools, type SuccessfulProbe } from './pull-request-body.js';
import { renderServerChange, type PlatformContext } from './rendered-change.js';
import { checkServerFile, discoveredServerSpec, renderServerFile, type DiscoveredServerSpec } from './server-file.js';

export interface PullRequestOptions {
  /** The platform repo's default branch, where declared servers live. */
  readonly baseBranch: string;
  /** The servers folder, e.g. "stacks/servers". */
  readonly serversDir: string;
  /** The module the server file imports defineMcpServer from, relative to serversDir. @default "../servers.js" */
  readonly serverFileImport?: string;
  /** At most this many of the service's pull requests open at once; more wait for the next pass. */
  readonly maxOpenPullRequests: number;
  /** The gateway's tool budget per endpoint, for the body. */
  readonly toolBudget: number;
  /** Where the gateway runs, for the body's rendered change. @default { namespace: "mcp-system" } */
  readonly platform?: PlatformContext;
  /** Set on a dry run: the folder the would-be pull requests go to. Outcomes then say "would-open" and "would-update". */
  readonly dryRunDir?: string;
  readonly templatesDir?: URL;
}

/** Tools of the servers found in the cluster, for the aggregated endpoint's count in the body. */
export interface ClusterTools {
  /** Last known tool count of each server found in the cluster, by name; undefined when it never answered a probe. */
  readonly byServer: ReadonlyMap<string, number | undefined>;
  /** The servers the platform rendered itself (declared-by): routed by the gateway whatever the servers folder holds. */
  readonly rendered: readonly string[];
}

export interface Discovered {
  readonly candidate: Candidate;
  readonly probe: SuccessfulProbe;
}

/** What happened to one server; `action` is the metric label. */
export interface PullRequestOutcome {
  readonly server: string;
  readonly action: 'opened' | 'updated' | 'would-open' | 'would-update' | 'unchanged' | 'declared' | 'declined' | 'merged' | 'human-branch' | 'capped' | 'failed';
  readonly pullRequest?: number;
  readonly detail?: string;
}

export const BRANCH_PREFIX = 'mcp-discovery/';
export const LABELS = ['auto-generated', 'mcp-infrastructure'] as const;
/** A trailer on every commit the service makes: a branch head without it was pushed by somebody else. */
export const COMMIT_TRAILER = 'Generated-by: mcp-discovery';

export interface PullRequestLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** The log line of each outcome worth one: a dry run says what it would have done, never that it did. */
const MESSAGES: Partial<Record<PullRequestOutcome['action'], string>> = {
  opened: 'opened a pull request',
  updated: 'updated the pull request',
  'would-open': 'would open a pull request (dry run: written locally, nothing sent to GitHub)',
  'would-update': 'would update the pull request (dry run: written locally, nothing sent to GitHub)',
  declined: 'not proposed again: its pull request was closed without merge for this tool list',
  merged: 'not proposed again: its pull request was merged',
  'human-branch': 'left alone: its branch has commits by somebody else',
};

/**
 * Opens or updates the pull requests for `discovered` servers. Per-server failures are reported as
 * outcomes and the other servers go on; a failure to read the repo's state throws, because without it
 * no decision is safe (an unreadable list must never be taken as an empty one).
 */
export async function reconcilePullRequests(
  discovered: readonly Discovered[],
  host: GitHost,
  options: PullRequestOptions,
  log: PullRequestLog,
  clusterTools?: ClusterTools,
): Promise<PullRequestOutcome[]> {
  const baseSha = await host.branchHead(options.baseBranch);
  if (!baseSha) throw new Error(`base branch "${options.baseBranch}" does not exist in the platform repo`);
  const declared = new Set((await host.listFiles(options.baseBranch, options.serversDir)).map((file) => file.replace(/\.(ts|js|json)$/, '')));
  const branches = new Map((await host.listBranches(BRANCH_PREFIX)).map((b) => [b.name, b.sha]));
  const pullRequests = new Map<string, PullRequest[]>();
  for (const pr of await host.listPullRequests(BRANCH_PREFIX)) {
    const list = pullRequests.get(pr.head) ?? [];
    list.push(pr);
    pullRequests.set(pr.head, list);
  }
  let open = [...pullRequests.values()].flat().filter((pr) => pr.state === 'open').length;
  const gateway = clusterTools && gatewayTools(clusterTools, declared);

  const outcomes: PullRequestOutcome[] = [];
  for (const item of [...discovered].sort((a, b) => a.candidate.name.localeCompare(b.candidate.name))) {
    const name = item.candidate.name;
    if (declared.has(name)) {
      outcomes.push({ server: name, action: 'declared' });
      continue;
    }
    try {
      const outcome = await reconcileOne(item, host, options, {
        baseSha,
        branchSha: branches.get(`${BRANCH_PREFIX}${name}`),
        pullRequests: (pullRequests.get(`${BRANCH_PREFIX}${name}`) ?? []).sort((a, b) => b.number - a.number),
        capped: open >= options.maxOpenPullRequests,
        gateway,
      });
      if (outcome.action === 'opened' || outcome.action === 'would-open') open++;
      if (outcome.action === 'capped') log.warn({ server: name, maxOpenPullRequests: options.maxOpenPullRequests }, 'pull request waits: the cap on open pull requests is reached');
      else if (MESSAGES[outcome.action]) log.info({ ...outcome }, MESSAGES[outcome.action]!);
      outcomes.push(outcome);
    } catch (error) {
      log.warn({ server: name, err: (error as Error).message }, 'pull request not reconciled; the next pass retries');
      outcomes.push({ server: name, action: 'failed', detail: (error as Error).message });
    }
  }
  return outcomes;
}

async function reconcileOne(
  { candidate, probe }: Discovered,
  host: GitHost,
  options: PullRequestOptions,
  state: { baseSha: string; branchSha: string | undefined; pullRequests: readonly PullRequest[]; capped: boolean; gateway: GatewayTools | undefined },
): Promise<PullRequestOutcome> {
  const name = candidate.name;
  const branch = `${BRANCH_PREFIX}${name}`;
  const path = `${options.serversDir.replace(/\/+$/, '')}/${name}.ts`;
  const spec = discoveredServerSpec(candidate, probe);
  const content = renderServerFile(spec, options.templatesDir, options.serverFileImport);
  // Checked only when it is about to be written: parsing it (and loading TypeScript) on every unchanged pass is waste.
  const checkedFile = () => {
    checkServerFile(content, spec, path, options.serverFileImport);
    return { path, content };
  };
  const fileHash = sha256(content);
  const title = pullRequestTitle(candidate);
  const rendered = await renderServerChange(platformServer(spec, path), options.platform ?? { namespace: 'mcp-system' });
  const body = pullRequestBody({ candidate, probe, file: path, fileHash, toolBudget: options.toolBudget, rendered, gateway: state.gateway }, options.templatesDir);
  const dryRun = options.dryRunDir !== undefined;
  const message = `Add MCP server ${name}\n\nFound in the cluster as ${candidate.object}; tool fingerprint ${probe.fingerprint}.\n\n${COMMIT_TRAILER}`;

  const current = state.pullRequests.find((pr) => pr.state === 'open');
  if (current) {
    const marker = readMarker(current.body);
    const fileCurrent = marker?.fileHash === fileHash;
    const textCurrent = current.title === title && bodyHash(current.body) === bodyHash(body);
    // Labels go on after the pull request opens: a pass cut off in between leaves them to this one.
    const missingLabels = LABELS.filter((label) => !current.labels.includes(label));
    if (missingLabels.length) await host.addLabels(current.number, missingLabels);
    if (fileCurrent && textCurrent) return { server: name, action: missingLabels.length ? (dryRun ? 'would-update' : 'updated') : 'unchanged', pullRequest: current.number };
    if (!fileCurrent) {
      if (!(await isOurs(host, current.headSha))) return { server: name, action: 'human-branch', pullRequest: current.number, detail: `${branch} has commits by somebody else` };
      await host.commitFile(branch, checkedFile(), message);
    }
    await host.updatePullRequest(current.number, { title, body });
    return dryRun ? { server: name, action: 'would-update', pullRequest: current.number, detail: `written under ${options.dryRunDir}` } : { server: name, action: 'updated', pullRequest: current.number };
  }

  const merged = state.pullRequests.find((pr) => pr.merged);
  if (merged && readMarker(merged.body)?.fingerprint === probe.fingerprint) {
    // Merged, but the file is not on the base branch (yet, or it was removed on purpose): do not propose it again.
    return { server: name, action: 'merged', pullRequest: merged.number };
  }
  const declined = state.pullRequests.find((pr) => pr.state === 'closed' && !pr.merged && readMarker(pr.body)?.fingerprint === probe.fingerprint);
  if (declined) return { server: name, action: 'declined', pullRequest: declined.number, detail: 'closed without merge for this tool list' };
  if (state.capped) return { server: name, action: 'capped' };

  if (state.branchSha) {
    // The branch survives from an earlier pass (killed before its pull request, or a declined older tool list).
    if (!(await isOurs(host, state.branchSha))) return { server: name, action: 'human-branch', detail: `${branch} has commits by somebody else` };
    await host.commitFile(branch, checkedFile(), message);
  } else {
    await host.createBranchWithFile(branch, state.baseSha, checkedFile(), message);
  }
  const pr = await host.openPullRequest({ head: branch, base: options.baseBranch, title, body });
  await host.addLabels(pr.number, LABELS);
  // A dry run's number is its own count, not GitHub's: the outcome names the file instead.
  return dryRun ? { server: name, action: 'would-open', detail: `written to ${pr.url}` } : { server: name, action: 'opened', pullRequest: pr.number };
}

/** The server as the platform's config schema reads the file, for its constructs. */
function platformServer(spec: DiscoveredServerSpec, path: string): McpServerConfig {
  try {
    return parseMcpServer(JSON.parse(JSON.stringify(spec)), path);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`${path}: the platform would reject it: ${error.problems.join('; ')}`);
    throw error;
  }
}

/** What the aggregated endpoint serves now: the servers the platform rendered, and those the servers folder declares. */
function gatewayTools(cluster: ClusterTools, declared: ReadonlySet<string>): GatewayTools {
  const routed = [...new Set([...cluster.rendered, ...[...cluster.byServer.keys()].filter((name) => declared.has(name))])].sort();
  let tools = 0;
  const unknown: string[] = [];
  for (const name of routed) {
    const count = cluster.byServer.get(name);
    if (count === undefined) unknown.push(name);
    else tools += count;
  }
  return { tools, servers: routed.length - unknown.length, unknown };
}

async function isOurs(host: GitHost, sha: string): Promise<boolean> {
  const commit = await host.getCommit(sha);
  return commit.message.split('\n').some((line) => line.trim() === COMMIT_TRAILER);
}
