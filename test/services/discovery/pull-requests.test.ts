/**
 * The pull-request reconcile, through the real GitHubHost (octokit) against the local GitHub API: one
 * pull request per new server, no write on a second pass, and no duplicate through any fault.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { GitHost } from '../../../services/discovery/src/git-host/git-host.js';
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

/** A log that keeps what it was told. */
function recordingLog() {
  const lines: { level: 'info' | 'warn'; object: object; message: string }[] = [];
  return {
    lines,
    info: (object: object, message: string) => void lines.push({ level: 'info', object, message }),
    warn: (object: object, message: string) => void lines.push({ level: 'warn', object, message }),
  };
}

/** The host, except that the servers folder reads as empty: a merged server's file removed from the base again. */
function withoutDeclared(): GitHost {
  const methods = ['branchHead', 'listFiles', 'listBranches', 'listPullRequests', 'getCommit', 'createBranchWithFile', 'commitFile', 'openPullRequest', 'updatePullRequest', 'addLabels'] as const;
  const bound = Object.fromEntries(methods.map((m) => [m, (host[m] as (...args: unknown[]) => unknown).bind(host)])) as unknown as GitHost;
  return { ...bound, listFiles: async () => [] };
}

describe('what a pass reads', () => {
  it('GIVEN no base branch THEN the pass throws naming it', async () => {
    await expect(reconcile([discovered('adguard')], { baseBranch: 'trunk' })).rejects.toThrow('base branch "trunk" does not exist in the platform repo');
  });

  it('GIVEN servers declared as .ts, .js and .json THEN each counts as declared; another extension does not', async () => {
    github.seed({ files: { [`${SERVERS}/a1.js`]: 'x\n', [`${SERVERS}/a2.json`]: '{}\n', [`${SERVERS}/a3.tsx`]: 'x\n', [`${SERVERS}/nested/a4.ts`]: 'x\n' } });
    const outcomes = await reconcile([discovered('a1'), discovered('a2'), discovered('a3'), discovered('a3x'), discovered('a4')]);
    expect(outcomes.map((o) => [o.server, o.action])).toEqual([
      ['a1', 'declared'],
      ['a2', 'declared'],
      ['a3', 'opened'],
      ['a3x', 'opened'],
      ['a4', 'opened'],
    ]);
  });

  it('GIVEN servers in any order THEN they are reconciled in name order', async () => {
    const outcomes = await reconcile([discovered('zeta'), discovered('alpha'), discovered('mid')]);
    expect(outcomes.map((o) => [o.server, o.pullRequest])).toEqual([
      ['alpha', 1],
      ['mid', 2],
      ['zeta', 3],
    ]);
  });

  it('GIVEN a servers folder with a trailing slash THEN the file goes directly into it', async () => {
    await reconcile([discovered('adguard')], { serversDir: `${SERVERS}//` });
    expect(github.fileAt('mcp-discovery/adguard', `${SERVERS}/adguard.ts`)).toContain('"name": "adguard"');
  });
});

