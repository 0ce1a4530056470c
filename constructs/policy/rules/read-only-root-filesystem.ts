import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type PolicyRule } from '../rule.js';
import { containersOf, podTemplateOf } from '../workload.js';

/** readOnlyRootFilesystem: true on every container. */
export const readOnlyRootFilesystem: PolicyRule = {
  id: RuleIds.readOnlyRootFilesystem,
  level: 'error',
  description: 'Containers have a read-only root filesystem.',
  explanation:
    'A writable root filesystem lets a compromised MCP server persist tools of its own in the image layer. ' +
    'Set securityContext.readOnlyRootFilesystem: true and mount emptyDir or PVC volumes where the process writes (HOME, caches, /tmp).',
  check(manifest) {
    const pod = podTemplateOf(manifest);
    if (!pod) return NOT_APPLICABLE;
    const reasons = containersOf(pod.spec)
      .filter(({ container, list }) => list !== 'ephemeralContainers' && container.securityContext?.readOnlyRootFilesystem !== true)
      .map(({ label }) => `${label} must set readOnlyRootFilesystem: true`);
    return complianceOf(reasons);
  },
};
