import { DNS_SUBDOMAIN } from '../formats.js';

/**
 * Argo CD's own project, which it creates and every Application without a project uses: "can be modified, but
 * not deleted" (docs/user-guide/projects.md, "The Default Project").
 */
const ARGOCD_DEFAULT_PROJECT = 'default';

/** Why `name` cannot be the platform's AppProject, or undefined. */
export function projectNameProblem(name: string): string | undefined {
  if (name === ARGOCD_DEFAULT_PROJECT) {
    return 'must not be "default": that is Argo CD\'s own project, which every Application without a project uses; the platform would narrow it to its one repository and namespaces, and it cannot be deleted. Use a name of its own such as "mcp-platform"';
  }
  return DNS_SUBDOMAIN.test(name) ? undefined : 'must be an AppProject name: a DNS-1123 subdomain such as "mcp-platform"';
}
