import { App, Chart } from 'cdk8s';
import { ArgoCdApplication } from '../constructs/argocd/argocd-application.js';
import { NamespaceGuardrails } from '../constructs/workloads/namespace-guardrails.js';
import type { PlatformConfig } from './config.js';

/** The folder (and chart) that holds the Argo CD Applications of every other folder. */
export const ARGOCD_APP = 'argocd';

/** One Argo CD application: a chart rendered into `dist/<name>/`. */
export interface PlatformApp {
  readonly name: string;
  readonly chart: Chart;
  /** Argo CD sync wave: the namespace guardrails before the databases, before the servers, before the gateway. */
  readonly syncWave: number;
}

/** The workloads layer: a cdk8s app with one chart per Argo CD application. */
export class Workloads {
  readonly app: App;
  readonly apps: readonly PlatformApp[];
  readonly argocd: Chart;

  constructor(readonly config: PlatformConfig) {
    this.app = new App();
    const apps: PlatformApp[] = [];
    const addApp = (name: string, syncWave: number) => {
      const chart = new Chart(this.app, name, { namespace: config.namespace, disableResourceNameHashes: true });
      apps.push({ name, chart, syncWave });
      return chart;
    };

    new NamespaceGuardrails(addApp('platform', -10), 'guardrails', {
      namespace: config.namespace,
      allowDnsEgress: config.guardrails.allowDnsEgress,
      resourceQuota: config.guardrails.resourceQuota,
      containerDefaults: config.guardrails.limitRange,
    });

    this.apps = apps;
    this.argocd = new Chart(this.app, ARGOCD_APP, { namespace: config.argocd.namespace, disableResourceNameHashes: true });
    for (const { name, syncWave } of apps) {
      new ArgoCdApplication(this.argocd, name, {
        name: `${config.name}-${name}`,
        argocdNamespace: config.argocd.namespace,
        project: config.argocd.project,
        repoUrl: config.gitops.repoUrl,
        revision: config.gitops.revision,
        path: `${config.gitops.path}/${name}`,
        destinationNamespace: config.namespace,
        syncWave,
        autoSync: config.argocd.autoSync,
      });
    }
  }

  /** Every chart, the Argo CD one last, keyed by its output folder. */
  get charts(): ReadonlyMap<string, Chart> {
    return new Map([...this.apps.map((a) => [a.name, a.chart] as const), [ARGOCD_APP, this.argocd]]);
  }
}
