/**
 * The platform repo on GitHub (or GitHub Enterprise) through octokit, whose retry and throttling plugins wait
 * out rate limits and retry 5xx. Any failure throws an Error naming the call and the status; only the two
 * lookups whose interface says so answer a 404 as "absent".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { App, Octokit, RequestError } from 'octokit';
import type { Branch, Commit, FileToCommit, GitHost, PullRequest } from './git-host.js';

export type GitHubAuth =
  | { readonly token: string }
  | { readonly appId: string | number; readonly privateKey: string; readonly installationId: number };

/** The subset of a pino logger this class writes to. */
export interface GitHubHostLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export type RateLimitKind = 'primary' | 'secondary';

export interface GitHubHostOptions {
  /** The platform repo, "owner/name". */
  readonly repo: string;
  /** API root, for GitHub Enterprise ("https://ghe.example.com/api/v3") and tests. @default 'https://api.github.com' */
  readonly baseUrl?: string;
  /** A token, or a GitHub App installation (the installation token is fetched and renewed by octokit). */
  readonly auth: GitHubAuth;
  readonly log: GitHubHostLog;
  /** Called before each wait for a rate limit, with the wait in seconds. */
  readonly onRateLimitWait?: (seconds: number, kind: RateLimitKind) => void;
  /** Called once per call that fails, after its retries, with the last status. */
  readonly onApiError?: (status: number) => void;
  /** Called once per API call and per page, with a route such as "/repos/{owner}/{repo}/pulls". */
  readonly onRequest?: (method: string, route: string) => void;
  /** How long one request may take before it is abandoned (and retried like a 5xx); octokit has no limit. @default 30000 */
  readonly requestTimeoutMs?: number;
  readonly throttle?: {
    /** Wait after a secondary rate limit that came without Retry-After. @default 60 */
    readonly fallbackSecondaryRetryAfterSeconds?: number;
    /** Retries of one call after rate limits, and separately after 5xx (waiting 1, 4, 9… s). @default 3 */
    readonly maxRetries?: number;
    /** Least time between the starts of two write requests; GitHub asks for one second. @default 1000 */
    readonly minWriteIntervalMs?: number;
    /** Unit of the 5xx retry back-off (the n-th retry waits n² units). @default 1000 */
    readonly retryUnitMs?: number;
  };
}

interface WirePullRequest {
  readonly number: number;
  readonly state: string;
  readonly title: string;
  readonly body: string | null;
  readonly merged_at: string | null;
  readonly html_url: string;
  readonly head: { readonly ref: string; readonly sha: string; readonly repo: { readonly full_name: string } | null };
  readonly base: { readonly ref: string };
  readonly labels: readonly { readonly name: string }[];
}

/** Only 5xx are retried blindly: 403/429 rate limits belong to the throttling plugin, and other 4xx never heal. */
const CLIENT_ERRORS = Array.from({ length: 100 }, (_, index) => 400 + index);

/**
 * Stands in for the throttling plugin's write groups, which are shared by every Octokit in the process and only
 * space the starts of writes (a slow write still overlaps the next): this class queues and spaces writes itself.
 */
const PASS_THROUGH_GROUP = { key: () => ({ schedule: <T>(_options: unknown, job: () => Promise<T>) => job() }) };

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

function toPullRequest(pull: WirePullRequest): PullRequest {
  return {
    number: pull.number,
    head: pull.head.ref,
    headSha: pull.head.sha,
    base: pull.base.ref,
    state: pull.state === 'open' ? 'open' : 'closed',
    merged: pull.merged_at !== null,
    title: pull.title,
    body: pull.body ?? '',
    labels: pull.labels.map((label) => label.name),
    url: pull.html_url,
  };
}

/** fetch that gives up after `ms`, keeping any signal the caller passed. */
function timedFetch(ms: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
}

/** The response, or undefined when GitHub answered 404. */
async function unless404<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof RequestError && error.status === 404) return undefined;
    throw error;
  }
}

export class GitHubHost implements GitHost {
  readonly owner: string;
  readonly repo: string;
  readonly baseUrl: string;
  private readonly options: GitHubHostOptions;
  private readonly maxRetries: number;
  private readonly minWriteIntervalMs: number;
  private connection: Promise<Octokit> | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private lastWriteStartedAt = 0;

