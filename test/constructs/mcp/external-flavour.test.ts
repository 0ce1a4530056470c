import { describe, expect, it } from '@jest/globals';
import { McpGateway } from '../../../constructs/gateway/mcp-gateway.js';
import { componentSelector } from '../../../constructs/labels.js';
import { McpServer, type McpServerProps } from '../../../constructs/mcp/mcp-server.js';
import { apiObjectsOf, checkPolicies } from '../../../constructs/policy/policy-checker.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { ConfigError, parseMcpServer } from '../../../stacks/config.js';
import { formatPreflight, preflight } from '../../../stacks/preflight/preflight.js';
import { only, render, testChart } from '../../support/charts.js';
import { errorOf } from '../../support/errors.js';

/** What the discovery service writes for a server another tool deployed (the example file). */
const ADGUARD = {
  name: 'adguard',
  flavour: 'external',
  transport: 'streamable-http',
  source: { service: { name: 'adguard-mcp', namespace: 'tools', targetPort: 3000 } },
  port: 8080,
  path: '/mcp',
  tools: ['get_status', 'list_filters'],
  capabilities: ['tools'],
} as const;

const CLIENTS = [{ podLabels: componentSelector('mcp-gateway') }, { podLabels: componentSelector('mcp-discovery') }];
const BASE: McpServerProps = { ...ADGUARD, namespace: 'mcp-system', clients: CLIENTS };

/** A chart with the external server (props overridden) and a gateway in front of it. */
function renderWithGateway(props: Partial<McpServerProps> = {}) {
  const chart = testChart();
  const server = new McpServer(chart, 'adguard', { ...BASE, ...props });
  new McpGateway(chart, 'gateway', { namespace: 'mcp-system', replicas: 1 });
  return { chart, server, objects: render(chart) };
}

function configProblemsOf(raw: unknown): readonly string[] {
  try {
    parseMcpServer(raw, 'stacks/servers/adguard.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the server to be rejected');
}

const NOT_A_WORKLOAD = 'does not apply: an external server is deployed by something else, and the platform renders no workload for it; remove it';

describe('McpServer, external', () => {
  it('renders nothing and points its endpoint at the given Service', () => {
    // GIVEN a server some other tool deployed behind Service tools/adguard-mcp WHEN rendered on its own
    const chart = testChart();
    const server = new McpServer(chart, 'adguard', BASE);
    // THEN no Deployment, operator resource, Service or policy: only the endpoint, in the Service's namespace
    expect(render(chart)).toEqual([]);
    expect(server.endpoint).toEqual({ serviceName: 'adguard-mcp', namespace: 'tools', port: 8080, path: '/mcp', transport: 'streamable-http' });
    expect(server.podLabels).toBeUndefined();
  });

  it('is routed by the gateway and counted against its tool budget', () => {
    const { objects } = renderWithGateway();
    const config = JSON.parse(only(objects, 'ConfigMap', 'mcp-gateway-config').data['config.json']);
    const route = config.routes.find((r: { name: string }) => r.name === 'mcp-server-adguard');
    expect(route.backends[0].mcp.targets[0].mcp).toMatchObject({ host: 'adguard-mcp.tools.svc.cluster.local', port: 8080, path: '/mcp' });
    expect(only(objects, 'ConfigMap', 'mcp-gateway-config').metadata.annotations['mcp-platform.dev/endpoint-tools']).toBe('{"/mcp":2,"/mcp/adguard":2}');
  });

  it('lets the gateway reach the pods of the Service namespace on the target port only', () => {
    // GIVEN the Service forwards 8080 to the pods' 3000 WHEN the gateway is rendered
    const { objects } = renderWithGateway();
    // THEN its egress names that namespace (any pod: their labels are not ours) on 3000, which is what the policy sees after forwarding
    expect(only(objects, 'NetworkPolicy', 'mcp-gateway').spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } } }], ports: [{ protocol: 'TCP', port: 3000 }] },
    ]);
  });

  it('allows the Service port when no target port is given, and a named target port as a name', () => {
    const egressPorts = (service: object) => only(renderWithGateway({ source: { service: { name: 'adguard-mcp', namespace: 'tools', ...service } } }).objects, 'NetworkPolicy', 'mcp-gateway').spec.egress[0].ports;
    expect(egressPorts({})).toEqual([{ protocol: 'TCP', port: 8080 }]);
    expect(egressPorts({ targetPort: 'mcp-http' })).toEqual([{ protocol: 'TCP', port: 'mcp-http' }]);
  });

  it('leaves a gateway in front of it valid against the schemas and the policy pack', () => {
    const { chart, objects } = renderWithGateway();
    const validator = new SchemaValidator();
    expect(objects.flatMap((o) => validator.validate(o))).toEqual([]);
    expect(checkPolicies(apiObjectsOf(chart)).findings).toEqual([]);
  });

  it('serves SSE at /sse by default', () => {
    const { server } = renderWithGateway({ transport: 'sse', path: undefined });
    expect(server.endpoint).toMatchObject({ path: '/sse', transport: 'sse' });
  });

  it.each([
    ['a stdio transport', { transport: 'stdio' }, 'transport must be "streamable-http" or "sse" for an external server: a stdio server has no network endpoint to route to'],
    ['no port', { port: undefined }, 'port is required for an external server: the port of its Service that clients call'],
    ['a code source', { source: { image: 'ghcr.io/example/adguard-mcp:1.0.0' } }, 'source must be { service: { name, namespace } } for an external server: the Service that already serves it'],
    [
      'a Service name that is not a DNS-1123 label',
      { source: { service: { name: 'AdGuard', namespace: 'tools' } } },
      `source.service.name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit), got "AdGuard"`,
    ],
    [
      'a Service name that starts with a digit (Service names are DNS-1035 labels)',
      { source: { service: { name: '1svc', namespace: 'tools' } } },
      'source.service.name must start with a letter: a Service name is a DNS-1035 label, so no Service "1svc" can exist',
    ],
    [
      'a target port that is neither a number nor a port name',
      { source: { service: { name: 'adguard-mcp', namespace: 'tools', targetPort: 'Http_Port' } } },
      'source.service.targetPort must be a port number (1-65535) or a container port name such as "http", got "Http_Port"',
    ],
    ['args', { args: ['--verbose'] }, `args ${NOT_A_WORKLOAD}`],
    ['replicas', { replicas: 2 }, `replicas ${NOT_A_WORKLOAD}`],
    ['secretEnv', { secretEnv: { TOKEN: { from: 'secret', name: 'adguard', key: 'token' } } }, `secretEnv ${NOT_A_WORKLOAD}`],
  ] as [string, Partial<McpServerProps>, string][])('rejects %s, naming the field and the fix', (_, props, text) => {
    expect(errorOf(() => renderWithGateway(props))).toBe(`McpServer adguard:\n  - ${text}`);
  });

  it('rejects a Service source on a server the platform runs', () => {
    expect(errorOf(() => renderWithGateway({ flavour: 'standalone' }))).toBe(
      'McpServer adguard:\n  - source must be { npm: { package, version } } or { image } for flavour "standalone": { service } is only for flavour "external" (a server deployed by something else)',
    );
  });
});

