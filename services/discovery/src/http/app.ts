/**
 * The discovery service as a fastify plugin: external resources first (metrics, cluster watch, git host,
 * database), then the loop that uses them, then the routes. `server.ts` runs it as a process; tests
 * register it on their own instance.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { DiscoveryMetrics } from '../metrics.js';
import type { DiscoverySettings } from '../settings.js';
import cluster from './plugins/cluster.js';
import database from './plugins/database.js';
import discoveryLoop from './plugins/discovery-loop.js';
import gitHost from './plugins/git-host.js';
import metricsPlugin from './plugins/metrics.js';
import health from './routes/health.js';
import metrics from './routes/metrics.js';
import pullRequests from './routes/pull-requests.js';
import reconcile from './routes/reconcile.js';
import servers from './routes/servers.js';

export interface AppOptions {
  readonly settings: DiscoverySettings;
  readonly metrics?: DiscoveryMetrics;
  /** Quiet time after a watch change before a pass. @default 2000 */
  readonly settleMs?: number;
}

const app: FastifyPluginAsync<AppOptions> = async (instance, options) => {
  const { settings } = options;
  await instance.register(metricsPlugin, { metrics: options.metrics });
  // The watch and the git host read their settings first and open nothing: bad settings fail before the database opens.
  await instance.register(cluster, {
    kubeconfig: settings.kubeconfig,
    namespaces: settings.namespaces,
    // The loop is registered after the watch it listens to; until then a change has nobody to tell.
    onChange: () => (instance.hasDecorator('discovery') ? instance.discovery.changed() : undefined),
  });
  await instance.register(gitHost, { settings });
  await instance.register(database, { url: settings.databaseUrl, stateDir: settings.stateDir });
  await instance.register(discoveryLoop, { settings, settleMs: options.settleMs });

  await instance.register(health);
  await instance.register(metrics);
  await instance.register(servers);
  await instance.register(reconcile, { apiToken: settings.apiToken });
  await instance.register(pullRequests, { settings });
};

export default fp(app, { name: 'discovery-app' });
