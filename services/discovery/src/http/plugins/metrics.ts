/** The metrics registry, shared by every part of the service through `app.metrics`. */
import fp from 'fastify-plugin';
import { DiscoveryMetrics } from '../../metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: DiscoveryMetrics;
  }
}

export default fp<{ readonly metrics?: DiscoveryMetrics }>(
  async (app, options) => {
    app.decorate('metrics', options.metrics ?? new DiscoveryMetrics({ processMetrics: true }));
  },
  { name: 'metrics' },
);
