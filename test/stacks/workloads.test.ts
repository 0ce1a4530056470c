import { describe, expect, it } from '@jest/globals';
import { Testing } from 'cdk8s';
import { parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import defaultConfig from '../../stacks/platform.config.js';
import { Workloads } from '../../stacks/workloads.js';

const minimal: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.1/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
};

/** The discovery service with what it requires, on the embedded database unless the test enables the platform's. */
const discovery = {
  enabled: true,
  repo: 'me/platform',
  github: { auth: { token: { from: 'secret', name: 'github', key: 'token' } } },
  apiToken: { from: 'secret', name: 'discovery-api', key: 'token' },
  database: 'embedded',
} as const;

const workloads = (raw: PlatformConfigInput) => new Workloads(parsePlatformConfig(raw, 'test'));
const objectsOf = (w: Workloads, app: string) => Testing.synth(w.charts.get(app)!);
const waves = (w: Workloads) => Object.fromEntries(w.apps.map((a) => [a.name, a.syncWave]));

describe('the workloads layer', () => {
  it('renders only the namespace guardrails when nothing else is enabled', () => {
    expect(waves(workloads(minimal))).toEqual({ platform: -10 });
  });

  it('gives each enabled part its own app, the database before the models and the discovery service before monitoring', () => {
    const w = workloads({
      ...minimal,
      database: { enabled: true },
      discovery: { ...discovery, database: 'platform' },
      triageLlm: { enabled: true },
      gpuInference: { enabled: true },
      monitoring: { prometheusOperator: true },
    });
    expect(waves(w)).toEqual({ platform: -10, database: -5, discovery: 0, 'triage-llm': 0, 'gpu-inference': 0, monitoring: 5 });
  });

  it('scrapes PostgreSQL and vLLM, but not Ollama, which has no metrics endpoint', () => {
    const w = workloads({ ...minimal, database: { enabled: true }, triageLlm: { enabled: true }, gpuInference: { enabled: true }, monitoring: { prometheusOperator: true } });
    const monitors = objectsOf(w, 'monitoring')
      .filter((o) => o.kind === 'ServiceMonitor' || o.kind === 'PodMonitor')
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(monitors.sort()).toEqual(['PodMonitor/mcp-postgres-postgres', 'ServiceMonitor/vllm']);
  });

  it('scrapes the gateway and the discovery service on their bound metrics ports when they are enabled', () => {
    const w = workloads({ ...minimal, gateway: { enabled: true }, discovery, monitoring: { prometheusOperator: true } });
    const objects = objectsOf(w, 'monitoring');
    expect(objects.filter((o) => o.kind === 'ServiceMonitor').map((o) => [o.metadata.name, o.spec.selector.matchLabels['app.kubernetes.io/name'], o.spec.endpoints[0].port])).toEqual([
      ['mcp-gateway', 'mcp-gateway', 'metrics'],
      ['mcp-discovery', 'mcp-discovery', 'http'],
    ]);
    const scrapePorts = objects
      .filter((o) => o.kind === 'NetworkPolicy')
      .map((o) => [o.metadata.name, o.spec.ingress[0].ports[0].port]);
    expect(scrapePorts).toEqual([
      ['mcp-gateway-prometheus', 15020],
      ['mcp-discovery-prometheus', 8080],
    ]);
  });

  it('scrapes a vLLM triage model and watches no database disk when there is no database', () => {
    const w = workloads({
      ...minimal,
      triageLlm: { enabled: true, provider: 'vllm', model: 'Qwen/Qwen2.5-3B-Instruct', maxModelLen: 4096 },
      monitoring: { prometheusOperator: true },
    });
    const objects = objectsOf(w, 'monitoring');
    expect(objects.filter((o) => o.kind === 'ServiceMonitor').map((o) => o.metadata.name)).toEqual(['triage-llm']);
    const alerts = objects.find((o) => o.kind === 'PrometheusRule')!.spec.groups[0].rules.map((r: { alert?: string }) => r.alert).filter(Boolean);
    expect(alerts).toEqual(['McpServerDown', 'LlmHighLatency', 'AiDailyCostHigh']);
  });

  it('admits the gateway and the discovery service to the database and the models', () => {
    const w = workloads(defaultConfig);
    const ingressFrom = (app: string, name: string) =>
      objectsOf(w, app)
        .find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name)!
        .spec.ingress[0].from.map((peer: { podSelector: { matchLabels: Record<string, string> } }) => peer.podSelector.matchLabels['app.kubernetes.io/name']);
    expect(ingressFrom('database', 'mcp-postgres')).toEqual(['mcp-gateway', 'mcp-discovery', 'database-migrations']);
    expect(ingressFrom('triage-llm', 'triage-llm')).toEqual(['mcp-gateway', 'mcp-discovery']);
    expect(ingressFrom('gpu-inference', 'vllm')).toEqual(['mcp-gateway', 'mcp-discovery']);
  });

  it('puts an external triage model behind a Service without running a pod, with egress only for the clients this config renders', () => {
    const external = { enabled: true, provider: 'external', address: '192.168.1.50', port: 8000, model: 'qwen2.5-7b' } as const;
    const names = (w: Workloads) => objectsOf(w, 'triage-llm').map((o) => `${o.kind}/${o.metadata.name}`).sort();
    // Neither the gateway nor the discovery service: no client, so no client's egress policy.
    expect(names(workloads({ ...minimal, triageLlm: external }))).toEqual(['EndpointSlice/triage-llm-external', 'Service/triage-llm']);
    expect(names(workloads({ ...minimal, gateway: { enabled: true }, triageLlm: external }))).toEqual([
      'EndpointSlice/triage-llm-external',
      'NetworkPolicy/mcp-gateway-to-triage-llm',
      'Service/triage-llm',
    ]);
    expect(names(workloads({ ...minimal, gateway: { enabled: true }, discovery, triageLlm: external }))).toEqual([
      'EndpointSlice/triage-llm-external',
      'NetworkPolicy/mcp-discovery-to-triage-llm',
      'NetworkPolicy/mcp-gateway-to-triage-llm',
      'Service/triage-llm',
    ]);
  });
});
