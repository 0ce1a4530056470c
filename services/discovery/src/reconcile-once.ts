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
  const database = await openDatabase({ url: settings.databaseUrl, stateDir: settings.stateDir, log });
  const watch = new ClusterWatch({
    kubeConfig: loadKubeConfig(settings.kubeconfig),
    namespaces: settings.namespaces,
    log,
    onWatchRestart: (kind, reason) => metrics.watchRestarts.inc({ kind, reason }),
  });
  try {
    await watch.start();
    return await runPass(
      { objects: watch, registry: new Registry(database.pool), host: gitHostFor(settings, { log, metrics }), metrics, log },
      passOptions(settings),
    );
  } finally {
    await watch.stop();
    await database.close();
  }
}