describe('the commit and its trailer', () => {
  it('GIVEN a new server THEN its commit says what was found and carries the trailer on its own line', async () => {
    await reconcile([discovered('adguard')]);
    const commit = await host.getCommit(github.branchHead('mcp-discovery/adguard')!);
    expect(commit.message).toBe('Add MCP server adguard\n\nFound in the cluster as Service tools/adguard; tool fingerprint fp-get_status.\n\nGenerated-by: mcp-discovery');
  });

  it.each([
    ['the trailer inside a sentence', 'Fix the file\n\nThis mentions Generated-by: mcp-discovery in passing'],
    ['the trailer with a suffix', 'Fix the file\n\nGenerated-by: mcp-discovery-fork'],
    ['the trailer quoted', 'Fix the file\n\n> Generated-by: mcp-discovery'],
    ['no trailer', 'Fix the file'],
  ])('GIVEN a branch head whose message has %s THEN it is somebody else\'s', async (_, message) => {
    github.pushAsHuman('mcp-discovery/adguard', 'notes.md', 'mine\n', message);
    const outcomes = await reconcile([discovered('adguard')]);
    expect(outcomes).toEqual([{ server: 'adguard', action: 'human-branch', detail: 'mcp-discovery/adguard has commits by somebody else' }]);
    expect(github.pullRequests()).toEqual([]);
  });

  it.each([
    ['the trailer between other trailers', 'Add MCP server adguard\n\nGenerated-by: mcp-discovery\nSigned-off-by: bot'],
    ['the trailer with surrounding spaces', 'Add MCP server adguard\n\n  Generated-by: mcp-discovery  '],
  ])('GIVEN a branch head whose message has %s THEN it is the service\'s, and a pull request opens on it', async (_, message) => {
    github.pushAsHuman('mcp-discovery/adguard', 'notes.md', 'left over\n', message);
    const outcomes = await reconcile([discovered('adguard')]);
    expect(outcomes).toEqual([{ server: 'adguard', action: 'opened', pullRequest: 1 }]);
    expect(github.fileAt('mcp-discovery/adguard', `${SERVERS}/adguard.ts`)).toContain('"name": "adguard"');
  });

  it('GIVEN an open pull request whose head somebody else pushed WHEN the tools change THEN the outcome names it', async () => {
    await reconcile([discovered('adguard')]);
    github.pushAsHuman('mcp-discovery/adguard', 'notes.md', 'mine\n', 'Notes\n\nGenerated-by: mcp-discovery, not really');
    expect(await reconcile([discovered('adguard', ['other'])])).toEqual([{ server: 'adguard', action: 'human-branch', pullRequest: 1, detail: 'mcp-discovery/adguard has commits by somebody else' }]);
  });
});

describe('a fork with the same branch name', () => {
  it('GIVEN a fork\'s open pull request from mcp-discovery/<name> THEN it is neither updated nor taken as the server\'s, and the service opens its own', async () => {
    // GIVEN a fork's pull request that copies the service's branch name, body and trailer
    await reconcile([discovered('adguard')]);
    const ours = github.pullRequests()[0]!;
    github.closePullRequest(1);
    const fork = github.openForkPullRequest({
      fork: 'mallory/platform',
      branch: 'mcp-discovery/caddy',
      title: 'Add MCP server caddy (found in namespace tools)',
      body: ours.body.replaceAll('adguard', 'caddy'),
      files: { [`${SERVERS}/caddy.ts`]: 'export default evil;\n' },
      message: 'Add MCP server caddy\n\nGenerated-by: mcp-discovery',
    });
    const before = github.pullRequests().find((p) => p.number === fork)!;
    // WHEN caddy is discovered
    const outcomes = await reconcile([discovered('caddy')]);
    // THEN the service opens its own pull request, and the fork's is untouched
    expect(outcomes).toEqual([{ server: 'caddy', action: 'opened', pullRequest: 3 }]);
    expect(github.pullRequests().find((p) => p.number === fork)).toEqual(before);
    expect(github.fileAt('mcp-discovery/caddy', `${SERVERS}/caddy.ts`)).toContain('"name": "caddy"');
  });

  it('GIVEN a fork\'s pull request from mcp-discovery/<name> THEN it does not count against the cap', async () => {
    github.openForkPullRequest({ fork: 'mallory/platform', branch: 'mcp-discovery/other', title: 't', body: 'b' });
    expect((await reconcile([discovered('adguard')], { maxOpenPullRequests: 1 })).map((o) => o.action)).toEqual(['opened']);
  });
});

