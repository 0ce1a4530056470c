import { beforeAll, describe, expect, it } from '@jest/globals';
import { stringify as yamlStringify } from 'yaml';
import { NODE_IMAGE, STDIO_BRIDGE } from '../../../constructs/mcp/npm-runtime.js';
import type { PlatformConfig } from '../../../stacks/config.js';
import { DEFAULT_CONFIG, loadConfigFile } from '../../../stacks/load-config.js';
import { renderPlatformInMemory, type RenderedPlatform } from '../../../stacks/synth.js';
import { collectPins, npmPackagesRun } from '../../../stacks/verify-pins/collect.js';
import type { Pin } from '../../../stacks/verify-pins/pins.js';

const app = (name: string, manifests: object[]) => ({ name, objects: manifests.map((manifest) => ({ manifest: manifest as any })) });

function rendered(parts: Partial<RenderedPlatform>): RenderedPlatform {
  return { stack: 'bootstrap', apps: [], bootstrapObjects: [], terraform: {}, ...parts };
}

describe('collectPins on hand-written objects', () => {
  it('finds an image in a custom resource of a kind it has never heard of', () => {
    // GIVEN a custom resource whose image sits under an arbitrary path
    const pins = collectPins(rendered({ apps: [app('extras', [{ apiVersion: 'acme.dev/v1', kind: 'Gizmo', metadata: { name: 'g1' }, spec: { runtime: { imageName: 'ghcr.io/acme/gizmo:1.2.3' } } }])] }));
    // THEN it is a pin, used by that object
    expect(pins).toEqual([{ kind: 'image', artifact: 'ghcr.io/acme/gizmo:1.2.3', image: 'ghcr.io/acme/gizmo:1.2.3', usedBy: ['extras/Gizmo g1'] }]);
  });

  it('deduplicates an image and lists every container that uses it', () => {
    const pod = (name: string) => ({ name, image: 'node:24-alpine3.21' });
    const job = { kind: 'Job', metadata: { name: 'migrate' }, spec: { template: { spec: { initContainers: [pod('wait')], containers: [pod('run')] } } } };
    const [pin] = collectPins(rendered({ apps: [app('database', [job])], bootstrapObjects: [{ manifest: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [pod('c')] } } as any }] }));
    expect(pin.usedBy).toEqual(['bootstrap/Pod p (c)', 'database/Job migrate (run)', 'database/Job migrate (wait)']);
  });

  it('reads Helm releases from the Terraform JSON: oci:// repositories as OCI artifacts, others as HTTP repositories', () => {
    const terraform = {
      resource: {
        helm_release: {
          a_1: { name: 'kmcp', repository: 'oci://ghcr.io/kagent-dev/kmcp/helm', chart: 'kmcp', version: '0.3.0' },
          b_2: { name: 'cnpg', repository: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.29.0' },
        },
      },
    };
    expect(collectPins(rendered({ terraform }))).toEqual([
      { kind: 'chart', artifact: 'cloudnative-pg 0.29.0 from https://cloudnative-pg.github.io/charts', repository: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.29.0', usedBy: ['bootstrap/helm_release cnpg'] },
      { kind: 'chart', artifact: 'ghcr.io/kagent-dev/kmcp/helm/kmcp:0.3.0', repository: 'oci://ghcr.io/kagent-dev/kmcp/helm', chart: 'kmcp', version: '0.3.0', usedBy: ['bootstrap/helm_release kmcp'] },
    ]);
  });

  it.each([
    ['npm install, skipping flags and the value of --prefix', ['npm'], ['install', '--prefix', '.', '--no-save', '--omit=dev', '@yawlabs/caddy-mcp@2.4.4', 'supergateway@4.0.0'], ['@yawlabs/caddy-mcp@2.4.4', 'supergateway@4.0.0']],
    ['kmcp npx with the package as the command', ['npx'], ['--yes', 'kubernetes-mcp-server@0.0.67', '--read-only'], ['kubernetes-mcp-server@0.0.67']],
    ['kmcp npx naming another executable with --package', ['npx'], ['--yes', '--package=@acme/tools@1.0.0', 'acme-mcp', '--flag'], ['@acme/tools@1.0.0']],
    ['ToolHive args that start with npx', [], ['npx', '--yes', '--package=@scope/srv@2.0.0', 'srv', 'stdio'], ['@scope/srv@2.0.0']],
    ['npx -p VALUE', ['/usr/local/bin/npx'], ['-p', 'pkg@1.0.0', 'bin'], ['pkg@1.0.0']],
    ['a command that runs no package manager', ['node', 'node_modules/.bin/supergateway'], ['--stdio', 'npx is only a word here'], []],
  ])('reads %s', (_, command, args, expected) => {
    expect(npmPackagesRun([...command, ...args])).toEqual(expected);
  });

  it('finds npm packages in kmcp deployments, ToolHive specs and containers, with their users', () => {
    const kmcp = { kind: 'MCPServer', metadata: { name: 'k' }, spec: { deployment: { image: 'node:24-alpine3.21', cmd: 'npx', args: ['--yes', 'kubernetes-mcp-server@0.0.67'] } } };
    const toolhive = { kind: 'MCPServer', metadata: { name: 't' }, spec: { image: 'node:24-alpine3.21', args: ['npx', '--yes', '--package=@scope/srv@2.0.0', 'srv'] } };
    const deployment = { kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'main', image: 'node:24-alpine3.21', command: ['npx'], args: ['-y', 'kubernetes-mcp-server@0.0.67'] }] } } } };
    const npm = collectPins(rendered({ apps: [app('mcp', [kmcp, toolhive, deployment])] })).filter((p) => p.kind === 'npm');
    expect(npm).toEqual([
      { kind: 'npm', artifact: '@scope/srv@2.0.0', name: '@scope/srv', version: '2.0.0', usedBy: ['mcp/MCPServer t'] },
      { kind: 'npm', artifact: 'kubernetes-mcp-server@0.0.67', name: 'kubernetes-mcp-server', version: '0.0.67', usedBy: ['mcp/Deployment d (main)', 'mcp/MCPServer k'] },
    ]);
  });
});

