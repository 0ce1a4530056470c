import { describe, expect, it } from '@jest/globals';
import { RuleIds } from '../../../../constructs/policy/rule-ids.js';
import { gatewayToolBudget } from '../../../../constructs/policy/rules/gateway-tool-budget.js';
import { configMap, type KubeObject } from '../../../support/manifests.js';

const check = (manifest: Parameters<typeof gatewayToolBudget.check>[0]) => gatewayToolBudget.check(manifest, { objects: [] });

/** The gateway's ConfigMap as McpGateway annotates it: the budget and the tools behind each endpoint. */
function gatewayConfigMap(budget: string, endpointTools: string, unknownTools?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'mcp-gateway-config',
      namespace: 'mcp-system',
      annotations: {
        'mcp-platform.dev/tool-budget': budget,
        'mcp-platform.dev/endpoint-tools': endpointTools,
        ...(unknownTools === undefined ? {} : { 'mcp-platform.dev/endpoint-unknown-tools': unknownTools }),
      },
    },
    data: { 'config.json': '{}' },
  };
}

describe('gateway tool budget rule', () => {
  it('is a warning under its id: a large tool list does not fail synth', () => {
    expect(gatewayToolBudget.id).toBe(RuleIds.toolBudget);
    expect(gatewayToolBudget.level).toBe('warning');
  });

  it('accepts a gateway whose every endpoint is within the budget', () => {
    // GIVEN a budget of 40 and endpoints at 40 and below WHEN checked THEN it passes
    expect(check(gatewayConfigMap('40', JSON.stringify({ '/mcp': 40, '/mcp/github': 25, '/mcp/proxmox': 15 })))).toEqual({ status: 'compliant' });
  });

  it('names each endpoint over the budget, with its count', () => {
    // GIVEN the aggregate and one server endpoint over a budget of 20
    const manifest = gatewayConfigMap('20', JSON.stringify({ '/mcp': 45, '/mcp/github': 30, '/mcp/proxmox': 15 }));
    // WHEN checked THEN both are named, the one under budget is not
    expect(check(manifest)).toEqual({
      status: 'non-compliant',
      reasons: ['endpoint /mcp exposes 45 tools, over the budget of 20', 'endpoint /mcp/github exposes 30 tools, over the budget of 20'],
    });
  });

  it('does not apply to objects without both annotations', () => {
    expect(check(configMap())).toEqual({ status: 'not-applicable' });
    const onlyBudget = { ...configMap(), metadata: { name: 'mcp-gateway-config', namespace: 'mcp-system', annotations: { 'mcp-platform.dev/tool-budget': '40' } } };
    expect(check(onlyBudget)).toEqual({ status: 'not-applicable' });
    const onlyTools = { ...configMap(), metadata: { name: 'mcp-gateway-config', annotations: { 'mcp-platform.dev/endpoint-tools': '{"/mcp": 99}' } } };
    expect(check(onlyTools)).toEqual({ status: 'not-applicable' });
    expect(check({ apiVersion: 'v1', kind: 'ConfigMap' })).toEqual({ status: 'not-applicable' });
    // the annotations on another kind are not the gateway's
    expect(check({ ...gatewayConfigMap('1', JSON.stringify({ '/mcp': 5 })), kind: 'Secret' })).toEqual({ status: 'not-applicable' });
  });

  it('reports an endpoint-tools annotation that is not JSON', () => {
    expect(check(gatewayConfigMap('40', '{"/mcp": 5'))).toEqual({ status: 'non-compliant', reasons: ['annotation mcp-platform.dev/endpoint-tools is not JSON'] });
  });

  it('reports a budget that is not a positive whole number, and tool counts that are not a map', () => {
    expect(check(gatewayConfigMap('forty', '{}'))).toEqual({
      status: 'non-compliant',
      reasons: ['annotation mcp-platform.dev/tool-budget must be a positive whole number, got "forty"'],
    });
    expect(check(gatewayConfigMap('40', '5'))).toEqual({ status: 'non-compliant', reasons: ['annotation mcp-platform.dev/endpoint-tools must map endpoints to tool counts'] });
  });

  it.each(['0', '-3', '2.5', ''])('reports a budget of %j', (budget) => {
    expect(check(gatewayConfigMap(budget, '{}'))).toEqual({
      status: 'non-compliant',
      reasons: [`annotation mcp-platform.dev/tool-budget must be a positive whole number, got ${JSON.stringify(budget)}`],
    });
  });

  it('accepts a budget of 1, the smallest, and holds an endpoint to it', () => {
    expect(check(gatewayConfigMap('1', JSON.stringify({ '/mcp': 1 })))).toEqual({ status: 'compliant' });
    expect(check(gatewayConfigMap('1', JSON.stringify({ '/mcp': 2 })))).toEqual({ status: 'non-compliant', reasons: ['endpoint /mcp exposes 2 tools, over the budget of 1'] });
  });

  it.each(['null', '[]', '[3]'])('reports endpoint tools of %s, which are not a map', (tools) => {
    expect(check(gatewayConfigMap('40', tools))).toEqual({ status: 'non-compliant', reasons: ['annotation mcp-platform.dev/endpoint-tools must map endpoints to tool counts'] });
  });

  it('says the budget cannot be checked on an endpoint with unknown tools, naming the servers and the known count', () => {
    // GIVEN github's tools unknown behind the aggregate and its own endpoint, proxmox's known
    const counts = JSON.stringify({ '/mcp': 15, '/mcp/github': 0, '/mcp/proxmox': 15 });
    const unknown = JSON.stringify({ '/mcp': ['github'], '/mcp/github': ['github'] });
    // THEN one reason for the aggregate; github's own endpoint adds nothing the aggregate does not say
    expect(check(gatewayConfigMap('40', counts, unknown))).toEqual({
      status: 'non-compliant',
      reasons: ['endpoint /mcp: the budget of 40 cannot be checked, the tools of github are unknown (15 known)'],
    });
  });

  it('names a server endpoint with unknown tools when no aggregate names the server', () => {
    const unknown = JSON.stringify({ '/mcp/github': ['github'] });
    expect(check(gatewayConfigMap('40', JSON.stringify({ '/mcp/github': 0 }), unknown))).toEqual({
      status: 'non-compliant',
      reasons: ['endpoint /mcp/github: the budget of 40 cannot be checked, the tools of github are unknown (0 known)'],
    });
  });

  it('names every unknown server of an endpoint, and a server endpoint with two unknown servers even when an aggregate names them', () => {
    const counts = JSON.stringify({ '/mcp': 3, '/mcp/github': 0 });
    const unknown = JSON.stringify({ '/mcp': ['github', 'proxmox'], '/mcp/github': ['github', 'proxmox'] });
    expect(check(gatewayConfigMap('40', counts, unknown))).toEqual({
      status: 'non-compliant',
      reasons: [
        'endpoint /mcp: the budget of 40 cannot be checked, the tools of github, proxmox are unknown (3 known)',
        'endpoint /mcp/github: the budget of 40 cannot be checked, the tools of github, proxmox are unknown (0 known)',
      ],
    });
  });

  it('names an endpoint that is not the server\'s own, though an aggregate names the server too', () => {
    // GIVEN github unknown behind /mcp and behind a team endpoint /mcp/team (not github's own endpoint)
    const unknown = JSON.stringify({ '/mcp': ['github'], '/mcp/team': ['github'] });
    // THEN both endpoints are named
    expect(check(gatewayConfigMap('40', JSON.stringify({ '/mcp': 1, '/mcp/team': 1 }), unknown))).toEqual({
      status: 'non-compliant',
      reasons: [
        'endpoint /mcp: the budget of 40 cannot be checked, the tools of github are unknown (1 known)',
        'endpoint /mcp/team: the budget of 40 cannot be checked, the tools of github are unknown (1 known)',
      ],
    });
  });

  it('names a server endpoint when the aggregate names a different server', () => {
    const unknown = JSON.stringify({ '/mcp': ['proxmox'], '/mcp/github': ['github'] });
    expect(check(gatewayConfigMap('40', JSON.stringify({ '/mcp': 0, '/mcp/github': 0 }), unknown))).toEqual({
      status: 'non-compliant',
      reasons: [
        'endpoint /mcp: the budget of 40 cannot be checked, the tools of proxmox are unknown (0 known)',
        'endpoint /mcp/github: the budget of 40 cannot be checked, the tools of github are unknown (0 known)',
      ],
    });
  });

  it('accepts an empty unknown-tools map', () => {
    expect(check(gatewayConfigMap('40', JSON.stringify({ '/mcp': 5 }), '{}'))).toEqual({ status: 'compliant' });
  });

  it('says "at least" for an endpoint over the budget on its known tools alone', () => {
    const unknown = JSON.stringify({ '/mcp': ['github'], '/mcp/github': ['github'] });
    expect(check(gatewayConfigMap('10', JSON.stringify({ '/mcp': 15, '/mcp/github': 0 }), unknown))).toEqual({
      status: 'non-compliant',
      reasons: ['endpoint /mcp exposes at least 15 tools, over the budget of 10'],
    });
  });

  it('reports an unknown-tools annotation that is not JSON or not a map of server lists', () => {
    expect(check(gatewayConfigMap('40', '{}', '{'))).toEqual({ status: 'non-compliant', reasons: ['annotation mcp-platform.dev/endpoint-unknown-tools is not JSON'] });
    for (const bad of ['[]', '{"/mcp": "github"}', '{"/mcp": [1]}', 'null', '5', '"github"', '{"/mcp": ["github", 1]}', '{"/mcp": ["github"], "/mcp/x": "x"}']) {
      expect(check(gatewayConfigMap('40', '{}', bad))).toEqual({
        status: 'non-compliant',
        reasons: ['annotation mcp-platform.dev/endpoint-unknown-tools must map endpoints to lists of server names'],
      });
    }
  });
});
