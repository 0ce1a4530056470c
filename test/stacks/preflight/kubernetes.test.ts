/**
 * The Kubernetes API stub preflight runs for `preflight: { upstream: "kubernetes-stub" }`: its wire format,
 * read with the production Kubernetes client, and the shipped Kubernetes servers (kubernetes-mcp-server
 * 0.0.67 from npm, behind the bridge) listing their tools against it; without it the same server crashes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApisApi, AppsV1Api, CoreApi, CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { parseMcpServer, type McpServerConfig } from '../../../stacks/config.js';
import { DEFAULT_CONFIG, loadConfigFile } from '../../../stacks/load-config.js';
import { KubernetesApiStub } from '../../../stacks/preflight/kubernetes-api-stub.js';
import { preflight, type PreflightResult } from '../../../stacks/preflight/preflight.js';

/** What kubernetes-mcp-server 0.0.67 offers with --read-only --disable-multi-cluster (toolsets core and config). */
const KUBERNETES_TOOLS = [
  'configuration_view',
  'events_list',
  'namespaces_list',
  'nodes_log',
  'nodes_stats_summary',
  'nodes_top',
  'pods_get',
  'pods_list',
  'pods_list_in_namespace',
  'pods_log',
  'pods_top',
  'projects_list',
  'resources_get',
  'resources_list',
];

describe('preflight.upstream in the config', () => {
  const base = { name: 'k', flavour: 'standalone', transport: 'stdio', source: { npm: { package: 'kubernetes-mcp-server', version: '0.0.67' } } };

  it('takes "kubernetes-stub", with the full check by default', () => {
    expect(parseMcpServer({ ...base, preflight: { upstream: 'kubernetes-stub' } }, 'k.ts').preflight).toEqual({ check: 'full', upstream: 'kubernetes-stub' });
  });

  it('names the one stand-in there is when given another', () => {
    expect(() => parseMcpServer({ ...base, preflight: { upstream: 'docker' } }, 'k.ts')).toThrow(
      'Invalid platform config (k.ts):\n  - preflight.upstream: must be "kubernetes-stub" (the only stand-in preflight has), got "docker"',
    );
  });
});

describe('the Kubernetes API stub', () => {
  let stub: KubernetesApiStub;
  let kubeConfig: KubeConfig;

  beforeAll(async () => {
    stub = await KubernetesApiStub.start();
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(stub.kubeconfig());
  });

  afterAll(() => stub.stop());

  it('hands out a kubeconfig whose current context is the stub', () => {
    expect(kubeConfig.getCurrentContext()).toBe('preflight-stub');
    expect(kubeConfig.getCurrentCluster()?.server).toBe(stub.url);
    expect(stub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the version and the discovery documents the production client reads', async () => {
    expect(await kubeConfig.makeApiClient(VersionApi).getCode()).toMatchObject({ major: '1', minor: '34', gitVersion: 'v1.34.0' });
    expect((await kubeConfig.makeApiClient(CoreApi).getAPIVersions()).versions).toEqual(['v1']);
    const groups = await kubeConfig.makeApiClient(ApisApi).getAPIVersions();
    expect(groups.groups.map((g) => g.preferredVersion?.groupVersion)).toEqual(['apps/v1', 'batch/v1']);
    const core = await kubeConfig.makeApiClient(CoreV1Api).getAPIResources();
    expect(core.resources.find((r) => r.name === 'pods')).toMatchObject({ kind: 'Pod', namespaced: true, singularName: 'pod' });
    expect((await kubeConfig.makeApiClient(AppsV1Api).getAPIResources()).resources.map((r) => r.name)).toEqual(['daemonsets', 'deployments', 'replicasets', 'statefulsets']);
  });

  it('answers anything else with the API server\'s 404 Status, and records each request', async () => {
    const error = await kubeConfig.makeApiClient(CoreV1Api).listNamespace().then(() => undefined, (e: { code: number; body: string }) => e);
    expect(error?.code).toBe(404);
    expect(JSON.parse(error!.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    expect(stub.requests).toContain('GET /api/v1/namespaces');
  });
});

describe('preflight of the shipped Kubernetes servers', () => {
  let results: Record<string, PreflightResult>;

  beforeAll(async () => {
    // GIVEN the shipped rows (this cluster through its ServiceAccount; the monitoring cluster through a
    // kubeconfig mounted at /etc/mcp/kubeconfig), and this cluster's row as it was before the stub
    const config = await loadConfigFile(DEFAULT_CONFIG);
    const shipped = config.mcpServers.filter((s) => s.name.startsWith('kubernetes-'));
    const withoutStub: McpServerConfig = { ...shipped[0], name: 'kubernetes-no-stub', preflight: { check: 'startup', reason: 'needs a Kubernetes API server to list its tools' } };
    const checked = await preflight([...shipped, withoutStub]);
    results = Object.fromEntries(checked.map((r) => [r.server, r]));
  }, 600_000);

  it('lists the tools of both against the stub', () => {
    for (const name of ['kubernetes-prod', 'kubernetes-monitoring']) {
      expect(results[name]).toMatchObject({ source: 'kubernetes-mcp-server@0.0.67', check: 'full', outcome: 'ok', tools: KUBERNETES_TOOLS, note: 'tools listed against the local Kubernetes API stub' });
    }
  });

  it('fails the server without the stub, whatever its policy, with the error it exits on', () => {
    expect(results['kubernetes-no-stub']).toMatchObject({
      check: 'startup',
      outcome: 'FAILED',
      note: 'the server process exited (code=1, signal=null) before answering initialize',
    });
    expect(results['kubernetes-no-stub'].stderr?.[0]).toBe('Error: unable to create kubernetes target provider: no current-context is set and no contexts are defined in kubeconfig.');
  });
});
