/**
 * The rendered change a discovery pull request states, checked against the whole platform: the shipped
 * default config rendered by stacks/workloads.ts with and without the file must differ in exactly the
 * objects and fields the service renders on its own, in the application folder it names.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Candidate } from '../../../services/discovery/src/model.js';
import { GATEWAY_APP_FOLDER, renderServerChange, type RenderedChange } from '../../../services/discovery/src/reconcile/rendered-change.js';
import { discoveredServerSpec } from '../../../services/discovery/src/reconcile/server-file.js';
import { parseMcpServer, type McpServerConfig, type PlatformConfig } from '../../../stacks/config.js';
import { DEFAULT_CONFIG, loadConfigFile } from '../../../stacks/load-config.js';
import { Workloads } from '../../../stacks/workloads.js';

const candidate: Candidate = {
  name: 'billing',
  namespace: 'finance',
  source: 'service',
  object: 'Service finance/billing',
  transport: 'streamable-http',
  service: { name: 'billing-mcp', namespace: 'finance', port: 9000, targetPort: 'mcp' },
  host: '10.43.0.20',
  port: 9000,
  path: '/v1/mcp',
  capabilities: ['tools'],
};
const server: McpServerConfig = parseMcpServer(JSON.parse(JSON.stringify(discoveredServerSpec(candidate, { transport: candidate.transport, tools: [{ name: 'charge', description: '' }] }))), 'billing.ts');

type Manifest = Record<string, any>;
const key = (o: Manifest) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;

function renderedApp(config: PlatformConfig, folder: string): Map<string, Manifest> {
  const chart = new Workloads(config).charts.get(folder);
  if (!chart) throw new Error(`the platform renders no folder ${folder}`);
  return new Map((chart.toJson() as Manifest[]).map((o) => [key(o), o]));
}

describe('the rendered change of a discovered server', () => {
  let config: PlatformConfig;
  let change: RenderedChange;

  beforeAll(async () => {
    config = await loadConfigFile(DEFAULT_CONFIG);
    change = await renderServerChange(server, { namespace: config.namespace });
  }, 60_000);

  it('names the folder of the application that renders the gateway', () => {
    const objects = renderedApp(config, GATEWAY_APP_FOLDER);
    expect(objects.has(`Deployment ${config.namespace}/mcp-gateway`)).toBe(true);
  });

  it('GIVEN the whole default platform with and without the file THEN exactly the stated objects change, in the stated fields', () => {
    const before = renderedApp(config, GATEWAY_APP_FOLDER);
    const after = renderedApp({ ...config, mcpServers: [...config.mcpServers, server] }, GATEWAY_APP_FOLDER);
    const differing = [...after].filter(([id, o]) => JSON.stringify(before.get(id)) !== JSON.stringify(o)).map(([id]) => id);
    expect(differing.sort()).toEqual(change.objects.map((o) => `${o.kind} ${o.namespace}/${o.name}`).sort());
    expect([...before.keys()].filter((id) => !after.has(id))).toEqual([]);
    for (const object of change.objects) {
      const id = `${object.kind} ${object.namespace}/${object.name}`;
      for (const field of object.fields) {
        const parts = [...field.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[("(?:[^"\\]|\\.)*")\]/g)].map((m) => m[1] ?? JSON.parse(m[2]!));
        const read = (o: Manifest) => parts.reduce((v: any, part) => v?.[part], o);
        expect([id, field, JSON.stringify(read(before.get(id)!))]).not.toEqual([id, field, JSON.stringify(read(after.get(id)!))]);
      }
    }
  });

  it("GIVEN the whole default platform THEN its gateway has the stated route, target and egress rule", () => {
    const after = renderedApp({ ...config, mcpServers: [...config.mcpServers, server] }, GATEWAY_APP_FOLDER);
    const gatewayConfig = JSON.parse(after.get(`ConfigMap ${config.namespace}/mcp-gateway-config`)!.data['config.json']);
    const route = gatewayConfig.routes.find((r: Manifest) => r.name === change.route.name);
    expect(route.matches).toEqual([{ path: { pathPrefix: '/mcp/billing' } }]);
    expect(route.backends[0].mcp.targets).toEqual([{ name: 'billing', mcp: { host: 'billing-mcp.finance.svc.cluster.local', port: 9000, path: '/v1/mcp' } }]);
    expect(change.route).toEqual({
      name: 'mcp-server-billing',
      path: '/mcp/billing',
      aggregateRoute: 'mcp-aggregate',
      aggregatePath: '/mcp',
      target: { name: 'billing', kind: 'mcp', host: 'billing-mcp.finance.svc.cluster.local', port: 9000, path: '/v1/mcp' },
    });
    const aggregate = gatewayConfig.routes.find((r: Manifest) => r.name === 'mcp-aggregate');
    expect(aggregate.backends[0].mcp.targets).toContainEqual(route.backends[0].mcp.targets[0]);
    const policy = after.get(`NetworkPolicy ${config.namespace}/mcp-gateway`)!;
    expect(change.egress).toEqual([{ ports: [{ port: 'mcp', protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'finance' } } }] }]);
    expect(policy.spec.egress).toContainEqual(change.egress[0]);
    expect(change.serverTools).toBe(1);
  });

  it('GIVEN a server the constructs reject THEN rendering fails with their message', async () => {
    await expect(renderServerChange({ ...server, port: 0 }, { namespace: 'mcp-system' })).rejects.toThrow(/port/);
  });
});
