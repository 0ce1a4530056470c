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
  database: { enabled: true },
  gateway: { enabled: true },
  triageLlm: { enabled: true },
  gpuInference: { enabled: true },
  discovery: { enabled: true },
  mcpServers: [],
});
