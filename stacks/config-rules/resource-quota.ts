/**
 * A namespace ResourceQuota that cannot hold the platform's own pods leaves them unschedulable: the API server
 * refuses every pod past the quota (the Deployment only reports "exceeded quota" in its events). This rule
 * adds up what the rendered objects ask for, in the platform namespace, and compares it with the quota.
 *
 * What is counted, per pod: each container's requests and memory limit, and an init container's when it is
 * larger (Kubernetes charges the larger of the two); a container that sets none gets the LimitRange defaults.
 * Pods come from Deployments and StatefulSets (× replicas), Jobs, CloudNativePG Clusters (× instances, with
 * spec.resources), Poolers (× instances), kmcp MCPServers (× spec.deployment.replicas, with
 * spec.deployment.resources) and ToolHive MCPServers (the server's pod with the podTemplateSpec container's
 * resources, and the proxy's pods with spec.resources: ToolHive v0.44.0 puts spec.resources on the proxy). The sums are steady state: a rolling update needs room for the
 * surge pods on top, which this rule does not count.
 */
import { parseQuantity } from '../../constructs/formats.js';
import type { PlatformConfig } from '../config.js';
import type { ConfigProblem } from '../config-problems.js';

type Manifest = Readonly<Record<string, any>>;

interface Need {
  cpu: number;
  memory: number;
  limitsMemory: number;
  pods: number;
  /** Containers with no request, which the quota refuses without LimitRange defaults. */
  unset: string[];
}

const quantity = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
};

/** The problems of `guardrails.resourceQuota` against the rendered objects; empty without a quota. */
export function resourceQuotaProblems(config: PlatformConfig, manifests: readonly Manifest[]): ConfigProblem[] {
  const quota = config.guardrails.resourceQuota;
  if (!quota) return [];
  const defaults = config.guardrails.limitRange;
  const need: Need = { cpu: 0, memory: 0, limitsMemory: 0, pods: 0, unset: [] };
  const addPod = (what: string, containers: readonly Manifest[], initContainers: readonly Manifest[], count: number) => {
    const charge = (list: readonly Manifest[], sum: boolean) => {
      const total = { cpu: 0, memory: 0, limitsMemory: 0 };
      for (const container of list) {
        const requests = container.resources?.requests ?? {};
        const limits = container.resources?.limits ?? {};
        if (requests.cpu === undefined && requests.memory === undefined && !defaults) need.unset.push(`${what}${container.name ? ` (${container.name})` : ''}`);
        // A request left out defaults to the limit when there is one, else to the LimitRange default.
        const cpu = quantity(requests.cpu) ?? quantity(limits.cpu) ?? quantity(defaults?.defaultRequestCpu) ?? 0;
        const memory = quantity(requests.memory) ?? quantity(limits.memory) ?? quantity(defaults?.defaultRequestMemory) ?? 0;
        const limitsMemory = quantity(limits.memory) ?? quantity(defaults?.defaultLimitMemory) ?? memory;
        if (sum) [total.cpu, total.memory, total.limitsMemory] = [total.cpu + cpu, total.memory + memory, total.limitsMemory + limitsMemory];
        else [total.cpu, total.memory, total.limitsMemory] = [Math.max(total.cpu, cpu), Math.max(total.memory, memory), Math.max(total.limitsMemory, limitsMemory)];
      }
      return total;
    };
    const main = charge(containers, true);
    const init = charge(initContainers, false);
    need.cpu += Math.max(main.cpu, init.cpu) * count;
    need.memory += Math.max(main.memory, init.memory) * count;
    need.limitsMemory += Math.max(main.limitsMemory, init.limitsMemory) * count;
    need.pods += count;
  };

  for (const m of manifests) {
    if ((m.metadata?.namespace ?? config.namespace) !== config.namespace) continue;
    const what = `${m.kind} ${m.metadata?.name}`;
    const group = String(m.apiVersion ?? '').split('/')[0];
    if (['Deployment', 'StatefulSet', 'Job'].includes(m.kind)) {
      const pod = m.spec?.template?.spec ?? {};
      addPod(what, pod.containers ?? [], pod.initContainers ?? [], m.kind === 'Job' ? 1 : (m.spec?.replicas ?? 1));
    } else if (m.kind === 'Cluster' && group === 'postgresql.cnpg.io') {
      addPod(what, [{ name: 'postgres', resources: m.spec?.resources }], [], m.spec?.instances ?? 1);
    } else if (m.kind === 'Pooler' && group === 'postgresql.cnpg.io') {
      addPod(what, m.spec?.template?.spec?.containers ?? [{ name: 'pgbouncer' }], [], m.spec?.instances ?? 1);
    } else if (m.kind === 'MCPServer' && group === 'kagent.dev') {
      // kmcp adds the init container copy-binary for a stdio server, with initContainer.resources.
      const init = m.spec?.transportType === 'stdio' ? [{ name: 'copy-binary', resources: m.spec?.deployment?.initContainer?.resources }] : [];
      addPod(what, [{ name: 'mcp-server', resources: m.spec?.deployment?.resources }], init, m.spec?.deployment?.replicas ?? 1);
    } else if (m.kind === 'MCPServer' && group === 'toolhive.stacklok.dev') {
      const mcp = (m.spec?.podTemplateSpec?.spec?.containers ?? []).find((c: Manifest) => c.name === 'mcp');
      addPod(what, [{ name: 'mcp', resources: mcp?.resources }], [], 1);
      addPod(`${what} proxy`, [{ name: 'toolhive', resources: m.spec?.resources }], [], m.spec?.replicas ?? 1);
    }
  }

  const problems: ConfigProblem[] = [];
  const fields: [keyof typeof quota, number, (n: number) => string][] = [
    ['requestsCpu', need.cpu, (n) => `${Math.ceil(n * 1000)}m`],
    ['requestsMemory', need.memory, (n) => `${Math.ceil(n / 2 ** 20)}Mi`],
    ['limitsMemory', need.limitsMemory, (n) => `${Math.ceil(n / 2 ** 20)}Mi`],
    ['pods', need.pods, (n) => String(n)],
  ];
  for (const [field, needed, shown] of fields) {
    const hard = field === 'pods' ? quota.pods : quantity(quota[field]);
    if (hard === undefined || needed <= hard + 1e-9) continue;
    problems.push({
      path: `guardrails.resourceQuota.${field}`,
      message:
        `${quota[field]} cannot hold the platform's own pods, which need ${shown(needed)} (${need.pods} pods): ` +
        `the API server would refuse the pods past it and they would never start; raise it to at least ${shown(needed)}, plus room for rolling updates`,
    });
  }
  if (need.unset.length) {
    problems.push({
      path: 'guardrails.limitRange',
      message:
        `is required with a resourceQuota: ${need.unset.slice(0, 3).join(', ')}${need.unset.length > 3 ? ` and ${need.unset.length - 3} more` : ''} ` +
        'set no requests (an operator creates those pods), and a quota on requests refuses such pods unless a LimitRange gives defaults',
    });
  }
  return problems;
}
