/**
 * `reconcile --once`: list the cluster, probe, record and reconcile pull requests once, then close
 * everything. The report says what happened; `ok` decides the exit code.
 */
import type { Logger } from 'pino';
import { runPass, type PassReport } from './discovery-pass.js';
import { gitHostFor } from './http/plugins/git-host.js';
import { ClusterWatch } from './kubernetes/cluster-watch.js';
import { loadKubeConfig } from './kubernetes/kubeconfig.js';
import { DiscoveryMetrics } from './metrics.js';
import { DEFAULT_PROBE_LIMITS } from './probe/probe.js';
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
      {
        annotationPrefix: settings.annotationPrefix,
        probeLimits: { ...DEFAULT_PROBE_LIMITS, timeoutMs: settings.probeTimeoutMs },
        probeConcurrency: settings.probeConcurrency,
        pullRequests: {
          baseBranch: settings.baseBranch,
          serversDir: settings.serversDir,
          maxOpenPullRequests: settings.maxOpenPullRequests,
          toolBudget: settings.toolBudget,
        },
      },
    );
  } finally {
    await watch.stop();
    await database.close();
  }
}
