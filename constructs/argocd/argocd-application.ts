import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-argoproj.io.js';
import { urlCredentialsProblem } from '../formats.js';
import { platformLabels } from '../labels.js';
import { throwIfProblems } from '../validation/problems.js';

/** Where Argo CD applies what it syncs: the cluster Argo CD runs in. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** A cluster as Argo CD knows it: by its registered name, or its API server URL. */
export type ArgoCdCluster = { readonly name: string } | { readonly server: string };

/** Whether a destination is the cluster Argo CD runs in: none, its API server URL, or Argo CD's name for it. */
export function isInCluster(cluster: ArgoCdCluster | undefined): boolean {
  return cluster === undefined || ('server' in cluster ? cluster.server === IN_CLUSTER : cluster.name === 'in-cluster');
}

/** What every platform Application has, whether written out (app of apps) or made by an ApplicationSet. */
export interface ArgoCdApplicationBaseProps {
  /** Name of the object (for an Application, also of the app in the Argo CD UI). */
  readonly name: string;
  /** Namespace Argo CD watches for Application and ApplicationSet objects. @default "argocd" */
  readonly argocdNamespace?: string;
  /** Argo CD project the application belongs to. */
  readonly project: string;
  /** Git repository that holds the rendered manifests. */
  readonly repoUrl: string;
  /** Branch, tag or commit to track. @default "main" */
  readonly revision?: string;
  /** Namespace the manifests are applied to. */
  readonly destinationNamespace: string;
  /** Cluster the manifests are applied to. @default the cluster Argo CD runs in ({ server: IN_CLUSTER }) */
  readonly destination?: ArgoCdCluster;
  /** Sync automatically with prune and self-heal. @default true */
  readonly autoSync?: boolean;
}

/** Props of an ArgoCdApplication: the folder it syncs and its sync wave in the parent. */
export interface ArgoCdApplicationProps extends ArgoCdApplicationBaseProps {
  /** Folder in the repository with this application's manifests. */
  readonly path: string;
  /**
   * Argo CD sync wave of this Application in its parent: lower waves are applied first, and the next wave waits
   * for them to be healthy only where argocd-cm has a health check for Applications (`argocdValues()` sets one
   * when the platform installs Argo CD). @default 0
   */
  readonly syncWave?: number;
}

/**
 * An Argo CD Application that syncs one folder of rendered manifests. Deleting it deletes what it synced
 * (resources finalizer); it never creates namespaces, because the bootstrap layer owns them.
 */
export class ArgoCdApplication extends Construct {
  /** The generated Application object, for fields this construct does not model. */
  readonly resource: Application;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const credentials = urlCredentialsProblem(props.repoUrl);
    throwIfProblems(`ArgoCdApplication ${id}`, credentials ? [`repoUrl ${credentials}: Argo CD reads the repository's credentials from its repository Secret`] : []);
    const autoSync = props.autoSync ?? true;
    this.resource = new Application(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.argocdNamespace ?? 'argocd',
        labels: platformLabels('argocd-application'),
        annotations: { 'argocd.argoproj.io/sync-wave': String(props.syncWave ?? 0) },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: props.project,
        source: { repoUrl: props.repoUrl, targetRevision: props.revision ?? 'main', path: props.path },
        destination: { ...(props.destination ?? { server: IN_CLUSTER }), namespace: props.destinationNamespace },
        syncPolicy: applicationSyncPolicy(autoSync),
      },
    });
  }
}

/**
 * How every platform Application syncs: with prune and self-heal when automatic; never creating namespaces
 * (the bootstrap layer owns them); deleting in the foreground; server-side apply, since some CRDs are too
 * large for the last-applied annotation; and retried with backoff while a CRD or a dependency is not there yet.
 */
export function applicationSyncPolicy(autoSync: boolean) {
  return {
    automated: autoSync ? { prune: true, selfHeal: true } : undefined,
    syncOptions: ['CreateNamespace=false', 'PrunePropagationPolicy=foreground', 'ServerSideApply=true'],
    retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
  };
}
