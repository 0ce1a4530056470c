import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { readTree, tempDir } from '../support/files.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs the real entry (`npm run synth` runs the same command) and returns its exit code and output. */
function synthCli(args: string[]) {
  const result = spawnSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'stacks', 'main.ts'), ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, CDKTF_OUTDIR: '', CDK8S_OUTDIR: '' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function outDirs() {
  const root = tempDir();
  return { root, args: ['--out', join(root, 'dist'), '--terraform-out', join(root, 'cdktf.out')] };
}

describe('npm run synth', () => {
  it('renders the shipped default config and prints the report', () => {
    const { root, args } = outDirs();
    const run = synthCli(args);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('policy findings: 0 error(s), 0 warning(s)');
    expect(existsSync(join(root, 'cdktf.out', 'stacks', 'bootstrap', 'cdk.tf.json'))).toBe(true);
  });

  it('fails on a wrong config field with a message naming it, and writes nothing', () => {
    const { root, args } = outDirs();
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'previous.yaml'), 'kept: true\n');
    const config = join(root, 'bad.config.json');
    writeFileSync(config, JSON.stringify({ name: 'lab', kubernetes: { context: 'c' }, gitops: { repoUrl: 'https://x/y.git', path: 'p' }, namespace: 'Bad' }));
    const run = synthCli(['--config', config, ...args]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`  - namespace: must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit): the platform namespace, got "Bad"`);
    expect(readTree(root)).toEqual({ 'bad.config.json': expect.any(String), 'dist/previous.yaml': 'kept: true\n' });
  });

  it('names a config file that does not exist', () => {
    const run = synthCli(['--config', 'nope.config.ts', ...outDirs().args]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Invalid platform config (nope.config.ts):\n  - file not found; pass an existing file with --config (default stacks/platform.config.ts)');
  });

  it('rejects unknown arguments with usage and exit code 2', () => {
    const run = synthCli(['--only', 'everything']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--only must be "bootstrap" or "workloads", got "everything"');
  });
});
