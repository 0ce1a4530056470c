import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { RequestError, type Octokit } from 'octokit';
import { GitHubHost, type GitHubHostLog, type GitHubHostOptions, type RateLimitKind } from '../../../services/discovery/src/git-host/github.js';
import { faults, GitHubApiServer } from '../../support/github-api-server.js';

const REPO = '/repos/acme/platform';
const SERVERS = 'stacks/servers';
const BRANCH = 'mcp-discovery/adguard';
const quiet: GitHubHostLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

let server: GitHubApiServer;

beforeEach(async () => {
  server = await GitHubApiServer.start();
  server.seed({
    files: {
      'stacks/main.ts': 'export {};\n',
      [`${SERVERS}/grafana.ts`]: 'grafana\n',
      [`${SERVERS}/wiki.ts`]: 'wiki\n',
      [`${SERVERS}/lib/shared.ts`]: 'shared\n',
    },
  });
});

afterEach(() => server.close());

/** A host on the fake with writes unspaced and a 50 ms secondary-limit fallback, unless a test says otherwise. */
function hostFor(options: Partial<GitHubHostOptions> = {}): GitHubHost {
  return new GitHubHost({
    repo: 'acme/platform',
    baseUrl: server.url,
    auth: { token: 'test-token' },
    log: quiet,
    ...options,
    throttle: { minWriteIntervalMs: 0, fallbackSecondaryRetryAfterSeconds: 0.05, ...options.throttle },
  });
}

function head(branch: string): string {
  const sha = server.branchHead(branch);
  if (sha === undefined) throw new Error(`test setup: no branch ${branch}`);
  return sha;
}

function requestsTo(path: string): number {
  return server.requests.filter((request) => request.path === path).length;
}

/** Pull requests #1..#count on branches pushed by a person. */
async function openPullRequests(host: GitHubHost, count: number): Promise<void> {
  for (let index = 1; index <= count; index++) {
    server.pushAsHuman(`mcp-discovery/s${index}`, `${SERVERS}/s${index}.ts`, `s${index}\n`);
    await host.openPullRequest({ head: `mcp-discovery/s${index}`, base: 'main', title: `Add s${index}`, body: 'body' });
  }
}

describe('GitHubHost options', () => {
  it('GIVEN a repo without an owner WHEN constructed THEN it throws naming the value and the form', () => {
    expect(() => hostFor({ repo: 'platform' })).toThrow('GitHubHost repo "platform" is not "owner/name"; pass e.g. "acme/platform"');
  });

  it('GIVEN no base URL WHEN constructed THEN it talks to api.github.com', () => {
    expect(new GitHubHost({ repo: 'acme/platform', auth: { token: 't' }, log: quiet }).baseUrl).toBe('https://api.github.com');
  });
});

describe('GitHubHost reads', () => {
  it('GIVEN main and no feature branch WHEN branchHead THEN the head sha, and undefined for the missing branch', async () => {
    const host = hostFor();
    expect(await host.branchHead('main')).toBe(head('main'));
    expect(await host.branchHead(BRANCH)).toBeUndefined();
  });

  it('GIVEN a servers folder WHEN listFiles THEN the file names directly in it; [] for a missing folder', async () => {
    const host = hostFor();
    expect(await host.listFiles('main', SERVERS)).toEqual(['grafana.ts', 'wiki.ts']);
    expect(await host.listFiles('main', 'stacks/nothing-here')).toEqual([]);
  });

  it('GIVEN a file where a folder is expected WHEN listFiles THEN it throws naming the path', async () => {
    await expect(hostFor().listFiles('main', 'stacks/main.ts')).rejects.toThrow(
      'GitHub listFiles("main", "stacks/main.ts"): "stacks/main.ts" is a file, not a folder; point it at the servers folder',
    );
  });

  it('GIVEN branches in and out of the prefix WHEN listBranches THEN only those under it, with their heads', async () => {
    const a = server.pushAsHuman('mcp-discovery/a', 'a.ts', 'a');
    const b = server.pushAsHuman('mcp-discovery/b', 'b.ts', 'b');
    server.pushAsHuman('feature/x', 'x.ts', 'x');
    expect(await hostFor().listBranches('mcp-discovery/')).toEqual([
      { name: 'mcp-discovery/a', sha: a },
      { name: 'mcp-discovery/b', sha: b },
    ]);
  });

  it('GIVEN a commit by a person WHEN getCommit THEN its message and parents', async () => {
    const base = head('main');
    const sha = server.pushAsHuman('feature/x', 'x.ts', 'x');
    expect(await hostFor().getCommit(sha)).toEqual({ sha, message: 'Edit x.ts', parents: [base] });
  });

  it('GIVEN a 404 where the interface promises no "absent" WHEN getCommit THEN it throws naming the call and status', async () => {
    const errors: number[] = [];
    const missing = '0'.repeat(40);
    await expect(hostFor({ onApiError: (status) => errors.push(status) }).getCommit(missing)).rejects.toThrow(
      `GitHub getCommit("${missing}") failed with 404: Not Found - https://docs.github.com/rest/git/commits#get-a-commit-object`,
    );
    expect(errors).toEqual([404]);
  });
});

