import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  AGENTGATEWAY_SCHEMA_PATH,
  agentgatewayAjv,
  agentgatewayConfig,
  agentgatewaySchema,
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

describe('agentgatewayConfig, every field', () => {
  it('renders one target exactly: the gateway, its metrics address, a per-server route and the aggregate', () => {
    expect(agentgatewayConfig(options({ targets: [target('github')] }))).toEqual({
      config: { statsAddr: '0.0.0.0:15020' },
      gateways: { mcp: { port: 8080 } },
      routes: [
        {
          name: 'mcp-server-github',
          gateways: ['mcp'],
          matches: [{ path: { pathPrefix: '/mcp/github' } }],
          backends: [{ mcp: { targets: [{ name: 'github', mcp: { host: 'github.mcp-system.svc.cluster.local', port: 8080, path: '/mcp' } }] } }],
        },
        {
          name: 'mcp-aggregate',
          gateways: ['mcp'],
          matches: [{ path: { exact: '/mcp' } }],
          backends: [{
            mcp: {
              targets: [{ name: 'github', mcp: { host: 'github.mcp-system.svc.cluster.local', port: 8080, path: '/mcp' } }],
              failureMode: 'failOpen',
              prefixMode: 'always',
            },
          }],
        },
      ],
    });
  });

  it('copies the audiences, so changing the options afterwards does not change the config', () => {
    const audiences = ['mcp-gateway', 'mcp-cli'];
    const config = agentgatewayConfig(options({ auth: { ...AUTH, audiences } }));
    audiences.push('later');
    expect((config.gateways as any).mcp.jwtAuth.audiences).toEqual(['mcp-gateway', 'mcp-cli']);
  });

  it('accepts the lowest and highest ports, a name of 63 characters and a path of "/"', () => {
    const name = 'a'.repeat(63);
    const config = agentgatewayConfig(options({ port: 1, statsPort: 65535, aggregatePath: '/', targets: [target(name, { port: 65535, path: '/' })] }));
    expect(config.config).toEqual({ statsAddr: '0.0.0.0:65535' });
    expect(config.gateways).toEqual({ mcp: { port: 1 } });
    expect(route(config, `mcp-server-${name}`).backends[0].mcp.targets).toEqual([{ name, mcp: { host: `${name}.mcp-system.svc.cluster.local`, port: 65535, path: '/' } }]);
    expect(() => agentgatewayConfig(options({ rateLimit: { requestsPerMinute: 1 } }))).not.toThrow();
  });

  it.each<[string, Partial<AgentgatewayConfigOptions>, string]>([
    ['a listener port above 65535', { port: 65536 }, 'port must be an integer from 1 to 65535, got 65536'],
    ['a listener port given as a string', { port: '8080' as never }, 'port must be an integer from 1 to 65535, got "8080"'],
    ['a stats port of 0', { statsPort: 0 }, 'statsPort must be an integer from 1 to 65535, got 0'],
    ['a target port of 0', { targets: [target('github', { port: 0 })] }, 'targets[0].port must be an integer from 1 to 65535, got 0'],
    ['an aggregate path with a space', { aggregatePath: '/mcp all' }, 'aggregatePath "/mcp all" must be a URL path that starts with "/" (no spaces, query or fragment)'],
    ['an aggregate path with a query', { aggregatePath: '/mcp?all' }, 'aggregatePath "/mcp?all" must be a URL path that starts with "/" (no spaces, query or fragment)'],
    ['an aggregate path with a fragment', { aggregatePath: '/mcp#all' }, 'aggregatePath "/mcp#all" must be a URL path that starts with "/" (no spaces, query or fragment)'],
    ['an aggregate path that is not a string', { aggregatePath: 7 as never }, 'aggregatePath 7 must be a URL path that starts with "/" (no spaces, query or fragment)'],
    ['an aggregate path that only reads as one', { aggregatePath: ['/mcp'] as never }, 'aggregatePath ["/mcp"] must be a URL path that starts with "/" (no spaces, query or fragment)'],
    ['a per-server prefix without a leading "/"', { perServerPrefix: 'mcp/' }, 'perServerPrefix "mcp/" must be a URL path that starts with "/" (no spaces, query or fragment)'],
    ['an aggregate path that is a server path under another prefix', { perServerPrefix: '/servers/', aggregatePath: '/servers/proxmox' },
      'aggregatePath "/servers/proxmox" is also the path of target "proxmox": choose another aggregatePath or perServerPrefix'],
    ['a name of 64 characters', { targets: [target('a'.repeat(64))] },
      `targets[0].name "${'a'.repeat(64)}" is not a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)`],
    ['a name that is not a string', { targets: [target(undefined as never, { host: 'github.mcp-system.svc.cluster.local' })] },
      'targets[0].name undefined is not a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)'],
    ['a second target named like the first, by index', { targets: [target('github'), target('github', { host: 'gh.tools.svc.cluster.local' })] },
      'targets[0] (github.mcp-system.svc.cluster.local) and targets[1] (gh.tools.svc.cluster.local) are both named "github": target names must be unique'],
    ['a host with a port', { targets: [target('proxmox'), target('github', { host: 'github:8080' })] },
      'targets[1].host "github:8080" must be a DNS name such as "github.mcp-system.svc.cluster.local" (no scheme, no port)'],
    ['a host that is not a string', { targets: [target('github', { host: 42 as never })] },
      'targets[0].host 42 must be a DNS name such as "github.mcp-system.svc.cluster.local" (no scheme, no port)'],
    ['a target path with a query', { targets: [target('github', { path: '/mcp?x=1' })] },
      'targets[0].path "/mcp?x=1" must be a URL path that starts with "/" (no spaces, query or fragment)'],
    ['an unknown transport', { targets: [target('github', { transport: 'websocket' as never })] }, 'targets[0].transport must be "streamable-http" or "sse", got "websocket"'],
    ['an auth kind other than jwt', { auth: { ...AUTH, kind: 'apiKey' as never } }, 'auth.kind must be "jwt", got "apiKey"'],
    ['a blank issuer', { auth: { ...AUTH, issuer: '  ' } }, 'auth.issuer must be the token issuer (the JWT "iss" claim), got "  "'],
    ['no issuer', { auth: { ...AUTH, issuer: undefined as never } }, 'auth.issuer must be the token issuer (the JWT "iss" claim), got undefined'],
    ['audiences that are not a list', { auth: { ...AUTH, audiences: 'mcp-gateway' as never } }, 'auth.audiences must list at least one non-empty audience, got "mcp-gateway"'],
    ['a blank audience', { auth: { ...AUTH, audiences: ['mcp-gateway', ' '] } }, 'auth.audiences must list at least one non-empty audience, got ["mcp-gateway"," "]'],
    ['an audience that is not a string', { auth: { ...AUTH, audiences: [7] as never } }, 'auth.audiences must list at least one non-empty audience, got [7]'],
    ['a JWKS URL that is no URL', { auth: { ...AUTH, jwksUrl: 'auth.example.com/certs' } }, 'auth.jwksUrl must be an http(s) URL, got "auth.example.com/certs"'],
    ['a JWKS URL with a user', { auth: { ...AUTH, jwksUrl: 'https://keys@auth.example.com/certs' } },
      'auth.jwksUrl must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is: a key set is public, leave the credentials out'],
    ['an issuer with "$"', { auth: { ...AUTH, issuer: 'https://auth.example.com/$realm' } },
      'auth.issuer "https://auth.example.com/$realm" contains "$", which agentgateway reads as an environment variable in its config: remove it'],
    ['an audience with "$"', { auth: { ...AUTH, audiences: ['mcp', '${AUD}'] } },
      'auth.audiences[1] "${AUD}" contains "$", which agentgateway reads as an environment variable in its config: remove it'],
    ['a JWKS URL with "$"', { auth: { ...AUTH, jwksUrl: 'https://auth.example.com/certs?v=$V' } },
      'auth.jwksUrl "https://auth.example.com/certs?v=$V" contains "$", which agentgateway reads as an environment variable in its config: remove it'],
    ['a fractional rate limit', { rateLimit: { requestsPerMinute: 1.5 } }, 'rateLimit.requestsPerMinute must be a positive integer, got 1.5'],
    ['a rate limit that is not a number', { rateLimit: { requestsPerMinute: '60' as never } }, 'rateLimit.requestsPerMinute must be a positive integer, got "60"'],
  ])('rejects %s with its own message', (_, overrides, message) => {
    expect(() => agentgatewayConfig(options(overrides))).toThrow(new Error(message));
  });
});

