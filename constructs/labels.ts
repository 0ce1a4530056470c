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
