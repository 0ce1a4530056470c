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

/**
 * A string as Terraform should take it, word for word. Terraform reads the strings of a JSON configuration as
 * templates: "${...}" is an expression (a config value "admin@${x}" fails as an invalid reference) and "%{...}"
 * a directive ("%{ if true }x%{ endif }" silently becomes "x"). "$${" and "%%{" are the templates' escapes for
 * them (HCL's template syntax). cdktf's Fn.rawString escapes "${" only. Backend blocks are no templates:
 * their strings go in as they are.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
