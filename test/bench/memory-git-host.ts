/** A GitHost held in memory, for timing the reconcile logic without network (benchmark only). */
import type { Branch, Commit, FileToCommit, GitHost, PullRequest } from '../../services/discovery/src/git-host/git-host.js';

export class MemoryGitHost implements GitHost {
  readonly branches = new Map<string, string>([['main', 'base']]);
  readonly pulls: PullRequest[] = [];
  readonly commits = new Map<string, Commit>();
  writes = 0;

  constructor(private readonly declared: readonly string[] = []) {}

  async branchHead(branch: string) {
    return this.branches.get(branch);
  }
  async listFiles() {
    return [...this.declared];
  }
  async listBranches(prefix: string): Promise<Branch[]> {
    return [...this.branches].filter(([name]) => name.startsWith(prefix)).map(([name, sha]) => ({ name, sha }));
  }
  async listPullRequests(prefix: string) {
    return this.pulls.filter((p) => p.head.startsWith(prefix));
  }
  async getCommit(sha: string): Promise<Commit> {
    return this.commits.get(sha) ?? { sha, message: '', parents: [] };
  }
  async createBranchWithFile(branch: string, _base: string, _file: FileToCommit, message: string) {
    this.writes++;
    const sha = `c${this.commits.size}`;
    this.commits.set(sha, { sha, message, parents: [] });
    this.branches.set(branch, sha);
    return sha;
  }
  async commitFile(branch: string, _file: FileToCommit, message: string) {
    return this.createBranchWithFile(branch, '', _file, message);
  }
  async openPullRequest(pr: { head: string; base: string; title: string; body: string }) {
    this.writes++;
    const opened: PullRequest = { number: this.pulls.length + 1, head: pr.head, headSha: this.branches.get(pr.head)!, base: pr.base, state: 'open', merged: false, title: pr.title, body: pr.body, labels: [], url: '' };
    this.pulls.push(opened);
    return opened;
  }
  async updatePullRequest() {
    this.writes++;
  }
  async addLabels(number: number, labels: readonly string[]) {
    this.writes++;
    const index = this.pulls.findIndex((p) => p.number === number);
    this.pulls[index] = { ...this.pulls[index]!, labels: [...labels] };
  }
}
