/**
 * The bootstrap layer in a cdktf app of your own: a restricted namespace, the CloudNativePG operator from its
 * Helm chart, and the Argo CD root that syncs the rendered manifests. `npm run build && npm run synth` writes
 * Terraform JSON to cdktf.out/stacks/bootstrap/cdk.tf.json, for `terraform init && terraform apply` there.
 */
import { App, TerraformStack } from 'cdktf';
import { ArgoCdRoot, HelmProvider, KubernetesProvider, OPERATORS, OperatorRelease, PlatformNamespace } from '@mcp-platform/constructs/bootstrap';

const app = new App({ outdir: 'cdktf.out' });
const stack = new TerraformStack(app, 'bootstrap');
const kubeconfig = { configPath: '~/.kube/config', configContext: 'homelab' };
new KubernetesProvider(stack, 'kubernetes', kubeconfig);
new HelmProvider(stack, 'helm', { kubernetes: kubeconfig });

// Pod Security "restricted", and labelled for the Argo CD instance that manages it.
const platform = new PlatformNamespace(stack, 'namespace', { name: 'mcp', managedByArgoCd: 'argocd' });
const cnpg = new OperatorRelease(stack, 'cnpg', { operator: OPERATORS.cloudnativePg, version: '0.29.0', namespace: 'cnpg-system' });

new ArgoCdRoot(stack, 'argocd-root', {
  project: 'mcp-platform',
  name: 'homelab-mcp-platform',
  repoUrl: 'https://github.com/homelab/gitops.git',
  path: 'dist/argocd',
  namespaces: ['mcp'],
  // The applications sync CloudNativePG Clusters: the operator and its CRDs first.
  dependsOn: [platform.resource, cnpg.operatorRelease],
});

app.synth();
