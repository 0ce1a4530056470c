import type { Manifest } from '../../constructs/policy/rule.js';

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
export function compliantDeployment(options: { replicas?: number; podSpec?: Manifest; container?: Manifest; labels?: Record<string, string> } = {}): Manifest {
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
export function networkPolicy(labels: Record<string, string> = { app: 'demo' }): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'demo', namespace: 'mcp-system' },
    spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'] },
  };
}

/** A PodDisruptionBudget selecting `labels` in mcp-system. */
export function podDisruptionBudget(labels: Record<string, string> = { app: 'demo' }): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'demo', namespace: 'mcp-system' },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  };
}

/** A Service selecting `selector` in mcp-system, targeting the named port `targetPort`. */
export function service(selector: Record<string, string> = { app: 'demo' }, targetPort: string | number = 'http'): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'demo', namespace: 'mcp-system' },
    spec: { selector, ports: [{ port: 80, targetPort }] },
  };
}