describe('GitHubHost pull requests', () => {
  it('GIVEN more than 100 pull requests WHEN listPullRequests THEN it follows the pages and maps head, merged and labels', async () => {
    const host = hostFor();
    await openPullRequests(host, 105);
    server.pushAsHuman('feature/other', 'other.ts', 'other');
    await host.openPullRequest({ head: 'feature/other', base: 'main', title: 'Other', body: '' });
    server.mergePullRequest(1);
    await host.addLabels(2, ['auto-generated']);
    const pagesBefore = requestsTo(`${REPO}/pulls`);

    const pulls = await host.listPullRequests('mcp-discovery/');

    expect(pulls).toHaveLength(105);
    expect(requestsTo(`${REPO}/pulls`) - pagesBefore).toBe(2);
    expect(pulls.find((pull) => pull.number === 1)).toMatchObject({ head: 'mcp-discovery/s1', state: 'closed', merged: true });
    expect(pulls.find((pull) => pull.number === 2)).toMatchObject({ state: 'open', merged: false, labels: ['auto-generated'] });
  });

  it('GIVEN a branch WHEN openPullRequest THEN the new pull request; a second one for the same head fails with 422', async () => {
    const host = hostFor();
    const sha = server.pushAsHuman(BRANCH, `${SERVERS}/adguard.ts`, 'adguard');
    const pull = await host.openPullRequest({ head: BRANCH, base: 'main', title: 'Add adguard', body: 'Review me' });
    expect(pull).toEqual({
      number: 1,
      head: BRANCH,
      headSha: sha,
      base: 'main',
      state: 'open',
      merged: false,
      title: 'Add adguard',
      body: 'Review me',
      labels: [],
      url: `${server.url}/acme/platform/pull/1`,
    });
    await expect(host.openPullRequest({ head: BRANCH, base: 'main', title: 'Again', body: '' })).rejects.toThrow(
      `GitHub openPullRequest("${BRANCH}") failed with 422: Validation Failed: {"resource":"PullRequest","code":"custom","message":"A pull request already exists for acme:${BRANCH}."} - https://docs.github.com/rest/pulls/pulls#create-a-pull-request`,
    );
  });

  it('GIVEN an open pull request WHEN updatePullRequest and addLabels THEN GitHub has the new title, body and labels', async () => {
    const host = hostFor();
    await openPullRequests(host, 1);
    await host.updatePullRequest(1, { title: 'New title', body: 'New body' });
    await host.addLabels(1, ['auto-generated', 'mcp-infrastructure']);
    expect(server.pullRequests()[0]).toMatchObject({ title: 'New title', body: 'New body', labels: ['auto-generated', 'mcp-infrastructure'] });
  });

  it('GIVEN nothing to change WHEN updatePullRequest({}) and addLabels([]) THEN no request is made', async () => {
    const host = hostFor();
    await openPullRequests(host, 1);
    const requests = server.requests.length;
    await host.updatePullRequest(1, {});
    await host.addLabels(1, []);
    expect(server.requests.length).toBe(requests);
  });
});

describe('GitHubHost commits', () => {
  it('GIVEN main WHEN createBranchWithFile THEN the branch is born at one new commit adding the file to main\'s tree', async () => {
    const host = hostFor();
    const base = head('main');
    const sha = await host.createBranchWithFile(BRANCH, base, { path: `${SERVERS}/adguard.ts`, content: 'adguard\n' }, 'Add adguard');
    expect(head(BRANCH)).toBe(sha);
    expect(await host.getCommit(sha)).toEqual({ sha, message: 'Add adguard', parents: [base] });
    expect([server.fileAt(BRANCH, `${SERVERS}/adguard.ts`), server.fileAt(BRANCH, 'stacks/main.ts')]).toEqual(['adguard\n', 'export {};\n']);
  });

  it('GIVEN the branch exists WHEN createBranchWithFile THEN it throws GitHub\'s "Reference already exists"', async () => {
    server.pushAsHuman(BRANCH, 'x.ts', 'x');
    await expect(hostFor().createBranchWithFile(BRANCH, head('main'), { path: 'a.ts', content: 'a' }, 'Add a')).rejects.toThrow(
      `GitHub createBranchWithFile("${BRANCH}", "a.ts") failed with 422: Reference already exists - https://docs.github.com/rest/git/refs#create-a-reference`,
    );
  });

  it('GIVEN the file already has the content WHEN commitFile THEN no write and the current head', async () => {
    server.pushAsHuman(BRANCH, `${SERVERS}/adguard.ts`, 'adguard\n');
    const writes = server.writes();
    expect(await hostFor().commitFile(BRANCH, { path: `${SERVERS}/adguard.ts`, content: 'adguard\n' }, 'Update adguard')).toBe(head(BRANCH));
    expect(server.writes()).toBe(writes);
  });

  it('GIVEN the file differs WHEN commitFile THEN one commit on top replaces it', async () => {
    const before = server.pushAsHuman(BRANCH, `${SERVERS}/adguard.ts`, 'old\n');
    const host = hostFor();
    const sha = await host.commitFile(BRANCH, { path: `${SERVERS}/adguard.ts`, content: 'new\n' }, 'Update adguard');
    expect(head(BRANCH)).toBe(sha);
    expect((await host.getCommit(sha)).parents).toEqual([before]);
    expect(server.fileAt(BRANCH, `${SERVERS}/adguard.ts`)).toBe('new\n');
  });

  it('GIVEN the file is not on the branch WHEN commitFile THEN it is created', async () => {
    server.pushAsHuman(BRANCH, 'x.ts', 'x');
    const sha = await hostFor().commitFile(BRANCH, { path: `${SERVERS}/adguard.ts`, content: 'adguard\n' }, 'Add adguard');
    expect(server.fileAt(sha, `${SERVERS}/adguard.ts`)).toBe('adguard\n');
  });

  it('GIVEN a new server WHEN branch, pull request and labels are made THEN six requests, five of them writes', async () => {
    const routes: string[] = [];
    const host = hostFor({ onRequest: (method, route) => routes.push(`${method} ${route}`) });
    const requests = server.requests.length;
    await host.createBranchWithFile(BRANCH, head('main'), { path: `${SERVERS}/adguard.ts`, content: 'adguard\n' }, 'Add adguard');
    const pull = await host.openPullRequest({ head: BRANCH, base: 'main', title: 'Add adguard', body: '' });
    await host.addLabels(pull.number, ['auto-generated', 'mcp-infrastructure']);
    expect([server.requests.length - requests, server.writes()]).toEqual([6, 5]);
    expect(routes).toEqual([
      'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
      'POST /repos/{owner}/{repo}/git/trees',
      'POST /repos/{owner}/{repo}/git/commits',
      'POST /repos/{owner}/{repo}/git/refs',
      'POST /repos/{owner}/{repo}/pulls',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
    ]);
  });
});

