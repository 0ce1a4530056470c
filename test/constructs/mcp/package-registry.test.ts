/**
 * `packageRegistry`: a private npm mirror. Every container that runs npm or npx for an npm server is pointed at
 * its URL (npm_config_registry, which npm and npx read as their registry setting), in each flavour; the URL must
 * be one the server's NetworkPolicy lets npm reach, and no server env may set the registry a second time.
 */
import { describe, expect, it } from '@jest/globals';
import { McpServer, type McpServerProps } from '../../../constructs/mcp/mcp-server.js';
import type { PackageRegistry } from '../../../constructs/mcp/mcp-server-props.js';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, render, testChart } from '../../support/charts.js';
import { errorOf } from '../../support/errors.js';

const MIRROR_URL = 'http://192.168.1.30:4873/';
const REGISTRY: PackageRegistry = { url: MIRROR_URL, cidrs: ['192.168.1.30/32'], port: 4873 };
const NPM_ENV = { HOME: '/tmp/home', NODE_ENV: 'production', npm_config_cache: '/tmp/npm-cache', npm_config_update_notifier: 'false' };

/** A stdio server from npm, as Workloads passes it, with the mirror. */
const BASE: McpServerProps = {
  namespace: 'mcp-system',
  name: 'everything',
  flavour: 'standalone',
  transport: 'stdio',
  source: { npm: { package: '@modelcontextprotocol/server-everything', version: '2026.8.31', bin: 'mcp-server-everything' } },
  clients: [],
  apiServer: { cidrs: ['192.168.10.5/32'], port: 6443 },
  packageRegistry: REGISTRY,
};

const validator = new SchemaValidator();

