import type { ApiObjectProps } from 'cdk8s';
import type { Manifest } from '../../constructs/policy/rule.js';

/** A whole object: usable as a rule's input and as cdk8s ApiObject props. */
export type KubeObject = Manifest & ApiObjectProps;

/** A container that passes every policy rule; override what a test is about. */
export function compliantContainer(overrides: Manifest = {}): Manifest {
  return {
    name: 'app',
    image: 'ghcr.io/example/app:1.2.3',
    ports: [{ name: 'http', containerPort: 8080 }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
    readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
      capabilities: { drop: ['ALL'] },
    },
    ...overrides,
  };
}

/** A Deployment whose pod passes every policy rule (with `compliantNeighbours`). */
export function compliantDeployment(options: { replicas?: number; podSpec?: Manifest; container?: Manifest; labels?: Record<string, string> } = {}): KubeObject {
  const labels = options.labels ?? { app: 'demo' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'demo', namespace: 'mcp-system' },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'demo',
          automountServiceAccountToken: false,
          containers: [compliantContainer(options.container)],
          ...options.podSpec,
        },
      },
    },
  };
}

/** A NetworkPolicy selecting `labels` in mcp-system. */
export function networkPolicy(labels: Record<string, string> = { app: 'demo' }): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'demo', namespace: 'mcp-system' },
    spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'] },
  };
}

/** A PodDisruptionBudget selecting `labels` in mcp-system. */
export function podDisruptionBudget(labels: Record<string, string> = { app: 'demo' }): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'demo', namespace: 'mcp-system' },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  };
}

/** A Service selecting `selector` in mcp-system, targeting the named port `targetPort`. */
export function service(selector: Record<string, string> = { app: 'demo' }, targetPort: string | number = 'http'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'demo', namespace: 'mcp-system' },
    spec: { selector, ports: [{ port: 80, targetPort }] },
  };
}

/** What `compliantPod` and `compliantWorkload` build on: the options of `compliantDeployment`. */
export interface PodOptions {
  readonly replicas?: number;
  readonly podSpec?: Manifest;
  readonly container?: Manifest;
  readonly labels?: Record<string, string>;
}

/** A bare Pod in mcp-system running the pod of `compliantDeployment`. */
export function compliantPod(options: PodOptions = {}): Manifest {
  const template = compliantDeployment(options).spec.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'demo', namespace: 'mcp-system', labels: template.metadata.labels },
    spec: template.spec,
  };
}

/** A StatefulSet, DaemonSet, Job or CronJob in mcp-system running the pod of `compliantDeployment` (run-to-completion kinds with restartPolicy Never). */
export function compliantWorkload(kind: 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob', options: PodOptions = {}): Manifest {
  const runsToCompletion = kind === 'Job' || kind === 'CronJob';
  const deployment = compliantDeployment({ ...options, podSpec: { ...(runsToCompletion ? { restartPolicy: 'Never' } : {}), ...options.podSpec } });
  const { replicas, selector, template } = deployment.spec;
  const metadata = { name: 'demo', namespace: 'mcp-system' };
  switch (kind) {
    case 'StatefulSet':
      return { apiVersion: 'apps/v1', kind, metadata, spec: { replicas, serviceName: 'demo', selector, template } };
    case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector, template } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } };
  }
}

/** A copy of an object without the given top-level keys (to render a field as absent rather than undefined). */
export function without(manifest: Manifest, ...keys: string[]): Manifest {
  return Object.fromEntries(Object.entries(manifest).filter(([key]) => !keys.includes(key)));
}

/** A copy of an object moved to another namespace. */
export function inNamespace(manifest: Manifest, namespace: string): Manifest {
  return { ...manifest, metadata: { ...manifest.metadata, namespace } };
}

/** A ConfigMap in mcp-system: an object that runs no pod. */
export function configMap(): Manifest {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', namespace: 'mcp-system' }, data: { LOG_LEVEL: 'info' } };
}

/** A Secret in mcp-system with `fields` (data, stringData, type) set. */
export function secret(fields: Manifest = {}): Manifest {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo', namespace: 'mcp-system' }, ...fields };
}

/** A ServiceAccount `name` in mcp-system with `fields` (automountServiceAccountToken) set. */
export function serviceAccount(name: string, fields: Manifest = {}): Manifest {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'mcp-system' }, ...fields };
}
