/** Argo CD: Applications, ApplicationSets and AppProjects for the rendered folders. */
export { ArgoCdApplication, type ArgoCdApplicationBaseProps, type ArgoCdApplicationProps, type ArgoCdCluster } from './argocd-application.js';
export { ArgoCdApplicationSet, type ArgoCdApplicationSetProps } from './argocd-application-set.js';
export { ArgoCdProject, type ArgoCdProjectProps } from './argocd-project.js';
