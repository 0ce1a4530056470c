import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  AGENTGATEWAY_SCHEMA_PATH,
  agentgatewayConfig,
  type AgentgatewayConfigOptions,
  type GatewayTarget,
  validateAgentgatewayConfig,
} from '../../../constructs/gateway/agentgateway-config.js';

const target = (name: string, overrides: Partial<GatewayTarget> = {}): GatewayTarget => ({
  name,
  host: `${name}.mcp-system.svc.cluster.local`,
  port: 8080,
  path: '/mcp',
  transport: 'streamable-http',
  ...overrides,
});

const THREE = [target('proxmox'), target('github'), target('kubernetes', { path: '/sse', transport: 'sse', port: 3000 })];
const AUTH = { kind: 'jwt', issuer: 'https://auth.example.com/realms/mcp', audiences: ['mcp-gateway'], jwksUrl: 'https://auth.example.com/realms/mcp/certs' } as const;

const options = (overrides: Partial<AgentgatewayConfigOptions> = {}): AgentgatewayConfigOptions => ({
  port: 8080,
  statsPort: 15020,
  targets: THREE,
  ...overrides,
});

type Route = { name: string; matches: { path: Record<string, string> }[]; policies?: Record<string, unknown>; backends: { mcp: McpBackend }[] };
type McpBackend = { targets: Record<string, any>[]; failureMode?: string; prefixMode?: string };
const routesOf = (config: Record<string, unknown>) => config.routes as Route[];
const route = (config: Record<string, unknown>, name: string) => routesOf(config).find((r) => r.name === name)!;

/**
 * The route agentgateway selects for a path (crates/agentgateway/src/http/route.rs): routes are ranked by their
 * best match, an exact path above any prefix and a longer prefix above a shorter one; a prefix matches whole
 * segments, trailing slashes ignored.
 */
function selectRoute(config: Record<string, unknown>, path: string): string | undefined {
  const rank = (m: Record<string, string>) => (m.exact !== undefined ? [3, m.exact.length] : [2, m.pathPrefix.length]);
  const matches = (m: Record<string, string>) => {
    if (m.exact !== undefined) return path === m.exact;
    const suffix = path.replace(/\/+$/, '');
    const prefix = m.pathPrefix.replace(/\/+$/, '');
    return suffix.startsWith(prefix) && (suffix.length === prefix.length || suffix[prefix.length] === '/');
  };
  const candidates = routesOf(config).flatMap((r) => r.matches.filter((m) => matches(m.path)).map((m) => ({ name: r.name, rank: rank(m.path) })));
  candidates.sort((a, b) => b.rank[0] - a.rank[0] || b.rank[1] - a.rank[1]);
  return candidates[0]?.name;
}

