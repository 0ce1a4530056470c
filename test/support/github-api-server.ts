/**
 * A local GitHub REST API for tests: the subset the discovery service's GitHub host calls, with GitHub's wire
 * format (bodies, status codes, Link pagination, base64 contents) and its failure modes, so octokit is
 * pointed at it by URL and the code under test is the code that ships.
 */
import { createHash, randomBytes, verify } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface GitHubApiServerOptions {
  /** "owner/name". @default 'acme/platform' */
  readonly repo?: string;
  /** The token requests must carry as `token X` or `bearer X`. @default 'test-token' */
  readonly token?: string;
  /** A GitHub App whose RS256 JWTs are exchanged for installation tokens. */
  readonly app?: { readonly id: number; readonly publicKey: string; readonly installationId: number };
  /** Held before answering each write, so overlapping writes would be seen. @default 0 */
  readonly writeDelayMs?: number;
}

export interface RecordedRequest {
  readonly method: string;
  /** Decoded path without the query, e.g. "/repos/acme/platform/git/ref/heads/main". */
  readonly path: string;
  /** Milliseconds since the epoch when it arrived. */
  readonly at: number;
  /** The credential after `token`/`bearer`, if any. */
  readonly token: string | undefined;
}

export interface Fault {
  readonly method?: string;
  /** Exact decoded path, or a pattern tested against it. */
  readonly path?: RegExp | string;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** How many matching requests fail. @default 1 */
  readonly times?: number;
  /** Never answer (the request is recorded and then held open, as if the process were killed mid-call). */
  readonly hang?: boolean;
}

/** Faults as GitHub sends them; spread one into `failNext` with a method or path. */
export const faults = {
  serverError: (): Fault => ({ status: 500, body: { message: 'Server Error' } }),
  /** 403 (or 429) "secondary rate limit", with Retry-After only when given. */
  secondaryLimit: (options: { readonly status?: 403 | 429; readonly retryAfterSeconds?: number } = {}): Fault => ({
    status: options.status ?? 403,
    headers: options.retryAfterSeconds === undefined ? {} : { 'retry-after': String(options.retryAfterSeconds) },
    body: {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    },
  }),
  /** 403 with the quota spent until `resetAt`. */
  primaryLimit: (resetAt: Date): Fault => ({
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(Math.floor(resetAt.getTime() / 1000)),
      'x-ratelimit-resource': 'core',
    },
    body: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
    },
  }),
};

export interface FakePullRequest {
  readonly number: number;
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly state: 'open' | 'closed';
  readonly merged: boolean;
  readonly labels: readonly string[];
}

interface StoredCommit {
  readonly sha: string;
  readonly message: string;
  readonly parents: readonly string[];
  readonly tree: ReadonlyMap<string, string>;
  readonly treeSha: string;
  readonly author: string;
  readonly date: string;
}

interface StoredPullRequest {
  readonly number: number;
  readonly head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  /** Frozen when closed; an open pull request follows its branch. */
  closedHeadSha: string | null;
  readonly labels: string[];
  /** Set for a pull request from a fork: the fork's full name (null once the fork is deleted) and its head commit. */
  readonly fork?: { readonly repo: string | null; readonly sha: string };
}

class HttpFailure {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {}
}

const BOT = 'mcp-platform-bot';
const HUMAN = 'octocat';

function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** GitHub wraps base64 content at 60 characters a line. */
function wrappedBase64(content: string): string {
  return (Buffer.from(content, 'utf8').toString('base64').match(/.{1,60}/g) ?? ['']).join('\n') + '\n';
}

function notFound(docs: string, message = 'Not Found'): HttpFailure {
  return new HttpFailure(404, { message, documentation_url: `https://docs.github.com/rest/${docs}`, status: '404' });
}

function validationFailed(docs: string, errors: readonly object[]): HttpFailure {
  return new HttpFailure(422, { message: 'Validation Failed', errors, documentation_url: `https://docs.github.com/rest/${docs}`, status: '422' });
}