describe('an external server in the config', () => {
  it('accepts the file the discovery service writes, unchanged', () => {
    expect(parseMcpServer(ADGUARD, 'stacks/servers/adguard.ts')).toEqual(ADGUARD);
  });

  it('names each field an external server cannot have, and what it lacks', () => {
    const { port: _port, ...withoutPort } = ADGUARD;
    expect(configProblemsOf({ ...withoutPort, transport: 'stdio', env: { ADGUARD_URL: 'http://192.168.10.3:3000' }, egress: [{ cidrs: ['192.168.10.3/32'], ports: [3000] }] })).toEqual([
      'transport: must be "streamable-http" or "sse" for an external server: a stdio server has no network endpoint to route to',
      'port: is required for an external server: the port of its Service that clients call',
      `env: ${NOT_A_WORKLOAD}`,
      `egress: ${NOT_A_WORKLOAD}`,
    ]);
  });

  it('takes a Service source only with flavour "external", which is not the default', () => {
    const { flavour: _flavour, ...withoutFlavour } = ADGUARD;
    expect(configProblemsOf(withoutFlavour)).toEqual([
      'source: must be { npm: { package, version } } or { image } for flavour "standalone": { service } is only for flavour "external" (a server deployed by something else)',
    ]);
  });
});

describe('preflight of an external server', () => {
  it('runs nothing and says why in its row', async () => {
    const results = await preflight([parseMcpServer(ADGUARD, 'adguard.ts')]);
    expect(results).toEqual([
      { server: 'adguard', source: 'service tools/adguard-mcp', transport: 'streamable-http', check: undefined, outcome: 'not run', tools: undefined, seconds: 0, note: 'external: deployed by something else, nothing to run' },
    ]);
    expect(formatPreflight(results).split('\n')[1]).toBe('adguard  streamable-http  -      -      -     not run  external: deployed by something else, nothing to run');
  });
});
