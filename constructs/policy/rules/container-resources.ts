import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type PolicyRule } from '../rule.js';
import { containersOf, podTemplateOf } from '../workload.js';

/** CPU and memory requests and a memory limit on every container. */
export const containerResources: PolicyRule = {
  id: RuleIds.resources,
  level: 'error',
  description: 'Containers request CPU and memory and limit memory.',
  explanation:
    'Without requests the scheduler packs a small cluster until nodes thrash; without a memory limit one leaking MCP server can take the node down. ' +
    'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.',
  check(manifest) {
    const pod = podTemplateOf(manifest);
    if (!pod) return NOT_APPLICABLE;
    const reasons: string[] = [];
    for (const { container, label, list } of containersOf(pod.spec)) {
      if (list === 'ephemeralContainers') continue;
      const missing = [
        container.resources?.requests?.cpu === undefined && 'requests.cpu',
        container.resources?.requests?.memory === undefined && 'requests.memory',
        container.resources?.limits?.memory === undefined && 'limits.memory',
      ].filter(Boolean);
      if (missing.length) reasons.push(`${label} has no ${missing.join(', ')}`);
    }
    return complianceOf(reasons);
  },
};