describe('validateAgentgatewayConfig messages', () => {
  it('names the root as "/" and adds no property name to errors that have none', () => {
    expect(validateAgentgatewayConfig(42)).toEqual(['/ must be object']);
    const config = agentgatewayConfig(options({ auth: AUTH }));
    delete (config.gateways as any).mcp.jwtAuth.jwks;
    const problems = validateAgentgatewayConfig(config);
    expect(problems).toContain("/gateways/mcp/jwtAuth must have required property 'jwks'");
    expect(problems).toContain('/gateways/mcp/jwtAuth must be null');
  });

  it('reports every error, not only the first', () => {
    const config = JSON.parse(JSON.stringify(agentgatewayConfig(options())));
    config.config.statAddr = 'x';
    config.routes[3].backends[0].mcp.prefixMode = 'sometimes';
    expect(validateAgentgatewayConfig(config)).toEqual(expect.arrayContaining([
      '/config must NOT have additional properties "statAddr"',
      expect.stringMatching(/^\/routes\/3\/backends\/0\/mcp\/prefixMode /),
    ]));
  });
});

describe('agentgatewaySchema', () => {
  it('closes the definitions that declare properties and neither close themselves nor combine subschemas, and only those', () => {
    const text = JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: {
        Open: { type: 'object', properties: { a: { type: 'string' } } },
        Closed: { type: 'object', properties: { a: {} }, additionalProperties: false },
        Unevaluated: { type: 'object', properties: { a: {} }, unevaluatedProperties: { type: 'string' } },
        OneOf: { properties: { a: {} }, oneOf: [{ required: ['a'] }] },
        AnyOf: { properties: { a: {} }, anyOf: [{ required: ['a'] }] },
        AllOf: { properties: { a: {} }, allOf: [{ required: ['a'] }] },
        NoProperties: { type: 'string' },
      },
    });
    const schema = agentgatewaySchema(text);
    const original = JSON.parse(text);
    expect(schema).toEqual({ ...original, $defs: { ...original.$defs, Open: { ...original.$defs.Open, unevaluatedProperties: false } } });
  });

  it('leaves a schema without definitions as it is, and reads the vendored one by default', () => {
    expect(agentgatewaySchema('{"type":"object"}')).toEqual({ type: 'object', $defs: {} });
    const vendored = JSON.parse(readFileSync(AGENTGATEWAY_SCHEMA_PATH, 'utf8'));
    expect(Object.keys(agentgatewaySchema().$defs)).toEqual(Object.keys(vendored.$defs));
  });

  it('compiles in process to a validator that agrees with validateAgentgatewayConfig, formats and all errors included', () => {
    const fresh = agentgatewayAjv().compile(agentgatewaySchema());
    const misspelt = JSON.parse(JSON.stringify(agentgatewayConfig(options())));
    misspelt.routes[0].polices = {};
    misspelt.gateways.mcp.port = 70000;
    expect(fresh(misspelt)).toBe(false);
    const errors = (fresh.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    expect(errors).toEqual(expect.arrayContaining(['/routes/0 must NOT have unevaluated properties', '/gateways/mcp/port must match format "uint16"']));
    expect(fresh(agentgatewayConfig(options({ auth: AUTH })))).toBe(true);
  });

  it('passes code options to ajv for writing standalone code', () => {
    expect(agentgatewayAjv({ source: true }).opts.code.source).toBe(true);
    expect(agentgatewayAjv().opts.code.source).toBeFalsy();
  });
});
