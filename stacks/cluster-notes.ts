/**
 * What the synth report says about the cluster profile: where isolation or validation does not hold
 * (warnings), and what the cluster itself must provide for the output to work (things nothing rendered
 * here can switch on, so a reader of the report knows before Argo CD syncs).
 */
import type { Manifest } from '../constructs/policy/rule.js';
import { APPLICATION_HEALTH_KEY } from '../constructs/bootstrap/argocd-values.js';
import { CHART_VALUES_SCHEMAS } from '../constructs/bootstrap/chart-values.js';
import { OPERATORS, operatorChart } from '../constructs/bootstrap/operator-charts.js';
import type { PlatformConfig } from './config.js';

export interface ClusterNotes {
  /** "talos, cni cilium". */
  readonly profile: string;
  readonly warnings: readonly string[];
  /** What the cluster must provide. */
  readonly requirements: readonly string[];
}

export function clusterNotes(config: PlatformConfig, manifests: readonly Manifest[]): ClusterNotes {
  const { cluster } = config;
  const warnings: string[] = [];
  const requirements: string[] = [];
  const count = (kind: string) => manifests.filter((m) => m.kind === kind).length;

  if (cluster.cni === 'flannel') {
    warnings.push(
      `cluster.cni is "flannel", which enforces no NetworkPolicy: the ${count('NetworkPolicy')} NetworkPolicies rendered isolate nothing there, ` +
        'so every pod can reach every other pod and the internet; use a CNI that enforces them (Cilium, Calico, or flannel with Calico\'s policy engine)',
    );
  }
  const releases = [
    ...(Object.keys(config.operators) as (keyof PlatformConfig['operators'])[]).map((name) => ({
      field: `operators.${name}`,
      ...config.operators[name],
      chart: operatorChart(OPERATORS[name]).chart,
    })),
    { field: 'argocd', enabled: config.argocd.install, version: config.argocd.version, values: config.argocd.values, chart: operatorChart(OPERATORS.argocd).chart },
  ];
  for (const { field, enabled, version, values, chart } of releases) {
    if (enabled && values && Object.keys(values).length && !CHART_VALUES_SCHEMAS[chart]?.[version]) {
      warnings.push(`${field}.values go to chart ${chart} ${version} unchecked: that chart version ships no values.schema.json here (imports/charts), so only Helm judges them`);
    }
  }

  if (!config.guardrails.allowDnsEgress) {
    requirements.push(
      `DNS for the pods of namespace ${config.namespace} from a policy outside the platform (UDP and TCP 53 to kube-dns): guardrails.allowDnsEgress is false, ` +
        'so no rendered policy allows it, and every part resolves names (the gateway its servers\' Services, npm servers the registry, the migration Job the database)',
    );
  }
  if (cluster.cni === 'cilium') {
    const cilium = cluster.cilium;
    if (count('CiliumNetworkPolicy') && (cilium?.fqdnEgress ?? true)) {
      requirements.push("Cilium's L7 proxy (l7Proxy: true, the chart's default): egress by DNS name (toFQDNs) learns addresses from its DNS proxy");
    }
    if (cilium?.l2Announcements) {
      requirements.push('Cilium installed with l2announcements.enabled=true and kubeProxyReplacement=true, the announced interfaces among its devices, and k8sClientRateLimit raised for the leases');
    }
  }
  if (cluster.distribution === 'talos' && config.operators.nvidiaGpu.enabled) {
    requirements.push(
      'on each GPU node, the Talos system extensions nvidia-container-toolkit and nonfree-kmod-nvidia (or nvidia-open-gpu-kernel-modules), of one driver version, ' +
        'and the kernel modules nvidia, nvidia_uvm, nvidia_drm and nvidia_modeset loaded (Talos v1.13 or later; see README "Cluster profiles")',
    );
  }
  if (!config.argocd.install) {
    requirements.push(
      `Argo CD's health check for Applications in argocd-cm (key ${APPLICATION_HEALTH_KEY}, as in Argo CD's "Resource Health" docs): ` +
        'without it the root Application starts every sync wave at once, so the servers may sync before the network and the database they use are up; ' +
        'the platform adds it itself only when argocd.install is true',
    );
  }
  return { profile: `${cluster.distribution}, cni ${cluster.cni}`, warnings, requirements };
}