describe('agentgatewayConfig', () => {
  it.each([
    ['no targets', options({ targets: [] })],
    ['one target', options({ targets: [target('github')] })],
    ['three targets', options()],
    ['three targets with JWT auth', options({ auth: AUTH })],
    ['three targets with a rate limit', options({ rateLimit: { requestsPerMinute: 120 } })],
    ['one target with auth and a rate limit', options({ targets: [target('github')], auth: AUTH, rateLimit: { requestsPerMinute: 60 } })],
  ])('renders a config the vendored schema accepts: %s', (_, given) => {
    expect(validateAgentgatewayConfig(agentgatewayConfig(given))).toEqual([]);
  });

  it('serves every target, sorted by name, on the aggregated endpoint, and each target alone on its own route', () => {
    const config = agentgatewayConfig(options());

    expect(routesOf(config).map((r) => [r.name, r.matches[0].path])).toEqual([
      ['mcp-server-github', { pathPrefix: '/mcp/github' }],
      ['mcp-server-kubernetes', { pathPrefix: '/mcp/kubernetes' }],
      ['mcp-server-proxmox', { pathPrefix: '/mcp/proxmox' }],
      ['mcp-aggregate', { exact: '/mcp' }],
    ]);
    expect(route(config, 'mcp-aggregate').backends[0].mcp.targets.map((t) => t.name)).toEqual(['github', 'kubernetes', 'proxmox']);
    expect(route(config, 'mcp-server-kubernetes').backends[0].mcp.targets.map((t) => t.name)).toEqual(['kubernetes']);
  });

  it('sends /mcp/<name> to that server and only /mcp itself to the aggregate, as agentgateway ranks matches', () => {
    const config = agentgatewayConfig(options());

    expect(selectRoute(config, '/mcp')).toBe('mcp-aggregate');
    expect(selectRoute(config, '/mcp/github')).toBe('mcp-server-github');
    expect(selectRoute(config, '/mcp/github/')).toBe('mcp-server-github');
    expect(selectRoute(config, '/mcp/githubx')).toBeUndefined();
  });

  it('keeps the aggregate up when one backend fails and prefixes tools with the target name', () => {
    const aggregate = route(agentgatewayConfig(options()), 'mcp-aggregate').backends[0].mcp;

    expect(aggregate.failureMode).toBe('failOpen');
    expect(aggregate.prefixMode).toBe('always');
  });

  it('connects to Streamable HTTP servers as mcp targets and to SSE servers as sse targets', () => {
    const targets = route(agentgatewayConfig(options()), 'mcp-aggregate').backends[0].mcp.targets;

    expect(targets[0]).toEqual({ name: 'github', mcp: { host: 'github.mcp-system.svc.cluster.local', port: 8080, path: '/mcp' } });
    expect(targets[1]).toEqual({ name: 'kubernetes', sse: { host: 'kubernetes.mcp-system.svc.cluster.local', port: 3000, path: '/sse' } });
  });

  it('listens on the port and serves metrics on statsPort on all interfaces', () => {
    const config = agentgatewayConfig(options({ port: 3000, statsPort: 9091 }));

    expect(config.config).toEqual({ statsAddr: '0.0.0.0:9091' });
    expect(config.gateways).toEqual({ mcp: { port: 3000 } });
  });

  it('requires a JWT on the whole gateway when auth is given, and only then', () => {
    expect((agentgatewayConfig(options({ auth: AUTH })).gateways as any).mcp.jwtAuth).toEqual({
      mode: 'strict',
      issuer: 'https://auth.example.com/realms/mcp',
      audiences: ['mcp-gateway'],
      jwks: { url: 'https://auth.example.com/realms/mcp/certs' },
    });
    expect((agentgatewayConfig(options()).gateways as any).mcp).not.toHaveProperty('jwtAuth');
  });

  it('limits requests per minute on every route when a rate limit is given, and only then', () => {
    const limited = agentgatewayConfig(options({ rateLimit: { requestsPerMinute: 120 } }));

    for (const r of routesOf(limited)) {
      expect(r.policies).toEqual({ localRateLimit: [{ maxTokens: 120, tokensPerFill: 120, fillInterval: '60s', type: 'requests' }] });
    }
    expect(routesOf(agentgatewayConfig(options())).some((r) => 'policies' in r)).toBe(false);
  });

  it('defaults to /mcp for the aggregate and /mcp/ for the per-server prefix, and takes others', () => {
    const custom = agentgatewayConfig(options({ aggregatePath: '/all', perServerPrefix: '/servers/' }));

    expect(routesOf(custom).map((r) => r.matches[0].path)).toEqual([
      { pathPrefix: '/servers/github' }, { pathPrefix: '/servers/kubernetes' }, { pathPrefix: '/servers/proxmox' }, { exact: '/all' },
    ]);
  });

  it('renders the same config whatever the order of the targets', () => {
    expect(JSON.stringify(agentgatewayConfig(options({ targets: [...THREE].reverse() })))).toBe(JSON.stringify(agentgatewayConfig(options())));
  });

  it.each<[string, Partial<AgentgatewayConfigOptions>, string]>([
    ['duplicate names', { targets: [target('github'), target('proxmox'), target('github', { host: 'gh.tools.svc.cluster.local' })] },
      'targets[0] (github.mcp-system.svc.cluster.local) and targets[2] (gh.tools.svc.cluster.local) are both named "github": target names must be unique'],
    ['a name that is not DNS-1123', { targets: [target('GitHub')] },
      'targets[0].name "GitHub" is not a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)'],
    ['a host with a scheme', { targets: [target('github', { host: 'http://github' })] },
      'targets[0].host "http://github" must be a DNS name such as "github.mcp-system.svc.cluster.local" (no scheme, no port)'],
    ['a target port out of range', { targets: [target('github', { port: 70000 })] }, 'targets[0].port must be an integer from 1 to 65535, got 70000'],
    ['a target path without "/"', { targets: [target('github', { path: 'mcp' })] },
      'targets[0].path "mcp" must be a URL path that starts with "/" (no spaces, query or fragment)'],
    ['a listener port of 0', { port: 0 }, 'port must be an integer from 1 to 65535, got 0'],
    ['a fractional stats port', { statsPort: 15020.5 }, 'statsPort must be an integer from 1 to 65535, got 15020.5'],
    ['metrics on the listener port', { statsPort: 8080 }, 'statsPort 8080 is also the listener port: give metrics a port of their own (e.g. 15020)'],
    ['an aggregate path without "/"', { aggregatePath: 'mcp' }, 'aggregatePath "mcp" must be a URL path that starts with "/" (no spaces, query or fragment)'],
    ['a per-server prefix without a trailing "/"', { perServerPrefix: '/mcp' }, 'perServerPrefix "/mcp" must end with "/", e.g. "/mcp/"'],
    ['an aggregate path that is a server path', { aggregatePath: '/mcp/github' },
      'aggregatePath "/mcp/github" is also the path of target "github": choose another aggregatePath or perServerPrefix'],
    ['no audience', { auth: { ...AUTH, audiences: [] } }, 'auth.audiences must list at least one non-empty audience, got []'],
    ['a JWKS URL that is not http(s)', { auth: { ...AUTH, jwksUrl: 'file:///keys.json' } }, 'auth.jwksUrl must be an http(s) URL, got "file:///keys.json"'],
    ['a JWKS URL with a password', { auth: { ...AUTH, jwksUrl: 'https://u:p4ss@auth.example.com/certs' } }, 'auth.jwksUrl must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is: a key set is public, leave the credentials out'],
    ['a rate limit of zero', { rateLimit: { requestsPerMinute: 0 } }, 'rateLimit.requestsPerMinute must be a positive integer, got 0'],
  ])('rejects %s, naming the field', (_, overrides, message) => {
    expect(() => agentgatewayConfig(options(overrides))).toThrow(new Error(message));
  });
});

