/**
 * The seed homelab as two clusters from one repository:
 *   production  the Talos cluster with the GPU node; its Argo CD also manages the monitoring cluster
 *   monitoring  a small Talos cluster for Prometheus and Grafana, without a GPU, registered in production's
 *               Argo CD as "monitoring" (`argocd cluster add admin@monitoring --name monitoring`)
 *
 *   npm run synth -- --config examples/environments/platform.environments.ts
 *     dist/production/<app>/, dist/monitoring/<app>/, cdktf.out/stacks/bootstrap-production/ and bootstrap-monitoring/
 */
import { definePlatformEnvironments, extendPlatformConfig } from '../../stacks/environments.js';
import base from './base.js';

export default definePlatformEnvironments({
  production: extendPlatformConfig(base, {
    gitops: { path: 'clusters/production/mcp-platform' },
    // Its own servers over the shared ones: servers/production/ holds what only this cluster runs.
    mcp: { serversDir: ['../../stacks/servers', 'servers/production'] },
    // State stays a local file, named after the environment: terraform.bootstrap-production.tfstate.
  }),

  monitoring: extendPlatformConfig(base, {
    // Argo CD Applications are named after the platform: each cluster's must differ in one Argo CD.
    name: 'monitoring',
    kubernetes: { context: 'admin@monitoring', apiServer: { cidrs: ['192.168.20.5/32'], port: 6443 } },
    cluster: { cilium: { loadBalancerIPPools: [{ name: 'monitoring-lan', blocks: [{ start: '10.30.1.90', stop: '10.30.1.99' }] }] } },
    gitops: { path: 'clusters/monitoring/mcp-platform' },
    // Production's Argo CD syncs this cluster: the AppProject and the root go to production's cluster.
    argocd: { project: 'mcp-platform-monitoring', destination: { name: 'monitoring' }, kubernetes: { context: 'admin@homelab' } },
    // The state in a Secret of the monitoring cluster itself (tfstate-default-bootstrap-monitoring in kube-system).
    terraform: { backend: { type: 'kubernetes', namespace: 'kube-system' } },
    operators: { nvidiaGpu: { enabled: false } },
    gpuInference: { enabled: false },
    triageLlm: { enabled: false },
    discovery: { enabled: false },
    guardrails: { resourceQuota: { requestsCpu: '4', requestsMemory: '8Gi', limitsMemory: '16Gi', pods: 30 } },
    // No models here: the local ones run on production's GPU node, and so does the gateway that serves them.
    gateway: { service: { type: 'LoadBalancer', loadBalancerIP: '10.30.1.90' }, llm: undefined },
    mcpServers: [
      // Production's own cluster is not this one's business; this cluster reads itself.
      { name: 'kubernetes-prod', remove: true },
      { name: 'kubernetes-monitoring', remove: true },
      // Shared servers from the folder it does not run.
      { name: 'proxmox-pve1', remove: true },
      { name: 'proxmox-pve2', remove: true },
    ],
  }),
});
