import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type PolicyRule } from '../rule.js';
import { containersOf, podTemplateOf } from '../workload.js';

/** Liveness and readiness probes on every container of a long-running pod (sidecars included). */
export const containerProbes: PolicyRule = {
  id: RuleIds.probes,
  level: 'error',
  description: 'Long-running containers have liveness and readiness probes.',
  explanation:
    'Without a readiness probe a Service sends traffic to a server that is still starting (or whose model is not loaded); ' +
    'without a liveness probe a hung MCP server is never restarted. Add both; Jobs and plain init containers are exempt.',
  check(manifest) {
    const pod = podTemplateOf(manifest);
    if (!pod || !pod.longRunning) return NOT_APPLICABLE;
    const reasons: string[] = [];
    for (const { container, list, label } of containersOf(pod.spec)) {
      // Plain init containers run to completion; sidecars (restartPolicy Always) keep running.
      if (list === 'ephemeralContainers' || (list === 'initContainers' && container.restartPolicy !== 'Always')) continue;
      const missing = [!container.livenessProbe && 'livenessProbe', !container.readinessProbe && 'readinessProbe'].filter(Boolean);
      if (missing.length) reasons.push(`${label} has no ${missing.join(' or ')}`);
    }
    return complianceOf(reasons);
  },
};
