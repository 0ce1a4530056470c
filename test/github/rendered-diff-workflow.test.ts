/**
 * The rendered-diff workflows, run here as far as this machine can: the diff step's shell script with a
 * stand-in `npm` (its exit codes are npm run diff's), and the comment script with the real Octokit client
 * against a local server that answers the four GitHub REST endpoints it calls, in GitHub's JSON shapes.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Octokit } from 'octokit';
import { parse } from 'yaml';
import { tempDir } from '../support/files.js';

const workflow = (name: string) => parse(readFileSync(`.github/workflows/${name}`, 'utf8'));
const diffWorkflow = workflow('rendered-diff.yml');
const commentWorkflow = workflow('rendered-diff-comment.yml');
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const temp = () => {
  const dir = tempDir('mcp-platform-workflow-test-');
  made.push(dir);
  return dir;
};

describe('rendered-diff workflow', () => {
  it('runs on every pull request with a token that can only read', () => {
    expect(diffWorkflow.on).toEqual({ pull_request: { types: ['opened', 'synchronize', 'reopened'] } });
    expect(diffWorkflow.permissions).toEqual({ contents: 'read' });
    expect(diffWorkflow.jobs.diff.if).toBeUndefined();
    const checkout = diffWorkflow.jobs.diff.steps.find((s: any) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout.with['fetch-depth']).toBe(0);
  });

  const step = diffWorkflow.jobs.diff.steps.find((s: any) => s.id === 'diff');

  /** Runs the step's script with an `npm` that prints `stdout`, `stderr` and exits `status`. */
  function runStep(status: number, stdout: string, stderr: string) {
    const dir = temp();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "$*" > "${dir}/npm-args"\nprintf '%s' '${stdout}'\nprintf '%s\\n' '${stderr}' >&2\nexit ${status}\n`);
    chmodSync(join(bin, 'npm'), 0o755);
    const output = join(dir, 'github-output');
    writeFileSync(output, '');
    const run = spawnSync('bash', ['-e', '-c', step.run], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output, BASE_SHA: 'a'.repeat(40), HEAD_SHA: 'b'.repeat(40), PR_NUMBER: '12', PLATFORM_CONFIG: 'envs/platform.environments.ts' },
    });
    const file = (name: string) => readFileSync(join(dir, 'rendered-diff', name), 'utf8');
    return { run, file, args: readFileSync(join(dir, 'npm-args'), 'utf8').trim(), output: readFileSync(output, 'utf8') };
  }

  it('passes the base commit to npm run diff and keeps its Markdown, with or without changes', () => {
    for (const status of [0, 1]) {
      const { run, file, args, output } = runStep(status, '### Rendered change against x', '');
      expect(run.status).toBe(0);
      expect(args).toBe(`run --silent diff -- --config envs/platform.environments.ts --base ${'a'.repeat(40)} --format markdown --max-chars 60000`);
      expect(file('comment.md')).toBe('### Rendered change against x');
      expect(file('pr-number')).toBe('12\n');
      expect(file('head-sha')).toBe(`${'b'.repeat(40)}\n`);
      expect(output).toBe(`status=${status}\n`);
    }
  });

  it('diffs the config publish-manifests publishes (the PLATFORM_CONFIG variable, else the default)', () => {
    const publish = workflow('publish-manifests.yml');
    const publishStep = Object.values(publish.jobs as Record<string, any>).flatMap((j) => j.steps).find((s: any) => s.env?.PLATFORM_CONFIG);
    expect(step.env.PLATFORM_CONFIG).toBe("${{ vars.PLATFORM_CONFIG || 'stacks/platform.config.ts' }}");
    expect(step.env.PLATFORM_CONFIG).toBe(publishStep.env.PLATFORM_CONFIG);
  });

  it('turns a failed diff into a comment that says why, and the job then fails', () => {
    const { run, file, output } = runStep(2, '', 'synth at the base 1234567 failed (exit 1):\nno such config');
    expect(run.status).toBe(0);
    expect(file('comment.md')).toBe(
      '### Rendered change\n\nThe rendered diff could not be made: `npm run diff` exited with 2. Its last lines:\n\n````text\nsynth at the base 1234567 failed (exit 1):\nno such config\n````\n',
    );
    expect(output).toBe('status=2\n');
    const fail = diffWorkflow.jobs.diff.steps.at(-1);
    expect(fail.if).toBe("steps.diff.outputs.status != '0' && steps.diff.outputs.status != '1'");
    expect(fail.run).toContain('exit 1');
  });
});

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** GitHub's pulls.get, issues.listComments, createComment and updateComment, for one repository. */
class CommentApi {
  readonly comments: Comment[] = [];
  readonly writes: string[] = [];
  headSha = 'c'.repeat(40);
  private server!: Server;
  private nextId = 100;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (d) => (body += d));
      request.on('end', () => {
        const [status, payload] = this.route(request.method!, request.url!, body ? JSON.parse(body) : undefined);
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(payload));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.comments.length = 0;
    this.writes.length = 0;
    this.headSha = 'c'.repeat(40);
    this.nextId = 100;
  }

  stop = () => new Promise<void>((resolve) => this.server.close(() => resolve()));

  private route(method: string, url: string, body: any): [number, unknown] {
    const path = url.split('?')[0];
    let match: RegExpExecArray | null;
    if (method === 'GET' && (match = /^\/repos\/lab\/platform\/pulls\/(\d+)$/.exec(path))) {
      return match[1] === '12' ? [200, { number: 12, state: 'open', head: { sha: this.headSha, ref: 'feature' } }] : [404, { message: 'Not Found', status: '404' }];
    }
    if (method === 'GET' && path === '/repos/lab/platform/issues/12/comments') return [200, this.comments];
    if (method === 'POST' && path === '/repos/lab/platform/issues/12/comments') {
      const comment = { id: this.nextId++, body: body.body, user: { login: 'github-actions[bot]', type: 'Bot' } };
      this.comments.push(comment);
      this.writes.push(`create ${comment.id}`);
      return [201, comment];
    }
    if (method === 'PATCH' && (match = /^\/repos\/lab\/platform\/issues\/comments\/(\d+)$/.exec(path))) {
      const comment = this.comments.find((c) => c.id === Number(match![1]));
      if (!comment) return [404, { message: 'Not Found' }];
      comment.body = body.body;
      this.writes.push(`update ${comment.id}`);
      return [200, comment];
    }
    return [404, { message: `no route ${method} ${path}` }];
  }
}

describe('rendered-diff-comment workflow', () => {
  it('runs after rendered-diff, for pull requests only, and may write only pull request comments', () => {
    expect(commentWorkflow.on).toEqual({ workflow_run: { workflows: [diffWorkflow.name], types: ['completed'] } });
    expect(commentWorkflow.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
    expect(commentWorkflow.jobs.comment.if).toBe("github.event.workflow_run.event == 'pull_request'");
    const download = commentWorkflow.jobs.comment.steps[0];
    expect(download.with).toEqual({ name: 'rendered-diff', path: 'rendered-diff', 'github-token': '${{ github.token }}', 'run-id': '${{ github.event.workflow_run.id }}' });
    // No step checks out or runs the pull request's code.
    expect(commentWorkflow.jobs.comment.steps.filter((s: any) => s.run || s.uses?.startsWith('actions/checkout@'))).toEqual([]);
  });

  const script: string = commentWorkflow.jobs.comment.steps[1].with.script;
  const api = new CommentApi();
  let github: Octokit;
  beforeAll(async () => {
    github = new Octokit({ baseUrl: await api.start(), auth: 'token' });
  });
  afterAll(() => api.stop());
  beforeEach(() => api.reset());

  /** Runs the script as github-script does: an async function of require, github, context and core. */
  async function post(files: { comment: string; number?: string; head?: string; runHead?: string }) {
    const dir = temp();
    mkdirSync(join(dir, 'rendered-diff'));
    writeFileSync(join(dir, 'rendered-diff', 'comment.md'), files.comment);
    writeFileSync(join(dir, 'rendered-diff', 'pr-number'), `${files.number ?? '12'}\n`);
    writeFileSync(join(dir, 'rendered-diff', 'head-sha'), `${files.head ?? api.headSha}\n`);
    const notices: string[] = [];
    const require = (name: string) => {
      expect(name).toBe('node:fs');
      return { readFileSync: (file: string, encoding: BufferEncoding) => readFileSync(join(dir, file), encoding) };
    };
    const context = { repo: { owner: 'lab', repo: 'platform' }, payload: { workflow_run: { head_sha: files.runHead ?? api.headSha } } };
    const core = { notice: (text: string) => notices.push(text) };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core);
    return notices;
  }

  const MARKER = '<!-- mcp-platform: rendered diff -->';

  it('creates one comment, then updates it in place, and writes nothing when it would not change', async () => {
    await post({ comment: '### Rendered change against `main`\n\nno change' });
    expect(api.writes).toEqual(['create 100']);
    expect(api.comments[0].body).toBe(`${MARKER}\n### Rendered change against \`main\`\n\nno change\n\n<sub>for ccccccc, made by the rendered-diff workflow</sub>\n`);
    await post({ comment: '### Rendered change against `main`\n\n1 app changes' });
    expect(api.writes).toEqual(['create 100', 'update 100']);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0].body).toContain('1 app changes');
    await post({ comment: '### Rendered change against `main`\n\n1 app changes' });
    expect(api.writes).toEqual(['create 100', 'update 100']);
  });

  it("never edits a person's comment that happens to start with the marker", async () => {
    api.comments.push({ id: 7, body: `${MARKER}\nquoted by a person`, user: { login: 'alice', type: 'User' } });
    await post({ comment: 'diff' });
    expect(api.writes).toEqual(['create 100']);
    expect(api.comments[0].body).toBe(`${MARKER}\nquoted by a person`);
  });

  it('posts nothing when the pull request has moved on, or the artifact names another head', async () => {
    expect(await post({ comment: 'diff', runHead: 'd'.repeat(40) })).toEqual([
      `pull request #12 has moved on (head ${'c'.repeat(40)}); this diff was made for ${'d'.repeat(40)}: not posted`,
    ]);
    await post({ comment: 'diff', head: 'e'.repeat(40) });
    expect(api.writes).toEqual([]);
  });

  it('refuses an artifact whose pull request number is not a number', async () => {
    await expect(post({ comment: 'diff', number: '12; rm -rf /' })).rejects.toThrow('the artifact names no pull request: "12; rm -rf /"');
    await expect(post({ comment: 'diff', number: '0' })).rejects.toThrow('the artifact names no pull request: "0"');
    expect(api.writes).toEqual([]);
  });

  it('cuts a comment over 65,000 characters with a note', async () => {
    await post({ comment: 'x'.repeat(70_000) });
    const body = api.comments[0].body;
    expect(body).toContain(`${'x'.repeat(65_000)}\n\n> **Cut to fit a comment.** Run \`npm run diff\` locally for the whole diff.`);
    expect(body).not.toContain('x'.repeat(65_001));
    expect(body.length).toBeLessThan(65_536);
  });
});
