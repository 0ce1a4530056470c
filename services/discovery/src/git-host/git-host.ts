/**
 * What the reconcile logic needs from the platform repo's git host, and nothing more. The reconcile logic
 * only ever sees this interface: GitHub (octokit) is one implementation, the dry run another, so neither
 * the logic nor its tests depend on octokit.
 *
 * Every method throws on any failure except "this does not exist", which it answers as such (undefined
 * or an empty list): an API error must never be read as "absent", or a 500 would open a duplicate.
 */

export interface PullRequest {
  readonly number: number;
  /** Head branch name, e.g. "mcp-discovery/adguard". */
  readonly head: string;
  readonly headSha: string;
  readonly base: string;
  readonly state: 'open' | 'closed';
  /** Closed by merging. */
  readonly merged: boolean;
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
  readonly url: string;
}

export interface Branch {
  readonly name: string;
  /** Sha of its head commit. */
  readonly sha: string;
}

export interface Commit {
  readonly sha: string;
  readonly message: string;
  readonly parents: readonly string[];
}

export interface FileToCommit {
  /** Path in the repo, e.g. "stacks/servers/adguard.ts". */
  readonly path: string;
  readonly content: string;
}

export interface GitHost {
  /** Sha of the head of `branch`, or undefined when the branch does not exist. */
  branchHead(branch: string): Promise<string | undefined>;
  /** File names (not paths) directly in `dir` on `ref`; [] when the folder does not exist. */
  listFiles(ref: string, dir: string): Promise<string[]>;
  /** Every branch whose name starts with `prefix` (e.g. "mcp-discovery/"), with its head. */
  listBranches(prefix: string): Promise<Branch[]>;
  /** Every pull request, open or closed, whose head branch starts with `prefix`. */
  listPullRequests(prefix: string): Promise<PullRequest[]>;
  getCommit(sha: string): Promise<Commit>;
  /**
   * Creates `branch` pointing at a new commit on top of `baseSha` that adds `file`, and returns that
   * commit's sha. The branch is born with the commit, never empty: a process killed half-way leaves either
   * no branch or a branch that plainly carries the service's commit, so a re-run can tell it from a
   * branch somebody else pushed to. (GitHub: one tree, one commit, one ref.)
   */
  createBranchWithFile(branch: string, baseSha: string, file: FileToCommit, message: string): Promise<string>;
  /**
   * Commits `file` on top of `branch` with `message` (creating or replacing the file) and returns the new
   * head sha; when the file already has exactly this content, commits nothing and returns the current head.
   */
  commitFile(branch: string, file: FileToCommit, message: string): Promise<string>;
  openPullRequest(pr: { readonly head: string; readonly base: string; readonly title: string; readonly body: string }): Promise<PullRequest>;
  updatePullRequest(number: number, change: { readonly title?: string; readonly body?: string }): Promise<void>;
  addLabels(number: number, labels: readonly string[]): Promise<void>;
}
