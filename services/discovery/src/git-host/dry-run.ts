/**
 * `--dry-run DIR`: a git host that writes each would-be pull request under DIR instead of calling GitHub.
 * Reads go to the real repo when one is configured (so the dry run sees what is declared and proposed
 * already), else to a local checkout of the platform repo.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { Branch, Commit, FileToCommit, GitHost, PullRequest } from './git-host.js';

export interface DryRunOptions {
  /** Where the would-be pull requests are written: DIR/<branch>/pull-request.md, DIR/<branch>/files/<path>. */
  readonly outDir: string;
  /** Reads from this host (the real repo) when given. */
  readonly reads?: GitHost;
  /** Else reads the servers folder from this local checkout. @default the working directory */
  readonly checkout?: string;
}

const LOCAL_HEAD = 'local-checkout';

export class DryRunGitHost implements GitHost {
  /** Branches and pull requests this dry run would have made, so one pass sees its own. */
  private readonly branches = new Map<string, string>();
  private readonly pulls: PullRequest[] = [];

  constructor(private readonly options: DryRunOptions) {}

  async branchHead(branch: string): Promise<string | undefined> {
    if (this.branches.has(branch)) return this.branches.get(branch);
    return this.options.reads ? this.options.reads.branchHead(branch) : LOCAL_HEAD;
  }

  async listFiles(ref: string, dir: string): Promise<string[]> {
    if (this.options.reads) return this.options.reads.listFiles(ref, dir);
    const folder = resolve(this.options.checkout ?? process.cwd(), dir);
    return existsSync(folder) ? readdirSync(folder).sort() : [];
  }

  async listBranches(prefix: string): Promise<Branch[]> {
    const real = this.options.reads ? await this.options.reads.listBranches(prefix) : [];
    return [...real, ...[...this.branches].map(([name, sha]) => ({ name, sha }))];
  }

  async listPullRequests(prefix: string): Promise<PullRequest[]> {
    const real = this.options.reads ? await this.options.reads.listPullRequests(prefix) : [];
    return [...real, ...this.pulls];
  }

  async getCommit(sha: string): Promise<Commit> {
    if (this.options.reads) return this.options.reads.getCommit(sha);
    return { sha, message: '', parents: [] };
  }

  async createBranchWithFile(branch: string, baseSha: string, file: FileToCommit, message: string): Promise<string> {
    this.branches.set(branch, `dry-run:${branch}`);
    this.write(branch, file, message, baseSha);
    return `dry-run:${branch}`;
  }

  async commitFile(branch: string, file: FileToCommit, message: string): Promise<string> {
    this.write(branch, file, message, branch);
    return `dry-run:${branch}`;
  }

  async openPullRequest(pr: { head: string; base: string; title: string; body: string }): Promise<PullRequest> {
    const number = this.pulls.length + 1;
    // The url is where the would-be pull request was written: there is no page on GitHub.
    const url = this.writeText(pr.head, 'pull-request.md', `# ${pr.title}\n\nBase: ${pr.base}\nBranch: ${pr.head}\n\n${pr.body}`);
    const opened: PullRequest = { number, head: pr.head, headSha: `dry-run:${pr.head}`, base: pr.base, state: 'open', merged: false, title: pr.title, body: pr.body, labels: [], url };
    this.pulls.push(opened);
    return opened;
  }

  async updatePullRequest(number: number, change: { title?: string; body?: string }): Promise<void> {
    const pr = this.pulls.find((p) => p.number === number);
    const head = pr?.head ?? `pull-${number}`;
    this.writeText(head, 'pull-request-update.md', `# ${change.title ?? pr?.title ?? ''}\n\nUpdates pull request #${number}\n\n${change.body ?? ''}`);
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    const pr = this.pulls.find((p) => p.number === number);
    this.writeText(pr?.head ?? `pull-${number}`, 'labels.json', `${JSON.stringify([...labels], null, 2)}\n`);
  }

  private write(branch: string, file: FileToCommit, message: string, base: string): void {
    this.writeText(branch, join('files', file.path), file.content);
    this.writeText(branch, 'commit.txt', `base: ${base}\n\n${message}\n`);
  }

  /** Writes under DIR/<branch>/, refusing any path that would leave it; returns the file's path. */
  private writeText(branch: string, relative: string, content: string): string {
    const root = resolve(this.options.outDir, branch);
    const target = resolve(root, relative);
    if (!target.startsWith(root + sep)) throw new Error(`dry run: refusing to write ${relative} outside ${root}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    return target;
  }
}
