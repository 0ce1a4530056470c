import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type PolicyRule } from '../rule.js';

/** Set by McpGateway on its ConfigMap (constructs/gateway/mcp-gateway.ts). */
const BUDGET = 'mcp-platform.dev/tool-budget';
const ENDPOINT_TOOLS = 'mcp-platform.dev/endpoint-tools';
const UNKNOWN_TOOLS = 'mcp-platform.dev/endpoint-unknown-tools';

/**
 * A warning for every gateway endpoint that exposes more tools than the budget, and for every endpoint
 * whose tools are not all known: counting an unknown list as zero would pass a budget nobody checked.
 */
export const gatewayToolBudget: PolicyRule = {
  id: RuleIds.toolBudget,
  level: 'warning',
  description: 'No gateway endpoint exposes more tools than the tool budget.',
  explanation:
    'Small models choose badly among many tools: past a few dozen, they call the wrong one or none. Point such clients at a ' +
    'per-server endpoint (/mcp/<server>), route fewer servers, or raise gateway.toolBudget if your model copes. A server that ' +
    'declares no tools and has no preflight record makes the count unknown: run `npm run preflight -- --write-tools`, or ' +
    'declare its `tools` in the config.',
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
    let unknown: Record<string, string[]> = {};
    if (annotations[UNKNOWN_TOOLS] !== undefined) {
      try {
        unknown = JSON.parse(annotations[UNKNOWN_TOOLS]);
      } catch {
        return complianceOf([`annotation ${UNKNOWN_TOOLS} is not JSON`]);
      }
      const valid = unknown !== null && typeof unknown === 'object' && !Array.isArray(unknown) && Object.values(unknown).every((names) => Array.isArray(names) && names.every((n) => typeof n === 'string'));
      if (!valid) return complianceOf([`annotation ${UNKNOWN_TOOLS} must map endpoints to lists of server names`]);
    }
    // A server's own endpoint says nothing more when an aggregate endpoint already names the server.
    const named = (endpoint: string, server: string) => Object.entries(unknown).some(([other, servers]) => other !== endpoint && servers.includes(server));
    const reasons = Object.entries(counts).flatMap(([endpoint, count]) => {
      const servers = unknown[endpoint] ?? [];
      if (count > budget) return [`endpoint ${endpoint} exposes ${servers.length ? 'at least ' : ''}${count} tools, over the budget of ${budget}`];
      if (!servers.length || (servers.length === 1 && endpoint.endsWith(`/${servers[0]}`) && named(endpoint, servers[0]))) return [];
      return [`endpoint ${endpoint}: the budget of ${budget} cannot be checked, the tools of ${servers.join(', ')} are unknown (${count} known)`];
    });
    return complianceOf(reasons);
  },
};
