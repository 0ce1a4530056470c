import { describe, expect, it } from '@jest/globals';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AGGREGATE_ROUTE_NAME, serverRouteName, validateAgentgatewayConfig } from '../../../constructs/gateway/agentgateway-config.js';
import { DEFAULT_AGENTGATEWAY_IMAGE, McpGateway, type McpGatewayProps } from '../../../constructs/gateway/mcp-gateway.js';
import { componentSelector } from '../../../constructs/labels.js';
import { McpServer, type McpServerProps } from '../../../constructs/mcp/mcp-server.js';
import { apiObjectsOf, checkPolicies } from '../../../constructs/policy/policy-checker.js';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { PRIVATE_IPV4_RANGES } from '../../../constructs/workloads/pod-network-policy.js';
import { only, render, testApp, testChart } from '../../support/charts.js';

const NAMESPACE = 'mcp-system';
const CLIENTS = [{ podLabels: componentSelector('mcp-gateway') }, { podLabels: componentSelector('mcp-discovery') }];
const AUTH = { kind: 'jwt', issuer: 'https://auth.example.com/realms/mcp', audiences: ['mcp-gateway'], jwksUrl: 'https://auth.example.com/realms/mcp/certs' } as const;

/** A standalone stdio server from npm on 9000, with two declared tools. */
const alpha = (scope: Construct, id = 'alpha', props: Partial<McpServerProps> = {}) =>
  new McpServer(scope, id, {
    namespace: NAMESPACE,
    name: 'alpha',
    flavour: 'standalone',
    transport: 'stdio',
    source: { npm: { package: '@modelcontextprotocol/server-everything', version: '2026.8.31', bin: 'mcp-server-everything' } },
    args: ['stdio'],
    port: 9000,
    tools: ['echo', 'add'],
    clients: CLIENTS,
    ...props,
  });

/** A ToolHive SSE server from an image, served by its proxy on 8080, with no declared tools. */
const beta = (scope: Construct, id = 'beta') =>
  new McpServer(scope, id, {
    namespace: NAMESPACE,
    name: 'beta',
    flavour: 'toolhive',
    transport: 'sse',
    source: { image: 'ghcr.io/example/beta-mcp:2.0.0' },
    port: 3000,
    clients: CLIENTS,
    apiServer: { cidrs: ['192.168.10.5/32'] },
  });

/** A chart with alpha and beta, then the gateway. */
function renderGateway(props: Partial<McpGatewayProps> = {}) {
  const chart = testChart();
  alpha(chart);
  beta(chart);
  const gateway = new McpGateway(chart, 'gateway', { namespace: NAMESPACE, ...props });
  return { chart, gateway, objects: render(chart) };
}

type Route = { name: string; matches: { path: Record<string, string> }[]; backends: { mcp: { targets: Record<string, any>[] } }[] };
const routesOf = (config: Record<string, unknown>) => config.routes as Route[];
const configOf = (objects: Manifest[]): Record<string, any> => JSON.parse(only(objects, 'ConfigMap', 'mcp-gateway-config').data['config.json']);
const configHash = (objects: Manifest[]): string => only(objects, 'Deployment', 'mcp-gateway').spec.template.metadata.annotations['mcp-platform.dev/config-hash'];
const gatewayPolicy = (objects: Manifest[]) => only(objects, 'NetworkPolicy', 'mcp-gateway').spec;
const inNamespace = (podLabels: Record<string, string>) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACE } }, podSelector: { matchLabels: podLabels } });

