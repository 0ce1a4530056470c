/**
 * The pull-request reconcile, through the real GitHubHost (octokit) against the local GitHub API: one
 * pull request per new server, no write on a second pass, and no duplicate through any fault.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubHost } from '../../../services/discovery/src/git-host/github.js';
import type { Candidate } from '../../../services/discovery/src/model.js';
import { readMarker, type SuccessfulProbe } from '../../../services/discovery/src/reconcile/pull-request-body.js';
import { BRANCH_PREFIX, LABELS, reconcilePullRequests, type Discovered, type PullRequestOptions } from '../../../services/discovery/src/reconcile/pull-requests.js';
import { faults, GitHubApiServer } from '../../support/github-api-server.js';

const SERVERS = 'stacks/servers';
const OPTIONS: PullRequestOptions = { baseBranch: 'main', serversDir: SERVERS, maxOpenPullRequests: 5, toolBudget: 40 };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let github: GitHubApiServer;
let host: GitHubHost;

beforeEach(async () => {
  github = await GitHubApiServer.start();
  github.seed({ files: { 'stacks/servers.ts': 'export {};\n', [`${SERVERS}/talos.ts`]: 'declared\n' } });
  host = new GitHubHost({
    repo: `${github.owner}/${github.name}`,
    baseUrl: github.url,
    auth: { token: 'test-token' },
    log: quiet,
    throttle: { minWriteIntervalMs: 0, fallbackSecondaryRetryAfterSeconds: 0.05, retryUnitMs: 5 },
  });
});

afterEach(() => github.close());

function discovered(name: string, tools = ['get_status'], fingerprint = `fp-${tools.join(',')}`): Discovered {
  const candidate: Candidate = {
    name,
    namespace: 'tools',
    source: 'service',
    object: `Service tools/${name}`,
    transport: 'streamable-http',
    service: { name, namespace: 'tools', port: 8080 },
    host: '10.43.0.10',
    port: 8080,
    path: '/mcp',
    capabilities: ['tools'],
  };
  const probe: SuccessfulProbe = {
    ok: true,
    transport: 'streamable-http',
    serverInfo: { name, version: '1.0.0' },
    protocolVersion: '2025-06-18',
    tools: tools.map((tool) => ({ name: tool, description: `does ${tool}` })),
    fingerprint,
    latencyMs: 3,
  };
  return { candidate, probe };
}

const reconcile = (items: Discovered[], options: Partial<PullRequestOptions> = {}) => reconcilePullRequests(items, host, { ...OPTIONS, ...options }, quiet);
const writesDuring = async (run: () => Promise<unknown>) => {
  const before = github.writes();
  await run();
  return github.writes() - before;
};

describe('one pull request per new server', () => {
  it('GIVEN two new servers and one declared WHEN reconciled THEN two pull requests with the file, body and labels', async () => {
    const outcomes = await reconcile([discovered('adguard'), discovered('caddy'), discovered('talos')]);
    expect(outcomes.map((o) => [o.server, o.action])).toEqual([
      ['adguard', 'opened'],
      ['caddy', 'opened'],
      ['talos', 'declared'],
    ]);
    const pulls = github.pullRequests();
    expect(pulls.map((p) => [p.head, p.base, p.title, p.labels])).toEqual([
      ['mcp-discovery/adguard', 'main', 'Add MCP server adguard (found in namespace tools)', [...LABELS]],
      ['mcp-discovery/caddy', 'main', 'Add MCP server caddy (found in namespace tools)', [...LABELS]],
    ]);
    const file = github.fileAt('mcp-discovery/adguard', `${SERVERS}/adguard.ts`)!;
    expect(file).toContain('"flavour": "external"');
    expect(file).toContain('"tools": [\n    "get_status"\n  ]');
    // Each pull request adds exactly one new file: none touches a shared file, so none conflicts.
    expect(github.fileAt('mcp-discovery/adguard', `${SERVERS}/caddy.ts`)).toBeUndefined();
    expect(github.fileAt('mcp-discovery/adguard', 'stacks/servers.ts')).toBe('export {};\n');
    expect(readMarker(pulls[0]!.body)?.fingerprint).toBe('fp-get_status');
  });

  it('GIVEN a server annotated Streamable HTTP that answered over SSE THEN its file and body both say sse', async () => {
    const item = discovered('legacy');
    await reconcile([{ candidate: item.candidate, probe: { ...item.probe, transport: 'sse' } }]);
    const file = github.fileAt('mcp-discovery/legacy', `${SERVERS}/legacy.ts`)!;
    expect(file).toContain('"transport": "sse"');
    expect(file).not.toContain('streamable-http');
  });

  it('GIVEN new servers THEN at most 6 GitHub requests each, plus the per-pass reads', async () => {
    await reconcile([discovered('a1')]);
    const first = github.requests.length;
    await reconcile([discovered('a1'), discovered('a2'), discovered('a3'), discovered('a4')]);
    // The second pass reads base head, servers folder, branches, pull requests (4), then 3 new servers.
    expect(github.requests.length - first - 4).toBeLessThanOrEqual(3 * 6);
    expect(first).toBeLessThanOrEqual(4 + 6);
  });

  it('GIVEN the same state WHEN reconciled twice THEN the second pass makes no write', async () => {
    await reconcile([discovered('adguard'), discovered('caddy')]);
    expect(await writesDuring(() => reconcile([discovered('adguard'), discovered('caddy')]))).toBe(0);
    expect(github.pullRequests()).toHaveLength(2);
  });

  it('GIVEN the tool list changed WHEN reconciled THEN the open pull request is updated in place', async () => {
    await reconcile([discovered('adguard')]);
    const outcomes = await reconcile([discovered('adguard', ['get_status', 'set_filter'])]);
    expect(outcomes[0]!.action).toBe('updated');
    expect(github.pullRequests()).toHaveLength(1);
    expect(github.fileAt('mcp-discovery/adguard', `${SERVERS}/adguard.ts`)).toContain('"set_filter"');
    expect(github.pullRequests()[0]!.body).toContain('set\\_filter');
  });

  it('GIVEN a pull request closed without merge WHEN the tools are the same THEN it is not reopened; WHEN they change THEN a new one opens on the same branch', async () => {
    await reconcile([discovered('adguard')]);
    github.closePullRequest(1);
    expect(await writesDuring(() => reconcile([discovered('adguard')]))).toBe(0);
    const outcomes = await reconcile([discovered('adguard', ['get_status', 'delete_everything'])]);
    expect(outcomes[0]!.action).toBe('opened');
    expect(github.pullRequests().map((p) => [p.number, p.state])).toEqual([
      [1, 'closed'],
      [2, 'open'],
    ]);
  });

  it('GIVEN a merged pull request THEN the server is declared and nothing more is proposed', async () => {
    await reconcile([discovered('adguard')]);
    github.mergePullRequest(1);
    const outcomes = await reconcile([discovered('adguard')]);
    expect(outcomes[0]!.action).toBe('declared');
  });

  it('GIVEN a human pushed to the branch WHEN the tools change THEN the branch and pull request are left alone', async () => {
    await reconcile([discovered('adguard')]);
    github.pushAsHuman('mcp-discovery/adguard', `${SERVERS}/adguard.ts`, 'edited by a person\n');
    let outcomes: Awaited<ReturnType<typeof reconcile>> = [];
    expect(await writesDuring(async () => (outcomes = await reconcile([discovered('adguard', ['other'])])))).toBe(0);
    expect(outcomes[0]!.action).toBe('human-branch');
    expect(github.fileAt('mcp-discovery/adguard', `${SERVERS}/adguard.ts`)).toBe('edited by a person\n');
  });

  it('GIVEN a branch a human made with no pull request THEN no pull request is opened on it', async () => {
    github.pushAsHuman('mcp-discovery/adguard', 'notes.md', 'mine\n');
    const outcomes = await reconcile([discovered('adguard')]);
    expect(outcomes[0]!.action).toBe('human-branch');
    expect(github.pullRequests()).toEqual([]);
  });

  it('GIVEN the cap on open pull requests THEN the rest wait for a later pass', async () => {
    const outcomes = await reconcile([discovered('a1'), discovered('a2'), discovered('a3')], { maxOpenPullRequests: 2 });
    expect(outcomes.map((o) => o.action)).toEqual(['opened', 'opened', 'capped']);
    github.mergePullRequest(1);
    expect((await reconcile([discovered('a2'), discovered('a3')], { maxOpenPullRequests: 2 })).map((o) => o.action)).toEqual(['unchanged', 'opened']);
  });
});

describe('faults: nothing lost, no duplicate', () => {
  it('GIVEN the pull-request list answers 500 every time THEN the pass throws and writes nothing (an error is not "none")', async () => {
    await reconcile([discovered('adguard')]);
    github.failNext({ ...faults.serverError(), method: 'GET', path: /\/pulls$/, times: 4 });
    const before = github.writes();
    await expect(reconcile([discovered('adguard')])).rejects.toThrow(/listPullRequests.*500/);
    expect(github.writes()).toBe(before);
    expect(github.pullRequests()).toHaveLength(1);
  });

  it('GIVEN one 500 on opening the pull request THEN it is retried and opened once', async () => {
    github.failNext({ ...faults.serverError(), method: 'POST', path: /\/pulls$/ });
    expect((await reconcile([discovered('adguard')]))[0]!.action).toBe('opened');
    expect(github.pullRequests()).toHaveLength(1);
  });

  it('GIVEN a 403 secondary limit without Retry-After, then a 429 with Retry-After THEN both are waited out and one pull request opens', async () => {
    github.failNext({ ...faults.secondaryLimit(), method: 'POST', path: /\/git\/refs$/ });
    github.failNext({ ...faults.secondaryLimit({ status: 429, retryAfterSeconds: 1 }), method: 'POST', path: /\/pulls$/ });
    expect((await reconcile([discovered('adguard')]))[0]!.action).toBe('opened');
    expect(github.pullRequests()).toHaveLength(1);
    expect(github.branchHead('mcp-discovery/adguard')).toBeDefined();
  });

  it('GIVEN the pass dies after the branch and before the pull request WHEN re-run THEN the branch is reused and one pull request opens', async () => {
    github.failNext({ ...faults.serverError(), method: 'POST', path: /\/pulls$/, times: 4 });
    const first = await reconcile([discovered('adguard')]);
    expect(first[0]).toMatchObject({ action: 'failed' });
    const branch = github.branchHead(`${BRANCH_PREFIX}adguard`);
    expect(branch).toBeDefined();
    expect(github.pullRequests()).toEqual([]);

    const second = await reconcile([discovered('adguard')]);
    expect(second[0]!.action).toBe('opened');
    expect(github.pullRequests()).toHaveLength(1);
    expect(github.branchHead(`${BRANCH_PREFIX}adguard`)).toBe(branch);
  });

  it('GIVEN labels failed after the pull request opened WHEN re-run THEN the labels are added and nothing else', async () => {
    github.failNext({ ...faults.serverError(), method: 'POST', path: /\/labels$/, times: 4 });
    expect((await reconcile([discovered('adguard')]))[0]!.action).toBe('failed');
    expect(github.pullRequests()[0]!.labels).toEqual([]);
    await reconcile([discovered('adguard')]);
    expect(github.pullRequests()).toHaveLength(1);
    expect(github.pullRequests()[0]!.labels).toEqual([...LABELS]);
  });

  it('GIVEN one server fails THEN the others still get theirs', async () => {
    github.failNext({ ...faults.serverError(), method: 'POST', path: /\/git\/trees$/, times: 4 });
    const outcomes = await reconcile([discovered('a1'), discovered('a2')]);
    expect(outcomes.map((o) => o.action)).toEqual(['failed', 'opened']);
  });
});
