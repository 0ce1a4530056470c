import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../stacks/config.js';
import { loadEnvironments } from '../../../stacks/load-config.js';
import { namesRepository, publish, publishTargets } from '../../../stacks/publish/main.js';
import { readTree, tempDir } from '../../support/files.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const EXAMPLE = join(repo, 'examples', 'environments', 'platform.environments.ts');

function tree(root: string, files: Record<string, string>): string {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

describe('publish-manifests', () => {
  it("targets each environment's folder at its gitops.path, and dist/ itself for a plain config", async () => {
    const targets = publishTargets(await loadEnvironments(EXAMPLE), '/out/dist');
    expect(targets).toEqual([
      { environment: 'production', from: '/out/dist/production', repoUrl: 'https://github.com/homelab/gitops.git', revision: 'main', path: 'clusters/production/mcp-platform' },
      { environment: 'monitoring', from: '/out/dist/monitoring', repoUrl: 'https://github.com/homelab/gitops.git', revision: 'main', path: 'clusters/monitoring/mcp-platform' },
    ]);
    const plain = publishTargets(await loadEnvironments(join(repo, 'stacks', 'platform.config.ts')), '/out/dist');
    expect(plain).toEqual([{ from: '/out/dist', repoUrl: 'https://github.com/homelab/gitops.git', revision: 'main', path: 'clusters/homelab/mcp-platform' }]);
  });

  it('replaces each folder in the checkout, so what the output dropped is dropped there, and leaves the rest of the repository', async () => {
    const dist = tree(tempDir(), { 'production/argocd/a.yaml': 'a: 1\n', 'monitoring/argocd/b.yaml': 'b: 1\n' });
    const checkout = tree(tempDir(), { 'clusters/production/mcp-platform/stale.yaml': 'old\n', 'README.md': 'kept\n' });
    const lines = publish(publishTargets(await loadEnvironments(EXAMPLE), dist), checkout, 'homelab/gitops', 'main');
    expect(lines).toEqual([`${dist}/production -> clusters/production/mcp-platform`, `${dist}/monitoring -> clusters/monitoring/mcp-platform`]);
    expect(readTree(checkout)).toEqual({
      'README.md': 'kept\n',
      'clusters/monitoring/mcp-platform/argocd/b.yaml': 'b: 1\n',
      'clusters/production/mcp-platform/argocd/a.yaml': 'a: 1\n',
    });
  });

  it('refuses, copying nothing, targets of another repository or branch and a folder synth did not write', async () => {
    const dist = tree(tempDir(), { 'production/argocd/a.yaml': 'a: 1\n' });
    const checkout = tempDir();
    let error: unknown;
    try {
      publish(publishTargets(await loadEnvironments(EXAMPLE), dist), checkout, 'homelab/other', 'release');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'environment "production": gitops.repoUrl https://github.com/homelab/gitops.git is not homelab/other, the repository being published to: publish it from a workflow of that repository',
      'environment "production": gitops.revision "main" is not the branch being published (release): Argo CD would not see the commit',
      'environment "monitoring": gitops.repoUrl https://github.com/homelab/gitops.git is not homelab/other, the repository being published to: publish it from a workflow of that repository',
      'environment "monitoring": gitops.revision "main" is not the branch being published (release): Argo CD would not see the commit',
      `environment "monitoring": ${dist}/monitoring does not exist: run npm run synth first`,
    ]);
    expect(readTree(checkout)).toEqual({});
  });

  it.each([
    ['https://github.com/homelab/gitops.git', true],
    ['https://github.com/homelab/gitops', true],
    ['git@github.com:homelab/gitops.git', true],
    ['ssh://git@github.com/Homelab/GitOps.git', true],
    ['https://github.com/homelab/gitops-old.git', false],
    ['https://github.com/other/gitops.git', false],
  ])('tells whether %s is homelab/gitops', (url, expected) => {
    expect(namesRepository(url, 'homelab/gitops')).toBe(expected);
  });
});

describe('npm run publish-manifests', () => {
  it('names the missing arguments with its usage and exit code 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'stacks', 'publish', 'main.ts'), '--checkout', '/tmp/x'], { cwd: repo, encoding: 'utf8', timeout: 150_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      '--checkout, --repository and --branch are required\nusage: npm run publish-manifests -- --checkout DIR --repository OWNER/NAME --branch BRANCH [--config FILE] [--out DIR]\n',
    );
  });
});