describe('collectPins on the default platform', () => {
  let config: PlatformConfig;
  let platform: RenderedPlatform;
  let pins: Pin[];
  const pin = (artifact: string) => pins.find((p) => p.artifact === artifact);

  beforeAll(async () => {
    config = await loadConfigFile(DEFAULT_CONFIG);
    platform = renderPlatformInMemory(config);
    pins = collectPins(platform);
  });

  it('finds every image the rendered objects name', () => {
    // An independent reading: every `image:` / `imageName:` line of the rendered YAML.
    const yaml = [...platform.apps.flatMap((a) => a.objects), ...platform.bootstrapObjects].map((o) => yamlStringify(o.manifest, { lineWidth: 0 })).join('\n');
    const images = new Set([...yaml.matchAll(/^\s*(?:- )?(?:image|imageName): (\S+)$/gm)].map((m) => m[1].replace(/^"|"$/g, '')));
    expect(pins.filter((p) => p.kind === 'image').map((p) => p.artifact)).toEqual([...images].sort());
    expect(pin(NODE_IMAGE)?.usedBy).toEqual([
      'mcp-servers/Deployment caddy (install)',
      'mcp-servers/Deployment caddy (mcp-server)',
      'mcp-servers/Deployment kubernetes-prod (install)',
      'mcp-servers/Deployment kubernetes-prod (mcp-server)',
      'mcp-servers/MCPServer kubernetes-monitoring',
    ]);
    // A custom resource's image: CloudNativePG's Cluster.spec.imageName.
    const cluster = platform.apps.flatMap((a) => a.objects).find((o) => o.manifest.kind === 'Cluster')!.manifest as any;
    expect(pin(cluster.spec.imageName)?.usedBy).toContain('database/Cluster mcp-postgres');
  });

  it('finds every Helm release, the kmcp and ToolHive charts as OCI artifacts', () => {
    const charts = pins.filter((p) => p.kind === 'chart');
    expect(charts).toHaveLength(Object.keys(platform.terraform.resource.helm_release).length);
    expect(pin('ghcr.io/kagent-dev/kmcp/helm/kmcp:0.3.0')).toEqual({
      kind: 'chart', artifact: 'ghcr.io/kagent-dev/kmcp/helm/kmcp:0.3.0', repository: 'oci://ghcr.io/kagent-dev/kmcp/helm', chart: 'kmcp', version: '0.3.0', usedBy: ['bootstrap/helm_release kmcp'],
    });
    expect(pin('ghcr.io/kagent-dev/kmcp/helm/kmcp-crds:0.3.0')?.usedBy).toEqual(['bootstrap/helm_release kmcp-crds']);
    expect(pin('ghcr.io/stacklok/toolhive/toolhive-operator:0.44.0')?.usedBy).toEqual(['bootstrap/helm_release toolhive-operator']);
    expect(pin('cloudnative-pg 0.29.0 from https://cloudnative-pg.github.io/charts')?.usedBy).toEqual(['bootstrap/helm_release cnpg']);
  });

  it('finds the npm package of every npm server, and the bridge, with their users', () => {
    const npmServers = config.mcpServers.flatMap((s) => ('npm' in s.source ? [`${s.source.npm.package}@${s.source.npm.version}`] : []));
    const npm = pins.filter((p) => p.kind === 'npm').map((p) => p.artifact);
    expect(npm).toEqual([...new Set([...npmServers, `${STDIO_BRIDGE.package}@${STDIO_BRIDGE.version}`])].sort());
    expect(pin('supergateway@4.0.0')?.usedBy).toEqual(['mcp-servers/Deployment caddy (install)', 'mcp-servers/Deployment kubernetes-prod (install)']);
    expect(pin('kubernetes-mcp-server@0.0.67')?.usedBy).toEqual(['mcp-servers/Deployment kubernetes-prod (install)', 'mcp-servers/MCPServer kubernetes-monitoring']);
  });
});
