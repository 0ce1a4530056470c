import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type Manifest, type PolicyRule } from '../rule.js';
import { containersOf, podTemplateOf } from '../workload.js';

/**
 * Taint keys that mark GPU nodes, with the vendor's resource prefix: a pod deserves the node when it
 * requests any of the vendor's GPU resources (a whole GPU, or a MIG slice such as nvidia.com/mig-3g.20gb).
 */
const GPU_TAINTS: Readonly<Record<string, string>> = { 'nvidia.com/gpu': 'nvidia.com/', 'amd.com/gpu': 'amd.com/' };

/** Does this toleration let a pod onto nodes tainted with `key`? (A key-less Exists tolerates every taint.) */
function tolerates(toleration: Manifest, key: string): boolean {
  if (toleration.key === undefined || toleration.key === '') return toleration.operator === 'Exists';
  return toleration.key === key;
}

/** Only pods that request a GPU tolerate the GPU taint. */
export const gpuToleration: PolicyRule = {
  id: RuleIds.gpuToleration,
  level: 'error',
  description: 'Only pods that request a GPU tolerate the GPU node taint.',
  explanation:
    'GPU nodes are tainted so that ordinary pods stay off them; a pod that tolerates the taint without requesting a GPU can take the ' +
    'node\'s CPU and memory from the model server, or block it from scheduling. Remove the toleration, or request the GPU resource.',
  check(manifest) {
    const pod = podTemplateOf(manifest);
    if (!pod) return NOT_APPLICABLE;
    const tolerations = (pod.spec.tolerations ?? []) as Manifest[];
    const reasons: string[] = [];
    for (const [taint, prefix] of Object.entries(GPU_TAINTS)) {
      if (!tolerations.some((t) => tolerates(t, taint))) continue;
      const requests = containersOf(pod.spec).some(({ container }) => {
        const r = container.resources ?? {};
        return Object.entries({ ...r.requests, ...r.limits }).some(([name, count]) => name.startsWith(prefix) && Number(count) > 0);
      });
      if (!requests) reasons.push(`pod tolerates the ${taint} taint but no container requests a GPU resource (${prefix}*)`);
    }
    return complianceOf(reasons);
  },
};