function unprocessable(docs: string, message: string): HttpFailure {
  return new HttpFailure(422, { message, documentation_url: `https://docs.github.com/rest/${docs}`, status: '422' });
}

function unauthorized(message = 'Bad credentials'): HttpFailure {
  return new HttpFailure(401, { message, documentation_url: 'https://docs.github.com/rest', status: '401' });
}

function decodeBase64Url(part: string): Buffer {
  return Buffer.from(part, 'base64url');
}

export class GitHubApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly url: string;
  readonly owner: string;
  readonly name: string;
  private readonly token: string;
  private readonly app: GitHubApiServerOptions['app'];
  private readonly writeDelayMs: number;
  private readonly installationTokens = new Set<string>();
  private readonly branches = new Map<string, string>();
  private readonly commits = new Map<string, StoredCommit>();
  private readonly trees = new Map<string, ReadonlyMap<string, string>>();
  private readonly pulls: StoredPullRequest[] = [];
  private readonly repoLabels = new Map<string, number>();
  private readonly pendingFaults: { fault: Fault; left: number }[] = [];
  private sequence = 0;
  private writesInFlight = 0;
  private mostWritesAtOnce = 0;

  static async start(options: GitHubApiServerOptions = {}): Promise<GitHubApiServer> {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const server = new GitHubApiServer(http, options);
    http.on('request', (request, response) => void server.answer(request, response));
    return server;
  }

  private constructor(
    private readonly http: Server,
    options: GitHubApiServerOptions,
  ) {
    const [owner, name] = (options.repo ?? 'acme/platform').split('/');
    if (!owner || !name) throw new Error(`GitHubApiServer repo "${options.repo}" is not "owner/name"`);
    this.owner = owner;
    this.name = name;
    this.token = options.token ?? 'test-token';
    this.app = options.app;
    this.writeDelayMs = options.writeDelayMs ?? 0;
    this.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    this.branches.set('main', this.commit('Initial commit', [], new Map(), HUMAN));
  }

  async close(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.http.close((error) => (error ? reject(error) : resolve())));
  }

  /** Commits `files` on top of main; returns the new head. */
  seed(seed: { readonly files: Readonly<Record<string, string>> }): string {
    return this.commitFiles('main', seed.files);
  }

  /** A commit by someone else on `branch` (created from main when missing); returns its sha. `message` defaults to "Edit <path>". */
  pushAsHuman(branch: string, path: string, content: string, message?: string): string {
    return this.commitFiles(branch, { [path]: content }, message);
  }

  /**
   * An open pull request into main from `branch` of the fork `fork` ("owner/name", or null for a fork since
   * deleted), whose head commit by someone else adds `files` and has `message`. As on GitHub, it does not
   * block this repo's own pull request from a branch of the same name. Returns its number.
   */
  openForkPullRequest(options: { readonly fork: string | null; readonly branch: string; readonly title: string; readonly body: string; readonly files?: Readonly<Record<string, string>>; readonly message?: string }): number {
    const base = this.head('main');
    const tree = new Map([...this.commitAt(base).tree, ...Object.entries(options.files ?? {})]);
    const sha = this.commit(options.message ?? `Edit ${Object.keys(options.files ?? {}).join(', ')}`, [base], tree, HUMAN);
    const now = new Date().toISOString();
    const pull = this.addPull({ head: options.branch, base: 'main', title: options.title, body: options.body, fork: { repo: options.fork, sha } }, now);
    return pull.number;
  }

  /** Merges pull request `number` into its base with a merge commit. */
  mergePullRequest(number: number): string {
    const pull = this.pull(number);
    if (pull.state !== 'open') throw new Error(`GitHubApiServer: pull request #${number} is ${pull.state}, only open ones merge`);
    const base = this.head(pull.base);
    const head = this.head(pull.head);
    const tree = new Map([...this.commitAt(base).tree, ...this.commitAt(head).tree]);
    const sha = this.commit(`Merge pull request #${number} from ${this.owner}/${pull.head}`, [base, head], tree, HUMAN);
    this.branches.set(pull.base, sha);
    const now = new Date().toISOString();
    Object.assign(pull, { state: 'closed', closedAt: now, mergedAt: now, updatedAt: now, closedHeadSha: head });
    return sha;
  }

  closePullRequest(number: number): void {
    const pull = this.pull(number);
    const now = new Date().toISOString();
    Object.assign(pull, { state: 'closed', closedAt: now, updatedAt: now, closedHeadSha: pull.fork?.sha ?? this.head(pull.head) });
  }

  /** Content of `path` at a branch name or commit sha; undefined when either is missing. */
  fileAt(ref: string, path: string): string | undefined {
    const sha = this.resolve(ref);
    return sha === undefined ? undefined : this.commitAt(sha).tree.get(path);
  }

  /** Sha of the head of `branch`, or undefined. */
  branchHead(branch: string): string | undefined {
    return this.branches.get(branch);
  }

  pullRequests(): FakePullRequest[] {
    return this.pulls.map((pull) => ({
      number: pull.number,
      head: pull.head,
      base: pull.base,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      merged: pull.mergedAt !== null,
      labels: [...pull.labels],
    }));
  }

  /** Requests that change the repository (non-GET under /repos). */
  writes(): number {
    return this.requests.filter((request) => request.method !== 'GET' && request.path.startsWith('/repos/')).length;
  }

  /** The most repository writes that were being answered at the same time. */
  get maxConcurrentWrites(): number {
    return this.mostWritesAtOnce;
  }

  failNext(fault: Fault): void {
    this.pendingFaults.push({ fault, left: fault.times ?? 1 });
  }

  private commitFiles(branch: string, files: Readonly<Record<string, string>>, message = `Edit ${Object.keys(files).join(', ')}`): string {
    const parent = this.branches.get(branch) ?? this.head('main');
    const tree = new Map(this.commitAt(parent).tree);
    for (const [path, text] of Object.entries(files)) tree.set(path, text);
    const sha = this.commit(message, [parent], tree, HUMAN);
    this.branches.set(branch, sha);
    return sha;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    const token = /^(?:token|bearer) (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    this.requests.push({ method, path, at: Date.now(), token });
    const isWrite = method !== 'GET' && path.startsWith('/repos/');
    if (isWrite) this.mostWritesAtOnce = Math.max(this.mostWritesAtOnce, ++this.writesInFlight);
    try {
      const body = await this.readBody(request);
      if (isWrite && this.writeDelayMs > 0) await sleep(this.writeDelayMs);
      const fault = this.takeFault(method, path);
      if (fault?.hang) return;
      if (fault) {
        this.send(response, fault.status, fault.body ?? { message: STATUS_CODES[fault.status] }, fault.headers);
        return;
      }
      const [status, payload, headers] = this.route(method, url, path, token, body);
      this.send(response, status, payload, headers);
    } catch (error) {
      // A bug in this fake answers 500 with its message rather than hanging the client.
      const failure = error instanceof HttpFailure ? error : new HttpFailure(500, { message: `GitHubApiServer: ${String(error)}` });
      this.send(response, failure.status, failure.body);
    } finally {
      if (isWrite) this.writesInFlight--;
    }
  }

  private async readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (chunks.length === 0) return {};
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new HttpFailure(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest', status: '400' });
    }
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.pendingFaults.findIndex(({ fault }) => {
      const methodMatches = fault.method === undefined || fault.method === method;
      const pathMatches = fault.path === undefined || (typeof fault.path === 'string' ? fault.path === path : fault.path.test(path));
      return methodMatches && pathMatches;
    });
    if (index < 0) return undefined;
    const pending = this.pendingFaults[index]!;
    if (--pending.left <= 0) this.pendingFaults.splice(index, 1);
    return pending.fault;
  }

  private send(response: ServerResponse, status: number, payload: unknown, headers: Readonly<Record<string, string>> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(JSON.stringify(payload));
  }

  private route(
    method: string,
    url: URL,
    path: string,
    token: string | undefined,
    body: Record<string, unknown>,
  ): [number, unknown, Record<string, string>?] {
    const installation = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (method === 'POST' && installation) return [201, this.issueInstallationToken(Number(installation[1]), token)];
    if (token === undefined || (token !== this.token && !this.installationTokens.has(token))) throw unauthorized();

    const repoPrefix = `/repos/${this.owner}/${this.name}`;
    if (!path.startsWith(`${repoPrefix}/`)) throw notFound('repos/repos#get-a-repository');
    const rest = path.slice(repoPrefix.length);
    const query = url.searchParams;
    let match: RegExpExecArray | null;

    if (method === 'GET' && (match = /^\/git\/ref\/(.+)$/.exec(rest))) return [200, this.getRef(match[1]!)];
    if (method === 'GET' && (match = /^\/git\/matching-refs\/(.*)$/.exec(rest))) return this.page(url, this.matchingRefs(match[1]!));
    if (method === 'POST' && rest === '/git/refs') return [201, this.createRef(body)];
    if (method === 'GET' && (match = /^\/git\/commits\/([0-9a-f]+)$/.exec(rest))) return [200, this.getCommit(match[1]!)];
    if (method === 'POST' && rest === '/git/trees') return [201, this.createTree(body)];
    if (method === 'POST' && rest === '/git/commits') return [201, this.createCommit(body)];
    if (method === 'GET' && (match = /^\/contents(?:\/(.*))?$/.exec(rest))) return [200, this.getContents(match[1] ?? '', query.get('ref'))];
    if (method === 'PUT' && (match = /^\/contents\/(.+)$/.exec(rest))) return this.putContents(match[1]!, body);
    if (method === 'GET' && rest === '/pulls') return this.page(url, this.listPulls(query));
    if (method === 'POST' && rest === '/pulls') return [201, this.createPull(body)];
    if (method === 'PATCH' && (match = /^\/pulls\/(\d+)$/.exec(rest))) return [200, this.updatePull(Number(match[1]), body)];
    if (method === 'POST' && (match = /^\/issues\/(\d+)\/labels$/.exec(rest))) return [200, this.addLabels(Number(match[1]), body)];
    throw notFound('');
  }

  private issueInstallationToken(installationId: number, jwt: string | undefined): object {
    if (!this.app) throw notFound('apps/apps#create-an-installation-access-token-for-an-app');
    if (jwt === undefined || !this.isValidAppJwt(jwt)) throw unauthorized('A JSON web token could not be decoded');
    if (installationId !== this.app.installationId) throw notFound('apps/apps#create-an-installation-access-token-for-an-app');
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    this.installationTokens.add(token);
    return {
      token,
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
      permissions: { contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read' },
      repository_selection: 'all',
    };
  }

  /** RS256 signed by the app's key, issued by the app, not expired. */
  private isValidAppJwt(jwt: string): boolean {
    const [header, payload, signature] = jwt.split('.');
    if (!header || !payload || !signature || !this.app) return false;
    try {
      const { alg } = JSON.parse(decodeBase64Url(header).toString('utf8')) as { alg?: string };
      const claims = JSON.parse(decodeBase64Url(payload).toString('utf8')) as { iss?: unknown; exp?: number };
      const signed = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.app.publicKey, decodeBase64Url(signature));
      return alg === 'RS256' && signed && String(claims.iss) === String(this.app.id) && (claims.exp ?? 0) * 1000 > Date.now();
    } catch {
      return false;
    }
  }

  private getRef(ref: string): object {
    const branch = ref.startsWith('heads/') ? ref.slice('heads/'.length) : undefined;
    const sha = branch === undefined ? undefined : this.branches.get(branch);
    if (branch === undefined || sha === undefined) throw notFound('git/refs#get-a-reference');
    return this.refJson(branch, sha);
  }

  private matchingRefs(ref: string): object[] {
    return [...this.branches.keys()]
      .filter((branch) => `heads/${branch}`.startsWith(ref))
      .sort()
      .map((branch) => this.refJson(branch, this.head(branch)));
  }

  private createRef(body: Record<string, unknown>): object {
    const { ref, sha } = body;
    if (typeof ref !== 'string' || !ref.startsWith('refs/') || ref.split('/').length < 3) {
      throw unprocessable('git/refs#create-a-reference', 'Reference name must start with \'refs/\' and have at least two slashes.');
    }
    if (!ref.startsWith('refs/heads/')) throw unprocessable('git/refs#create-a-reference', `GitHubApiServer models branches only, not ${ref}`);
    if (typeof sha !== 'string' || !this.commits.has(sha)) throw unprocessable('git/refs#create-a-reference', 'Object does not exist');
    const branch = ref.slice('refs/heads/'.length);
    if (this.branches.has(branch)) throw unprocessable('git/refs#create-a-reference', 'Reference already exists');
    this.branches.set(branch, sha);
    return this.refJson(branch, sha);
  }

  private getCommit(sha: string): object {
    const commit = this.commits.get(sha);
    if (!commit) throw notFound('git/commits#get-a-commit-object');
    return this.commitJson(commit);
  }

  private createTree(body: Record<string, unknown>): object {
    const docs = 'git/trees#create-a-tree';
    const { base_tree: baseTree, tree: entries } = body;
    const base = typeof baseTree === 'string' ? this.trees.get(baseTree) : new Map<string, string>();
    if (base === undefined) throw unprocessable(docs, 'base_tree is not a valid tree oid');
    if (!Array.isArray(entries)) throw unprocessable(docs, 'Invalid request.\n\n"tree" wasn\'t supplied.');
    const tree = new Map(base);
    for (const entry of entries as Record<string, unknown>[]) {
      const { path, mode, type, content } = entry;
      if (typeof path !== 'string' || mode !== '100644' || type !== 'blob') {
        throw unprocessable(docs, 'Invalid tree info: only "100644" blobs with a path are supported by this fake');
      }
      if (entry['sha'] === null) tree.delete(path);
      else if (typeof content === 'string') tree.set(path, content);
      else throw unprocessable(docs, 'Invalid tree info: give "content" (this fake keeps no loose blobs)');
    }
    const sha = this.storeTree(tree);
    return {
      sha,
      url: `${this.api}/git/trees/${sha}`,
      tree: [...tree].map(([path, content]) => ({ path, mode: '100644', type: 'blob', sha: gitBlobSha(content), size: Buffer.byteLength(content), url: `${this.api}/git/blobs/${gitBlobSha(content)}` })),
      truncated: false,
    };
  }

  private createCommit(body: Record<string, unknown>): object {
    const docs = 'git/commits#create-a-commit';
    const { message, tree, parents } = body;
    if (typeof message !== 'string') throw unprocessable(docs, 'Invalid request.\n\n"message" wasn\'t supplied.');
    const stored = typeof tree === 'string' ? this.trees.get(tree) : undefined;
    if (stored === undefined) throw unprocessable(docs, 'Tree SHA does not exist');
    const parentShas = Array.isArray(parents) ? (parents as unknown[]) : [];
    if (!parentShas.every((parent): parent is string => typeof parent === 'string' && this.commits.has(parent))) {
      throw unprocessable(docs, 'Parent SHA does not exist or is not a commit object');
    }
    return this.commitJson(this.commitAt(this.commit(message, parentShas, stored, BOT)));
  }

  private getContents(rawPath: string, ref: string | null): object {
    const sha = this.resolve(ref ?? 'main');
    if (sha === undefined) throw notFound('repos/contents#get-repository-content', `No commit found for the ref ${ref}`);
    const path = rawPath.replace(/^\/+|\/+$/g, '');
    const tree = this.commitAt(sha).tree;
    const file = tree.get(path);
    if (file !== undefined) return { ...this.entryJson('file', path, file, ref ?? 'main'), encoding: 'base64', content: wrappedBase64(file) };
    const prefix = path === '' ? '' : `${path}/`;
    const entries = new Map<string, object>();
    for (const [filePath, content] of tree) {
      if (!filePath.startsWith(prefix)) continue;
      const [name, ...deeper] = filePath.slice(prefix.length).split('/');
      const entryPath = `${prefix}${name}`;
      entries.set(name!, deeper.length === 0 ? this.entryJson('file', entryPath, content, ref ?? 'main') : this.entryJson('dir', entryPath, '', ref ?? 'main'));
    }
    if (entries.size === 0) throw notFound('repos/contents#get-repository-content');
    return [...entries.keys()].sort().map((name) => entries.get(name)!);
  }

  private putContents(path: string, body: Record<string, unknown>): [number, object] {
    const docs = 'repos/contents#create-or-update-file-contents';
    const { message, content, sha } = body;
    if (typeof message !== 'string' || message === '') throw unprocessable(docs, 'Invalid request.\n\n"message" wasn\'t supplied.');
    if (typeof content !== 'string') throw unprocessable(docs, 'Invalid request.\n\n"content" wasn\'t supplied.');
    const branch = typeof body['branch'] === 'string' ? body['branch'] : 'main';
    const parent = this.branches.get(branch);
    if (parent === undefined) throw notFound(docs, `Branch ${branch} not found`);
    const tree = new Map(this.commitAt(parent).tree);
    const existing = tree.get(path);
    if (existing !== undefined && sha === undefined) throw unprocessable(docs, 'Invalid request.\n\n"sha" wasn\'t supplied.');
    if (existing !== undefined && sha !== gitBlobSha(existing)) {
      throw new HttpFailure(409, { message: `${path} does not match ${String(sha)}`, documentation_url: `https://docs.github.com/rest/${docs}`, status: '409' });
    }
    const text = Buffer.from(content, 'base64').toString('utf8');
    tree.set(path, text);
    const commitSha = this.commit(message, [parent], tree, BOT);
    this.branches.set(branch, commitSha);
    const commit = this.commitJson(this.commitAt(commitSha));
    return [existing === undefined ? 201 : 200, { content: this.entryJson('file', path, text, branch), commit }];
  }

  private listPulls(query: URLSearchParams): object[] {
    const state = query.get('state') ?? 'open';
    const head = query.get('head')?.replace(/^[^:]+:/, '');
    const base = query.get('base');
    return this.pulls
      .filter((pull) => state === 'all' || pull.state === state)
      .filter((pull) => (head === undefined || pull.head === head) && (base === null || pull.base === base))
      .sort((a, b) => b.number - a.number)
      .map((pull) => this.pullJson(pull));
  }

  private createPull(body: Record<string, unknown>): object {
    const docs = 'pulls/pulls#create-a-pull-request';
    const { title } = body;
    const head = typeof body['head'] === 'string' ? body['head'].replace(/^[^:]+:/, '') : undefined;
    const base = typeof body['base'] === 'string' ? body['base'] : undefined;
    if (typeof title !== 'string' || title === '') throw validationFailed(docs, [{ resource: 'Issue', field: 'title', code: 'missing_field' }]);
    if (head === undefined || !this.branches.has(head)) throw validationFailed(docs, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    if (base === undefined || !this.branches.has(base)) throw validationFailed(docs, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (this.pulls.some((pull) => pull.state === 'open' && pull.fork === undefined && pull.head === head && pull.base === base)) {
      throw validationFailed(docs, [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${this.owner}:${head}.` }]);
    }
    if (this.isAncestor(this.head(head), this.head(base))) {
      throw validationFailed(docs, [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);
    }
    const now = new Date().toISOString();
    const pull = this.addPull({ head, base, title, body: typeof body['body'] === 'string' ? body['body'] : '' }, now);
    return this.pullJson(pull);
  }

  private updatePull(number: number, body: Record<string, unknown>): object {
    const pull = this.pulls[number - 1];
    if (!pull) throw notFound('pulls/pulls#update-a-pull-request');
    if (typeof body['title'] === 'string') pull.title = body['title'];
    if (typeof body['body'] === 'string') pull.body = body['body'];
    if (typeof body['base'] === 'string') pull.base = body['base'];
    if (body['state'] === 'closed' && pull.state === 'open') Object.assign(pull, { state: 'closed', closedAt: new Date().toISOString(), closedHeadSha: this.head(pull.head) });
    if (body['state'] === 'open' && pull.state === 'closed' && pull.mergedAt === null) Object.assign(pull, { state: 'open', closedAt: null, closedHeadSha: null });
    pull.updatedAt = new Date().toISOString();
    return this.pullJson(pull);
  }

  private addLabels(number: number, body: Record<string, unknown>): object[] {
    const pull = this.pulls[number - 1];
    if (!pull) throw notFound('issues/labels#add-labels-to-an-issue');
    const labels = body['labels'];
    if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string' && label !== '')) {
      throw unprocessable('issues/labels#add-labels-to-an-issue', 'Invalid request.\n\nFor \'links/0/schema\', nil is not an array.');
    }
    for (const label of labels as string[]) {
      if (!this.repoLabels.has(label)) this.repoLabels.set(label, this.repoLabels.size + 1);
      if (!pull.labels.includes(label)) pull.labels.push(label);
    }
    return pull.labels.map((label) => this.labelJson(label));
  }

  /** Answers one page of `items` as GitHub does: `per_page` (30, at most 100), `page`, and a Link header. */
  private page(url: URL, items: readonly object[]): [number, object[], Record<string, string>] {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30));
    const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (target: number, rel: string): string => {
      const next = new URL(url);
      next.searchParams.set('page', String(target));
      return `<${next.toString()}>; rel="${rel}"`;
    };
    const links = [
      ...(page > 1 ? [link(page - 1, 'prev')] : []),
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first')] : []),
    ];
    return [200, items.slice((page - 1) * perPage, page * perPage), links.length > 0 ? { link: links.join(', ') } : {}];
  }

  private commit(message: string, parents: readonly string[], tree: ReadonlyMap<string, string>, author: string): string {
    const sha = createHash('sha1').update(`commit ${++this.sequence} ${message} ${parents.join(' ')}`).digest('hex');
    this.commits.set(sha, { sha, message, parents, tree, treeSha: this.storeTree(tree), author, date: new Date().toISOString() });
    return sha;
  }

  private storeTree(tree: ReadonlyMap<string, string>): string {
    const sha = createHash('sha1').update(JSON.stringify([...tree].sort(([a], [b]) => (a < b ? -1 : 1)))).digest('hex');
    this.trees.set(sha, tree);
    return sha;
  }

  private commitAt(sha: string): StoredCommit {
    const commit = this.commits.get(sha);
    if (!commit) throw new Error(`GitHubApiServer: no commit ${sha}`);
    return commit;
  }

  private head(branch: string): string {
    const sha = this.branches.get(branch);
    if (sha === undefined) throw new Error(`GitHubApiServer: no branch "${branch}"`);
    return sha;
  }

  private pull(number: number): StoredPullRequest {
    const pull = this.pulls[number - 1];
    if (!pull) throw new Error(`GitHubApiServer: no pull request #${number}`);
    return pull;
  }

  /** A branch name (optionally "heads/…" or "refs/heads/…") or a commit sha. */
  private resolve(ref: string): string | undefined {
    const branch = ref.replace(/^(refs\/)?heads\//, '');
    return this.branches.get(branch) ?? (this.commits.has(ref) ? ref : undefined);
  }

  private isAncestor(candidate: string, of: string): boolean {
    const seen = new Set<string>();
    const queue = [of];
    while (queue.length > 0) {
      const sha = queue.pop()!;
      if (sha === candidate) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...this.commitAt(sha).parents);
    }
    return false;
  }

  private get api(): string {
    return `${this.url}/repos/${this.owner}/${this.name}`;
  }

  private refJson(branch: string, sha: string): object {
    return {
      ref: `refs/heads/${branch}`,
      node_id: `REF_${Buffer.from(branch).toString('base64url')}`,
      url: `${this.api}/git/refs/heads/${branch}`,
      object: { sha, type: 'commit', url: `${this.api}/git/commits/${sha}` },
    };
  }

  private commitJson(commit: StoredCommit): Record<string, unknown> {
    const person = { name: commit.author, email: `${commit.author}@users.noreply.github.com`, date: commit.date };
    return {
      sha: commit.sha,
      node_id: `C_${commit.sha.slice(0, 12)}`,
      url: `${this.api}/git/commits/${commit.sha}`,
      html_url: `${this.url}/${this.owner}/${this.name}/commit/${commit.sha}`,
      author: person,
      committer: person,
      tree: { sha: commit.treeSha, url: `${this.api}/git/trees/${commit.treeSha}` },
      message: commit.message,
      parents: commit.parents.map((sha) => ({ sha, url: `${this.api}/git/commits/${sha}`, html_url: `${this.url}/${this.owner}/${this.name}/commit/${sha}` })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  }

  private entryJson(type: 'file' | 'dir', path: string, content: string, ref: string): object {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const sha = type === 'file' ? gitBlobSha(content) : createHash('sha1').update(`tree ${path}`).digest('hex');
    const self = `${this.api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
    const html = `${this.url}/${this.owner}/${this.name}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${path}`;
    const git = `${this.api}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`;
    return {
      type,
      name,
      path,
      sha,
      size: type === 'file' ? Buffer.byteLength(content) : 0,
      url: self,
      html_url: html,
      git_url: git,
      download_url: type === 'file' ? `${this.url}/raw/${this.owner}/${this.name}/${ref}/${path}` : null,
      _links: { self, git, html },
    };
  }

  private labelJson(name: string): object {
    const id = this.repoLabels.get(name) ?? 0;
    return { id, node_id: `LA_${id}`, url: `${this.api}/labels/${encodeURIComponent(name)}`, name, color: 'ededed', default: false, description: null };
  }

  /** A new open pull request, numbered after the last, created and updated `now`. */
  private addPull(fields: Pick<StoredPullRequest, 'head' | 'base' | 'title' | 'body' | 'fork'>, now: string): StoredPullRequest {
    const pull: StoredPullRequest = {
      number: this.pulls.length + 1,
      ...fields,
      state: 'open',
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      closedHeadSha: null,
      labels: [],
    };
    this.pulls.push(pull);
    return pull;
  }

  private pullJson(pull: StoredPullRequest): object {
    const user = { login: BOT, id: 1, type: 'Bot' };
    const repo = { id: 1, name: this.name, full_name: `${this.owner}/${this.name}`, owner: { login: this.owner }, default_branch: 'main' };
    const headSha = pull.fork?.sha ?? pull.closedHeadSha ?? this.branches.get(pull.head) ?? '';
    return {
      url: `${this.api}/pulls/${pull.number}`,
      id: 1000 + pull.number,
      node_id: `PR_${pull.number}`,
      html_url: `${this.url}/${this.owner}/${this.name}/pull/${pull.number}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user,
      body: pull.body === '' ? null : pull.body,
      labels: pull.labels.map((label) => this.labelJson(label)),
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: null,
      draft: false,
      head:
        pull.fork === undefined
          ? { label: `${this.owner}:${pull.head}`, ref: pull.head, sha: headSha, user, repo }
          : {
              label: `${pull.fork.repo?.split('/')[0] ?? 'ghost'}:${pull.head}`,
              ref: pull.head,
              sha: headSha,
              user: { login: HUMAN, id: 2, type: 'User' },
              repo: pull.fork.repo === null ? null : { id: 2, name: pull.fork.repo.split('/')[1], full_name: pull.fork.repo, owner: { login: pull.fork.repo.split('/')[0] }, default_branch: 'main', fork: true },
            },
      base: { label: `${this.owner}:${pull.base}`, ref: pull.base, sha: this.branches.get(pull.base) ?? '', user, repo },
      author_association: 'CONTRIBUTOR',
    };
  }
}
