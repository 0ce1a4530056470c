/** The platform repo's git host as `app.gitHost`: GitHub, or the dry run writing under a folder. */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { DryRunGitHost } from '../../git-host/dry-run.js';
import type { GitHost } from '../../git-host/git-host.js';
import { GitHubHost } from '../../git-host/github.js';
import type { DiscoverySettings } from '../../settings.js';

declare module 'fastify' {
  interface FastifyInstance {
    gitHost: GitHost;
  }
}

/** The git host the settings ask for, counting requests, errors and rate-limit waits in the metrics. */
export function gitHostFor(settings: DiscoverySettings, app: Pick<FastifyInstance, 'log' | 'metrics'>): GitHost {
  const github =
    settings.repo && settings.githubAuth
      ? new GitHubHost({
          repo: settings.repo,
          baseUrl: settings.githubApiUrl,
          auth: settings.githubAuth,
          log: app.log,
          throttle: { minWriteIntervalMs: settings.githubWriteIntervalMs, fallbackSecondaryRetryAfterSeconds: settings.secondaryLimitWaitSeconds },
          onRequest: (method) => app.metrics.apiRequests.inc({ method }),
          onApiError: (status) => app.metrics.apiErrors.inc({ status: String(status) }),
          onRateLimitWait: (seconds, kind) => {
            app.metrics.rateLimitWaits.inc({ kind });
            app.metrics.rateLimitWaitSeconds.inc(seconds);
          },
        })
      : undefined;
  if (settings.dryRunDir) return new DryRunGitHost({ outDir: settings.dryRunDir, reads: github, checkout: settings.checkout });
  if (!github) throw new Error('a GitHub repo and credentials are required without --dry-run');
  return github;
}

export default fp<{ readonly settings: DiscoverySettings }>(
  async (app, options) => {
    app.decorate('gitHost', gitHostFor(options.settings, app));
  },
  { name: 'git-host', dependencies: ['metrics'] },
);
