import { describe, expect, it } from '@jest/globals';
import { ConfigError, parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import defaultConfig from '../../stacks/platform.config.js';

const minimal: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab' },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
};

function problemsOf(raw: unknown): readonly string[] {
  try {
    parsePlatformConfig(raw, 'test.config.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('platform config', () => {
  it('accepts the shipped default config', () => {
    const config = parsePlatformConfig(defaultConfig, 'stacks/platform.config.ts');
    expect(config.namespace).toBe('mcp-system');
    expect(config.operators.nvidiaGpu.enabled).toBe(true);
  });

  it('applies every documented default to a minimal config', () => {
    // GIVEN only the required fields WHEN parsed THEN each @default of stacks/config.ts is applied
    const config = parsePlatformConfig(minimal, 'minimal');
    expect(config.namespace).toBe('mcp-system');
    expect(config.kubernetes.configPath).toBe('~/.kube/config');
    expect(config.gitops.revision).toBe('main');
    expect(config.argocd).toEqual({ namespace: 'argocd', install: false, version: '10.9.2', appsChartVersion: '2.0.4', project: 'mcp-platform', autoSync: true });
    expect(config.operators).toEqual({
      cloudnativePg: { enabled: true, version: '0.29.0', namespace: 'cnpg-system' },
      kmcp: { enabled: true, version: '0.3.0', namespace: 'kmcp-system' },
      toolhive: { enabled: true, version: '0.44.0', namespace: 'toolhive-system' },
      nvidiaGpu: { enabled: false, version: 'v26.7.0', namespace: 'gpu-operator' },
    });
    expect(config.guardrails).toEqual({ allowDnsEgress: true });
    expect(config.mcpServers).toEqual([]);
    expect(config.database.enabled).toBe(false);
  });

  it('names an unknown field, suggests the close one and lists what is allowed', () => {
    expect(problemsOf({ ...minimal, namspace: 'x' })).toEqual([
      'namspace: unknown field (did you mean "namespace"?); allowed: name, namespace, kubernetes, gitops, argocd, operators, guardrails, database, gateway, triageLlm, gpuInference, discovery, mcpServers',
    ]);
    expect(problemsOf({ ...minimal, operators: { kmpc: {} } })).toEqual([
      'operators.kmpc: unknown field (did you mean "kmcp"?); allowed: cloudnativePg, kmcp, toolhive, nvidiaGpu',
    ]);
  });

  it('names a missing required field and what it must be', () => {
    expect(problemsOf({ name: 'lab', gitops: minimal.gitops, kubernetes: {} })).toEqual([
      'kubernetes.context: is required: the kubeconfig context of the target cluster, e.g. "admin@homelab"',
    ]);
  });

  it('reports every wrong value at once, with the value it got', () => {
    const problems = problemsOf({
      ...minimal,
      namespace: 'MCP_System',
      gitops: { ...minimal.gitops, path: '../escape' },
      operators: { kmcp: { version: '^0.3' } },
      argocd: { install: 'yes' },
    });
    expect(problems).toEqual([
      `namespace: must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit): the platform namespace, got "MCP_System"`,
      'gitops.path: must be a relative path inside the repository (no leading or trailing "/", no ".."), got "../escape"',
      'argocd.install: must be a boolean, got "yes"',
      'operators.kmcp.version: must be an exact chart version such as "0.29.0" or "v26.7.0" (no ranges, so every install is reproducible), got "^0.3"',
    ]);
  });

  it('rejects MCP servers until a version renders them', () => {
    expect(problemsOf({ ...minimal, mcpServers: [{ name: 'github' }] })).toEqual([
      'mcpServers[0]: MCP servers are not rendered by this version yet: leave mcpServers empty',
    ]);
  });

  it('puts the source and every problem in the error message', () => {
    expect(() => parsePlatformConfig({ ...minimal, name: '' }, 'my.config.ts')).toThrow(
      /^Invalid platform config \(my\.config\.ts\):\n  - name: must be a DNS-1123 label/,
    );
  });
});
