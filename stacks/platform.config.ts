/**
 * The shipped default platform: a homelab running Talos and Cilium with Argo CD, a GPU node and the MCP
 * servers of its operators. `npm run synth` renders this file unless `--config` names another.
 * Every field is documented (with its default) in stacks/config.ts.
 */
import { definePlatformConfig } from './config.js';

export default definePlatformConfig({
  name: 'homelab',
  namespace: 'mcp-system',
  kubernetes: {
    configPath: '~/.kube/config',
    context: 'admin@homelab',
    // Talos control-plane VIP, for the Kubernetes NetworkPolicies' ipBlock (Cilium matches it as the kube-apiserver entity).
    apiServer: { cidrs: ['192.168.10.5/32'], port: 6443 },
  },
  // Talos with Cilium as the CNI (kube-proxy replacement, L2 announcements on): the GPU driver comes from Talos
  // system extensions, the API server is reached as Cilium's kube-apiserver entity, GitHub and npm by name, and the
  // gateway's LAN address from Cilium's LB IPAM, announced over ARP.
  cluster: {
    distribution: 'talos',
    cni: 'cilium',
    cilium: {
      loadBalancerIPPools: [{ name: 'homelab-lan', blocks: [{ start: '10.30.0.90', stop: '10.30.0.99' }] }],
      l2Announcements: { interfaces: ['^eth[0-9]+', '^en.+'] },
    },
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
  // Finds MCP servers other tools run in the cluster and opens a pull request per new one on this repository.
  discovery: {
    enabled: true,
    repo: 'homelab/platform',
    github: {
      auth: {
        token: {
          from: 'infisical',
          name: 'mcp-discovery-github-token',
          key: 'GITHUB_TOKEN',
          projectSlug: 'homelab',
          environment: 'prod',
          path: '/mcp-platform',
          credentials: { name: 'infisical-machine-identity' },
        },
      },
    },
    apiToken: {
      from: 'infisical',
      name: 'mcp-discovery-api-token',
      key: 'DISCOVERY_API_TOKEN',
      projectSlug: 'homelab',
      environment: 'prod',
      path: '/mcp-platform',
      credentials: { name: 'infisical-machine-identity' },
    },
  },
  // The gateway in front of every MCP server: one aggregated endpoint, one per server; LAN clients reach it
  // through a fixed LoadBalancer address.
  gateway: {
    enabled: true,
    service: { type: 'LoadBalancer', loadBalancerIP: '10.30.0.90' },
    toolBudget: 40,
    // Models on the same address, port 4000 (/v1/chat/completions): local first, Claude and Gemini when a
    // request needs more. Only the gateway holds the provider keys (from Infisical); it reaches the providers' API
    // hosts by name through Cilium, and nothing else on the internet.
    llm: {
      models: [
        { name: 'triage', provider: 'triageLlm' },
        { name: 'qwen', provider: 'gpuInference' },
        {
          name: 'claude',
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          apiKey: { from: 'infisical', name: 'llm-provider-keys', key: 'ANTHROPIC_API_KEY', projectSlug: 'homelab', environment: 'prod', path: '/mcp-platform', credentials: { name: 'infisical-machine-identity' } },
          // USD per million tokens, Anthropic's list price for Claude Sonnet 4.5 (prompts up to 200k tokens).
          price: { inputPerMillion: 3, outputPerMillion: 15 },
        },
        {
          name: 'gemini',
          provider: 'gemini',
          model: 'gemini-2.5-flash',
          apiKey: { from: 'infisical', name: 'llm-provider-keys', key: 'GEMINI_API_KEY', projectSlug: 'homelab', environment: 'prod', path: '/mcp-platform', credentials: { name: 'infisical-machine-identity' } },
          // USD per million tokens, Google's paid-tier price for Gemini 2.5 Flash (text input).
          price: { inputPerMillion: 0.3, outputPerMillion: 2.5 },
        },
      ],
      // Each client's key by its SHA-256 only (printf %s "$KEY" | sha256sum); a request without one of them is
      // refused. This hash is of a key nobody holds: the models stay locked until you put your own here.
      clientKeys: [{ name: 'workstation', sha256: '58f7bdee2df0417375813f33e44a83b0765b71a65a41be09f68cf8ea762f1781' }],
      // Each client's tokens per day, local and hosted models together; over it, 429 until midnight UTC.
      tokenLimits: { perClient: { tokens: 2_000_000, per: 'day' } },
      virtualModels: [
        // Claude, and Gemini while Claude is failing.
        { name: 'reasoning', routing: { failover: ['claude', 'gemini'] } },
        // The GPU model, and Gemini while it is down (a restart, a driver update).
        { name: 'default', routing: { failover: ['qwen', 'gemini'] } },
      ],
    },
  },
  // Servers that need a shared setting live here; the rest are one file each in stacks/servers/.
  mcpServers: [
    {
      // This cluster, through the server's own read-only ServiceAccount.
      name: 'kubernetes-prod',
      flavour: 'standalone',
      transport: 'stdio',
      source: { npm: { package: 'kubernetes-mcp-server', version: '0.0.67' } },
      args: ['--read-only', '--disable-multi-cluster'],
      kubernetesAccess: {
        rules: [
          { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'endpoints', 'nodes', 'namespaces', 'events', 'configmaps', 'persistentvolumeclaims'] },
          { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
          { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
        ],
      },
      // It exits without a kubeconfig: preflight runs it against a local Kubernetes API stub.
      preflight: { upstream: 'kubernetes-stub' },
    },
    {
      // The monitoring cluster, through a kubeconfig whose current context is that cluster's.
      name: 'kubernetes-monitoring',
      flavour: 'kmcp',
      transport: 'stdio',
      source: { npm: { package: 'kubernetes-mcp-server', version: '0.0.67' } },
      args: ['--read-only', '--disable-multi-cluster', '--kubeconfig', '/etc/mcp/kubeconfig'],
      secretFiles: [
        {
          secret: {
            from: 'infisical',
            name: 'kubernetes-monitoring-kubeconfig',
            key: 'KUBECONFIG',
            projectSlug: 'homelab',
            environment: 'prod',
            path: '/mcp-servers',
            credentials: { name: 'infisical-machine-identity' },
          },
          path: '/etc/mcp/kubeconfig',
        },
      ],
      egress: [{ cidrs: ['192.168.20.5/32'], ports: [6443] }],
      // Preflight puts a kubeconfig for its local Kubernetes API stub at /etc/mcp/kubeconfig.
      preflight: { upstream: 'kubernetes-stub' },
    },
    {
      name: 'github',
      flavour: 'kmcp',
      transport: 'stdio',
      source: { image: 'ghcr.io/github/github-mcp-server:v2.0.2', command: '/server/github-mcp-server' },
      args: ['stdio', '--read-only'],
      secretEnv: {
        GITHUB_PERSONAL_ACCESS_TOKEN: {
          from: 'infisical',
          name: 'github-token',
          key: 'GITHUB_PERSONAL_ACCESS_TOKEN',
          projectSlug: 'homelab',
          environment: 'prod',
          path: '/mcp-servers',
          credentials: { name: 'infisical-machine-identity' },
        },
      },
      // GitHub's API by name: on Cilium exactly api.github.com, not every address on 443.
      egress: [{ hosts: ['api.github.com'], ports: [443] }],
    },
  ],
});
