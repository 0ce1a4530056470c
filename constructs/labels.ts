/** Labels and annotation keys that every object the platform renders carries. */
export const PART_OF = 'mcp-platform';

/** `app.kubernetes.io/*` labels shared by everything the platform renders. */
export function platformLabels(component: string): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': PART_OF,
    'app.kubernetes.io/component': component,
  };
}

/** Pod Security Admission levels, in increasing strictness. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/**
 * Pod Security Admission labels. `enforce` may be looser than `audit`/`warn` (an operator that needs
 * `baseline`), so warnings still report what the stricter level would reject.
 */
export function podSecurityLabels(enforce: PodSecurityLevel, auditAndWarn: PodSecurityLevel = 'restricted'): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': enforce,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/audit': auditAndWarn,
    'pod-security.kubernetes.io/audit-version': 'latest',
    'pod-security.kubernetes.io/warn': auditAndWarn,
    'pod-security.kubernetes.io/warn-version': 'latest',
  };
}

/** The label that names what a pod is; NetworkPolicies admit platform clients by it. */
export const NAME_LABEL = 'app.kubernetes.io/name';

/**
 * `app.kubernetes.io/name` of the platform's own components. The database and the LLMs admit traffic
 * from the gateway and the discovery service by these values, so the constructs that render those
 * pods must label them with exactly these.
 */
export const ComponentNames = {
  gateway: 'mcp-gateway',
  discovery: 'mcp-discovery',
  triageLlm: 'triage-llm',
  vllm: 'vllm',
  databaseMigrations: 'database-migrations',
} as const;

/**
 * Where the gateway and the discovery service serve Prometheus metrics: the Service port of that name
 * and number. Monitoring scrapes them by these, so the constructs that render them must expose exactly these
 * (agentgateway's `config.statsAddr` on 15020; the discovery service's `/metrics` on its HTTP port).
 */
export const ComponentMetricsPorts = {
  gateway: { portName: 'metrics', port: 15020 },
  discovery: { portName: 'http', port: 8080 },
} as const;

/** Labels selecting the pods of one platform component. */
export function componentSelector(name: string): Record<string, string> {
  return { [NAME_LABEL]: name, 'app.kubernetes.io/part-of': PART_OF };
}

/** The labels of the gateway's objects, its Service's included (a LoadBalancer pool that selects Services must select these). */
export function gatewayLabels(): Record<string, string> {
  return { ...platformLabels(ComponentNames.gateway), [NAME_LABEL]: ComponentNames.gateway };
}