  constructor(options: GitHubHostOptions) {
    if (!REPO.test(options.repo)) throw new Error(`GitHubHost repo "${options.repo}" is not "owner/name"; pass e.g. "acme/platform"`);
    const maxRetries = options.throttle?.maxRetries ?? 3;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new Error(`GitHubHost throttle.maxRetries ${maxRetries} is not a whole number of retries; pass 0 or more`);
    }
    [this.owner, this.repo] = options.repo.split('/') as [string, string];
    this.baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    this.options = options;
    this.maxRetries = maxRetries;
    this.minWriteIntervalMs = options.throttle?.minWriteIntervalMs ?? 1000;
  }

  branchHead(branch: string): Promise<string | undefined> {
    return this.call(`branchHead("${branch}")`, async (octokit) => {
      const found = await unless404(octokit.rest.git.getRef({ owner: this.owner, repo: this.repo, ref: `heads/${branch}` }));
      return found?.data.object.sha;
    });
  }

  listFiles(ref: string, dir: string): Promise<string[]> {
    return this.call(`listFiles("${ref}", "${dir}")`, async (octokit) => {
      const found = await unless404(octokit.rest.repos.getContent({ owner: this.owner, repo: this.repo, path: dir, ref }));
      if (!found) return [];
      if (!Array.isArray(found.data)) {
        throw new Error(`GitHub listFiles("${ref}", "${dir}"): "${dir}" is a ${found.data.type}, not a folder; point it at the servers folder`);
      }
      return found.data.filter((entry) => entry.type === 'file').map((entry) => entry.name);
    });
  }

  listBranches(prefix: string): Promise<Branch[]> {
    return this.call(`listBranches("${prefix}")`, async (octokit) => {
      const refs = await octokit.paginate(octokit.rest.git.listMatchingRefs, {
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${prefix}`,
        per_page: 100,
      });
      return refs.map((ref) => ({ name: ref.ref.slice('refs/heads/'.length), sha: ref.object.sha }));
    });
  }

  listPullRequests(prefix: string): Promise<PullRequest[]> {
    return this.call(`listPullRequests("${prefix}")`, async (octokit) => {
      const pulls = await octokit.paginate(octokit.rest.pulls.list, { owner: this.owner, repo: this.repo, state: 'all', per_page: 100 });
      // A fork's branch may carry the same name; only this repo's branches are the service's.
      const ours = (pull: WirePullRequest) => pull.head.repo?.full_name.toLowerCase() === `${this.owner}/${this.repo}`.toLowerCase();
      return pulls.filter((pull) => ours(pull) && pull.head.ref.startsWith(prefix)).map(toPullRequest);
    });
  }

  getCommit(sha: string): Promise<Commit> {
    return this.call(`getCommit("${sha}")`, async (octokit) => {
      const { data } = await octokit.rest.git.getCommit({ owner: this.owner, repo: this.repo, commit_sha: sha });
      return { sha: data.sha, message: data.message, parents: data.parents.map((parent) => parent.sha) };
    });
  }

  /** Tree sha of each base commit already read. */
  private readonly baseTrees = new Map<string, string>();

  createBranchWithFile(branch: string, baseSha: string, file: FileToCommit, message: string): Promise<string> {
    return this.write(`createBranchWithFile("${branch}", "${file.path}")`, async (octokit) => {
      const repo = { owner: this.owner, repo: this.repo };
      // base_tree must be a tree sha: GitHub no longer accepts the commit's. A commit never changes, so
      // its tree is read once per base, not once per new server.
      let baseTree = this.baseTrees.get(baseSha);
      if (baseTree === undefined) {
        baseTree = (await octokit.rest.git.getCommit({ ...repo, commit_sha: baseSha })).data.tree.sha;
        this.baseTrees.set(baseSha, baseTree);
      }
      const { data: tree } = await octokit.rest.git.createTree({
        ...repo,
        base_tree: baseTree,
        tree: [{ path: file.path, mode: '100644', type: 'blob', content: file.content }],
      });
      const { data: commit } = await octokit.rest.git.createCommit({ ...repo, message, tree: tree.sha, parents: [baseSha] });
      await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: commit.sha });
      return commit.sha;
    });
  }

  commitFile(branch: string, file: FileToCommit, message: string): Promise<string> {
    return this.write(`commitFile("${branch}", "${file.path}")`, async (octokit) => {
      const target = { owner: this.owner, repo: this.repo, path: file.path };
      // A 404 here means "no such file yet"; a missing branch still fails the write below.
      const found = await unless404(octokit.rest.repos.getContent({ ...target, ref: branch }));
      const existing = found?.data;
      if (Array.isArray(existing) || (existing !== undefined && existing.type !== 'file')) {
        throw new Error(`GitHub commitFile("${branch}", "${file.path}"): "${file.path}" is a folder on "${branch}", not a file`);
      }
      if (existing !== undefined && 'content' in existing && Buffer.from(existing.content, 'base64').toString('utf8') === file.content) {
        const { data } = await octokit.rest.git.getRef({ owner: this.owner, repo: this.repo, ref: `heads/${branch}` });
        return data.object.sha;
      }
      const { data } = await octokit.rest.repos.createOrUpdateFileContents({
        ...target,
        branch,
        message,
        content: Buffer.from(file.content, 'utf8').toString('base64'),
        ...(existing === undefined ? {} : { sha: existing.sha }),
      });
      if (data.commit.sha === undefined) throw new Error(`GitHub commitFile("${branch}", "${file.path}"): the answer carries no commit sha`);
      return data.commit.sha;
    });
  }

  openPullRequest(pr: { readonly head: string; readonly base: string; readonly title: string; readonly body: string }): Promise<PullRequest> {
    return this.write(`openPullRequest("${pr.head}")`, async (octokit) => {
      const { data } = await octokit.rest.pulls.create({ owner: this.owner, repo: this.repo, ...pr });
      return toPullRequest(data);
    });
  }

  async updatePullRequest(number: number, change: { readonly title?: string; readonly body?: string }): Promise<void> {
    if (change.title === undefined && change.body === undefined) return;
    await this.write(`updatePullRequest(${number})`, async (octokit) => {
      await octokit.rest.pulls.update({ owner: this.owner, repo: this.repo, pull_number: number, ...change });
    });
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    if (labels.length === 0) return;
    await this.write(`addLabels(${number})`, async (octokit) => {
      await octokit.rest.issues.addLabels({ owner: this.owner, repo: this.repo, issue_number: number, labels: [...labels] });
    });
  }

  /** Runs `run` once every earlier write has finished, so writes reach GitHub one at a time and in order. */
  private write<T>(what: string, run: (octokit: Octokit) => Promise<T>): Promise<T> {
    const turn = this.writes.then(() => this.call(what, run));
    this.writes = turn.catch(() => undefined);
    return turn;
  }

  /** Holds a write request until the interval since the previous one has passed; writes are already queued. */
  private async spaceWrite(): Promise<void> {
    const wait = this.lastWriteStartedAt + this.minWriteIntervalMs - Date.now();
    if (wait > 0) await sleep(wait);
    this.lastWriteStartedAt = Date.now();
  }

  private async call<T>(what: string, run: (octokit: Octokit) => Promise<T>): Promise<T> {
    const octokit = await (this.connection ??= this.connect());
    try {
      return await run(octokit);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      this.options.onApiError?.(error.status);
      throw new Error(`GitHub ${what} failed with ${error.status}: ${error.message}`, { cause: error });
    }
  }

  private async connect(): Promise<Octokit> {
    const { log, auth } = this.options;
    const octokitLog = {
      debug: () => undefined,
      info: (message: string) => log.info({ component: 'octokit' }, message),
      warn: (message: string) => log.warn({ component: 'octokit' }, message),
      error: (message: string) => log.error({ component: 'octokit' }, message),
    };
    const Configured = Octokit.defaults({
      baseUrl: this.baseUrl,
      userAgent: 'mcp-platform-discovery',
      log: octokitLog,
      // A request GitHub never answers would hold the pass (and every write queued behind it) forever.
      request: { fetch: timedFetch(this.options.requestTimeoutMs ?? 30_000) },
      retry: { retries: this.maxRetries, doNotRetry: CLIENT_ERRORS, retryAfterBaseValue: this.options.throttle?.retryUnitMs ?? 1000 },
      throttle: {
        fallbackSecondaryRateRetryAfter: this.options.throttle?.fallbackSecondaryRetryAfterSeconds ?? 60,
        write: PASS_THROUGH_GROUP,
        notifications: PASS_THROUGH_GROUP,
        onRateLimit: (seconds: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) =>
          this.waitForRateLimit('primary', seconds, request, retryCount),
        onSecondaryRateLimit: (seconds: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) =>
          this.waitForRateLimit('secondary', seconds, request, retryCount),
      },
    });
    const octokit: Octokit =
      'token' in auth
        ? new Configured({ auth: auth.token })
        : await new App({ appId: auth.appId, privateKey: auth.privateKey, Octokit: Configured, log: octokitLog }).getInstallationOctokit(auth.installationId);
    octokit.hook.before('request', async (request) => {
      // plugin-retry (8.1.1) counts a request's retries in `request.request.retryCount`, and that object is
      // the one from the defaults above, shared by every request: one retried request made every later one
      // start at its count (delays 1, 4, 4, 4 s). Each request gets its own, counting from zero; this hook
      // runs once per request, outside the retries.
      request.request = { ...request.request, retryCount: 0 };
      this.options.onRequest?.(request.method, this.routeOf(request.url));
      if (request.method !== 'GET' && request.method !== 'HEAD') await this.spaceWrite();
    });
    return octokit;
  }

  /** Whether the throttling plugin should wait `seconds` and retry. */
  private waitForRateLimit(kind: RateLimitKind, seconds: number, request: { method: string; url: string }, retryCount: number): boolean {
    const route = `${request.method} ${this.routeOf(request.url)}`;
    if (retryCount >= this.maxRetries) {
      this.options.log.error({ kind, route, retries: retryCount }, 'GitHub rate limit persists after retries; giving up');
      return false;
    }
    this.options.log.warn({ kind, route, seconds }, 'GitHub rate limit; waiting before retrying');
    this.options.onRateLimitWait?.(seconds, kind);
    return true;
  }

  /** The route as a template, also for the absolute page URLs that pagination follows, so metrics stay low-cardinality. */
  private routeOf(url: string): string {
    const path = (url.startsWith(this.baseUrl) ? url.slice(this.baseUrl.length) : url).split('?')[0] ?? '';
    return path.replace(`/repos/${this.owner}/${this.repo}/`, '/repos/{owner}/{repo}/');
  }
}