describe('an open pull request', () => {
  it('GIVEN its labels are missing but all else is current THEN they are added and the outcome is "updated"', async () => {
    github.failNext({ ...faults.serverError(), method: 'POST', path: /\/labels$/, times: 4 });
    await reconcile([discovered('adguard')]);
    expect(await reconcile([discovered('adguard')])).toEqual([{ server: 'adguard', action: 'updated', pullRequest: 1 }]);
    expect(await reconcile([discovered('adguard')])).toEqual([{ server: 'adguard', action: 'unchanged', pullRequest: 1 }]);
  });

  it('GIVEN its labels are all there THEN an unchanged pass calls no write method of the git host at all', async () => {
    await reconcile([discovered('adguard')]);
    const calls: string[] = [];
    const writes = ['createBranchWithFile', 'commitFile', 'openPullRequest', 'updatePullRequest', 'addLabels'] as const;
    const recording: GitHost = Object.assign(withoutDeclared(), { listFiles: host.listFiles.bind(host) });
    for (const method of writes) {
      const real = (recording[method] as (...args: unknown[]) => Promise<unknown>).bind(recording);
      Object.assign(recording, { [method]: (...args: unknown[]) => (calls.push(method), real(...args)) });
    }
    expect(await reconcilePullRequests([discovered('adguard')], recording, OPTIONS, quiet)).toEqual([{ server: 'adguard', action: 'unchanged', pullRequest: 1 }]);
    expect(calls).toEqual([]);
  });

  it('GIVEN one label is missing THEN only that one is added', async () => {
    github.failNext({ ...faults.serverError(), method: 'POST', path: /\/labels$/, times: 4 });
    await reconcile([discovered('adguard')]);
    await host.addLabels(1, [LABELS[1]]);
    const labelRequests = () => github.requests.filter((r) => r.method === 'POST' && /\/labels$/.test(r.path)).length;
    const before = labelRequests();
    await reconcile([discovered('adguard')]);
    expect(labelRequests()).toBe(before + 1);
    expect(github.pullRequests()[0]!.labels).toEqual([LABELS[1], LABELS[0]]);
  });

  it.each([
    ['its title', { title: 'Edited title' }],
    ['its body', { body: 'Edited body' }],
  ])('GIVEN %s was edited THEN it is put back, with no new commit', async (_, change) => {
    await reconcile([discovered('adguard')]);
    const expected = github.pullRequests()[0]!;
    const head = github.branchHead('mcp-discovery/adguard');
    await host.updatePullRequest(1, change);
    expect(await reconcile([discovered('adguard')])).toEqual([{ server: 'adguard', action: 'updated', pullRequest: 1 }]);
    expect(github.pullRequests()[0]).toMatchObject({ title: expected.title, body: expected.body });
    expect(github.branchHead('mcp-discovery/adguard')).toBe(head);
  });

  it('GIVEN only the body changes (the tool budget) while somebody else pushed to the branch THEN the text is updated and the branch left alone', async () => {
    await reconcile([discovered('adguard')]);
    const head = github.pushAsHuman('mcp-discovery/adguard', 'notes.md', 'mine\n');
    const outcomes = await reconcile([discovered('adguard')], { toolBudget: 1 });
    expect(outcomes).toEqual([{ server: 'adguard', action: 'updated', pullRequest: 1 }]);
    expect(github.branchHead('mcp-discovery/adguard')).toBe(head);
    expect(github.pullRequests()[0]!.body).toContain('### Tools: 1 against a budget of 1 per endpoint');
  });

  it('GIVEN the tools changed in a dry run THEN the outcome is "would-update" naming the folder', async () => {
    await reconcile([discovered('adguard')]);
    expect(await reconcile([discovered('adguard', ['more'])], { dryRunDir: '/tmp/dry' })).toEqual([
      { server: 'adguard', action: 'would-update', pullRequest: 1, detail: 'written under /tmp/dry' },
    ]);
  });

  it('GIVEN missing labels in a dry run THEN the outcome is "would-update"', async () => {
    github.failNext({ ...faults.serverError(), method: 'POST', path: /\/labels$/, times: 4 });
    await reconcile([discovered('adguard')]);
    expect(await reconcile([discovered('adguard')], { dryRunDir: '/tmp/dry' })).toEqual([{ server: 'adguard', action: 'would-update', pullRequest: 1 }]);
  });

  it('GIVEN an older closed pull request and a newer open one on the branch THEN the open one is the one updated', async () => {
    await reconcile([discovered('adguard')]);
    github.closePullRequest(1);
    await reconcile([discovered('adguard', ['second'])]);
    expect(await reconcile([discovered('adguard', ['third'])])).toEqual([{ server: 'adguard', action: 'updated', pullRequest: 2 }]);
  });
});