describe('McpGateway routes', () => {
  it('routes to every MCP server of its chart, one route each and one aggregate', () => {
    // GIVEN two servers, one of them nested in a construct of its own, then the gateway
    const chart = testChart();
    alpha(new Construct(chart, 'team'));
    beta(chart);
    const gateway = new McpGateway(chart, 'gateway', { namespace: NAMESPACE });
    // WHEN rendered
    const config = configOf(render(chart));
    // THEN each server has its route and the aggregate reaches both, at their Service, port and path
    expect(routesOf(config).map((r) => [r.name, r.matches[0].path])).toEqual([
      [serverRouteName('alpha'), { pathPrefix: '/mcp/alpha' }],
      [serverRouteName('beta'), { pathPrefix: '/mcp/beta' }],
      [AGGREGATE_ROUTE_NAME, { exact: '/mcp' }],
    ]);
    expect(routesOf(config).find((r) => r.name === AGGREGATE_ROUTE_NAME)!.backends[0].mcp.targets).toEqual([
      { name: 'alpha', mcp: { host: 'alpha.mcp-system.svc.cluster.local', port: 9000, path: '/mcp' } },
      { name: 'beta', sse: { host: 'mcp-beta-proxy.mcp-system.svc.cluster.local', port: 8080, path: '/sse' } },
    ]);
    expect(config).toEqual(gateway.config);
  });

  it('does not route to the servers of another chart', () => {
    const app = testApp();
    const servers = new Chart(app, 'servers', { namespace: NAMESPACE });
    alpha(servers);
    const chart = new Chart(app, 'gateway', { namespace: NAMESPACE, disableResourceNameHashes: true });
    beta(chart);
    const gateway = new McpGateway(chart, 'gateway', { namespace: NAMESPACE });
    expect(routesOf(gateway.config).map((r) => r.name)).toEqual([serverRouteName('beta'), AGGREGATE_ROUTE_NAME]);
  });

  it('routes only to the named servers when routes are given', () => {
    const { objects } = renderGateway({ routes: ['alpha'] });
    expect(routesOf(configOf(objects)).map((r) => r.name)).toEqual([serverRouteName('alpha'), AGGREGATE_ROUTE_NAME]);
    expect(gatewayPolicy(objects).egress).toEqual([{ to: [inNamespace({ 'app.kubernetes.io/name': 'alpha', 'app.kubernetes.io/instance': 'alpha', 'app.kubernetes.io/part-of': 'mcp-platform' })], ports: [{ protocol: 'TCP', port: 9000 }] }]);
  });

  it('writes a config that matches agentgateway schema, with metrics on 15020 and readiness on 15021', () => {
    const config = configOf(renderGateway().objects);
    expect(validateAgentgatewayConfig(config)).toEqual([]);
    expect(config.config).toEqual({ statsAddr: '0.0.0.0:15020', readinessAddr: '0.0.0.0:15021' });
    expect(config.gateways).toEqual({ mcp: { port: 8080 } });
  });

  it('fails synth on a route to a server that does not exist, naming the route and the servers', () => {
    // GIVEN routes naming a server the app does not have
    const chart = testChart();
    alpha(chart);
    beta(chart);
    const gateway = new McpGateway(chart, 'gateway', { namespace: NAMESPACE, routes: ['alpha', 'nope'] });
    // WHEN validated THEN the route and the existing servers are named
    const message = 'route "nope" names no MCP server in this app (servers: alpha, beta)';
    expect(gateway.node.validate()).toEqual([message]);
    expect(() => render(chart)).toThrow(`[test/gateway] ${message}`);
  });

  it('says so when a route is given and the app has no servers', () => {
    const gateway = new McpGateway(testChart(), 'gateway', { namespace: NAMESPACE, routes: ['nope'] });
    expect(gateway.node.validate()).toEqual(['route "nope" names no MCP server in this app (it has no servers)']);
  });

  it('fails synth on two servers with one name, naming both construct paths', () => {
    // GIVEN two servers named "alpha" under two parents
    const chart = testChart();
    alpha(new Construct(chart, 'team-a'));
    alpha(new Construct(chart, 'team-b'), 'alpha', { port: 9001 });
    const gateway = new McpGateway(chart, 'gateway', { namespace: NAMESPACE });
    // WHEN validated THEN both places are named
    expect(gateway.node.validate()).toEqual([
      'two MCP servers are named "alpha": test/team-a/alpha and test/team-b/alpha; names must be unique (they name the Service and the route)',
    ]);
    expect(() => render(chart)).toThrow('two MCP servers are named "alpha": test/team-a/alpha and test/team-b/alpha');
  });

  it('fails synth on a server created after the gateway, which it could not route', () => {
    const chart = testChart();
    alpha(chart);
    const gateway = new McpGateway(chart, 'gateway', { namespace: NAMESPACE });
    beta(chart, 'late');
    expect(gateway.node.validate()).toEqual(['MCP servers created after the gateway are not routed: test/late; create the servers first']);
    expect(() => render(chart)).toThrow('MCP servers created after the gateway are not routed: test/late');
  });
});

