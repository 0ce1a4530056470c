/**
 * `reconcile --once`: list the cluster, probe, record and reconcile pull requests once, then close
 * everything. The report says what happened; `ok` decides the exit code.
 */
import type { Logger } from 'pino';
import { passOptions, runPass, type PassReport } from './discovery-pass.js';
import { gitHostFor } from './http/plugins/git-host.js';
import { ClusterWatch } from './kubernetes/cluster-watch.js';
import { loadKubeConfig } from './kubernetes/kubeconfig.js';
import { DiscoveryMetrics } from './metrics.js';
import { openDatabase } from './registry/database.js';
import { Registry } from './registry/registry.js';
import type { DiscoverySettings } from './settings.js';

export async function reconcileOnce(settings: DiscoverySettings, log: Logger, metrics = new DiscoveryMetrics()): Promise<PassReport> {
  // Everything that can fail on bad settings fails before the database opens, so nothing is left running.
  const kubeConfig = loadKubeConfig(settings.kubeconfig);
  const host = gitHostFor(settings, { log, metrics });
  const watch = new ClusterWatch({ kubeConfig, namespaces: settings.namespaces, log, onWatchRestart: (kind, reason) => metrics.watchRestarts.inc({ kind, reason }) });
  const database = await openDatabase({ url: settings.databaseUrl, stateDir: settings.stateDir, log });
  try {
    // The watch retries a cluster it cannot reach for as long as it runs; a one-shot run must end instead.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the Kubernetes API at ${kubeConfig.getCurrentCluster()?.server ?? '(no server)'} did not answer a full list within ${settings.listTimeoutSeconds} s: check --kubeconfig and the network (--list-timeout sets the wait)`)),
        settings.listTimeoutSeconds * 1000,
      );
    });
    try {
      await Promise.race([watch.start(), gaveUp]);
    } finally {
      clearTimeout(timer);
    }
    return await runPass(
      { objects: watch, registry: new Registry(database.pool), host, metrics, log },
      passOptions(settings),
    );
  } finally {
    await watch.stop();
    await database.close();
  }
}
