/**
 * The base a diff compares with: a folder of rendered manifests (a previous `dist/`, or a checkout of the
 * GitOps repository's path), or a git ref of this repository, rendered by that ref's own code.
 *
 * A ref is exported with `git archive` into a temporary folder (the work tree and the index stay as they
 * are) and synthesized there with `npm run synth`'s entry. It reuses this checkout's node_modules when the
 * ref's package-lock.json is the same; otherwise it installs the ref's own (`npm ci`), since rendering old
 * code with new dependencies could show changes nobody made.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { readRenderedFolder, type RenderedTree } from './rendered-tree.js';

export class DiffBaseError extends Error {}

export interface ResolvedBase {
  readonly tree: RenderedTree;
  /** What was compared, for the report: "dist.old/" or "origin/main (3f2a1c0)". */
  readonly label: string;
}

export interface BaseOptions {
  /** This repository's root (where the config lives). */
  readonly repoRoot: string;
  /** The config file, as given (relative to repoRoot or absolute). */
  readonly configFile: string;
  /** The environment of an environments file: the base renders it alone, into dist/<env>/. @default none */
  readonly env?: string;
  /** Lines of progress (the base's install and synth), for stderr. */
  readonly log?: (line: string) => void;
}

/** A folder when `base` names one; else a git ref of `repoRoot`; else a DiffBaseError saying which it tried. */
export async function resolveBase(base: string, options: BaseOptions): Promise<ResolvedBase> {
  // A folder base is the environment's own folder; a ref renders the environment into dist/<env>/.
  const { value, label } = await resolveWith(base, options, readRenderedFolder, (dist) => readRenderedFolder(options.env !== undefined ? join(dist, options.env) : dist));
  return { tree: value, label };
}

/**
 * The base of every environment of an environments file, by name: a folder's `<env>/` subfolder, or the ref's
 * synth of all its environments (once). An environment the base does not have has an empty tree (all added).
 */
export async function resolveEnvironmentBases(base: string, names: readonly string[], options: Omit<BaseOptions, 'env'>): Promise<{ trees: ReadonlyMap<string, RenderedTree>; label: string }> {
  const read = (root: string) => new Map(names.map((name) => [name, existsSync(join(root, name)) ? readRenderedFolder(join(root, name)) : (new Map() as RenderedTree)]));
  const { value, label } = await resolveWith(base, options, read, read);
  return { trees: value, label };
}

async function resolveWith<T>(base: string, options: BaseOptions, fromFolder: (dir: string) => T, fromRef: (dist: string) => T): Promise<{ value: T; label: string }> {
  const asFolder = resolve(base);
  if (existsSync(asFolder) && statSync(asFolder).isDirectory()) return { value: fromFolder(asFolder), label: `${relative(process.cwd(), asFolder) || '.'}/` };
  const sha = git(options.repoRoot, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  if (!sha) throw new DiffBaseError(`--base ${base} is neither a folder nor a git ref of ${options.repoRoot}: pass a folder of rendered manifests or a ref such as origin/main`);
  return { value: await renderRef(sha, options, fromRef), label: `${base} (${sha.slice(0, 7)})` };
}

function git(cwd: string, args: readonly string[]): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Renders the ref in a temporary folder and reads its dist/ with `read` before the folder goes. */
async function renderRef<T>(sha: string, options: BaseOptions, read: (dist: string) => T): Promise<T> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), `mcp-platform-base-${sha.slice(0, 7)}-`));
  try {
    await run('sh', ['-c', `git -C "$0" archive --format=tar "$1" | tar -x -C "$2"`, options.repoRoot, sha, dir], options.repoRoot, 'git archive');
    const configFile = relative(options.repoRoot, resolve(options.repoRoot, options.configFile));
    if (!existsSync(join(dir, configFile))) throw new DiffBaseError(`${sha.slice(0, 7)} has no ${configFile}: nothing to render at the base`);
    const lock = (root: string) => (existsSync(join(root, 'package-lock.json')) ? readFileSync(join(root, 'package-lock.json'), 'utf8') : undefined);
    const baseLock = lock(dir);
    if (baseLock !== undefined && baseLock === lock(options.repoRoot) && existsSync(join(options.repoRoot, 'node_modules'))) {
      symlinkSync(join(options.repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    } else {
      log(`the base's package-lock.json differs: npm ci in ${dir}`);
      await run('npm', ['ci', '--no-audit', '--no-fund'], dir, 'npm ci at the base');
    }
    log(`rendering the base ${sha.slice(0, 7)} ...`);
    const env = options.env !== undefined ? ['--env', options.env] : [];
    await run(join(dir, 'node_modules', '.bin', 'tsx'), ['stacks/main.ts', '--config', configFile, ...env, '--out', 'dist', '--terraform-out', 'cdktf.out'], dir, `synth at the base ${sha.slice(0, 7)}`);
    return read(join(dir, 'dist'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a command to its end; a failure is a DiffBaseError with the command's last lines. */
function run(command: string, args: readonly string[], cwd: string, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    let output = '';
    const keep = (data: Buffer) => {
      // Only the end is reported; bounded so a chatty install cannot grow without limit.
      output = (output + data.toString()).slice(-16_384);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => reject(new DiffBaseError(`${what} could not start: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolvePromise();
      const tail = output.trim().split('\n').slice(-12).join('\n');
      reject(new DiffBaseError(`${what} failed (exit ${code}):\n${tail}`));
    });
  });
}