describe('McpGateway workload', () => {
  it('applies every documented default', () => {
    // GIVEN only the namespace WHEN rendered
    const { objects } = renderGateway();
    const deployment = only(objects, 'Deployment', 'mcp-gateway');
    const container = deployment.spec.template.spec.containers[0];
    // THEN two replicas of the pinned agentgateway with its PDB, ClusterIP, budget 40, default resources
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe(DEFAULT_AGENTGATEWAY_IMAGE);
    expect(DEFAULT_AGENTGATEWAY_IMAGE).toBe('ghcr.io/agentgateway/agentgateway:v1.4.1');
    expect(container.args).toEqual(['-f', '/config/config.json']);
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz/ready', port: 15021 });
    expect(only(objects, 'PodDisruptionBudget', 'mcp-gateway').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: componentSelector('mcp-gateway') } });
    expect(only(objects, 'Service', 'mcp-gateway').spec.type).toBe('ClusterIP');
    expect(only(objects, 'Service', 'mcp-gateway').spec).not.toHaveProperty('loadBalancerIP');
    expect(only(objects, 'ConfigMap').metadata.annotations['mcp-platform.dev/tool-budget']).toBe('40');
    expect(only(objects, 'ServiceAccount', 'mcp-gateway').automountServiceAccountToken).toBe(false);
  });

  it('renders no PodDisruptionBudget for one replica', () => {
    expect(renderGateway({ replicas: 1 }).objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  it('serves MCP and metrics on the Service, and a LoadBalancer at a fixed address when asked', () => {
    const { objects } = renderGateway({ name: 'edge', service: { type: 'LoadBalancer', loadBalancerIP: '192.168.10.40' } });
    const service = only(objects, 'Service', 'edge');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.loadBalancerIP).toBe('192.168.10.40');
    expect(service.spec.selector).toEqual(componentSelector('mcp-gateway'));
    expect(service.spec.ports).toEqual([
      { name: 'mcp', port: 8080, targetPort: 'mcp', protocol: 'TCP', appProtocol: 'agentgateway.dev/mcp' },
      { name: 'metrics', port: 15020, targetPort: 'metrics', protocol: 'TCP' },
    ]);
  });

  it('rejects an unpinned image', () => {
    expect(() => renderGateway({ image: 'ghcr.io/agentgateway/agentgateway:latest' })).toThrow(
      'McpGateway gateway:\n  - image "ghcr.io/agentgateway/agentgateway:latest" must not use the latest tag: pin a version so every node runs the same code',
    );
  });

  it('rolls the pods when the config changes: the config hash follows the servers', () => {
    // GIVEN the same gateway over one server, then over two
    const one = testChart();
    alpha(one);
    new McpGateway(one, 'gateway', { namespace: NAMESPACE });
    const before = configHash(render(one));
    // WHEN a server is added THEN the hash changes; the same servers give the same hash
    expect(configHash(renderGateway().objects)).not.toBe(before);
    expect(configHash(renderGateway().objects)).toBe(configHash(renderGateway().objects));
    expect(before).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('McpGateway NetworkPolicy', () => {
  it('admits the private ranges on 8080 by default, and only the given CIDRs when allowFrom is set', () => {
    expect(gatewayPolicy(renderGateway().objects).ingress).toEqual([
      { from: PRIVATE_IPV4_RANGES.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    expect(gatewayPolicy(renderGateway({ allowFrom: ['192.168.10.0/24'] }).objects).ingress).toEqual([
      { from: [{ ipBlock: { cidr: '192.168.10.0/24' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
  });

  it('lets the gateway reach each server pods on their serving port, and nothing else', () => {
    const policy = gatewayPolicy(renderGateway().objects);
    expect(policy.podSelector).toEqual({ matchLabels: componentSelector('mcp-gateway') });
    expect(policy.egress).toEqual([
      { to: [inNamespace({ 'app.kubernetes.io/name': 'alpha', 'app.kubernetes.io/instance': 'alpha', 'app.kubernetes.io/part-of': 'mcp-platform' })], ports: [{ protocol: 'TCP', port: 9000 }] },
      { to: [inNamespace({ 'toolhive-name': 'beta' })], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
  });

  it('reaches the internet on 443 (for the signing keys) only with auth', () => {
    const egress = gatewayPolicy(renderGateway({ auth: AUTH }).objects).egress;
    expect(egress).toHaveLength(3);
    expect(egress[2]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_IPV4_RANGES] } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(renderGateway({ auth: AUTH }).objects.filter((o) => o.kind === 'CiliumNetworkPolicy')).toEqual([]);
  });

  it('on Cilium reaches only the JWKS host, by name and on the port of its URL', () => {
    const { objects } = renderGateway({ auth: { ...AUTH, jwksUrl: 'https://auth.example.com:8443/realms/mcp/certs' }, network: { cni: 'cilium' } });
    expect(gatewayPolicy(objects).egress).toHaveLength(2);
    expect(only(objects, 'CiliumNetworkPolicy', 'mcp-gateway').spec.egress[1]).toEqual({
      toFQDNs: [{ matchName: 'auth.example.com' }],
      toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }],
    });
    // AND without auth the gateway calls nothing outside the cluster
    expect(renderGateway({ network: { cni: 'cilium' } }).objects.filter((o) => o.kind === 'CiliumNetworkPolicy')).toEqual([]);
  });
});

describe('McpGateway JWKS egress', () => {
  it('reaches a JWKS URL on an address by that address, on every network (a DNS-name rule never matches one)', () => {
    for (const network of [undefined, { cni: 'cilium' } as const]) {
      const { objects } = renderGateway({ auth: { ...AUTH, jwksUrl: 'http://192.168.10.5:8080/realms/mcp/certs' }, network });
      expect(gatewayPolicy(objects).egress[2]).toEqual({ to: [{ ipBlock: { cidr: '192.168.10.5/32' } }], ports: [{ protocol: 'TCP', port: 8080 }] });
      expect(objects.filter((o) => o.kind === 'CiliumNetworkPolicy')).toEqual([]);
    }
  });

  it('reaches the addresses of jwksCidrs instead of the name, on Cilium too', () => {
    const { objects } = renderGateway({ auth: { ...AUTH, jwksUrl: 'https://keycloak.lan/certs' }, jwksCidrs: ['192.168.10.6/32'], network: { cni: 'cilium' } });
    expect(gatewayPolicy(objects).egress[2]).toEqual({ to: [{ ipBlock: { cidr: '192.168.10.6/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(objects.filter((o) => o.kind === 'CiliumNetworkPolicy')).toEqual([]);
  });

  it('reaches an identity provider inside the cluster at its pods, on the port they listen on, on every network', () => {
    const auth = { ...AUTH, jwksUrl: 'http://keycloak.auth.svc:80/realms/mcp/certs' };
    const jwksPods = { namespace: 'auth', podLabels: { 'app.kubernetes.io/name': 'keycloak' }, port: 8080 };
    for (const network of [undefined, { cni: 'cilium' } as const]) {
      const { objects } = renderGateway({ auth, jwksPods, network });
      expect(gatewayPolicy(objects).egress).toContainEqual({
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'keycloak' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'auth' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      });
      expect(JSON.stringify(objects)).not.toContain('keycloak.auth.svc"');
      expect(JSON.stringify(gatewayPolicy(objects).egress)).not.toContain('"port":80}');
    }
  });

  it('refuses jwksPods that cannot be a rule, beside jwksCidrs, without auth, or for a host outside the cluster', () => {
    const auth = { ...AUTH, jwksUrl: 'http://keycloak.auth.svc:8080/certs' };
    const pods = { namespace: 'auth', podLabels: { app: 'keycloak' }, port: 8080 };
    expect(() => renderGateway({ auth, jwksPods: { ...pods, podLabels: {} } })).toThrow(
      "  - jwksPods.podLabels must name at least one label of the identity provider's pods (the Service's selector): an empty selector would allow every pod of the namespace",
    );
    expect(() => renderGateway({ auth, jwksPods: { ...pods, port: 0 } })).toThrow('  - jwksPods.port must be a port number (1-65535), got 0');
    expect(() => renderGateway({ auth, jwksPods: pods, jwksCidrs: ['192.168.10.6/32'] })).toThrow(
      '  - jwksPods and jwksCidrs are both set: a Service inside the cluster is reached by its pods, a LAN host by its addresses; keep one',
    );
    expect(() => renderGateway({ jwksPods: pods })).toThrow("  - jwksPods is set without auth: the pods are those behind auth.jwksUrl's Service; set auth or leave jwksPods out");
    expect(() => renderGateway({ auth: AUTH, jwksPods: pods })).toThrow(
      '  - auth.jwksUrl: "auth.example.com" is not a Service inside the cluster, which is what jwksPods is for: leave jwksPods out (or use jwksCidrs for a LAN host)',
    );
  });

  it('refuses a LAN JWKS host off Cilium without jwksCidrs, a Service name, a bad CIDR and jwksCidrs without auth', () => {
    const lan = { ...AUTH, jwksUrl: 'https://keycloak.lan/certs' };
    expect(() => renderGateway({ auth: lan })).toThrow(
      `McpGateway gateway:\n  - auth.jwksUrl: "keycloak.lan" resolves on the LAN, and without Cilium's DNS-name rules (cluster.cni "cilium") the policy can only allow internet addresses, the private ranges excluded: list the host's addresses in jwksCidrs`,
    );
    expect(() => renderGateway({ auth: { ...AUTH, jwksUrl: 'https://keycloak.auth.svc.cluster.local/certs' }, network: { cni: 'cilium' } })).toThrow(
      '  - auth.jwksUrl: "keycloak.auth.svc.cluster.local" is a Service inside the cluster: egress is matched on the pods behind it; name them in jwksPods',
    );
    expect(() => renderGateway({ auth: lan, jwksCidrs: ['192.168.10.300/32'] })).toThrow('  - jwksCidrs: "192.168.10.300/32" is not an IPv4 CIDR such as "192.168.10.5/32"');
    expect(() => renderGateway({ jwksCidrs: ['192.168.10.6/32'] })).toThrow(
      "  - jwksCidrs is set without auth: the addresses are those of auth.jwksUrl's host; set auth or leave jwksCidrs out",
    );
  });
});

describe('McpGateway tool budget', () => {
  it('counts declared tools, then the known tools of servers that declare none, per endpoint', () => {
    // GIVEN alpha declaring two tools and beta known (from preflight) to have three
    const { gateway, objects } = renderGateway({ toolBudget: 4, knownTools: { beta: ['a', 'b', 'c'], alpha: ['ignored'] } });
    // THEN the aggregate carries all five and each server endpoint its own
    const expected = { '/mcp': 5, '/mcp/alpha': 2, '/mcp/beta': 3 };
    expect(gateway.endpointTools).toEqual(expected);
    const annotations = only(objects, 'ConfigMap').metadata.annotations;
    expect(JSON.parse(annotations['mcp-platform.dev/endpoint-tools'])).toEqual(expected);
    expect(annotations['mcp-platform.dev/tool-budget']).toBe('4');
  });

  it('counts a server with neither as unknown, not as having no tools', () => {
    // GIVEN beta declaring no tools and no preflight record for it
    const { gateway, objects } = renderGateway();
    // THEN its tools count as unknown on the aggregate and on its own endpoint, and only the known ones are counted
    expect(gateway.endpointTools).toEqual({ '/mcp': 2, '/mcp/alpha': 2, '/mcp/beta': 0 });
    expect(gateway.endpointUnknownTools).toEqual({ '/mcp': ['beta'], '/mcp/beta': ['beta'] });
    const annotations = only(objects, 'ConfigMap').metadata.annotations;
    expect(JSON.parse(annotations['mcp-platform.dev/endpoint-unknown-tools'])).toEqual({ '/mcp': ['beta'], '/mcp/beta': ['beta'] });
  });

  it("sets no unknown-tools annotation when every server's tools are known", () => {
    const { gateway, objects } = renderGateway({ knownTools: { beta: [] } });
    expect(gateway.endpointUnknownTools).toEqual({});
    expect(only(objects, 'ConfigMap').metadata.annotations).not.toHaveProperty(['mcp-platform.dev/endpoint-unknown-tools']);
  });

  it('warns that the budget cannot be checked while a tool list is unknown', () => {
    const { chart } = renderGateway();
    expect(checkPolicies(apiObjectsOf(chart)).findings.map((f) => [f.ruleId, f.level, f.reasons])).toEqual([
      ['MCP-GatewayToolBudget', 'warning', ['endpoint /mcp: the budget of 40 cannot be checked, the tools of beta are unknown (2 known)']],
    ]);
  });

  it('warns, without failing synth, when an endpoint is over budget', () => {
    const { chart } = renderGateway({ toolBudget: 1 });
    expect(checkPolicies(apiObjectsOf(chart)).findings).toEqual([
      {
        ruleId: 'MCP-GatewayToolBudget',
        level: 'warning',
        object: 'ConfigMap mcp-system/mcp-gateway-config',
        reasons: ['endpoint /mcp exposes at least 2 tools, over the budget of 1', 'endpoint /mcp/alpha exposes 2 tools, over the budget of 1'],
        path: 'test/gateway/Config',
      },
    ]);
  });
});

describe('McpGateway output', () => {
  it.each([
    ['by default', {}],
    ['with auth, a rate limit and a LoadBalancer', { auth: AUTH, rateLimit: { requestsPerMinute: 600 }, service: { type: 'LoadBalancer', loadBalancerIP: '192.168.10.40' } }],
  ] as [string, Partial<McpGatewayProps>][])('passes its schemas and every policy rule %s', (_, props) => {
    const validator = new SchemaValidator();
    const { chart, objects } = renderGateway({ ...props, knownTools: { beta: ['list'] } });
    expect(objects.flatMap((o) => validator.validate(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`))).toEqual([]);
    expect(checkPolicies(apiObjectsOf(chart)).findings).toEqual([]);
    expect(validateAgentgatewayConfig(configOf(objects))).toEqual([]);
  });
});
