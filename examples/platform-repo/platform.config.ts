/**
 * A platform of your own, rendered by the installed CLI: `npx mcp-platform synth` writes the Terraform
 * bootstrap to cdktf.out/ and one folder of manifests per Argo CD application to dist/. The servers are the
 * files of servers/, one per server, which the discovery service's pull requests add to.
 */
import { definePlatformConfig } from '@mcp-platform/constructs/config';

export default definePlatformConfig({
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['192.168.10.10/32'] } },
  gitops: { repoUrl: 'https://github.com/homelab/gitops.git', path: 'dist' },
  // The discovery service opens pull requests against this repository, into its servers folder. Secrets are
  // references only: these name Kubernetes Secrets you create (or Infisical entries, as the shipped default).
  discovery: {
    enabled: true,
    repo: 'homelab/platform',
    serversDir: 'servers',
    // PGlite in the pod; with database.enabled, the platform's PostgreSQL instead.
    database: 'embedded',
    github: { auth: { token: { from: 'secret', name: 'mcp-discovery-github', key: 'GITHUB_TOKEN' } } },
    apiToken: { from: 'secret', name: 'mcp-discovery-api', key: 'DISCOVERY_API_TOKEN' },
  },
});