describe('validateAgentgatewayConfig', () => {
  const valid = () => JSON.parse(JSON.stringify(agentgatewayConfig(options({ auth: AUTH, rateLimit: { requestsPerMinute: 60 } }))));

  it('rejects a misspelt key, a wrong value and a missing field', () => {
    const misspelt = valid();
    misspelt.config.statAddr = misspelt.config.statsAddr;
    delete misspelt.config.statsAddr;
    expect(validateAgentgatewayConfig(misspelt)).toContain('/config must NOT have additional properties "statAddr"');

    const wrongValue = valid();
    wrongValue.routes[3].backends[0].mcp.failureMode = 'failopen';
    expect(validateAgentgatewayConfig(wrongValue)).toContain('/routes/3/backends/0/mcp/failureMode must be equal to constant');

    const missing = valid();
    delete missing.gateways.mcp.jwtAuth.jwks;
    expect(validateAgentgatewayConfig(missing)).toContain("/gateways/mcp/jwtAuth must have required property 'jwks'");
  });

  it('rejects a misspelt key on a route, which the vendored schema alone lets through', () => {
    const misspelt = valid();
    misspelt.routes[0].polices = misspelt.routes[0].policies;
    delete misspelt.routes[0].policies;

    const schemaAlone = new Ajv2020({ strict: false, validateFormats: false }).compile(JSON.parse(readFileSync(AGENTGATEWAY_SCHEMA_PATH, 'utf8')));
    expect(schemaAlone(misspelt)).toBe(true);
    expect(validateAgentgatewayConfig(misspelt)).toEqual(['/routes/0 must NOT have unevaluated properties "polices"']);
  });

  it('rejects a misspelt key inside an MCP target', () => {
    const misspelt = valid();
    misspelt.routes[3].backends[0].mcp.targets[0].mcp.pth = '/mcp';

    expect(validateAgentgatewayConfig(misspelt)).toContain('/routes/3/backends/0/mcp/targets/0/mcp must NOT have unevaluated properties "pth"');
  });
});
