import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type PolicyRule } from '../rule.js';

/** Set by McpGateway on its ConfigMap (constructs/gateway/mcp-gateway.ts). */
const BUDGET = 'mcp-platform.dev/tool-budget';
const ENDPOINT_TOOLS = 'mcp-platform.dev/endpoint-tools';

/** A warning for every gateway endpoint that exposes more tools than the budget. */
export const gatewayToolBudget: PolicyRule = {
  id: RuleIds.toolBudget,
  level: 'warning',
  description: 'No gateway endpoint exposes more tools than the tool budget.',
  explanation:
    'Small models choose badly among many tools: past a few dozen, they call the wrong one or none. Point such clients at a ' +
    'per-server endpoint (/mcp/<server>), route fewer servers, or raise gateway.toolBudget if your model copes.',
  check(manifest) {
    const annotations = manifest.metadata?.annotations ?? {};
    if (manifest.kind !== 'ConfigMap' || annotations[BUDGET] === undefined || annotations[ENDPOINT_TOOLS] === undefined) return NOT_APPLICABLE;
    const budget = Number(annotations[BUDGET]);
    if (!Number.isInteger(budget) || budget < 1) return complianceOf([`annotation ${BUDGET} must be a positive whole number, got ${JSON.stringify(annotations[BUDGET])}`]);
    let counts: Record<string, number>;
    try {
      counts = JSON.parse(annotations[ENDPOINT_TOOLS]);
    } catch {
      return complianceOf([`annotation ${ENDPOINT_TOOLS} is not JSON`]);
    }
    if (counts === null || typeof counts !== 'object' || Array.isArray(counts)) return complianceOf([`annotation ${ENDPOINT_TOOLS} must map endpoints to tool counts`]);
    const reasons = Object.entries(counts)
      .filter(([, count]) => count > budget)
      .map(([endpoint, count]) => `endpoint ${endpoint} exposes ${count} tools, over the budget of ${budget}`);
    return complianceOf(reasons);
  },
};
