/** Which vendored CRD files (imports/crds/) make up which generated module (imports/<module>.ts). */
export const IMPORT_MODULES: Readonly<Record<string, readonly string[]>> = {
  argocd: ['argocd-application.yaml', 'argocd-appproject.yaml'],
};
