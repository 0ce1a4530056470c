import { describe, expect, it } from '@jest/globals';
import { parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import defaultConfig from '../../stacks/platform.config.js';
import { problemsOf } from '../support/config-problems.js';

const minimal: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab' },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
};

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
    expect(config.argocd).toEqual({ namespace: 'argocd', install: false, version: '10.9.2', appsChartVersion: '2.0.4', project: 'mcp-platform', autoSync: true, applicationSet: false });
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
      'namspace: unknown field (did you mean "namespace"?); allowed: name, namespace, kubernetes, cluster, gitops, argocd, operators, guardrails, database, gateway, triageLlm, gpuInference, monitoring, discovery, mcpServers, terraform, mcp',
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
      'gitops.path: must be a relative path inside the repository (no leading or trailing "/", no "//", "." or ".." part), got "../escape"',
      'argocd.install: must be a boolean, got "yes"',
      'operators.kmcp.version: must be an exact chart version such as "0.29.0" or "v26.7.0" (no ranges, so every install is reproducible), got "^0.3"',
    ]);
  });

  it('names what an MCP server declaration lacks, and a name used twice', () => {
    expect(problemsOf({ ...minimal, mcpServers: [{ name: 'github' }] })).toEqual([
      'mcpServers[0].transport: must be "stdio", "streamable-http" or "sse"',
      'mcpServers[0].source: must be { npm: { package, version } }, { image } or, for an external server, { service: { name, namespace } }',
    ]);
    const server = { transport: 'stdio', source: { npm: { package: 'x', version: '1.0.0' } } };
    expect(problemsOf({ ...minimal, mcpServers: [{ name: 'a', ...server }, { name: 'a', ...server }] })).toEqual([
      'mcpServers[1].name: "a" is also the name of mcpServers[0]: names must be unique',
    ]);
  });

  it('puts the source and every problem in the error message', () => {
    expect(() => parsePlatformConfig({ ...minimal, name: '' }, 'my.config.ts')).toThrow(
      /^Invalid platform config \(my\.config\.ts\):\n  - name: must be a DNS-1123 label/,
    );
  });

  describe('data and inference sections', () => {
    it('applies their documented defaults', () => {
      const config = parsePlatformConfig(minimal, 'minimal');
      expect(config.database).toEqual({
        enabled: false,
        name: 'mcp-postgres',
        instances: 1,
        storage: { size: '10Gi' },
        database: 'mcp',
        owner: 'mcp',
        embedding: { model: 'nomic-embed-text' },
      });
      expect(config.triageLlm).toEqual({
        enabled: false,
        provider: 'ollama',
        model: 'qwen2.5:3b-instruct',
        contextLength: 4096,
        storage: { size: '10Gi' },
        pullModel: true,
      });
      expect(config.gpuInference).toMatchObject({
        enabled: false,
        name: 'vllm',
        model: 'Qwen/Qwen2.5-7B-Instruct-AWQ',
        maxModelLen: 8192,
        maxNumSeqs: 4,
        gpuMemoryUtilization: 0.9,
        tensorParallelSize: 1,
        gpu: { memoryGiB: 12, resourceName: 'nvidia.com/gpu' },
        cache: { size: '50Gi' },
        startupTimeoutSeconds: 1800,
        download: true,
      });
      // Left to the construct, whose defaults depend on other fields: the node selector on the GPU vendor, /dev/shm on the memory limit.
      expect(config.gpuInference.gpu.nodeSelector).toBeUndefined();
      expect(config.gpuInference.shmSize).toBeUndefined();
      expect(config.monitoring).toEqual({
        prometheusOperator: false,
        namespace: 'monitoring',
        prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
        selectorLabels: {},
        dashboard: true,
        dashboardLabels: { grafana_dashboard: '1' },
        alerts: {
          llmLatencySeconds: 20,
          databaseDiskFreeRatio: 0.15,
          dailyCostLimit: 5,
          promptTokenPricePerMillion: 0.05,
          completionTokenPricePerMillion: 0.2,
          currency: 'USD',
        },
      });
    });

    it('requires the API server addresses when the database is enabled', () => {
      expect(problemsOf({ ...minimal, database: { enabled: true } })).toEqual([
        expect.stringMatching(/^kubernetes\.apiServer: is required when database\.enabled is true: .* e\.g\. \["192\.168\.10\.5\/32"\] \(not needed with cluster\.cni "cilium"\)$/),
      ]);
      const withApi = { ...minimal, kubernetes: { ...minimal.kubernetes, apiServer: { cidrs: ['10.0.0.1/32'] } }, database: { enabled: true } };
      expect(parsePlatformConfig(withApi, 'test').kubernetes.apiServer).toEqual({ cidrs: ['10.0.0.1/32'], port: 6443 });
    });

    it('names the triage provider it does not know, and lists the fields of the provider chosen', () => {
      expect(problemsOf({ ...minimal, triageLlm: { provider: 'gpt' } })).toEqual(['triageLlm.provider: must be "ollama", "vllm" or "external", got "gpt"']);
      expect(problemsOf({ ...minimal, triageLlm: { provider: 'external', address: '10.0.0.9', port: 8000, model: 'm', modle: 'x' } })).toEqual([
        'triageLlm.modle: unknown field (did you mean "model"?); allowed: enabled, provider, address, port, egressCidrs, model',
      ]);
      expect(problemsOf({ ...minimal, triageLlm: { modle: 'x' } })).toEqual([
        'triageLlm.modle: unknown field (did you mean "model"?); allowed: enabled, provider, image, model, modelSizeGB, contextLength, storage, resources, pullModel',
      ]);
    });

    it('takes secrets only by reference', () => {
      expect(problemsOf({ ...minimal, gpuInference: { huggingFaceToken: { from: 'vault', name: 'a', key: 'b' } } })).toEqual([
        'gpuInference.huggingFaceToken.from: must be a secret reference with from: "secret", "externalSecret" or "infisical", got "vault"',
      ]);
      expect(problemsOf({ ...minimal, gpuInference: { huggingFaceToken: { value: 'hunter2' } } })[0]).toMatch(
        /^gpuInference\.huggingFaceToken: secret values are never accepted .*reference an existing Secret/,
      );
    });

    it('rejects unpinned images and out-of-range numbers with the value it got', () => {
      expect(problemsOf({ ...minimal, gpuInference: { image: 'vllm/vllm-openai:latest', gpuMemoryUtilization: 1.5 } })).toEqual([
        'gpuInference.image: must not use the latest tag: pin a version so every node runs the same code, got "vllm/vllm-openai:latest"',
        'gpuInference.gpuMemoryUtilization: must be above 0 and at most 1, got 1.5',
      ]);
      expect(problemsOf({ ...minimal, database: { image: 'ghcr.io/cloudnative-pg/postgresql' } })).toEqual([
        'database.image: must be pinned to a version tag or digest, e.g. "ghcr.io/org/app:1.2.0", got "ghcr.io/cloudnative-pg/postgresql"',
      ]);
    });
  });

  describe('discovery section', () => {
    const discovery = {
      enabled: true,
      repo: 'homelab/platform',
      github: { auth: { token: { from: 'secret', name: 'github', key: 'token' } } },
      apiToken: { from: 'secret', name: 'discovery-api', key: 'token' },
      database: 'embedded',
    } as const;
    const withApi = { ...minimal, kubernetes: { ...minimal.kubernetes, apiServer: { cidrs: ['10.0.0.1/32'] } } };

    it('applies its documented defaults', () => {
      expect(parsePlatformConfig(minimal, 'minimal').discovery).toEqual({
        enabled: false,
        baseBranch: 'main',
        serversDir: 'stacks/servers',
        database: 'platform',
        probe: { timeoutMs: 10000, concurrency: 4 },
        maxOpenPullRequests: 5,
        reconcileIntervalSeconds: 300,
      });
    });

    it('names each field an enabled discovery service needs, and the fix', () => {
      expect(problemsOf({ ...minimal, discovery: { enabled: true } })).toEqual([
        'discovery.repo: is required when discovery.enabled is true: the platform repository pull requests go to, "owner/name", e.g. "homelab/platform"',
        'discovery.github: is required when discovery.enabled is true: GitHub access, e.g. { auth: { token: { from: "secret", name, key } } } or a GitHub App { auth: { appId, installationId, privateKey } }',
        'discovery.apiToken: is required when discovery.enabled is true: the bearer token its write endpoints require, by reference, e.g. { from: "secret", name, key }',
        'kubernetes.apiServer: is required when discovery.enabled is true: the discovery service lists and watches the API server through the default deny; set kubernetes.apiServer.cidrs (not needed with cluster.cni "cilium")',
        'discovery.database: is "platform" but database.enabled is false: enable the database, or set discovery.database to "embedded" (PGlite in the pod, rebuilt from the cluster after a restart)',
      ]);
      expect(parsePlatformConfig({ ...withApi, discovery }, 'test').discovery.enabled).toBe(true);
    });

    it('rejects a repo that is not owner/name and a GitHub auth that is neither kind', () => {
      expect(problemsOf({ ...withApi, discovery: { ...discovery, repo: 'https://github.com/homelab/platform', github: { auth: { password: 'x' } } } })).toEqual([
        'discovery.repo: must be "owner/name", e.g. "homelab/platform", got "https://github.com/homelab/platform"',
        'discovery.github.auth: must be { token } or { appId, installationId, privateKey }, each secret by reference, got an object',
      ]);
    });
  });
});
