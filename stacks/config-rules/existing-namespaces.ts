import type { PlatformConfig } from '../config.js';
import type { ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

/** The namespaces every cluster has from the start (the API server and kubelets create them). */
const CLUSTER_NAMESPACES: ReadonlyMap<string, string> = new Map([
  ['default', 'the namespace every cluster starts with'],
  ['kube-system', "the cluster's own system namespace"],
  ['kube-public', 'the namespace the cluster keeps readable by everyone'],
  ['kube-node-lease', "the namespace of the nodes' heartbeat Leases"],
]);

/** The operators' default namespaces (stacks/config.ts), to suggest one. */
const DEFAULT_OPERATOR_NAMESPACES: Readonly<Record<keyof PlatformConfig['operators'], string>> = {
  cloudnativePg: 'cnpg-system',
  kmcp: 'kmcp-system',
  toolhive: 'toolhive-system',
  nvidiaGpu: 'gpu-operator',
};

/**
 * The bootstrap layer creates the platform namespace, each enabled operator's and (when it installs Argo CD)
 * Argo CD's as Terraform `kubernetes_namespace` resources, which fail on a namespace that already exists, and
 * which would delete it again on `terraform destroy`. Namespaces the cluster creates itself, and the one
 * Prometheus already runs in, exist before the bootstrap runs.
 */
export const existingNamespaces: ConfigRule = {
  id: 'existing-namespaces',
  description: 'The namespaces the bootstrap layer creates are not ones the cluster already has.',
  check(config: PlatformConfig): ConfigProblem[] {
    const created: { path: string; namespace: string; fallback: string }[] = [{ path: 'namespace', namespace: config.namespace, fallback: 'mcp-system' }];
    for (const name of Object.keys(config.operators) as (keyof PlatformConfig['operators'])[]) {
      const operator = config.operators[name];
      if (operator.enabled) created.push({ path: `operators.${name}.namespace`, namespace: operator.namespace, fallback: DEFAULT_OPERATOR_NAMESPACES[name] });
    }
    if (config.argocd.install) created.push({ path: 'argocd.namespace', namespace: config.argocd.namespace, fallback: 'argocd' });
    const existing = new Map(CLUSTER_NAMESPACES);
    if (config.monitoring.prometheusOperator) existing.set(config.monitoring.namespace, 'the namespace Prometheus runs in (monitoring.namespace)');
    return created.flatMap(({ path, namespace, fallback }) => {
      const what = existing.get(namespace);
      if (!what) return [];
      return [
        {
          path,
          message:
            `"${namespace}" is ${what}, which exists before the bootstrap runs: Terraform creates this namespace itself, so its apply would fail ` +
            `(and its destroy would delete the namespace); use a namespace of its own, such as "${fallback === namespace ? `${fallback}-2` : fallback}"`,
        },
      ];
    });
  },
};