describe('closed and merged pull requests', () => {
  it('GIVEN a merged pull request for this tool list whose file is gone from the base THEN it is not proposed again', async () => {
    await reconcile([discovered('adguard')]);
    github.mergePullRequest(1);
    const outcomes = await reconcilePullRequests([discovered('adguard')], withoutDeclared(), OPTIONS, quiet);
    expect(outcomes).toEqual([{ server: 'adguard', action: 'merged', pullRequest: 1 }]);
  });

  it('GIVEN a merged pull request for another tool list whose file is gone THEN the new list is proposed', async () => {
    await reconcile([discovered('adguard')]);
    github.mergePullRequest(1);
    const outcomes = await reconcilePullRequests([discovered('adguard', ['new_tool'])], withoutDeclared(), OPTIONS, quiet);
    expect(outcomes).toEqual([{ server: 'adguard', action: 'opened', pullRequest: 2 }]);
  });

  it('GIVEN two merged pull requests whose files are gone THEN the newest decides: an older merged tool list is proposed again', async () => {
    await reconcile([discovered('adguard')]);
    github.mergePullRequest(1);
    await reconcilePullRequests([discovered('adguard', ['new_tool'])], withoutDeclared(), OPTIONS, quiet);
    github.mergePullRequest(2);
    // Back to the first tool list: #1 merged it, but #2 (newer) replaced it and was merged too.
    const outcomes = await reconcilePullRequests([discovered('adguard')], withoutDeclared(), OPTIONS, quiet);
    expect(outcomes).toEqual([{ server: 'adguard', action: 'opened', pullRequest: 3 }]);
  });

  it('GIVEN a pull request closed without merge for this tool list THEN the outcome says declined', async () => {
    await reconcile([discovered('adguard')]);
    github.closePullRequest(1);
    expect(await reconcile([discovered('adguard')])).toEqual([{ server: 'adguard', action: 'declined', pullRequest: 1, detail: 'closed without merge for this tool list' }]);
  });

  it('GIVEN a declined pull request THEN it counts against no cap and the next server opens', async () => {
    await reconcile([discovered('adguard')]);
    github.closePullRequest(1);
    expect((await reconcile([discovered('adguard'), discovered('caddy')], { maxOpenPullRequests: 1 })).map((o) => o.action)).toEqual(['declined', 'opened']);
  });
});

describe('the cap and the log', () => {
  it('GIVEN open pull requests from an earlier pass THEN they count against the cap', async () => {
    await reconcile([discovered('a1'), discovered('a2')]);
    expect((await reconcile([discovered('a1'), discovered('a2'), discovered('a3')], { maxOpenPullRequests: 2 })).map((o) => o.action)).toEqual(['unchanged', 'unchanged', 'capped']);
    expect((await reconcile([discovered('a3')], { maxOpenPullRequests: 3 })).map((o) => o.action)).toEqual(['opened']);
  });

  it('GIVEN a dry run THEN would-be pull requests count against the cap too, and the outcome names the file', async () => {
    const outcomes = await reconcile([discovered('a1'), discovered('a2')], { maxOpenPullRequests: 1, dryRunDir: '/tmp/dry' });
    expect(outcomes).toEqual([
      { server: 'a1', action: 'would-open', detail: `written to ${github.url}/${github.owner}/${github.name}/pull/1` },
      { server: 'a2', action: 'capped' },
    ]);
  });

  it('logs each outcome worth a line, the cap as a warning, and failures with their reason', async () => {
    await reconcile([discovered('a2')]);
    github.closePullRequest(1);
    github.failNext({ ...faults.serverError(), method: 'POST', path: /\/git\/trees$/, times: 4 });
    const log = recordingLog();
    await reconcilePullRequests([discovered('a1'), discovered('a2'), discovered('a3'), discovered('a4'), discovered('talos')], host, { ...OPTIONS, maxOpenPullRequests: 1 }, log);
    expect(log.lines).toEqual([
      { level: 'warn', object: { server: 'a1', err: expect.stringMatching(/^GitHub createBranchWithFile\("mcp-discovery\/a1", "stacks\/servers\/a1.ts"\) failed with 500/) }, message: 'pull request not reconciled; the next pass retries' },
      { level: 'info', object: { server: 'a2', action: 'declined', pullRequest: 1, detail: 'closed without merge for this tool list' }, message: 'not proposed again: its pull request was closed without merge for this tool list' },
      { level: 'info', object: { server: 'a3', action: 'opened', pullRequest: 2 }, message: 'opened a pull request' },
      { level: 'warn', object: { server: 'a4', maxOpenPullRequests: 1 }, message: 'pull request waits: the cap on open pull requests is reached' },
    ]);
  });

  it('logs updates, merges and human branches with their messages', async () => {
    await reconcile([discovered('a1'), discovered('a2')]);
    github.pushAsHuman('mcp-discovery/a2', 'notes.md', 'mine\n');
    const log = recordingLog();
    await reconcilePullRequests([discovered('a1', ['x']), discovered('a2', ['y'])], host, OPTIONS, log);
    expect(log.lines.map((l) => [l.level, l.message])).toEqual([
      ['info', 'updated the pull request'],
      ['info', 'left alone: its branch has commits by somebody else'],
    ]);
    github.mergePullRequest(1);
    const merged = recordingLog();
    await reconcilePullRequests([discovered('a1', ['x'])], withoutDeclared(), OPTIONS, merged);
    expect(merged.lines).toEqual([{ level: 'info', object: { server: 'a1', action: 'merged', pullRequest: 1 }, message: 'not proposed again: its pull request was merged' }]);
    const dry = recordingLog();
    await reconcilePullRequests([discovered('a3')], host, { ...OPTIONS, dryRunDir: '/tmp/dry' }, dry);
    expect(dry.lines.map((l) => l.message)).toEqual(['would open a pull request (dry run: written locally, nothing sent to GitHub)']);
    const dryUpdate = recordingLog();
    await reconcilePullRequests([discovered('a3', ['z'])], host, { ...OPTIONS, dryRunDir: '/tmp/dry' }, dryUpdate);
    expect(dryUpdate.lines.map((l) => l.message)).toEqual(['would update the pull request (dry run: written locally, nothing sent to GitHub)']);
    const unchanged = recordingLog();
    await reconcilePullRequests([discovered('a3', ['z']), discovered('talos')], host, OPTIONS, unchanged);
    expect(unchanged.lines).toEqual([]);
  });
});

