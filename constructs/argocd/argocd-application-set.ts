/**
 * An ApplicationSet that makes one Application per folder of rendered manifests, with Argo CD's git directory
 * generator: the alternative to the root Application and its folder of Applications (app of apps) where one
 * Argo CD manages several clusters and the teams want the folders, not a list, to say what runs.
 *
 * The generator's parameters are those of argoproj/argo-cd v3.5.1 applicationset/generators/git.go: with
 * goTemplate, a directory is `.path.path` (its path in the repository) and `.path.basename` (its last part).
 * ApplicationSet Applications are generated all at once: the sync waves of app of apps do not apply, and each
 * Application's retries (applicationSyncPolicy) carry it over what is not there yet.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { urlCredentialsProblem } from '../formats.js';
import { platformLabels } from '../labels.js';
import { throwIfProblems } from '../validation/problems.js';
import { applicationSyncPolicy, IN_CLUSTER, type ArgoCdApplicationBaseProps } from './argocd-application.js';

/** Argo CD deletes what an Application synced when the Application goes, only with this finalizer on it. */
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Props of an ArgoCdApplicationSet: the folder whose subfolders become Applications, and how they are named. */
export interface ArgoCdApplicationSetProps extends ArgoCdApplicationBaseProps {
  /** Folder whose subfolders each become an Application. */
  readonly path: string;
  /** Subfolders of `path` that are not applications. @default none */
  readonly exclude?: readonly string[];
  /** Each Application is named `<applicationPrefix>-<folder>`. */
  readonly applicationPrefix: string;
}

/**
 * An Argo CD ApplicationSet that makes one Application per subfolder of `path` (git directory generator), each
 * synced like an ArgoCdApplication, with the resources finalizer.
 */
export class ArgoCdApplicationSet extends Construct {
  /** The generated ApplicationSet object. */
  readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationSetProps) {
    super(scope, id);
    const credentials = urlCredentialsProblem(props.repoUrl);
    throwIfProblems(`ArgoCdApplicationSet ${id}`, [
      ...(credentials ? [`repoUrl ${credentials}: Argo CD reads the repository's credentials from its repository Secret`] : []),
    ]);
    const revision = props.revision ?? 'main';
    const destination = props.destination ?? { server: IN_CLUSTER };
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: {
        name: props.name,
        namespace: props.argocdNamespace ?? 'argocd',
        labels: platformLabels('argocd-application-set'),
      },
      spec: {
        goTemplate: true,
        // A parameter the generator does not have fails the ApplicationSet instead of rendering "<no value>".
        goTemplateOptions: ['missingkey=error'],
        generators: [
          {
            git: {
              repoURL: props.repoUrl,
              revision,
              directories: [{ path: `${props.path}/*` }, ...(props.exclude ?? []).map((folder) => ({ path: `${props.path}/${folder}`, exclude: true }))],
            },
          },
        ],
        template: {
          // Every string of the template goes through Go's text/template (deeplyReplace in argo-cd v3.5.1
          // applicationset/utils/utils.go), so the props' own text is escaped; only the two parameters are templates.
          metadata: { name: `${goTemplateLiteral(props.applicationPrefix)}-{{.path.basename}}`, labels: platformLabels('argocd-application') },
          spec: {
            project: goTemplateLiteral(props.project),
            source: { repoURL: goTemplateLiteral(props.repoUrl), targetRevision: goTemplateLiteral(revision), path: '{{.path.path}}' },
            destination: {
              ...('server' in destination ? { server: goTemplateLiteral(destination.server) } : { name: goTemplateLiteral(destination.name) }),
              namespace: goTemplateLiteral(props.destinationNamespace),
            },
            syncPolicy: applicationSyncPolicy(props.autoSync ?? true),
          },
        },
        // The finalizer goes in by a patch: the argocd-apps chart (2.0.4, templates/applicationsets.yaml) renders
        // only the name, namespace, labels and annotations of the template's metadata.
        templatePatch: `metadata:\n  finalizers:\n    - ${RESOURCES_FINALIZER}\n`,
      },
    });
  }
}

/**
 * Text a Go template prints as written: "{{" opens an action, so it becomes the action {{"{{"}}, which prints
 * the string constant "{{" (text/template). "}}" outside an action is plain text already.
 */
export function goTemplateLiteral(text: string): string {
  return text.replace(/\{\{/g, () => '{{"{{"}}');
}
