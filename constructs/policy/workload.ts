import type { Manifest } from './rule.js';

/** The pod a workload object runs, however deep its template sits. */
export interface PodTemplate {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: Manifest;
  /** Replicas the controller keeps (1 when not set; undefined for per-node or run-to-completion kinds). */
  readonly replicas?: number;
  /** Whether its containers are meant to keep running (not a Job's or CronJob's). */
  readonly longRunning: boolean;
  readonly namespace: string;
}

/** The pod template of a Pod, Deployment, StatefulSet, ReplicaSet, DaemonSet, Job or CronJob; else undefined. */
export function podTemplateOf(manifest: Manifest): PodTemplate | undefined {
  const namespace = manifest.metadata?.namespace ?? '';
  switch (manifest.kind) {
    case 'Pod':
      return {
        labels: manifest.metadata?.labels ?? {},
        annotations: manifest.metadata?.annotations ?? {},
        spec: manifest.spec ?? {},
        longRunning: !['Never', 'OnFailure'].includes(manifest.spec?.restartPolicy),
        namespace,
      };
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return template(manifest.spec?.template, namespace, true, manifest.spec?.replicas ?? 1);
    case 'DaemonSet':
      return template(manifest.spec?.template, namespace, true, undefined);
    case 'Job':
      return template(manifest.spec?.template, namespace, false, undefined);
    case 'CronJob':
      return template(manifest.spec?.jobTemplate?.spec?.template, namespace, false, undefined);
    default:
      return undefined;
  }
}

function template(t: Manifest | undefined, namespace: string, longRunning: boolean, replicas: number | undefined): PodTemplate {
  return { labels: t?.metadata?.labels ?? {}, annotations: t?.metadata?.annotations ?? {}, spec: t?.spec ?? {}, longRunning, replicas, namespace };
}

export interface NamedContainer {
  readonly container: Manifest;
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  readonly list: 'containers' | 'initContainers' | 'ephemeralContainers';
  /** For messages: `container "app"` or `init container "migrate"`. */
  readonly label: string;
}

/** Every container of a pod spec, init and ephemeral ones included. */
export function containersOf(spec: Manifest): NamedContainer[] {
  const lists = [
    ['containers', 'container'],
    ['initContainers', 'init container'],
    ['ephemeralContainers', 'ephemeral container'],
  ] as const;
  return lists.flatMap(([list, noun]) =>
    ((spec[list] ?? []) as Manifest[]).map((container) => ({ container, list, label: `${noun} "${container.name}"` })),
  );
}

/** Does a Kubernetes label selector (matchLabels and matchExpressions) select these labels? */
export function selectorMatches(selector: Manifest | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of (selector.matchExpressions ?? []) as Manifest[]) {
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const ok =
      operator === 'In' ? has && values.includes(labels[key])
      : operator === 'NotIn' ? !has || !values.includes(labels[key])
      : operator === 'Exists' ? has
      : operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) return false;
  }
  return true;
}

/** The namespace of an object ('' when it has none, which is the same for every such object). */
export function namespaceOf(manifest: Manifest): string {
  return manifest.metadata?.namespace ?? '';
}
