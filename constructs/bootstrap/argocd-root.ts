import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ArgoCdApplication } from '../argocd/argocd-application.js';
import { ArgoCdApplicationSet } from '../argocd/argocd-application-set.js';
import { ArgoCdProject } from '../argocd/argocd-project.js';
import type { ArgoCdCluster } from '../argocd/argocd-application.js';
import { HelmRelease, terraformLiteral, type HelmProvider, type TerraformResource } from '../terraform.js';

/** Props of the ArgoCdRoot: the project, and the root Application (or ApplicationSet) that syncs the rendered folders. */
export interface ArgoCdRootProps {
  /** Namespace Argo CD runs in. @default "argocd" */
  readonly argocdNamespace?: string;
  /** Name of the AppProject every platform application belongs to. */
  readonly project: string;
  /** Name of the root (app-of-apps) Application. */
  readonly name: string;
  /** Repository with the rendered manifests. */
  readonly repoUrl: string;
  /** Branch, tag or commit to track. @default "main" */
  readonly revision?: string;
  /** Folder of the rendered Argo CD Applications (`dist/argocd` in the repository), which the root syncs. */
  readonly path: string;
  /**
   * Instead of the root Application, an ApplicationSet that makes one Application per folder under
   * `applicationSet.path` (the folder `path` names is then not rendered). @default none: app of apps
   */
  readonly applicationSet?: {
    /** Folder whose subfolders are the applications (`gitops.path`). */
    readonly path: string;
    /** Subfolders that are not applications. @default none */
    readonly exclude?: readonly string[];
    /** Each Application is named `<applicationPrefix>-<folder>`. */
    readonly applicationPrefix: string;
    /** Namespace the applications deploy to. */
    readonly destinationNamespace: string;
  };
  /** Namespaces the project may deploy to. */
  readonly namespaces: readonly string[];
  /** The cluster the platform's applications deploy to. @default the cluster Argo CD runs in */
  readonly destination?: ArgoCdCluster;
  /**
   * The Helm provider of the cluster Argo CD runs in, when that is not the stack's default provider's (Argo CD
   * managing this environment from another cluster). @default the stack's default Helm provider
   */
  readonly provider?: HelmProvider;
  /** Cluster-scoped kinds the applications may create. @default none */
  readonly clusterResources?: readonly { readonly group: string; readonly kind: string }[];
  /** Sync automatically with prune and self-heal. @default true */
  readonly autoSync?: boolean;
  // renovate: datasource=helm depName=argocd-apps registryUrl=https://argoproj.github.io/argo-helm
  /** argocd-apps chart version. @default "2.0.4" */
  readonly chartVersion?: string;
  /** Resources that must exist first: Argo CD itself (its CRDs) and the operators. @default none */
  readonly dependsOn?: readonly TerraformResource[];
}

/**
 * The Argo CD root: the platform's AppProject and an app-of-apps Application that syncs `dist/argocd`, or
 * an ApplicationSet that makes the Applications from the folders themselves.
 *
 * Both are installed through the argocd-apps Helm chart rather than `kubernetes_manifest`, because
 * `kubernetes_manifest` needs the Argo CD CRDs at plan time and so cannot be planned in the same apply
 * that installs Argo CD; a Helm release is only rendered at apply time, after its `depends_on`.
 */
export class ArgoCdRoot extends Construct {
  /** The AppProject, as rendered (validated against the Argo CD CRD by the synth harness). */
  readonly project: Record<string, any>;
  /** The root Application, as rendered (app of apps). */
  readonly application?: Record<string, any>;
  /** The ApplicationSet, as rendered (with `applicationSet`). */
  readonly applicationSet?: Record<string, any>;
  /** The Helm release that installs both. */
  readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: ArgoCdRootProps) {
    super(scope, id);
    const argocdNamespace = props.argocdNamespace ?? 'argocd';
    // The typed classes generated from the Argo CD CRDs build the objects; a detached cdk8s chart renders them.
    const chart = new Chart(new App(), 'argocd-root');
    const project = new ArgoCdProject(chart, 'project', {
      name: props.project,
      argocdNamespace,
      repoUrl: props.repoUrl,
      namespaces: props.namespaces,
      destination: props.destination,
      clusterResources: props.clusterResources,
    });
    this.project = project.resource.toJson();
    if (props.applicationSet) {
      this.applicationSet = new ArgoCdApplicationSet(chart, 'applications', {
        name: props.name,
        argocdNamespace,
        project: props.project,
        repoUrl: props.repoUrl,
        revision: props.revision,
        destination: props.destination,
        autoSync: props.autoSync,
        ...props.applicationSet,
      }).resource.toJson();
    } else {
      this.application = new ArgoCdApplication(chart, 'root', {
        name: props.name,
        argocdNamespace,
        project: props.project,
        repoUrl: props.repoUrl,
        revision: props.revision,
        path: props.path,
        destinationNamespace: argocdNamespace,
        autoSync: props.autoSync,
      }).resource.toJson();
    }

    this.release = new HelmRelease(this, 'Release', {
      name: `${props.name}-root`,
      namespace: argocdNamespace,
      repository: 'https://argoproj.github.io/argo-helm',
      chart: 'argocd-apps',
      // renovate: datasource=helm depName=argocd-apps registryUrl=https://argoproj.github.io/argo-helm
      version: props.chartVersion ?? '2.0.4',
      atomic: true,
      cleanupOnFail: true,
      values: [terraformLiteral(JSON.stringify(argocdAppsValues(this.project, this.application, this.applicationSet)))],
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      provider: props.provider,
    });
  }
}

/** The argocd-apps chart (2.x) takes maps keyed by name, with the spec fields at the top level. */
function argocdAppsValues(project: Record<string, any>, application?: Record<string, any>, applicationSet?: Record<string, any>) {
  const entry = (obj: Record<string, any>) => ({
    namespace: obj.metadata.namespace,
    additionalLabels: obj.metadata.labels,
    additionalAnnotations: obj.metadata.annotations,
    finalizers: obj.metadata.finalizers,
    ...obj.spec,
  });
  return {
    projects: { [project.metadata.name]: entry(project) },
    ...(application ? { applications: { [application.metadata.name]: entry(application) } } : {}),
    ...(applicationSet ? { applicationsets: { [applicationSet.metadata.name]: entry(applicationSet) } } : {}),
  };
}
