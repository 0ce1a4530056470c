/**
 * `mcp.packageRegistry` from the config to the pods: the URL is required, every npm server's npm and npx use it,
 * and a URL the server's NetworkPolicy would not let npm reach is a config problem.
 */
import { describe, expect, it } from '@jest/globals';
import { ConfigError, parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { renderPlatformInMemory } from '../../stacks/synth.js';
import type { Manifest } from '../../constructs/policy/rule.js';
import { problemsOf } from '../support/config-problems.js';

const minimal: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.1/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
};
const npmServer = { name: 'everything', flavour: 'standalone', transport: 'stdio', source: { npm: { package: '@modelcontextprotocol/server-everything', version: '2026.8.31' } } } as const;
const mirror = { url: 'http://192.168.1.30:4873/', cidrs: ['192.168.1.30/32'], port: 4873 };

const manifestsOf = (raw: PlatformConfigInput): Manifest[] => renderPlatformInMemory(parsePlatformConfig(raw, 'test.config.ts')).apps.flatMap((app) => app.objects.map((o) => o.manifest));

describe('mcp.packageRegistry', () => {
  it('is refused without url, naming mcp.packageRegistry.url', () => {
    expect(problemsOf({ ...minimal, mcp: { packageRegistry: { cidrs: mirror.cidrs, port: mirror.port } } })).toEqual([
      'mcp.packageRegistry.url: is required: the mirror\'s http(s) URL, e.g. "http://192.168.1.30:4873/", which npm installs from',
    ]);
  });

  it("points the npm install of the tester's config at the mirror (it used to go to registry.npmjs.org and be denied)", () => {
    // GIVEN the config that reproduced the defect WHEN the platform is rendered
    const deployment = manifestsOf({ ...minimal, mcp: { packageRegistry: mirror }, mcpServers: [npmServer] }).find((m) => m.kind === 'Deployment' && m.metadata.name === 'everything')!;
    // THEN npm install, and the server, use the mirror
    const pod = deployment.spec.template.spec;
    expect(pod.initContainers[0].env).toContainEqual({ name: 'npm_config_registry', value: 'http://192.168.1.30:4873/' });
    expect(pod.containers[0].env).toContainEqual({ name: 'npm_config_registry', value: 'http://192.168.1.30:4873/' });
  });

  it('reports a URL npm could not reach once, under mcp.packageRegistry.url, however many npm servers there are', () => {
    const servers = [npmServer, { ...npmServer, name: 'second' }];
    expect(problemsOf({ ...minimal, mcp: { packageRegistry: { ...mirror, url: 'http://192.168.1.30/' } }, mcpServers: servers })).toEqual([
      'mcp.packageRegistry.url: "http://192.168.1.30/" is on port 80 (the http default), but packageRegistry.port is 4873, the only port the NetworkPolicy opens to the mirror: ' +
        'write "http://192.168.1.30:4873/" as packageRegistry.url, or set packageRegistry.port to 80',
    ]);
    expect(problemsOf({ ...minimal, mcp: { packageRegistry: { ...mirror, url: 'http://192.168.1.31:4873/' } } })).toEqual([
      'mcp.packageRegistry.url: host 192.168.1.31 is not in packageRegistry.cidrs (192.168.1.30/32), the only addresses the NetworkPolicy lets npm reach: add "192.168.1.31/32" to packageRegistry.cidrs, or put the mirror\'s address from them in the URL',
    ]);
  });

  it("refuses a server's own npm registry setting beside the mirror, under that server", () => {
    const raw = { ...minimal, mcp: { packageRegistry: mirror }, mcpServers: [{ ...npmServer, env: { NPM_CONFIG_REGISTRY: 'https://registry.npmjs.org/' } }] };
    let problems: readonly string[] = [];
    try {
      manifestsOf(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      'mcpServers[0].env.NPM_CONFIG_REGISTRY: would set npm\'s registry beside the platform\'s npm_config_registry (packageRegistry.url, "http://192.168.1.30:4873/"), and npm reads the name in any case, so the two would fight: leave it out and set the mirror in packageRegistry.url',
    ]);
  });
});
