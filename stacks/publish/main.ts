/**
 * `npm run publish-manifests -- --checkout DIR --repository OWNER/NAME --branch BRANCH [--config FILE] [--out DIR]`
 *
 * Copies the rendered manifests into a checkout of the GitOps repository: each environment's `dist/<env>/`
 * (or `dist/` for a plain config) replaces the folder at its `gitops.path`, so a manifest removed from the
 * output is removed there too. Run after `npm run synth`; the publish-manifests workflow commits the result.
 * An environment whose gitops.repoUrl or revision is not the checkout's is refused: its manifests would
 * land where its Argo CD does not look. Exit code 0 copied, 1 refused, 2 bad arguments.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';
import type { Environment } from '../environments.js';
import { DEFAULT_CONFIG, loadEnvironments } from '../load-config.js';
import { isEntry, runCommand } from '../command-line.js';

const USAGE = `usage: ${runCommand('publish-manifests')} --checkout DIR --repository OWNER/NAME --branch BRANCH [--config FILE] [--out DIR]`;

/** Where one environment's rendered folder goes in the GitOps repository. */
export interface PublishTarget {
  readonly environment?: string;
  /** The rendered folder: `<out>` or `<out>/<env>`. */
  readonly from: string;
  readonly repoUrl: string;
  readonly revision: string;
  /** The folder in the repository (gitops.path). */
  readonly path: string;
}

export function publishTargets(environments: readonly Environment[], manifestsDir: string): PublishTarget[] {
  return environments.map(({ name, config }) => ({
    ...(name !== undefined ? { environment: name } : {}),
    from: name === undefined ? manifestsDir : join(manifestsDir, name),
    repoUrl: config.gitops.repoUrl,
    revision: config.gitops.revision,
    path: config.gitops.path,
  }));
}

/** Whether a gitops.repoUrl names the GitHub repository `owner/name` (https, ssh or scp-like; .git optional). */
export function namesRepository(repoUrl: string, repository: string): boolean {
  const path = /^(?:https:\/\/[^/]+\/|ssh:\/\/[^/]+\/|git@[^:]+:)(.+?)(?:\.git)?\/?$/.exec(repoUrl)?.[1];
  return path !== undefined && path.toLowerCase() === repository.toLowerCase();
}

/** Copies every target into the checkout; returns one line per copied folder. Throws ConfigError, copying nothing, when one does not belong there. */
export function publish(targets: readonly PublishTarget[], checkout: string, repository: string, branch: string): string[] {
  const problems: string[] = [];
  for (const target of targets) {
    const who = target.environment !== undefined ? `environment "${target.environment}"` : 'the platform';
    if (!namesRepository(target.repoUrl, repository)) problems.push(`${who}: gitops.repoUrl ${target.repoUrl} is not ${repository}, the repository being published to: publish it from a workflow of that repository`);
    if (target.revision !== branch) problems.push(`${who}: gitops.revision "${target.revision}" is not the branch being published (${branch}): Argo CD would not see the commit`);
    if (!existsSync(target.from)) problems.push(`${who}: ${target.from} does not exist: run npm run synth first`);
  }
  if (problems.length) throw new ConfigError('publish-manifests', problems);
  return targets.map((target) => {
    const into = join(checkout, target.path);
    rmSync(into, { recursive: true, force: true });
    mkdirSync(into, { recursive: true });
    cpSync(target.from, into, { recursive: true });
    return `${target.from} -> ${target.path}`;
  });
}

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { config: { type: 'string', default: DEFAULT_CONFIG }, out: { type: 'string', default: 'dist' }, checkout: { type: 'string' }, repository: { type: 'string' }, branch: { type: 'string' } },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!args.checkout || !args.repository || !args.branch) {
    console.error(`--checkout, --repository and --branch are required\n${USAGE}`);
    return 2;
  }
  try {
    const targets = publishTargets(await loadEnvironments(args.config!), resolve(args.out!));
    for (const line of publish(targets, resolve(args.checkout), args.repository, args.branch)) console.log(line);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

if (isEntry(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
