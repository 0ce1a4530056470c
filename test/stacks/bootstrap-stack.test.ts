import { describe, expect, it } from '@jest/globals';
import { NamespaceV1, HelmProvider, KubernetesProvider, TerraformTesting } from '../../constructs/terraform.js';
import { APPLICATION_HEALTH_KEY, APPLICATION_HEALTH_LUA } from '../../constructs/bootstrap/argocd-values.js';
import { BootstrapStack } from '../../stacks/bootstrap-stack.js';
import { parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import defaultConfig from '../../stacks/platform.config.js';
import { expectTerraform, terraformTestApp } from '../support/terraform.js';

function synth(input: PlatformConfigInput = defaultConfig) {
  const stack = new BootstrapStack(terraformTestApp(), 'bootstrap', parsePlatformConfig(input, 'test'));
  const json = TerraformTesting.synth(stack);
  return { stack, json, tf: JSON.parse(json) as Record<string, any> };
}

const charts = (tf: Record<string, any>) => Object.values(tf.resource.helm_release as Record<string, any>).map((r) => r.chart).sort();

describe('BootstrapStack', () => {
  it('configures both providers with the kubeconfig path and context of the config', () => {
    const { json } = synth();
    expectTerraform(json).toHaveProviderWithProperties(KubernetesProvider, { config_path: '~/.kube/config', config_context: 'admin@homelab' });
    expectTerraform(json).toHaveProviderWithProperties(HelmProvider, { kubernetes: { config_path: '~/.kube/config', config_context: 'admin@homelab' } });
  });

  it('creates the platform namespace with restricted Pod Security and the Argo CD label', () => {
    expectTerraform(synth().json).toHaveResourceWithProperties(NamespaceV1, {
      metadata: {
        name: 'mcp-system',
        labels: expect.objectContaining({ 'pod-security.kubernetes.io/enforce': 'restricted', 'argocd.argoproj.io/managed-by': 'argocd' }),
      },
    });
  });

  it('installs the operators the default config enables, and the root', () => {
    expect(charts(synth().tf)).toEqual(['argocd-apps', 'cloudnative-pg', 'gpu-operator', 'kmcp', 'kmcp-crds', 'toolhive-operator', 'toolhive-operator-crds']);
  });

  it('leaves out disabled operators and installs Argo CD when asked, before the root', () => {
    const { tf, stack } = synth({
      ...defaultConfig,
      argocd: { ...defaultConfig.argocd, install: true },
      operators: { cloudnativePg: { enabled: false }, kmcp: { enabled: false }, toolhive: { enabled: false }, nvidiaGpu: { enabled: false } },
    });
    expect(charts(tf)).toEqual(['argo-cd', 'argocd-apps']);
    const root = Object.values(tf.resource.helm_release as Record<string, any>).find((r) => r.chart === 'argocd-apps');
    const argocdId = Object.entries(tf.resource.helm_release as Record<string, any>).find(([, r]) => r.chart === 'argo-cd')![0];
    expect(root.depends_on).toContain(`helm_release.${argocdId}`);
    expect(stack.operators.argocd?.namespace.name).toBe('argocd');
  });

  it('gives the Argo CD it installs a health check for Applications, under the config\'s own argocd-cm keys', () => {
    const installed = (values?: Record<string, unknown>) => {
      const { tf } = synth({ ...defaultConfig, argocd: { ...defaultConfig.argocd, install: true, ...(values ? { values } : {}) } });
      const release = Object.values(tf.resource.helm_release as Record<string, any>).find((r) => r.chart === 'argo-cd');
      return JSON.parse(release.values[0]) as { configs: { cm: Record<string, string> } };
    };
    expect(installed().configs.cm).toEqual({ [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA });
    expect(installed({ configs: { cm: { 'timeout.reconciliation': '60s' } } }).configs.cm).toEqual({ [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA, 'timeout.reconciliation': '60s' });
    // The config can still replace the check with its own.
    expect(installed({ configs: { cm: { [APPLICATION_HEALTH_KEY]: 'return { status = "Healthy" }' } } }).configs.cm).toEqual({ [APPLICATION_HEALTH_KEY]: 'return { status = "Healthy" }' });
  });

  it('escapes config text Terraform would read as a template: contexts, kubeconfig paths, chart values, the repository', () => {
    const { tf } = synth({
      ...defaultConfig,
      kubernetes: { ...defaultConfig.kubernetes, context: 'admin@${x}', configPath: '~/.kube/%{ if true }c%{ endif }' },
      gitops: { ...defaultConfig.gitops, revision: 'v${1}' },
      operators: { ...defaultConfig.operators, cloudnativePg: { values: { podAnnotations: { a: 'x-${FOO}' } } } },
    });
    expect(tf.provider.kubernetes[0]).toMatchObject({ config_context: 'admin@$${x}', config_path: '~/.kube/%%{ if true }c%%{ endif }' });
    expect(tf.provider.helm[0].kubernetes).toMatchObject({ config_context: 'admin@$${x}', config_path: '~/.kube/%%{ if true }c%%{ endif }' });
    const releases = Object.values(tf.resource.helm_release as Record<string, any>);
    expect(releases.find((r) => r.chart === 'cloudnative-pg').values).toEqual(['{"podAnnotations":{"a":"x-$${FOO}"}}']);
    expect(releases.find((r) => r.chart === 'argocd-apps').values[0]).toContain('"targetRevision":"v$${1}"');
    // Nowhere is the text left for Terraform to read as a template.
    expect(JSON.stringify(tf)).not.toMatch(/[^$]\$\{x\}/);
  });

  it('makes the root wait for every operator, so custom resources find their CRDs', () => {
    const { tf } = synth();
    const releases = tf.resource.helm_release as Record<string, any>;
    const root = Object.values(releases).find((r) => r.chart === 'argocd-apps');
    for (const chart of ['cloudnative-pg', 'kmcp', 'toolhive-operator', 'gpu-operator']) {
      const id = Object.entries(releases).find(([, r]) => r.chart === chart)![0];
      expect(root.depends_on).toContain(`helm_release.${id}`);
    }
  });

  it('points the root at the argocd folder of the GitOps path', () => {
    const { stack } = synth();
    expect(stack.argocdRoot.application!.spec.source).toEqual({
      repoURL: 'https://github.com/homelab/gitops.git',
      targetRevision: 'main',
      path: 'clusters/homelab/mcp-platform/argocd',
    });
  });
});

describe('BootstrapStack state', () => {
  const project = (input: PlatformConfigInput) => {
    const values = JSON.parse(Object.values(synth(input).tf.resource.helm_release as Record<string, any>).find((r) => r.chart === 'argocd-apps').values[0]);
    return Object.values(values.projects as Record<string, any>)[0];
  };
  const CLUSTER_ROLES = [
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  ];

  const CILIUM_LB = [
    { group: 'cilium.io', kind: 'CiliumLoadBalancerIPPool' },
    { group: 'cilium.io', kind: 'CiliumL2AnnouncementPolicy' },
  ];
  const calico = { ...defaultConfig, cluster: { distribution: 'talos' as const, cni: 'calico' as const } };

  it('lets the project create ClusterRoles and their bindings only when an MCP server or the discovery service reads the whole cluster', () => {
    expect(project(calico).clusterResourceWhitelist).toEqual(CLUSTER_ROLES);
    expect(project({ ...calico, mcpServers: [] }).clusterResourceWhitelist).toEqual(CLUSTER_ROLES);
    expect(project({ ...calico, mcpServers: [], discovery: { ...defaultConfig.discovery, watchNamespaces: ['tools'] } }).clusterResourceWhitelist).toEqual([]);
  });

  it("lets the project create Cilium's LoadBalancer pools and L2 announcement policy only when the config has them", () => {
    expect(project(defaultConfig).clusterResourceWhitelist).toEqual([...CLUSTER_ROLES, ...CILIUM_LB]);
    const poolsOnly = { ...defaultConfig, cluster: { ...defaultConfig.cluster, cilium: { loadBalancerIPPools: defaultConfig.cluster!.cilium!.loadBalancerIPPools } } };
    expect(project(poolsOnly).clusterResourceWhitelist).toEqual([...CLUSTER_ROLES, CILIUM_LB[0]]);
    const noPools = { ...defaultConfig, cluster: { distribution: 'talos' as const, cni: 'cilium' as const }, gateway: { ...defaultConfig.gateway, service: { type: 'ClusterIP' as const } } };
    expect(project(noPools).clusterResourceWhitelist).toEqual(CLUSTER_ROLES);
  });

  it('lets the project deploy to the namespaces the discovery service watches, for its Roles', () => {
    const namespaces = (input: PlatformConfigInput) => project(input).destinations.map((d: { namespace: string }) => d.namespace);
    expect(namespaces(defaultConfig)).toEqual(['argocd', 'mcp-system']);
    expect(namespaces({ ...defaultConfig, discovery: { ...defaultConfig.discovery, watchNamespaces: ['tools'] } })).toEqual(['argocd', 'mcp-system', 'tools']);
  });

  it('keeps Terraform state at the project root, outside the cdktf.out folder that synth replaces', () => {
    expect(synth().tf.terraform.backend).toEqual({ local: { path: '../../../terraform.bootstrap.tfstate' } });
  });
});
