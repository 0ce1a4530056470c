import type { Construct } from 'constructs';
import { ArgoCdRoot } from '../constructs/bootstrap/argocd-root.js';
import { OPERATORS, type OperatorName } from '../constructs/bootstrap/operator-charts.js';
import { argocdValues } from '../constructs/bootstrap/argocd-values.js';
import { mergeValues } from '../constructs/bootstrap/chart-values.js';
import { gpuOperatorValues } from '../constructs/bootstrap/gpu-operator-values.js';
import { OperatorRelease } from '../constructs/bootstrap/operator-release.js';
import { PlatformNamespace } from '../constructs/bootstrap/platform-namespace.js';
import { HelmProvider, KubernetesProvider, terraformLiteral, TerraformStack, type TerraformResource } from '../constructs/terraform.js';
import { ciliumSettings, type PlatformConfig } from './config.js';
import { argocdContext } from './environments.js';
import { addBackend } from './terraform-backend-stack.js';
import { ARGOCD_APP } from './workloads.js';

/**
 * The bootstrap layer (`cdktf deploy bootstrap`): what must exist before Argo CD can sync anything.
 * The platform namespace, the operators' CRDs and controllers, optionally Argo CD itself, and last the
 * Argo CD root that syncs the rendered manifests.
 */
export class BootstrapStack extends TerraformStack {
  readonly namespace: PlatformNamespace;
  readonly operators: Partial<Record<OperatorName, OperatorRelease>> = {};
  readonly argocdRoot: ArgoCdRoot;

  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    // The state of this stack alone (terraform.backend; by default terraform.<stack>.tfstate in the project root).
    addBackend(this, config.terraform.backend, id, config.kubernetes);
    // Config text in the providers and the chart values is escaped: Terraform would read "${" in it as an expression.
    const kubeconfig = { configPath: terraformLiteral(config.kubernetes.configPath), configContext: terraformLiteral(config.kubernetes.context) };
    new KubernetesProvider(this, 'kubernetes', kubeconfig);
    new HelmProvider(this, 'helm', { kubernetes: kubeconfig });
    // Argo CD in another cluster (it manages this one from there): the AppProject and root go to that cluster.
    const argocd = argocdContext(config);
    const argocdProvider =
      argocd.context !== config.kubernetes.context || argocd.configPath !== config.kubernetes.configPath
        ? new HelmProvider(this, 'helm-argocd', { alias: 'argocd', kubernetes: { configPath: terraformLiteral(argocd.configPath), configContext: terraformLiteral(argocd.context) } })
        : undefined;

    this.namespace = new PlatformNamespace(this, 'platform-namespace', {
      name: config.namespace,
      podSecurity: 'restricted',
      managedByArgoCd: config.argocd.namespace,
    });

    for (const name of Object.keys(config.operators) as (keyof PlatformConfig['operators'])[]) {
      const { enabled, version, namespace } = config.operators[name];
      if (enabled) {
        this.operators[name] = new OperatorRelease(this, `operator-${name}`, { operator: OPERATORS[name], version, namespace, values: operatorValues(config, name) });
      }
    }
    if (config.argocd.install) {
      const { version, namespace, values } = config.argocd;
      this.operators.argocd = new OperatorRelease(this, 'operator-argocd', { operator: OPERATORS.argocd, version, namespace, values: mergeValues(argocdValues(), values ?? {}) });
    }

    // The root syncs custom resources of every operator, so it waits for all of them (and Argo CD's CRDs).
    const before: TerraformResource[] = [this.namespace.resource, ...Object.values(this.operators).map((o) => o.operatorRelease)];
    this.argocdRoot = new ArgoCdRoot(this, 'argocd-root', {
      argocdNamespace: config.argocd.namespace,
      project: config.argocd.project,
      name: `${config.name}-mcp-platform`,
      repoUrl: config.gitops.repoUrl,
      revision: config.gitops.revision,
      path: `${config.gitops.path}/${ARGOCD_APP}`,
      applicationSet: config.argocd.applicationSet
        ? { path: config.gitops.path, exclude: [ARGOCD_APP], applicationPrefix: config.name, destinationNamespace: config.namespace }
        : undefined,
      // The discovery service's Roles live in the namespaces it watches.
      namespaces: [config.namespace, ...(config.discovery.enabled ? (config.discovery.watchNamespaces ?? []) : [])],
      destination: config.argocd.destination,
      provider: argocdProvider,
      clusterResources: clusterResources(config),
      autoSync: config.argocd.autoSync,
      chartVersion: config.argocd.appsChartVersion,
      dependsOn: before,
    });
  }
}

/** The values the platform sets for an operator's chart, with the config's own `values` merged over them. */
export function operatorValues(config: PlatformConfig, name: keyof PlatformConfig['operators']): Record<string, unknown> {
  const gpu = config.operators.nvidiaGpu;
  const platform =
    name === 'nvidiaGpu' ? gpuOperatorValues({ talos: config.cluster.distribution === 'talos', driver: gpu.driver, driverInstallDir: gpu.driverInstallDir }) : {};
  return mergeValues(platform, config.operators[name].values ?? {});
}

/**
 * The cluster-scoped kinds the platform's applications render, and so the only ones its AppProject allows:
 * read-only ClusterRoles for MCP servers that read the cluster and for discovery watching every namespace,
 * and Cilium's LoadBalancer pools and L2 announcement policy.
 */
export function clusterResources(config: PlatformConfig): { group: string; kind: string }[] {
  const kinds: { group: string; kind: string }[] = [];
  if (config.mcpServers.some((s) => s.kubernetesAccess) || (config.discovery.enabled && !config.discovery.watchNamespaces)) {
    kinds.push({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' });
  }
  const cilium = ciliumSettings(config);
  if (cilium?.loadBalancerIPPools) {
    kinds.push({ group: 'cilium.io', kind: 'CiliumLoadBalancerIPPool' });
    if (cilium.l2Announcements) kinds.push({ group: 'cilium.io', kind: 'CiliumL2AnnouncementPolicy' });
  }
  return kinds;
}
