/**
 * Two environments of one cluster must not both render one cluster-scoped object: two Argo CD Applications
 * would own it. Rendered for real (renderEnvironments), so the check sees what each part renders.
 */
import { describe, expect, it } from '@jest/globals';
import { ConfigError, parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { extendPlatformConfig, stackName, type Environment } from '../../stacks/environments.js';
import { renderEnvironments } from '../../stacks/synth.js';
import { tempDir } from '../support/files.js';

const base: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.5/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'clusters/base' },
  mcpServers: [{ name: 'kube', transport: 'stdio', source: { npm: { package: 'kubernetes-mcp-server', version: '0.0.67' } }, kubernetesAccess: { rules: [{ apiGroups: [''], resources: ['pods'] }] } }],
};
const operatorsOff = { cloudnativePg: { enabled: false }, kmcp: { enabled: false }, toolhive: { enabled: false } };
const environment = (name: string, override: Parameters<typeof extendPlatformConfig>[1]): Environment => ({
  name,
  stack: stackName(name),
  config: parsePlatformConfig(extendPlatformConfig(base, { name, namespace: `mcp-${name}`, gitops: { path: `clusters/${name}` }, argocd: { project: `mcp-${name}` }, ...override }), name),
});

function problemsRendering(environments: Environment[]): readonly string[] {
  try {
    renderEnvironments(environments, { terraformDir: tempDir('shared-cluster-objects-') });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('cluster-scoped objects of environments on one cluster', () => {
  it('refuses a ClusterRoleBinding both environments render, naming both, the object and the fix', () => {
    const problems = problemsRendering([environment('one', {}), environment('two', { operators: operatorsOff })]);
    expect(problems).toContain(
      'environments "one" and "two" both render ClusterRoleBinding mcp-kube-read into one cluster (kubernetes context "admin@lab" of ~/.kube/config): two Argo CD Applications would own it and each sync would undo the other\'s; give each environment its own cluster, or rename in one of them what renders it (a server\'s name, for its kubernetesAccess)',
    );
    expect(problems.every((p) => p.startsWith('environments "one" and "two" both render Cluster'))).toBe(true);
  });

  it('renders them when the server has another name in one environment, or the environments are on two clusters', () => {
    const renamed = environment('two', { operators: operatorsOff, mcpServers: [{ name: 'kube', remove: true }, { ...base.mcpServers![0]!, name: 'kube-two' } as never] });
    expect(problemsRendering([environment('one', {}), renamed])).toEqual([]);
    expect(problemsRendering([environment('one', {}), environment('two', { kubernetes: { context: 'admin@two' } })])).toEqual([]);
  });
});
