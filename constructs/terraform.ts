/**
 * The project's whole cdktf surface. Every other module imports Terraform CDK classes from here, so
 * moving to the community fork (CDK Terrain, `cdktn`) changes this one file.
 *
 * Providers are deep-imported: the packages' index modules load every resource of the provider, which
 * costs about 0.8 s and 260 MB per process.
 */
export { App as TerraformApp, LocalBackend, TerraformBackend, TerraformRemoteState, TerraformStack, Testing as TerraformTesting } from 'cdktf';
export type { TerraformResource } from 'cdktf';
export { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider/index.js';
export { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1/index.js';
export { HelmProvider } from '@cdktf/provider-helm/lib/provider/index.js';
export { Release as HelmRelease } from '@cdktf/provider-helm/lib/release/index.js';
export type { ReleaseConfig as HelmReleaseConfig } from '@cdktf/provider-helm/lib/release/index.js';
