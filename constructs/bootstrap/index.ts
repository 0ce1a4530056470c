/** The bootstrap layer (cdktf): namespaces, operator Helm releases and the Argo CD root application. Needs cdktf and its Helm and Kubernetes providers. */
export { ArgoCdRoot, type ArgoCdRootProps } from './argocd-root.js';
export { OperatorRelease, type OperatorReleaseProps } from './operator-release.js';
export { OPERATORS, type OperatorDefinition, type OperatorName } from './operator-charts.js';
export { PlatformNamespace, type PlatformNamespaceProps } from './platform-namespace.js';
// The providers the constructs render for, deep-imported: each provider package's index loads every resource
// it has (about 0.8 s and 260 MB per process).
export { HelmProvider, KubernetesProvider } from '../terraform.js';