/** The objects of one server; each must pass its schema or CRD. */
function renderServer(props: Partial<McpServerProps> = {}): Manifest[] {
  const chart = testChart();
  new McpServer(chart, 'server', { ...BASE, ...props });
  const objects = render(chart);
  expect(objects.flatMap((o) => validator.validate(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`))).toEqual([]);
  return objects;
}

const registryEnvOf = (env: readonly Manifest[]) => env.filter((e) => e.name.toLowerCase() === 'npm_config_registry');
const problem = (text: string) => `McpServer everything:\n  - ${text}`;

describe('packageRegistry: npm and npx use the mirror', () => {
  it.each(['stdio', 'streamable-http'] as const)('standalone (%s): the install init container and the server container', (transport) => {
    // GIVEN an npm server with the mirror WHEN rendered standalone
    const pod = only(renderServer({ transport }), 'Deployment').spec.template.spec;
    // THEN npm install in the init container takes its packages from the mirror, beside npm's other settings
    expect(pod.initContainers.map((c: Manifest) => c.name)).toEqual(['install']);
    expect(pod.initContainers[0].env).toEqual([
      { name: 'HOME', value: '/tmp/home' },
      { name: 'NODE_ENV', value: 'production' },
      { name: 'npm_config_cache', value: '/tmp/npm-cache' },
      { name: 'npm_config_registry', value: MIRROR_URL },
      { name: 'npm_config_update_notifier', value: 'false' },
    ]);
    // AND an npx the server runs itself would too
    expect(registryEnvOf(pod.containers[0].env)).toEqual([{ name: 'npm_config_registry', value: MIRROR_URL }]);
  });

  it.each(['stdio', 'streamable-http'] as const)('kmcp (%s): spec.deployment.env of the container that runs npx', (transport) => {
    const server = only(renderServer({ flavour: 'kmcp', transport }), 'MCPServer');
    expect(server.spec.deployment.cmd).toBe('npx');
    expect(server.spec.deployment.env).toEqual({ ...NPM_ENV, npm_config_registry: MIRROR_URL });
  });

  it.each(['stdio', 'streamable-http'] as const)('ToolHive (%s): spec.env of the MCP container that runs npx', (transport) => {
    const server = only(renderServer({ flavour: 'toolhive', transport }), 'MCPServer');
    expect(server.spec.args[0]).toBe('npx');
    expect(registryEnvOf(server.spec.env)).toEqual([{ name: 'npm_config_registry', value: MIRROR_URL }]);
    // the proxy runs no npm: it gets no env of the platform's
    expect(server.spec.resourceOverrides).toBeUndefined();
  });

  it.each(['standalone', 'kmcp', 'toolhive'] as const)('%s: no registry setting without packageRegistry, so npm keeps registry.npmjs.org', (flavour) => {
    const objects = renderServer({ flavour, packageRegistry: undefined });
    expect(JSON.stringify(objects)).not.toMatch(/npm_config_registry/i);
  });

  it.each(['standalone', 'kmcp', 'toolhive'] as const)('%s: no registry setting for an image server, which runs no npm of the platform\'s', (flavour) => {
    const objects = renderServer({ flavour, transport: 'streamable-http', source: { image: 'ghcr.io/example/mcp-server:1.2.3' } });
    expect(JSON.stringify(objects)).not.toMatch(/npm_config_registry/i);
  });

  it('takes a mirror by DNS name (which must resolve into cidrs) and an https one on its default port', () => {
    const url = 'https://npm.lab.example/';
    const pod = only(renderServer({ packageRegistry: { url, cidrs: ['192.168.1.30/32'], port: 443 } }), 'Deployment').spec.template.spec;
    expect(registryEnvOf(pod.initContainers[0].env)).toEqual([{ name: 'npm_config_registry', value: url }]);
  });
});

describe('packageRegistry: refused when npm could not reach it', () => {
  it("refuses a URL whose port is not the one the NetworkPolicy opens, by the scheme's default or written out", () => {
    expect(errorOf(() => renderServer({ packageRegistry: { ...REGISTRY, url: 'http://192.168.1.30/' } }))).toBe(
      problem(
        'packageRegistry.url "http://192.168.1.30/" is on port 80 (the http default), but packageRegistry.port is 4873, the only port the NetworkPolicy opens to the mirror: ' +
          'write "http://192.168.1.30:4873/" as packageRegistry.url, or set packageRegistry.port to 80',
      ),
    );
    expect(errorOf(() => renderServer({ packageRegistry: { ...REGISTRY, url: 'https://192.168.1.30:8443/npm/' } }))).toBe(
      problem(
        'packageRegistry.url "https://192.168.1.30:8443/npm/" is on port 8443, but packageRegistry.port is 4873, the only port the NetworkPolicy opens to the mirror: ' +
          'write "https://192.168.1.30:4873/npm/" as packageRegistry.url, or set packageRegistry.port to 8443',
      ),
    );
    expect(() => renderServer({ packageRegistry: { ...REGISTRY, url: 'http://192.168.1.30/', port: 80 } })).not.toThrow();
  });

  it('refuses an address outside cidrs, and an IPv6 one, which no IPv4 CIDR holds', () => {
    expect(errorOf(() => renderServer({ packageRegistry: { ...REGISTRY, url: 'http://192.168.1.31:4873/' } }))).toBe(
      problem(
        'packageRegistry.url host 192.168.1.31 is not in packageRegistry.cidrs (192.168.1.30/32), the only addresses the NetworkPolicy lets npm reach: ' +
          'add "192.168.1.31/32" to packageRegistry.cidrs, or put the mirror\'s address from them in the URL',
      ),
    );
    expect(() => renderServer({ packageRegistry: { ...REGISTRY, url: 'http://192.168.1.31:4873/', cidrs: ['10.0.0.0/8', '192.168.1.0/24'] } })).not.toThrow();
    expect(errorOf(() => renderServer({ packageRegistry: { ...REGISTRY, url: 'http://[fd00::30]:4873/' } }))).toBe(
      problem(
        "packageRegistry.url host [fd00::30] is an IPv6 address, but packageRegistry.cidrs (192.168.1.30/32) are IPv4, the only addresses npm may reach: use the mirror's IPv4 address or DNS name in the URL",
      ),
    );
  });

  it('refuses a URL that is no http(s) URL, or holds credentials', () => {
    for (const url of ['192.168.1.30:4873', 'ftp://192.168.1.30:4873/']) {
      expect(errorOf(() => renderServer({ packageRegistry: { ...REGISTRY, url } }))).toBe(
        problem(`packageRegistry.url ${JSON.stringify(url)} must be an http(s) URL such as "http://192.168.1.30:4873/": npm and npx install from it`),
      );
    }
    expect(errorOf(() => renderServer({ packageRegistry: { ...REGISTRY, url: 'http://ci:s3cret@192.168.1.30:4873/' } }))).toBe(
      problem(
        'packageRegistry.url must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is; give a token in an .npmrc Secret mounted by the server, not in the URL',
      ),
    );
  });

  it("refuses a server's own registry setting in any case, in env or secretEnv, which would fight the platform's", () => {
    const fight = (field: string, key: string) =>
      `${field}.${key} would set npm's registry beside the platform's npm_config_registry (packageRegistry.url, "${MIRROR_URL}"), and npm reads the name in any case, so the two would fight: leave it out and set the mirror in packageRegistry.url`;
    const message = errorOf(() =>
      renderServer({
        flavour: 'kmcp',
        env: { npm_config_registry: 'https://registry.npmjs.org/' },
        secretEnv: { NPM_CONFIG_REGISTRY: { from: 'secret', name: 'npm', key: 'NPM_CONFIG_REGISTRY' } },
      }),
    );
    expect(message).toBe(`McpServer everything:\n  - ${fight('env', 'npm_config_registry')}\n  - ${fight('secretEnv', 'NPM_CONFIG_REGISTRY')}`);
    // an image server runs no npm of the platform's, so its own setting stands
    const own = renderServer({ transport: 'streamable-http', source: { image: 'ghcr.io/example/mcp-server:1.2.3' }, env: { NPM_CONFIG_REGISTRY: 'http://192.168.1.40/' } });
    expect(registryEnvOf(only(own, 'Deployment').spec.template.spec.containers[0].env)).toEqual([{ name: 'NPM_CONFIG_REGISTRY', value: 'http://192.168.1.40/' }]);
  });

  it("does not check the mirror for an image server, which does not use it (so a config lists each problem once per npm server, not per server)", () => {
    expect(() => renderServer({ transport: 'streamable-http', source: { image: 'ghcr.io/example/mcp-server:1.2.3' }, packageRegistry: { ...REGISTRY, url: 'http://192.168.1.31/' } })).not.toThrow();
  });
});