describe('GitHubHost failures and rate limits', () => {
  const mainRef = `${REPO}/git/ref/heads/main`;

  function recordingWaits(): { waits: [number, RateLimitKind][]; onRateLimitWait: (seconds: number, kind: RateLimitKind) => void } {
    const waits: [number, RateLimitKind][] = [];
    return { waits, onRateLimitWait: (seconds, kind) => waits.push([seconds, kind]) };
  }

  it('GIVEN one 500 WHEN branchHead THEN it is retried and answers', async () => {
    server.failNext({ path: mainRef, ...faults.serverError() });
    expect(await hostFor().branchHead('main')).toBe(head('main'));
    expect(requestsTo(mainRef)).toBe(2);
  });

  it('GIVEN five requests that each fail once with 500 THEN each first retry waits one unit: retry counts are per request', async () => {
    // The retry plugin schedules each retry with setTimeout(unit * n²); a unit of 7 ms tells its timers from others.
    const unit = 7;
    const host = hostFor({ throttle: { retryUnitMs: unit } });
    const retryDelays: number[] = [];
    const original = globalThis.setTimeout;
    globalThis.setTimeout = ((callback: () => void, ms?: number) => {
      if (ms !== undefined && ms > 0 && ms % unit === 0 && ms <= unit * 16) retryDelays.push(ms);
      return original(callback, ms);
    }) as typeof setTimeout;
    try {
      for (let i = 0; i < 5; i++) {
        server.failNext({ path: mainRef, ...faults.serverError() });
        expect(await host.branchHead('main')).toBe(head('main'));
      }
    } finally {
      globalThis.setTimeout = original;
    }
    expect(retryDelays).toEqual([unit, unit, unit, unit, unit]);
    expect(requestsTo(mainRef)).toBe(10);
  });

  it('GIVEN 500 on every try WHEN branchHead THEN it throws after the retries, never "absent"', async () => {
    const errors: number[] = [];
    server.failNext({ path: mainRef, ...faults.serverError(), times: Infinity });
    const host = hostFor({ onApiError: (status) => errors.push(status), throttle: { maxRetries: 1 } });
    await expect(host.branchHead('main')).rejects.toThrow('GitHub branchHead("main") failed with 500: Server Error');
    expect([requestsTo(mainRef), errors]).toEqual([2, [500]]);
  });

  it('GIVEN a 403 secondary limit without Retry-After WHEN branchHead THEN it waits the fallback and answers', async () => {
    const { waits, onRateLimitWait } = recordingWaits();
    server.failNext({ path: mainRef, ...faults.secondaryLimit() });
    expect(await hostFor({ onRateLimitWait }).branchHead('main')).toBe(head('main'));
    expect(waits).toEqual([[0.05, 'secondary']]);
  });

  it('GIVEN a 429 with Retry-After: 1 WHEN branchHead THEN it waits a second and answers', async () => {
    const { waits, onRateLimitWait } = recordingWaits();
    server.failNext({ path: mainRef, ...faults.secondaryLimit({ status: 429, retryAfterSeconds: 1 }) });
    expect(await hostFor({ onRateLimitWait }).branchHead('main')).toBe(head('main'));
    const [first, second] = server.requests.filter((request) => request.path === mainRef);
    expect(waits).toEqual([[1, 'secondary']]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('GIVEN the primary quota spent (x-ratelimit-remaining: 0) WHEN branchHead THEN it waits for the reset and answers', async () => {
    const { waits, onRateLimitWait } = recordingWaits();
    server.failNext({ path: mainRef, ...faults.primaryLimit(new Date()) });
    expect(await hostFor({ onRateLimitWait }).branchHead('main')).toBe(head('main'));
    expect(waits).toEqual([[expect.any(Number), 'primary']]);
  });

  it('GIVEN a secondary limit on every try WHEN branchHead THEN it throws after 3 retries by default', async () => {
    const { waits, onRateLimitWait } = recordingWaits();
    server.failNext({ path: mainRef, ...faults.secondaryLimit({ retryAfterSeconds: 0.01 }), times: Infinity });
    await expect(hostFor({ onRateLimitWait }).branchHead('main')).rejects.toThrow(
      'GitHub branchHead("main") failed with 403: You have exceeded a secondary rate limit. Please wait a few minutes before you try again. - https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    );
    expect([requestsTo(mainRef), waits.length]).toEqual([4, 3]);
  });

  it('GIVEN a wrong token WHEN branchHead THEN it throws 401, never "absent"', async () => {
    await expect(hostFor({ auth: { token: 'wrong' } }).branchHead('main')).rejects.toThrow(
      'GitHub branchHead("main") failed with 401: Bad credentials - https://docs.github.com/rest',
    );
  });
});

describe('GitHubHost writes', () => {
  it('GIVEN several writes started at once WHEN they run THEN GitHub sees them one at a time, in call order', async () => {
    await server.close();
    server = await GitHubApiServer.start({ writeDelayMs: 25 });
    const host = hostFor();
    await openPullRequests(host, 3);
    const requests = server.requests.length;

    await Promise.all([
      host.updatePullRequest(1, { title: 'one' }),
      host.updatePullRequest(2, { title: 'two' }),
      host.addLabels(3, ['three']),
      host.updatePullRequest(3, { title: 'three' }),
    ]);

    expect(server.maxConcurrentWrites).toBe(1);
    expect(server.requests.slice(requests).map((request) => request.path)).toEqual([
      `${REPO}/pulls/1`,
      `${REPO}/pulls/2`,
      `${REPO}/issues/3/labels`,
      `${REPO}/pulls/3`,
    ]);
  });

  it('GIVEN a client that does not queue WHEN two writes overlap THEN the fake records the overlap', async () => {
    await server.close();
    server = await GitHubApiServer.start({ writeDelayMs: 25 });
    const write = () => fetch(`${server.url}${REPO}/pulls/1`, { method: 'PATCH', headers: { authorization: 'token test-token' }, body: '{}' });
    await Promise.all([write(), write()]);
    expect(server.maxConcurrentWrites).toBe(2);
  });

  it('GIVEN the default write interval WHEN two writes follow each other THEN they start a second apart', async () => {
    await openPullRequests(hostFor(), 1);
    const host = hostFor({ throttle: { minWriteIntervalMs: undefined } });
    await host.updatePullRequest(1, { title: 'one' });
    await host.updatePullRequest(1, { title: 'two' });
    const [first, second] = server.requests.filter((request) => request.method === 'PATCH');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });
});

describe('GitHubHost as a GitHub App', () => {
  function keyPair() {
    return generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
  }

  it('GIVEN an installation WHEN branchHead THEN an RS256 JWT buys an installation token that the API call carries', async () => {
    const { publicKey, privateKey } = keyPair();
    await server.close();
    server = await GitHubApiServer.start({ app: { id: 42, publicKey, installationId: 7 } });
    const host = hostFor({ auth: { appId: 42, privateKey, installationId: 7 } });

    expect(await host.branchHead('main')).toBe(head('main'));

    const [exchange, call] = server.requests;
    expect(exchange).toMatchObject({ method: 'POST', path: '/app/installations/7/access_tokens' });
    expect(call).toMatchObject({ method: 'GET', path: `${REPO}/git/ref/heads/main`, token: expect.stringMatching(/^ghs_/) });
  });

  it('GIVEN a private key the app does not have WHEN branchHead THEN it throws 401', async () => {
    await server.close();
    server = await GitHubApiServer.start({ app: { id: 42, publicKey: keyPair().publicKey, installationId: 7 } });
    const host = hostFor({ auth: { appId: 42, privateKey: keyPair().privateKey, installationId: 7 } });
    await expect(host.branchHead('main')).rejects.toThrow(
      'GitHub branchHead("main") failed with 401: A JSON web token could not be decoded - https://docs.github.com/rest',
    );
  });
});

describe('GitHubHost request timeout', () => {
  it('GIVEN GitHub never answers WHEN the request times out THEN it is retried and then thrown, never read as absent', async () => {
    server.failNext({ method: 'GET', path: `${REPO}/contents/${SERVERS}`, status: 0, hang: true, times: 4 });
    const host = hostFor({ requestTimeoutMs: 200, throttle: { retryUnitMs: 5 } });
    await expect(host.listFiles('main', SERVERS)).rejects.toThrow(/listFiles\("main", "stacks\/servers"\) failed/);
    expect(requestsTo(`${REPO}/contents/${SERVERS}`)).toBe(4);
  });

  it('GIVEN one request hangs THEN the retry answers', async () => {
    server.failNext({ method: 'GET', path: `${REPO}/contents/${SERVERS}`, status: 0, hang: true });
    const host = hostFor({ requestTimeoutMs: 200, throttle: { retryUnitMs: 5 } });
    expect(await host.listFiles('main', SERVERS)).toEqual(['grafana.ts', 'wiki.ts']);
  });
});

/** A log that keeps what it was told, by level. */
function recordingLog() {
  const lines: [string, object, string][] = [];
  const log: GitHubHostLog = {
    info: (fields, message) => void lines.push(['info', fields, message]),
    warn: (fields, message) => void lines.push(['warn', fields, message]),
    error: (fields, message) => void lines.push(['error', fields, message]),
  };
  return { lines, log };
}

describe('GitHubHost options, further', () => {
  it.each([-1, 1.5, Number.NaN])('GIVEN throttle.maxRetries %p WHEN constructed THEN it throws naming the value', (maxRetries) => {
    expect(() => hostFor({ throttle: { maxRetries } })).toThrow(`GitHubHost throttle.maxRetries ${maxRetries} is not a whole number of retries; pass 0 or more`);
  });

  it.each(['acme/platform/extra', 'acme/', '/platform', 'acme platform/x'])('GIVEN the repo %p WHEN constructed THEN it throws', (repo) => {
    expect(() => hostFor({ repo })).toThrow(`GitHubHost repo "${repo}" is not "owner/name"; pass e.g. "acme/platform"`);
  });

  it('GIVEN a base URL with trailing slashes THEN they are dropped and requests still reach the API', async () => {
    const host = hostFor({ baseUrl: `${server.url}//` });
    expect(host.baseUrl).toBe(server.url);
    expect([host.owner, host.repo]).toEqual(['acme', 'platform']);
    expect(await host.branchHead('main')).toBe(head('main'));
  });

  it('GIVEN throttle.maxRetries 0 WHEN a request fails with 500 THEN it is not retried', async () => {
    server.failNext({ path: `${REPO}/git/ref/heads/main`, ...faults.serverError(), times: Infinity });
    await expect(hostFor({ throttle: { maxRetries: 0 } }).branchHead('main')).rejects.toThrow('GitHub branchHead("main") failed with 500: Server Error');
    expect(requestsTo(`${REPO}/git/ref/heads/main`)).toBe(1);
  });

  it('GIVEN a 404 on a write WHEN it fails THEN it is not retried (4xx never heal)', async () => {
    const errors: number[] = [];
    await expect(hostFor({ onApiError: (status) => errors.push(status) }).updatePullRequest(99, { title: 'x' })).rejects.toThrow(
      'GitHub updatePullRequest(99) failed with 404: Not Found - https://docs.github.com/rest/pulls/pulls#update-a-pull-request',
    );
    expect(requestsTo(`${REPO}/pulls/99`)).toBe(1);
    expect(errors).toEqual([404]);
  });
});

describe('GitHubHost pull requests from forks', () => {
  it('GIVEN pull requests from a fork and from a deleted fork on the prefix WHEN listPullRequests THEN only this repo\'s are listed', async () => {
    const host = hostFor();
    await openPullRequests(host, 1);
    server.openForkPullRequest({ fork: 'mallory/platform', branch: 'mcp-discovery/s1', title: 'Same branch name', body: 'fork' });
    server.openForkPullRequest({ fork: null, branch: 'mcp-discovery/s2', title: 'Deleted fork', body: 'gone' });
    server.openForkPullRequest({ fork: 'acme/platform-fork', branch: 'mcp-discovery/s3', title: 'Name with our prefix', body: 'fork' });
    expect((await host.listPullRequests('mcp-discovery/')).map((p) => [p.number, p.title])).toEqual([[1, 'Add s1']]);
  });

  it('GIVEN this repo\'s name in another case on a pull request WHEN listPullRequests THEN it is this repo\'s', async () => {
    server.openForkPullRequest({ fork: 'ACME/Platform', branch: 'mcp-discovery/x', title: 'Ours', body: '' });
    expect((await hostFor().listPullRequests('mcp-discovery/')).map((p) => p.number)).toEqual([1]);
  });

  it('GIVEN a closed pull request with an empty body WHEN listPullRequests THEN every field is mapped', async () => {
    const host = hostFor();
    const sha = server.pushAsHuman(BRANCH, `${SERVERS}/adguard.ts`, 'adguard');
    await host.openPullRequest({ head: BRANCH, base: 'main', title: 'Add adguard', body: '' });
    server.closePullRequest(1);
    await host.addLabels(1, ['b', 'a']);
    expect(await host.listPullRequests('mcp-discovery/')).toEqual([
      { number: 1, head: BRANCH, headSha: sha, base: 'main', state: 'closed', merged: false, title: 'Add adguard', body: '', labels: ['b', 'a'], url: `${server.url}/acme/platform/pull/1` },
    ]);
  });
});

describe('GitHubHost reads and writes, further', () => {
  it('GIVEN two branches from the same base WHEN createBranchWithFile twice THEN the base tree is read once', async () => {
    const host = hostFor();
    const base = head('main');
    await host.createBranchWithFile('mcp-discovery/a', base, { path: 'a.ts', content: 'a' }, 'Add a');
    await host.createBranchWithFile('mcp-discovery/b', base, { path: 'b.ts', content: 'b' }, 'Add b');
    expect(requestsTo(`${REPO}/git/commits/${base}`)).toBe(1);
    expect([server.fileAt('mcp-discovery/b', 'b.ts'), server.fileAt('mcp-discovery/b', 'a.ts')]).toEqual(['b', undefined]);
    const other = server.pushAsHuman('main', 'c.ts', 'c');
    await host.createBranchWithFile('mcp-discovery/c', other, { path: 'd.ts', content: 'd' }, 'Add d');
    expect(server.fileAt('mcp-discovery/c', 'c.ts')).toBe('c');
  });

  it('GIVEN a folder at the path WHEN commitFile THEN it throws naming the path and branch, and writes nothing', async () => {
    server.pushAsHuman(BRANCH, `${SERVERS}/adguard.ts/inner.ts`, 'x');
    const writes = server.writes();
    await expect(hostFor().commitFile(BRANCH, { path: `${SERVERS}/adguard.ts`, content: 'adguard\n' }, 'Add')).rejects.toThrow(
      `GitHub commitFile("${BRANCH}", "${SERVERS}/adguard.ts"): "${SERVERS}/adguard.ts" is a folder on "${BRANCH}", not a file`,
    );
    expect(server.writes()).toBe(writes);
  });

  it('GIVEN no such branch WHEN commitFile THEN it throws, never creates it', async () => {
    await expect(hostFor().commitFile('mcp-discovery/none', { path: 'a.ts', content: 'a' }, 'Add a')).rejects.toThrow(
      'GitHub commitFile("mcp-discovery/none", "a.ts") failed with 404: Branch mcp-discovery/none not found - https://docs.github.com/rest/repos/contents#create-or-update-file-contents',
    );
    expect(server.branchHead('mcp-discovery/none')).toBeUndefined();
  });

  it('GIVEN commitFile THEN the commit carries the message and content', async () => {
    server.pushAsHuman(BRANCH, 'x.ts', 'x');
    const host = hostFor();
    const sha = await host.commitFile(BRANCH, { path: 'ü.ts', content: 'ünïcode 🚀\n' }, 'Add ü\n\nGenerated-by: mcp-discovery');
    expect((await host.getCommit(sha)).message).toBe('Add ü\n\nGenerated-by: mcp-discovery');
    expect(server.fileAt(BRANCH, 'ü.ts')).toBe('ünïcode 🚀\n');
  });

  it('GIVEN only a title or only a body WHEN updatePullRequest THEN only that changes', async () => {
    const host = hostFor();
    await openPullRequests(host, 1);
    await host.updatePullRequest(1, { title: 'T' });
    expect(server.pullRequests()[0]).toMatchObject({ title: 'T', body: 'body' });
    await host.updatePullRequest(1, { body: 'B' });
    expect(server.pullRequests()[0]).toMatchObject({ title: 'T', body: 'B' });
  });

  it('GIVEN a folder with files and folders WHEN listFiles on a branch THEN that branch\'s files only', async () => {
    server.pushAsHuman(BRANCH, `${SERVERS}/adguard.ts`, 'adguard');
    expect(await hostFor().listFiles(BRANCH, SERVERS)).toEqual(['adguard.ts', 'grafana.ts', 'wiki.ts']);
    expect(await hostFor().listFiles('main', SERVERS)).toEqual(['grafana.ts', 'wiki.ts']);
  });

  it('GIVEN more than 100 branches WHEN listBranches THEN every page is read', async () => {
    for (let i = 0; i < 101; i++) server.pushAsHuman(`mcp-discovery/b${String(i).padStart(3, '0')}`, 'x.ts', String(i));
    const branches = await hostFor().listBranches('mcp-discovery/');
    expect(branches).toHaveLength(101);
    expect(branches[100]).toEqual({ name: 'mcp-discovery/b100', sha: head('mcp-discovery/b100') });
  });
});

describe('GitHubHost observability', () => {
  it('GIVEN paginated calls WHEN onRequest THEN every page is one call with the templated route', async () => {
    const host = hostFor();
    await openPullRequests(host, 101);
    const routes: string[] = [];
    await hostFor({ onRequest: (method, route) => routes.push(`${method} ${route}`) }).listPullRequests('mcp-discovery/');
    expect(routes).toEqual(['GET /repos/{owner}/{repo}/pulls', 'GET /repos/{owner}/{repo}/pulls']);
  });

  it('GIVEN a rate limit waited out, then one that persists THEN the log says so with kind, route and counts', async () => {
    const { lines, log } = recordingLog();
    server.failNext({ path: `${REPO}/git/ref/heads/main`, ...faults.secondaryLimit({ retryAfterSeconds: 0.01 }), times: 2 });
    await expect(hostFor({ log, throttle: { maxRetries: 1 } }).branchHead('main')).rejects.toThrow('GitHub branchHead("main") failed with 403');
    expect(lines).toEqual([
      ['warn', { kind: 'secondary', route: 'GET /repos/{owner}/{repo}/git/ref/{ref}', seconds: 0.01 }, 'GitHub rate limit; waiting before retrying'],
      ['error', { kind: 'secondary', route: 'GET /repos/{owner}/{repo}/git/ref/{ref}', retries: 1 }, 'GitHub rate limit persists after retries; giving up'],
    ]);
  });

  it('GIVEN a primary rate limit that persists THEN it is reported as primary', async () => {
    const { lines, log } = recordingLog();
    const waits: RateLimitKind[] = [];
    server.failNext({ path: `${REPO}/git/ref/heads/main`, ...faults.primaryLimit(new Date()), times: 2 });
    await expect(hostFor({ log, onRateLimitWait: (_, kind) => waits.push(kind), throttle: { maxRetries: 1 } }).branchHead('main')).rejects.toThrow('GitHub branchHead("main") failed with 403');
    expect(waits).toEqual(['primary']);
    expect(lines.filter(([level]) => level !== 'info').map(([level, fields]) => [level, (fields as { kind: string }).kind])).toEqual([
      ['warn', 'primary'],
      ['error', 'primary'],
    ]);
  });
});

/**
 * The octokit client a host configured, once connected. GitHubHost's own calls pass no per-request options
 * (no abort signal) and make no HEAD requests, so the client's fetch and request hook are tested through it.
 */
async function clientOf(host: GitHubHost): Promise<Octokit> {
  await host.branchHead('main');
  return (host as unknown as { connection: Promise<Octokit> }).connection;
}

describe('GitHubHost failures name the call', () => {
  it('GIVEN a wrong token WHEN listBranches and listPullRequests THEN each throws naming the call and its prefix', async () => {
    const host = hostFor({ auth: { token: 'wrong' } });
    await expect(host.listBranches('mcp-discovery/')).rejects.toThrow(
      'GitHub listBranches("mcp-discovery/") failed with 401: Bad credentials - https://docs.github.com/rest',
    );
    await expect(host.listPullRequests('mcp-discovery/')).rejects.toThrow(
      'GitHub listPullRequests("mcp-discovery/") failed with 401: Bad credentials - https://docs.github.com/rest',
    );
  });

  it('GIVEN no such pull request WHEN addLabels THEN it throws naming the call and number', async () => {
    await expect(hostFor().addLabels(99, ['auto-generated'])).rejects.toThrow(
      'GitHub addLabels(99) failed with 404: Not Found - https://docs.github.com/rest/issues/labels#add-labels-to-an-issue',
    );
  });

  it('GIVEN an HTTP failure THEN the thrown error carries GitHub\'s RequestError as its cause', async () => {
    const missing = '0'.repeat(40);
    const error = await hostFor().getCommit(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(RequestError);
    const { cause } = error as Error;
    expect(cause).toBeInstanceOf(RequestError);
    expect((cause as RequestError).status).toBe(404);
  });

  it('GIVEN a failure that is not an HTTP one WHEN listFiles on a file THEN that error is thrown unchanged and no API error is counted', async () => {
    const errors: number[] = [];
    const error = await hostFor({ onApiError: (status) => errors.push(status) }).listFiles('main', 'stacks/main.ts').catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'GitHub listFiles("main", "stacks/main.ts"): "stacks/main.ts" is a file, not a folder; point it at the servers folder',
    );
    expect((error as Error).cause).toBeUndefined();
    expect(errors).toEqual([]);
  });
});

describe('GitHubHost commitFile, odd answers', () => {
  const path = `${SERVERS}/adguard.ts`;
  const link = (type: string) => `${server.url}${REPO}/contents/${path}?ref=${encodeURIComponent(BRANCH)}#${type}`;

  it.each([
    ['symlink', { target: '../elsewhere/adguard.ts', download_url: null }],
    ['submodule', { submodule_git_url: 'https://github.com/acme/adguard.git', download_url: null }],
  ])('GIVEN a %s at the path WHEN commitFile THEN it throws naming the path and branch, and writes nothing', async (type, extra) => {
    server.pushAsHuman(BRANCH, 'x.ts', 'x');
    server.failNext({
      method: 'GET',
      path: `${REPO}/contents/${path}`,
      status: 200,
      body: { type, name: 'adguard.ts', path, sha: 'a'.repeat(40), size: 0, url: link(type), html_url: null, git_url: null, _links: { self: link(type), git: null, html: null }, ...extra },
    });
    const writes = server.writes();
    await expect(hostFor().commitFile(BRANCH, { path, content: 'adguard\n' }, 'Add adguard')).rejects.toThrow(
      `GitHub commitFile("${BRANCH}", "${path}"): "${path}" is a folder on "${BRANCH}", not a file`,
    );
    expect(server.writes()).toBe(writes);
    expect(server.fileAt(BRANCH, path)).toBeUndefined();
  });

  it('GIVEN an answer to the write without a commit sha WHEN commitFile THEN it throws rather than return no sha', async () => {
    server.pushAsHuman(BRANCH, 'x.ts', 'x');
    server.failNext({ method: 'PUT', path: `${REPO}/contents/a.ts`, status: 200, body: { content: null, commit: { message: 'Add a' } } });
    await expect(hostFor().commitFile(BRANCH, { path: 'a.ts', content: 'a' }, 'Add a')).rejects.toThrow(
      `GitHub commitFile("${BRANCH}", "a.ts"): the answer carries no commit sha`,
    );
  });
});

describe('GitHubHost client configuration', () => {
  const mainRef = `${REPO}/git/ref/heads/main`;

  /**
   * The name of the abort reason fetch rejected with. octokit rethrows an AbortError as it is, but under jest's
   * VM modules the DOMException is not an `Error` of the test's realm, so octokit wraps it as the cause of a
   * RequestError "Unknown Error"; either way the reason tells a caller's abort from the timeout.
   */
  function abortedBy(error: unknown): string | undefined {
    const { cause } = error as { cause?: { name?: string } };
    return cause?.name ?? (error as { name?: string }).name;
  }

  it('GIVEN no throttle options at all WHEN branchHead THEN the defaults apply and it answers', async () => {
    const host = new GitHubHost({ repo: 'acme/platform', baseUrl: server.url, auth: { token: 'test-token' }, log: quiet });
    expect(await host.branchHead('main')).toBe(head('main'));
  });

  it('GIVEN any request THEN it names the service in its User-Agent', async () => {
    const userAgents: (string | undefined)[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      userAgents.push((init?.headers as Record<string, string> | undefined)?.['user-agent']);
      return original(input, init);
    }) as typeof fetch;
    try {
      await hostFor().branchHead('main');
    } finally {
      globalThis.fetch = original;
    }
    expect(userAgents).toEqual([expect.stringMatching(/^mcp-platform-discovery octokit\.js\/\S+ octokit-core\.js\//)]);
  });

  it('GIVEN a rate-limit callback that throws THEN octokit\'s warning reaches the log as its own and the call gives up', async () => {
    const { lines, log } = recordingLog();
    server.failNext({ path: mainRef, ...faults.secondaryLimit({ retryAfterSeconds: 0.01 }) });
    const onRateLimitWait = () => {
      throw new Error('metrics are down');
    };
    await expect(hostFor({ log, onRateLimitWait }).branchHead('main')).rejects.toThrow(
      'GitHub branchHead("main") failed with 403: You have exceeded a secondary rate limit. Please wait a few minutes before you try again. - https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    );
    expect(lines).toEqual([
      ['warn', { kind: 'secondary', route: 'GET /repos/{owner}/{repo}/git/ref/{ref}', seconds: 0.01 }, 'GitHub rate limit; waiting before retrying'],
      ['warn', { component: 'octokit' }, 'Error in throttling-plugin limit handler'],
    ]);
    expect(requestsTo(mainRef)).toBe(1);
  });

  it('GIVEN a caller\'s signal that is already aborted WHEN a request is made THEN it is abandoned before it reaches GitHub', async () => {
    const octokit = await clientOf(hostFor({ throttle: { maxRetries: 0 } }));
    const before = requestsTo(mainRef);
    const controller = new AbortController();
    controller.abort();
    const error = await octokit.rest.git
      .getRef({ owner: 'acme', repo: 'platform', ref: 'heads/main', request: { signal: controller.signal } })
      .catch((caught: unknown) => caught);
    expect(abortedBy(error)).toBe('AbortError');
    expect(requestsTo(mainRef)).toBe(before);
  });

  it('GIVEN a caller\'s signal that never aborts WHEN GitHub never answers THEN the request timeout still ends it', async () => {
    const octokit = await clientOf(hostFor({ requestTimeoutMs: 100, throttle: { maxRetries: 0 } }));
    server.failNext({ method: 'GET', path: mainRef, status: 0, hang: true });
    const error = await octokit.rest.git
      .getRef({ owner: 'acme', repo: 'platform', ref: 'heads/main', request: { signal: new AbortController().signal } })
      .catch((caught: unknown) => caught);
    expect(abortedBy(error)).toBe('TimeoutError');
    expect(error).toMatchObject({ status: 500 });
  }, 20_000);

  it('GIVEN a long write interval just after a write WHEN GET and HEAD requests follow THEN they are not held like writes', async () => {
    await openPullRequests(hostFor(), 1);
    // A read held like a write would wait the hour: the test would time out rather than pass.
    const routes: string[] = [];
    const host = hostFor({ onRequest: (method, route) => routes.push(`${method} ${route}`), throttle: { minWriteIntervalMs: 3_600_000 } });
    await host.updatePullRequest(1, { title: 'one' });
    const octokit = await clientOf(host);
    server.failNext({ method: 'HEAD', path: mainRef, status: 200 });
    const answer = await octokit.request('HEAD /repos/{owner}/{repo}/git/ref/{ref}', { owner: 'acme', repo: 'platform', ref: 'heads/main' });
    expect(answer.status).toBe(200);
    expect(await host.listFiles('main', SERVERS)).toEqual(['grafana.ts', 'wiki.ts']);
    expect(routes).toEqual([
      'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
      'GET /repos/{owner}/{repo}/git/ref/{ref}',
      'HEAD /repos/{owner}/{repo}/git/ref/{ref}',
      'GET /repos/{owner}/{repo}/contents/{path}',
    ]);
  }, 20_000);
});
