/** The list + watch of Services and MCPServer resources, as `app.cluster`; the watches stop with the app. */
import fp from 'fastify-plugin';
import { ClusterWatch } from '../../kubernetes/cluster-watch.js';
import { loadKubeConfig } from '../../kubernetes/kubeconfig.js';

declare module 'fastify' {
  interface FastifyInstance {
    cluster: ClusterWatch;
  }
}

export interface ClusterPluginOptions {
  /** @default in-cluster, then ~/.kube/config */
  readonly kubeconfig?: string;
  /** @default all namespaces */
  readonly namespaces: readonly string[];
  /** Called on every change, for the loop to schedule a pass. */
  readonly onChange?: () => void;
}

export default fp<ClusterPluginOptions>(
  async (app, options) => {
    const watch = new ClusterWatch({
      kubeConfig: loadKubeConfig(options.kubeconfig),
      namespaces: options.namespaces,
      log: app.log,
      onChange: () => options.onChange?.(),
      onWatchRestart: (kind, reason) => app.metrics.watchRestarts.inc({ kind, reason }),
    });
    app.decorate('cluster', watch);
    app.addHook('onClose', async () => watch.stop());
  },
  { name: 'cluster', dependencies: ['metrics'] },
);
