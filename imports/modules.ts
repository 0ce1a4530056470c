/** Which vendored CRD files (imports/crds/) make up which generated module (imports/<module>.ts). */
export const IMPORT_MODULES: Readonly<Record<string, readonly string[]>> = {
  argocd: ['argocd-application.yaml', 'argocd-appproject.yaml'],
  cnpg: ['cnpg-cluster.yaml', 'cnpg-scheduledbackup.yaml', 'cnpg-pooler.yaml'],
  prometheus: ['prometheus-operator-servicemonitor.yaml', 'prometheus-operator-podmonitor.yaml', 'prometheus-operator-prometheusrule.yaml'],
  externalsecrets: ['external-secrets-externalsecret.yaml'],
  infisical: ['infisical-infisicalsecret.yaml'],
  kmcp: ['kmcp-mcpserver.yaml'],
  toolhive: ['toolhive-mcpserver.yaml'],
  cilium: ['cilium-ciliumnetworkpolicy.yaml', 'cilium-ciliumloadbalancerippool.yaml', 'cilium-ciliuml2announcementpolicy.yaml'],
};

/**
 * CRDs vendored for their schema only (imports/schemas/, the precompiled validators), without typed classes:
 * the ApplicationSet's would be 3.3 MB of TypeScript, for the one object the platform builds as plain JSON and
 * checks against this schema.
 */
export const SCHEMA_ONLY_CRDS: readonly string[] = ['argocd-applicationset.yaml'];
