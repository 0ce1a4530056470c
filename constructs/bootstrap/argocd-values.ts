/**
 * The argo-cd chart values the platform sets when it installs Argo CD itself (`argocd.install`).
 *
 * The root Application syncs one child Application per folder in sync waves (the network first, the
 * database before the services that use it). A wave only waits for the one before it to be healthy if Argo CD
 * can tell an Application's health, and Argo CD has had no built-in health check for `argoproj.io/Application`
 * since 1.8 (argoproj/argo-cd#3781; docs/operator-manual/health.md "Argocd App" at v3.5.1 still tells app-of-apps
 * users to add one to argocd-cm). Without it every child reads Healthy as soon as it exists, and all waves
 * start at once.
 */

/** The argocd-cm key Argo CD reads a health check for Applications from. */
export const APPLICATION_HEALTH_KEY = 'resource.customizations.health.argoproj.io_Application';

/**
 * The check: the child's own health as its controller reports it in `status.health`, and Progressing until
 * it has one (a child Argo CD has not reconciled yet is not healthy). Argo CD runs it with gopher-lua (Lua 5.1).
 */
export const APPLICATION_HEALTH_LUA = `health = { status = "Progressing", message = "waiting for Argo CD to report this application's health" }
if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then
  health.status = obj.status.health.status
  health.message = obj.status.health.message or ""
end
return health
`;

/** Values for the argo-cd chart (argoproj/argo-helm): every key under `configs.cm` goes into argocd-cm as is. */
export function argocdValues(): Record<string, unknown> {
  return { configs: { cm: { [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA } } };
}
