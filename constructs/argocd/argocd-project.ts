import { Construct } from 'constructs';
import { AppProject } from '../../imports/argocd-argoproj.io.js';
import { urlCredentialsProblem } from '../formats.js';
import { platformLabels } from '../labels.js';
import { throwIfProblems } from '../validation/problems.js';
import { IN_CLUSTER, isInCluster, type ArgoCdCluster } from './argocd-application.js';
import { projectNameProblem } from './project-name.js';

/** Props of an ArgoCdProject: the one repository, and the namespaces and cluster-scoped kinds its applications may use. */
export interface ArgoCdProjectProps {
  /** Name of the AppProject: a DNS-1123 subdomain, not Argo CD's own "default". */
  readonly name: string;
  /** Namespace Argo CD runs in. @default "argocd" */
  readonly argocdNamespace?: string;
  /** The only repository the project's applications may sync from. */
  readonly repoUrl: string;
  /** Namespaces the project's applications may deploy to (the Argo CD namespace is added for the child Applications). */
  readonly namespaces: readonly string[];
  /**
   * The cluster those namespaces are in. The Argo CD namespace, where the root syncs the child Applications, is
   * always the cluster Argo CD runs in. @default the cluster Argo CD runs in
   */
  readonly destination?: ArgoCdCluster;
  /** Cluster-scoped kinds the applications may create (e.g. ClusterRoles of MCP servers that read the cluster). @default none */
  readonly clusterResources?: readonly { readonly group: string; readonly kind: string }[];
}


/**
 * A least-privilege Argo CD project: one source repository, the named namespaces of one cluster (the one Argo
 * CD runs in unless `destination` names another) and Argo CD's own namespace for the child Applications, and
 * only the listed cluster-scoped kinds (namespaces and CRDs belong to the bootstrap layer).
 */
export class ArgoCdProject extends Construct {
  /** The generated AppProject object, for fields this construct does not model. */
  readonly resource: AppProject;

  constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, id);
    const nameFault = projectNameProblem(props.name);
    const credentials = urlCredentialsProblem(props.repoUrl);
    throwIfProblems(`ArgoCdProject ${id}`, [
      ...(nameFault ? [`name ${JSON.stringify(props.name)} ${nameFault}`] : []),
      ...(credentials ? [`repoUrl ${credentials}: Argo CD reads the repository's credentials from its repository Secret`] : []),
    ]);
    const argocdNamespace = props.argocdNamespace ?? 'argocd';
    const cluster = props.destination ?? { server: IN_CLUSTER };
    const inCluster = isInCluster(cluster);
    const namespaces = [...new Set([...props.namespaces, ...(inCluster ? [argocdNamespace] : [])])].sort();
    const destinations = [
      ...namespaces.map((namespace) => ({ ...cluster, namespace })),
      ...(inCluster ? [] : [{ server: IN_CLUSTER, namespace: argocdNamespace }]),
    ];
    this.resource = new AppProject(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: argocdNamespace,
        labels: platformLabels('argocd-project'),
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        description: 'MCP platform: rendered manifests from the platform repository',
        sourceRepos: [props.repoUrl],
        destinations,
        clusterResourceWhitelist: (props.clusterResources ?? []).map((r) => ({ group: r.group, kind: r.kind })),
      },
    });
  }
}
