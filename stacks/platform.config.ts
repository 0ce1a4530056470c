/**
 * The shipped default platform: a homelab running Talos with Argo CD, a GPU node and the MCP servers of
 * its operators. `npm run synth` renders this file unless `--config` names another.
 * Every field is documented (with its default) in stacks/config.ts.
 */
import { definePlatformConfig } from './config.js';

export default definePlatformConfig({
  name: 'homelab',
  namespace: 'mcp-system',
  kubernetes: {
    configPath: '~/.kube/config',
    context: 'admin@homelab',
    // Talos control-plane VIP: PostgreSQL's instance manager watches the API server.
    apiServer: { cidrs: ['192.168.10.5/32'], port: 6443 },
  },
  gitops: {
    repoUrl: 'https://github.com/homelab/gitops.git',
    path: 'clusters/homelab/mcp-platform',
    revision: 'main',
  },
  argocd: {
    namespace: 'argocd',
    install: false,
    project: 'mcp-platform',
    autoSync: true,
  },
  operators: {
    cloudnativePg: { enabled: true },
    kmcp: { enabled: true },
    toolhive: { enabled: true },
    nvidiaGpu: { enabled: true },
  },
  guardrails: {
    allowDnsEgress: true,
    resourceQuota: { requestsCpu: '8', requestsMemory: '24Gi', limitsMemory: '48Gi', pods: 60 },
    limitRange: { defaultRequestCpu: '50m', defaultRequestMemory: '64Mi', defaultLimitMemory: '256Mi' },
  },
  database: {
    enabled: true,
    name: 'mcp-postgres',
    instances: 2,
    storage: { size: '20Gi', storageClass: 'longhorn' },
    embedding: { model: 'nomic-embed-text' },
    backup: { schedule: '0 0 3 * * *', snapshotClass: 'longhorn-snapshot' },
  },
  gateway: { enabled: true },
  // Ollama on CPU: a 3B instruct model answers "which server, which tool" in about a second.
  triageLlm: { enabled: true, provider: 'ollama', model: 'qwen2.5:3b-instruct', storage: { size: '10Gi', storageClass: 'longhorn' } },
  // The RTX 3060 (12 GB) node: a 7B AWQ model at 8k context, four sequences at once.
  gpuInference: {
    enabled: true,
    model: 'Qwen/Qwen2.5-7B-Instruct-AWQ',
    maxModelLen: 8192,
    maxNumSeqs: 4,
    gpuMemoryUtilization: 0.9,
    gpu: { memoryGiB: 12, runtimeClassName: 'nvidia', nodeSelector: { 'nvidia.com/gpu.present': 'true' } },
    cache: { size: '50Gi', storageClass: 'longhorn' },
    huggingFaceToken: {
      from: 'infisical',
      name: 'huggingface-token',
      key: 'HF_TOKEN',
      projectSlug: 'homelab',
      environment: 'prod',
      path: '/mcp-platform',
      credentials: { name: 'infisical-machine-identity' },
    },
  },
  monitoring: {
    prometheusOperator: true,
    namespace: 'monitoring',
    selectorLabels: { release: 'kube-prometheus-stack' },
  },
  discovery: { enabled: true },
  mcpServers: [],
});