describe('the body and the platform check', () => {
  it('GIVEN the servers found in the cluster THEN the body counts the tools the aggregated endpoint serves now', async () => {
    github.seed({ files: { [`${SERVERS}/caddy.ts`]: 'declared\n', [`${SERVERS}/dns.ts`]: 'declared\n' } });
    const clusterTools = { byServer: new Map<string, number | undefined>([['talos', 3], ['caddy', 4], ['dns', undefined], ['undeclared', 100]]), rendered: ['builtin'] };
    await reconcilePullRequests([discovered('adguard')], host, OPTIONS, quiet, clusterTools);
    const body = github.pullRequests()[0]!.body;
    expect(body).toContain('serves 7 tools now: the last probed tools of 2 declared servers found in the cluster. Not counted, as they never answered a probe: builtin, dns.');
    expect(body).toContain('8 (7 now + 1)');
  });

  it('GIVEN servers that never answered a probe THEN the body names them in name order', async () => {
    github.seed({ files: { [`${SERVERS}/dns.ts`]: 'declared\n' } });
    const clusterTools = { byServer: new Map<string, number | undefined>([['dns', undefined]]), rendered: ['zonebuiltin'] };
    await reconcilePullRequests([discovered('adguard')], host, OPTIONS, quiet, clusterTools);
    expect(github.pullRequests()[0]!.body).toContain('Not counted, as they never answered a probe: dns, zonebuiltin.');
  });

  it('GIVEN a server the platform schema refuses for two reasons THEN the outcome names both, joined by "; "', async () => {
    const item = discovered('adguard');
    const outcomes = await reconcile([{ ...item, candidate: { ...item.candidate, capabilities: ['telepathy', 'psychic'] as unknown as Candidate['capabilities'] } }]);
    expect(outcomes[0]!.detail).toMatch(/^stacks\/servers\/adguard\.ts: the platform would reject it: capabilities\[0\][^;]+; capabilities\[1\]/);
  });

  it('GIVEN a server the platform schema refuses THEN its outcome fails naming why, and nothing is written', async () => {
    const item = discovered('adguard');
    const outcomes = await reconcile([{ ...item, candidate: { ...item.candidate, capabilities: ['telepathy'] as unknown as Candidate['capabilities'] } }]);
    expect(outcomes).toEqual([{ server: 'adguard', action: 'failed', detail: expect.stringMatching(/^stacks\/servers\/adguard\.ts: the platform would reject it: capabilities/) }]);
    expect(github.writes()).toBe(0);
  });
});
