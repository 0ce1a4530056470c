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
  // Everything that can fail on bad settings fails before anything starts, so nothing is left running.
  const kubeConfig = loadKubeConfig(settings.kubeconfig);
  const host = gitHostFor(settings, { log, metrics });
  const watch = new ClusterWatch({ kubeConfig, namespaces: settings.namespaces, log, onWatchRestart: (kind, reason) => metrics.watchRestarts.inc({ kind, reason }) });
  try {
    // The cluster first: an API server that cannot be reached fails the run before the database (for the
    // embedded one, PGlite's first start peaks near 900 MB) is ever opened.
    await listWithin(watch, kubeConfig.getCurrentCluster()?.server ?? '(no server)', settings.listTimeoutSeconds);
    const database = await openDatabase({ url: settings.databaseUrl, stateDir: settings.stateDir, log });
    try {
      return await runPass({ objects: watch, registry: new Registry(database.pool), host, metrics, log }, passOptions(settings));
    } finally {
      await database.close();
    }
  } finally {
    await watch.stop();
  }
}

/** Starts the watch and waits for its first full list; the watch retries an unreachable cluster for as long as it runs, a one-shot run must end instead. */
async function listWithin(watch: ClusterWatch, server: string, seconds: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const failure = watch.lastFailure();
      reject(
        new Error(
          `the Kubernetes API at ${server} did not answer a full list within ${seconds} s (${failure ? `last error: ${failure}` : 'no answer at all'}): ` +
            'check --kubeconfig and the network, or give it longer with --list-timeout',
        ),
      );
    }, seconds * 1000);
  });
  try {
    await Promise.race([watch.start(), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}
