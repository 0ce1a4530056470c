/**
 * gateway.llm: the config's models as the gateway serves them. The refusals are config problems naming the
 * field; what renders is checked in the gateway's own config (the llm section and the cost catalog) and policy.
 */
import { describe, expect, it } from '@jest/globals';
import { componentSelector } from '../../constructs/labels.js';
import { triageLlmEndpoint, TriageLlm } from '../../constructs/inference/triage-llm.js';
import { vllmEndpoint, VllmDeployment } from '../../constructs/inference/vllm-deployment.js';
import { ConfigError, parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { configRuleProblems } from '../../stacks/config-rules/index.js';
import { gatewayModelsOf, pricedModelsOf } from '../../stacks/gateway-llm.js';
import { renderPlatformInMemory } from '../../stacks/synth.js';
import { testChart } from '../support/charts.js';
import { problemsOf } from '../support/config-problems.js';

const minimal: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.1/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
  cluster: { cni: 'cilium' },
};
const key = (name: string) => ({ from: 'secret', name: 'llm-keys', key: name }) as const;
const claude = { name: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: key('anthropic'), price: { inputPerMillion: 3, outputPerMillion: 15 } } as const;
const gemini = { name: 'gemini', provider: 'gemini', model: 'gemini-2.5-flash', apiKey: key('gemini'), price: { inputPerMillion: 0.3, outputPerMillion: 2.5 } } as const;
const workstation = { name: 'workstation', provider: 'openai-compatible', baseUrl: 'http://192.168.1.50:8000/v1', model: 'qwen2.5-coder-14b' } as const;

/** A client's key by its hash: printf %s test-api-key | sha256sum (agentgateway's own test vector, http/apikey_tests.rs). */
const LAPTOP = { name: 'laptop', sha256: '4c806362b613f7496abf284146efd31da90e4b16169fe001841ca17290f427c4' };
const withLlm = (llm: object, raw: Partial<PlatformConfigInput> = {}): PlatformConfigInput => ({ ...minimal, ...raw, gateway: { enabled: true, ...(raw.gateway ?? {}), llm: { clientKeys: [LAPTOP], ...llm } } as never });

/** One object of the mcp-servers app, as rendered for the config. */
function gatewayObject(raw: PlatformConfigInput, kind: string, name: string): Record<string, any> {
  const { apps } = renderPlatformInMemory(parsePlatformConfig(raw, 'test.config.ts'), { source: 'test.config.ts' });
  return apps.find((a) => a.name === 'mcp-servers')!.objects.find((o) => o.manifest.kind === kind && o.manifest.metadata.name === name)!.manifest;
}

/** The gateway's agentgateway config as rendered for the config. */
function gatewayConfig(raw: PlatformConfigInput): Record<string, any> {
  return JSON.parse(Object.values(gatewayObject(raw, 'ConfigMap', 'mcp-gateway-config').data as Record<string, string>)[0]!);
}

function renderProblems(raw: PlatformConfigInput): readonly string[] {
  try {
    renderPlatformInMemory(parsePlatformConfig(raw, 'test.config.ts'), { source: 'test.config.ts' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be refused');
}

describe('gateway.llm in the config', () => {
  it('takes models and virtual models, with port 4000, public models and no virtual models by default', () => {
    const llm = parsePlatformConfig(withLlm({ models: [claude] }), 'test').gateway.llm!;
    expect(llm.port).toBe(4000);
    expect(llm.models[0]!.internal).toBe(false);
    expect(llm.virtualModels).toEqual([]);
    expect(llm.providerCidrs).toBeUndefined();
    expect(parsePlatformConfig(minimal, 'test').gateway.llm).toBeUndefined();
  });

  it('refuses a hosted model without a price, naming the model', () => {
    expect(problemsOf(withLlm({ models: [claude, { ...gemini, price: undefined }] }))).toEqual([
      'gateway.llm.models[1].price: is required for the hosted model "gemini": its price per million input and output tokens, e.g. { inputPerMillion: 3, outputPerMillion: 15 }, so that its cost is counted and AiDailyCostHigh sees it',
    ]);
  });

  it.each(['anthropic', 'gemini', 'openai'])('requires a price of every hosted provider (%s)', (provider) => {
    expect(problemsOf(withLlm({ models: [{ ...claude, provider, price: undefined }] }))).toEqual([
      expect.stringMatching(/^gateway\.llm\.models\[0\]\.price: is required for the hosted model "claude": /),
    ]);
  });

  it('takes an external model without a price, and refuses a price on the platform\'s own models', () => {
    expect(parsePlatformConfig(withLlm({ models: [workstation] }), 'test').gateway.llm!.models[0]).not.toHaveProperty('price');
    const local = "is only for hosted and external models: the platform's own models are priced by monitoring.alerts.promptTokenPricePerMillion and completionTokenPricePerMillion (from vLLM's token counts), so a price here would count them twice";
    expect(problemsOf(withLlm({ models: [{ name: 'qwen', provider: 'gpuInference', price: claude.price }] }, { gpuInference: { enabled: true } }))).toEqual([`gateway.llm.models[0].price: ${local}`]);
    expect(problemsOf(withLlm({ models: [{ name: 'triage', provider: 'triageLlm', price: claude.price }] }, { triageLlm: { enabled: true } }))).toEqual([`gateway.llm.models[0].price: ${local}`]);
  });

  it('refuses a literal key, a key given as a value, and a hosted model without a key', () => {
    const refused =
      'secret values are never accepted (the config and the rendered output are committed to git): reference an existing Secret ({ from: "secret", name, key }), an ExternalSecret ({ from: "externalSecret", ... }) or an InfisicalSecret ({ from: "infisical", ... })';
    expect(problemsOf(withLlm({ models: [{ ...claude, apiKey: 'sk-ant-api03-abcdef' }] }))).toEqual([`gateway.llm.models[0].apiKey: ${refused}`]);
    expect(problemsOf(withLlm({ models: [{ ...claude, apiKey: { value: 'sk-ant-api03-abcdef' } }] }))).toEqual([`gateway.llm.models[0].apiKey: ${refused}`]);
    expect(problemsOf(withLlm({ models: [{ ...workstation, apiKey: 'local-key' }] }))).toEqual([`gateway.llm.models[0].apiKey: ${refused}`]);
    expect(problemsOf(withLlm({ models: [{ ...claude, apiKey: undefined }] }))).toEqual([
      'gateway.llm.models[0].apiKey: is required for the hosted model "claude": the provider\'s API key by reference, which only the gateway reads, e.g. { from: "infisical", name: "llm-provider-keys", key: "ANTHROPIC_API_KEY", ... }',
    ]);
  });

  it('refuses an unknown provider, no models, a bad name, a price out of range, and a name for an external server without its addresses', () => {
    expect(problemsOf(withLlm({ models: [{ ...claude, provider: 'vertex' }] }))).toEqual([
      'gateway.llm.models[0].provider: must be "triageLlm" or "gpuInference" (the platform\'s own), "openai-compatible" (a server of yours), or "anthropic", "gemini", "openai", got "vertex"',
    ]);
    expect(problemsOf(withLlm({ models: [] }))).toEqual(['gateway.llm.models: must list at least one model, or leave gateway.llm out, got []']);
    expect(problemsOf(withLlm({ models: [{ ...claude, name: '-claude' }] }))).toEqual([
      'gateway.llm.models[0].name: must be what clients send as "model": 1 to 128 letters, digits and ". _ : / -", starting with a letter or digit, got "-claude"',
    ]);
    expect(problemsOf(withLlm({ models: [{ ...claude, price: { inputPerMillion: -1, outputPerMillion: 1_000_001 } }] }))).toEqual([
      'gateway.llm.models[0].price.inputPerMillion: must be at least 0, got -1',
      'gateway.llm.models[0].price.outputPerMillion: must be at most 1000000 per million tokens, got 1000001',
    ]);
    expect(problemsOf(withLlm({ models: [{ ...workstation, baseUrl: 'http://gpu.lan:8000/v1' }] }))).toEqual([
      'gateway.llm.models[0].cidrs: is required: "gpu.lan" is a name, and the gateway\'s egress allows the server by its addresses, e.g. ["192.168.1.50/32"]',
    ]);
    expect(problemsOf(withLlm({ models: [{ ...workstation, baseUrl: 'http://192.168.1.50:8000/v1?x=1' }] }))).toEqual([
      'gateway.llm.models[0].baseUrl: must have no query ("?") or fragment ("#"): agentgateway refuses one, got "http://192.168.1.50:8000/v1?x=1"',
    ]);
  });

  it('config rule gateway-models: the gateway enabled, and the triage LLM or vLLM a model names', () => {
    const config = parsePlatformConfig(withLlm({ models: [{ name: 'triage', provider: 'triageLlm' }, { name: 'qwen', provider: 'gpuInference' }] }, { gateway: { enabled: false } }), 'test');
    expect(configRuleProblems(config)).toEqual([
      { path: 'gateway.llm', message: 'is set but gateway.enabled is false: the models are served by the gateway, so enable it or leave gateway.llm out' },
      { path: 'gateway.llm.models[0].provider', message: 'is "triageLlm", but triageLlm.enabled is false: enable the triage LLM, or route "triage" to another provider' },
      { path: 'gateway.llm.models[1].provider', message: 'is "gpuInference", but gpuInference.enabled is false: enable the vLLM deployment, or route "qwen" to another provider' },
    ]);
  });
});

describe('gateway.llm rendered', () => {
  const homelab = withLlm(
    {
      models: [{ name: 'triage', provider: 'triageLlm' }, { name: 'qwen', provider: 'gpuInference', internal: true }, workstation, claude, gemini],
      virtualModels: [
        { name: 'reasoning', routing: { failover: ['claude', 'gemini'] } },
        { name: 'spread', routing: { weighted: [{ model: 'claude', weight: 3 }, { model: 'gemini', weight: 1 }] } },
        { name: 'default', routing: { conditional: [{ model: 'gemini', when: 'size(request.body) > 24000' }, { model: 'qwen' }] } },
      ],
    },
    { triageLlm: { enabled: true }, gpuInference: { enabled: true, servedModelName: 'qwen-7b' } },
  );

  it("resolves the platform's own models to their Services and model names, and an external one to its URL", () => {
    const models = gatewayConfig(homelab).llm.models;
    const custom = { custom: { formats: [{ type: 'completions' }] } };
    expect(models.slice(0, 3)).toEqual([
      { name: 'triage', provider: custom, params: { model: 'qwen2.5:3b-instruct', baseUrl: 'http://triage-llm.mcp-system.svc:11434/v1' } },
      { name: 'qwen', provider: custom, params: { model: 'qwen-7b', baseUrl: 'http://vllm.mcp-system.svc:8000/v1' }, visibility: 'internal' },
      { name: 'workstation', provider: custom, params: { model: 'qwen2.5-coder-14b', baseUrl: 'http://192.168.1.50:8000/v1' } },
    ]);
    expect(models.slice(3).map((m: any) => [m.name, m.provider, m.params.apiKey])).toEqual([
      ['claude', 'anthropic', { file: '/var/run/secrets/mcp-platform/llm/3-claude' }],
      ['gemini', 'gemini', { file: '/var/run/secrets/mcp-platform/llm/4-gemini' }],
    ]);
  });

  it('renders each routing kind, and the prices as the cost catalog', () => {
    const config = gatewayConfig(homelab);
    expect(config.llm.virtualModels).toEqual([
      { name: 'reasoning', routing: { failover: { targets: [{ model: 'claude', priority: 0 }, { model: 'gemini', priority: 1 }] } } },
      { name: 'spread', routing: { weighted: { targets: [{ model: 'claude', weight: 3 }, { model: 'gemini', weight: 1 }] } } },
      { name: 'default', routing: { conditional: { targets: [{ when: 'size(request.body) > 24000', model: 'gemini' }, { model: 'qwen' }] } } },
    ]);
    expect(config.config.modelCatalog).toEqual([
      { inline: { providers: { anthropic: { models: { 'claude-sonnet-4-5': { rates: { input: '3', output: '15' } } } }, 'gcp.gemini': { models: { 'gemini-2.5-flash': { rates: { input: '0.3', output: '2.5' } } } } } } },
    ]);
    expect(config.gateways.llm).toEqual({ port: 4000 });
  });

  it('lets the gateway reach the local models\' pods, the external server\'s address and port, and the providers by name', () => {
    const models = gatewayModelsOf(parsePlatformConfig(homelab, 'test'))!;
    expect(models.models.map((m) => m.reach)).toEqual([
      { peers: [{ podLabels: componentSelector('triage-llm') }], ports: [11434] },
      { peers: [{ podLabels: componentSelector('vllm') }], ports: [8000] },
      { peers: [{ cidr: '192.168.1.50/32' }], ports: [8000] },
      undefined,
      undefined,
    ]);
    const named = gatewayModelsOf(parsePlatformConfig(withLlm({ models: [{ ...workstation, baseUrl: 'https://gpu.lan/v1', cidrs: ['192.168.1.0/28'] }] }), 'test'))!;
    expect(named.models[0]!.reach).toEqual({ peers: [{ cidr: '192.168.1.0/28' }], ports: [443] });
    const plain = gatewayModelsOf(parsePlatformConfig(withLlm({ models: [{ ...workstation, baseUrl: 'http://192.168.1.50/v1' }] }), 'test'))!;
    expect(plain.models[0]!.reach).toEqual({ peers: [{ cidr: '192.168.1.50/32' }], ports: [80] });
  });

  it("reports the gateway's refusals under gateway.llm", () => {
    expect(
      renderProblems(
        withLlm({
          models: [claude, gemini],
          virtualModels: [
            { name: 'both', routing: { failover: ['claude', 'gemini'], weighted: [{ model: 'claude', weight: 1 }, { model: 'gemini', weight: 1 }] } },
            { name: 'nested', routing: { failover: ['claude', 'both'] } },
            { name: 'claude', routing: { failover: ['claude', 'gemini'] } },
          ],
        }),
      ),
    ).toEqual([
      'gateway.llm.virtualModels[0].routing: must give exactly one of failover, weighted or conditional, got failover and weighted',
      'gateway.llm.virtualModels[1].routing.failover[1]: "both" is a virtual model; agentgateway routes only to models: name the models themselves',
      'gateway.llm.virtualModels[2]: the name "claude" is also models[0]: give each model and virtual model its own name',
    ]);
    expect(renderProblems(withLlm({ models: [{ ...claude, model: 'claude-$VERSION' }] }))).toEqual([
      'gateway.llm.models[0].model: "claude-$VERSION" contains "$", which agentgateway reads as an environment variable in its config: remove it',
    ]);
    expect(renderProblems(withLlm({ port: 8080, models: [claude] }))).toEqual(["gateway.llm.port: 8080 is taken by the gateway's MCP, metrics or readiness port (8080, 15020, 15021): choose another"]);
  });

  it('off Cilium, needs each hosted provider\'s addresses and allows only those', () => {
    const other = { ...minimal, cluster: { cni: 'other' } } as PlatformConfigInput;
    expect(renderProblems({ ...withLlm({ models: [claude] }), cluster: other.cluster })).toEqual([
      "gateway.llm.providerCidrs.anthropic: is required on this cluster: its NetworkPolicies cannot allow api.anthropic.com by name (only Cilium can), so give the addresses of the provider's API (Anthropic publishes them at docs.anthropic.com/en/api/ip-addresses), or reach the providers through an egress proxy, or run on Cilium; the gateway would otherwise reach the whole internet on 443",
    ]);
    expect(problemsOf({ ...withLlm({ models: [claude], providerCidrs: { anthropic: [] } }), cluster: other.cluster })).toEqual(['gateway.llm.providerCidrs.anthropic: must list at least one CIDR, or be left out, got []']);
    const policy = gatewayObject({ ...withLlm({ models: [claude], providerCidrs: { anthropic: ['160.79.104.0/23'] } }), cluster: other.cluster }, 'NetworkPolicy', 'mcp-gateway');
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '160.79.104.0/23' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    expect(JSON.stringify(policy.spec.egress)).not.toContain('0.0.0.0/0');
  });
});

describe('gateway.llm: who may call, and how the providers are reached', () => {
  it('refuses hosted models that any client could call, and takes them behind client keys or the JWT check', () => {
    expect(renderProblems({ ...minimal, gateway: { enabled: true, llm: { models: [claude, gemini] } } } as never)).toEqual([
      'gateway.llm: serve hosted models (claude, gemini), billed to your provider keys: require clients to authenticate, with auth (a JWT check) or client keys (one per client, each given by its SHA-256)',
    ]);
    const auth = { issuer: 'https://id.lan/realms/lab', audiences: ['llm'], jwksUrl: 'https://id.lan/realms/lab/certs' };
    expect(gatewayConfig({ ...minimal, gateway: { enabled: true, auth, llm: { models: [claude] } } } as never).gateways.llm.jwtAuth).toMatchObject({ issuer: auth.issuer, audiences: ['llm'] });
    const keyed = gatewayConfig(withLlm({ models: [claude] }));
    expect(keyed.llm.policies).toEqual({ apiKey: { mode: 'strict', keys: [{ keyHash: `sha256:${LAPTOP.sha256}`, metadata: { client: 'laptop' } }] } });
    // Local models alone need no key.
    expect(gatewayConfig({ ...minimal, triageLlm: { enabled: true }, gateway: { enabled: true, llm: { models: [{ name: 'triage', provider: 'triageLlm' }] } } } as never).llm).not.toHaveProperty('policies');
  });

  it('refuses a client key that is not a SHA-256, a bad client name, and an empty list', () => {
    expect(problemsOf(withLlm({ models: [claude], clientKeys: [{ name: 'laptop', sha256: 'test-api-key' }] }))).toEqual([
      'gateway.llm.clientKeys[0].sha256: must be the key\'s SHA-256 as 64 lowercase hex digits (printf %s "$KEY" | sha256sum), never the key itself, got "test-api-key"',
    ]);
    expect(problemsOf(withLlm({ models: [claude], clientKeys: [{ name: 'my laptop', sha256: LAPTOP.sha256 }] }))).toEqual([
      'gateway.llm.clientKeys[0].name: must be 1 to 63 letters, digits and ". _ -", starting with a letter or digit, got "my laptop"',
    ]);
    expect(problemsOf(withLlm({ models: [claude], clientKeys: [] }))).toEqual(['gateway.llm.clientKeys: must list at least one client, or be left out, got []']);
  });

  it('reaches the providers through an egress proxy on any CNI: its pods, its addresses, or its own address', () => {
    const other = { cni: 'other' } as const;
    const proxied = (egressProxy: object) => ({ ...withLlm({ models: [claude, workstation], egressProxy }), cluster: other });
    const models = gatewayConfig(proxied({ host: 'squid.egress.svc.cluster.local', port: 3128, pods: { namespace: 'egress', podLabels: { app: 'squid' } } })).llm.models;
    expect(models.map((m: any) => [m.name, m.backendTunnel])).toEqual([
      ['claude', { proxy: { host: 'squid.egress.svc.cluster.local:3128' } }],
      ['workstation', undefined],
    ]);
    const egress = gatewayObject(proxied({ host: 'squid.egress.svc.cluster.local', port: 3128, pods: { namespace: 'egress', podLabels: { app: 'squid' } } }), 'NetworkPolicy', 'mcp-gateway').spec.egress;
    expect(egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'egress' } }, podSelector: { matchLabels: { app: 'squid' } } }], ports: [{ port: 3128, protocol: 'TCP' }] });
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '192.168.1.50/32' } }], ports: [{ port: 8000, protocol: 'TCP' }] });
    expect(JSON.stringify(egress)).not.toContain('0.0.0.0/0');
    expect(gatewayObject(proxied({ host: '192.168.1.2', port: 3128 }), 'NetworkPolicy', 'mcp-gateway').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '192.168.1.2/32' } }], ports: [{ port: 3128, protocol: 'TCP' }] });
    expect(gatewayObject(proxied({ host: 'proxy.lan', port: 8080, cidrs: ['192.168.1.0/29'] }), 'NetworkPolicy', 'mcp-gateway').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '192.168.1.0/29' } }], ports: [{ port: 8080, protocol: 'TCP' }] });
  });

  it('refuses a proxy named without its pods or addresses, with both, and a proxy beside provider addresses', () => {
    expect(problemsOf(withLlm({ models: [claude], egressProxy: { host: 'proxy.lan', port: 3128 } }))).toEqual([
      'gateway.llm.egressProxy.pods: is required: "proxy.lan" is a name, so give the proxy\'s pods (a proxy in the cluster) or its cidrs (outside it), which the gateway\'s egress allows',
    ]);
    expect(problemsOf(withLlm({ models: [claude], egressProxy: { host: 'proxy.lan', port: 3128, cidrs: ['192.168.1.2/32'], pods: { namespace: 'egress', podLabels: { app: 'squid' } } } }))).toEqual([
      'gateway.llm.egressProxy.pods: and cidrs are both set: a proxy in the cluster is reached by its pods, one outside it by its addresses; keep one',
    ]);
    expect(renderProblems(withLlm({ models: [claude], egressProxy: { host: '192.168.1.2', port: 3128 }, providerCidrs: { anthropic: ['160.79.104.0/23'] } }))).toEqual([
      'gateway.llm.egressProxy: and providerCidrs are both set: the hosted providers are reached through the proxy or by their addresses; keep one',
    ]);
  });
});

describe('gateway.llm: each limit on its own', () => {
  it('takes names up to 128 characters and refuses 129; takes a price of 0 and of the maximum', () => {
    const name = `c${'x'.repeat(127)}`;
    expect(() => parsePlatformConfig(withLlm({ models: [{ ...claude, name }] }), 'test')).not.toThrow();
    expect(problemsOf(withLlm({ models: [{ ...claude, name: `${name}x` }] }))).toEqual([
      expect.stringMatching(/^gateway\.llm\.models\[0\]\.name: must be what clients send as "model": 1 to 128 letters/),
    ]);
    expect(() => parsePlatformConfig(withLlm({ models: [{ ...claude, price: { inputPerMillion: 0, outputPerMillion: 1_000_000 } }] }), 'test')).not.toThrow();
  });

  it('refuses a hosted or external model without its model id, each with its own message', () => {
    expect(problemsOf(withLlm({ models: [{ ...claude, model: undefined }] }))).toEqual(['gateway.llm.models[0].model: is required: the model id at the provider, e.g. "claude-sonnet-4-5"']);
    expect(problemsOf(withLlm({ models: [{ ...workstation, model: undefined }] }))).toEqual(['gateway.llm.models[0].model: is required: the model name the server serves']);
  });

  it("refuses an external server's URL that is not http(s), that carries credentials, and an empty list of its addresses", () => {
    expect(problemsOf(withLlm({ models: [{ ...workstation, baseUrl: 'ftp://192.168.1.50/v1' }] }))).toEqual([
      'gateway.llm.models[0].baseUrl: must be the http(s) URL of the server\'s OpenAI-compatible API, e.g. "http://192.168.1.50:8000/v1", got "ftp://192.168.1.50/v1"',
    ]);
    expect(problemsOf(withLlm({ models: [{ ...workstation, baseUrl: 'http://me:pw@192.168.1.50:8000/v1' }] }))).toEqual([
      expect.stringMatching(/^gateway\.llm\.models\[0\]\.baseUrl: .*give the key in apiKey, by reference/),
    ]);
    expect(problemsOf(withLlm({ models: [{ ...workstation, cidrs: [] }] }))).toEqual(['gateway.llm.models[0].cidrs: must list at least one entry, got []']);
    expect(() => parsePlatformConfig(withLlm({ models: [{ ...workstation, baseUrl: 'http://gpu.lan:8000/v1', cidrs: ['192.168.1.50/32'] }] }), 'test')).not.toThrow();
  });

  it('refuses provider addresses for an unknown provider and an empty list of them', () => {
    expect(problemsOf(withLlm({ models: [claude], providerCidrs: { anthropic: [] } }))).toEqual(['gateway.llm.providerCidrs.anthropic: must list at least one CIDR, or be left out, got []']);
    expect(problemsOf(withLlm({ models: [claude], providerCidrs: { mistral: ['192.0.2.0/24'] } }))).toEqual([
      'gateway.llm.providerCidrs.mistral: unknown field; allowed: anthropic, gemini, openai',
    ]);
  });

  it("refuses a proxy host that is no name or address, and a proxy's pods without labels", () => {
    expect(problemsOf(withLlm({ models: [claude], egressProxy: { host: 'http://squid:3128', port: 3128, cidrs: ['192.168.1.2/32'] } }))).toEqual([
      'gateway.llm.egressProxy.host: must be the proxy\'s DNS name or IPv4 address, e.g. "squid.egress.svc.cluster.local", got "http://squid:3128"',
    ]);
    expect(problemsOf(withLlm({ models: [claude], egressProxy: { host: 'squid.egress.svc.cluster.local', port: 3128, pods: { namespace: 'egress', podLabels: {} } } }))).toEqual([
      'gateway.llm.egressProxy.pods.podLabels: must name at least one label of the proxy\'s pods, got an object',
    ]);
  });

  it('takes client names up to 63 characters and refuses 64', () => {
    const name = `w${'x'.repeat(62)}`;
    expect(() => parsePlatformConfig(withLlm({ models: [claude], clientKeys: [{ name, sha256: LAPTOP.sha256 }] }), 'test')).not.toThrow();
    expect(problemsOf(withLlm({ models: [claude], clientKeys: [{ name: `${name}x`, sha256: LAPTOP.sha256 }] }))).toEqual([
      expect.stringMatching(/^gateway\.llm\.clientKeys\[0\]\.name: must be 1 to 63 letters/),
    ]);
  });
});

describe('gateway.llm.tokenLimits', () => {
  const daily = { perClient: { tokens: 1_000_000, per: 'day' } };

  it('takes a budget per client, refusing while the limiter is down by default, and renders the limiter beside the gateway', () => {
    expect(parsePlatformConfig(withLlm({ models: [claude], tokenLimits: daily }), 'test').gateway.llm!.tokenLimits).toEqual({ ...daily, whenUnavailable: 'refuse' });
    expect(parsePlatformConfig(withLlm({ models: [claude] }), 'test').gateway.llm!.tokenLimits).toBeUndefined();
    const raw = withLlm({ models: [claude], tokenLimits: { ...daily, clients: { laptop: { tokens: 10_000, per: 'hour' } } } });
    expect(gatewayConfig(raw).llm.policies.remoteRateLimit).toMatchObject({ host: 'llm-token-limiter.mcp-system.svc.cluster.local:8081', failureMode: 'failClosed' });
    expect(JSON.parse(gatewayObject(raw, 'ConfigMap', 'llm-token-limiter-config').data['config.yaml']).descriptors).toEqual([
      { key: 'client', rate_limit: { unit: 'day', requests_per_unit: 1_000_000 } },
      { key: 'client', value: 'laptop', rate_limit: { unit: 'hour', requests_per_unit: 10_000 } },
    ]);
  });

  it.each([
    [{ perClient: { tokens: 0, per: 'day' } }, 'gateway.llm.tokenLimits.perClient.tokens: must be at least 1, got 0'],
    [{ perClient: { tokens: 2.5, per: 'day' } }, 'gateway.llm.tokenLimits.perClient.tokens: must be a whole number of tokens'],
    [{ perClient: { tokens: 4_294_967_296, per: 'day' } }, 'gateway.llm.tokenLimits.perClient.tokens: must be at most 4294967295 (the rate limit service counts in 32 bits), got 4294967296'],
    [{ perClient: { tokens: 10, per: 'week' } }, 'gateway.llm.tokenLimits.perClient.per: must be "minute", "hour", "day", got "week"'],
    [{ perClient: { tokens: 10, per: 'day' }, whenUnavailable: 'open' }, 'gateway.llm.tokenLimits.whenUnavailable: must be "refuse" (model requests fail while the limiter is down) or "allow" (they go unlimited), got "open"'],
    [{ perClient: { tokens: 10, per: 'day' }, clients: { laptop: { tokens: 10 } } }, 'gateway.llm.tokenLimits.clients.laptop.per: must be "minute", "hour", "day"'],
  ])('refuses %j, naming the field', (tokenLimits, message) => {
    expect(problemsOf(withLlm({ models: [claude], tokenLimits }))).toEqual([message]);
  });

  it('refuses a budget for a name that is not a client key when only keys name clients', () => {
    expect(renderProblems(withLlm({ models: [claude], tokenLimits: { ...daily, clients: { desktop: { tokens: 5, per: 'hour' } } } }))).toEqual([
      'gateway.llm.tokenLimits.clients.desktop: "desktop" is not a client: clients are "laptop" (client keys\' names), or "anonymous"',
    ]);
    // A name that is no identifier is quoted, and still reported under its config field.
    expect(renderProblems(withLlm({ models: [claude], tokenLimits: { ...daily, clients: { 'old-laptop': { tokens: 5, per: 'hour' } } } }))).toEqual([
      'gateway.llm.tokenLimits.clients["old-laptop"]: "old-laptop" is not a client: clients are "laptop" (client keys\' names), or "anonymous"',
    ]);
  });
});

describe('gateway.llm in monitoring', () => {
  it('counts the priced models: hosted and external ones with a price, not the platform\'s own', () => {
    const config = parsePlatformConfig(withLlm({ models: [{ name: 'triage', provider: 'triageLlm' }, workstation, { ...workstation, name: 'paid', price: { inputPerMillion: 0.1, outputPerMillion: 0.1 } }, claude] }, { triageLlm: { enabled: true } }), 'test');
    expect(pricedModelsOf(config)).toEqual([{ name: 'paid', model: 'qwen2.5-coder-14b' }, { name: 'claude', model: 'claude-sonnet-4-5' }]);
  });

  it('renders the cost record and a panel per priced model in the monitoring app', () => {
    const raw = withLlm({ models: [claude, gemini] }, { monitoring: { prometheusOperator: true } });
    const { apps } = renderPlatformInMemory(parsePlatformConfig(raw, 't'), { source: 't' });
    const objects = apps.find((a) => a.name === 'monitoring')!.objects.map((o) => o.manifest);
    const rules = objects.find((o) => o.kind === 'PrometheusRule')!.spec.groups[0].rules.map((r: { record?: string; alert?: string }) => r.record ?? r.alert);
    expect(rules).toContain('mcp_platform:ai_cost_by_model:sum_24h');
    const dashboard = JSON.parse(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'mcp-platform-dashboard')!.data['mcp-platform.json']);
    expect(dashboard.panels.map((p: { title: string }) => p.title).filter((t: string) => t.startsWith('Cost of '))).toEqual(['Cost of claude (claude-sonnet-4-5), last 24 h', 'Cost of gemini (gemini-2.5-flash), last 24 h']);
  });
});

describe('model endpoints without rendering', () => {
  it.each([
    ['ollama', { provider: 'ollama' }],
    ['ollama with a model', { provider: 'ollama', model: 'llama3.2:3b' }],
    ['vllm', { provider: 'vllm', model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', maxModelLen: 8192, gpu: { memoryGiB: 12 }, cache: { size: '50Gi' }, servedModelName: 'triage' }],
    ['external', { provider: 'external', address: '192.168.1.50', port: 8000, model: 'm' }],
  ])("triageLlmEndpoint is the TriageLlm's own url, port and model (%s)", (_, backend) => {
    const chart = testChart('mcp-system');
    const triage = new TriageLlm(chart, 'triage', { namespace: 'mcp-system', backend: backend as never, clients: [] });
    const endpoint = triageLlmEndpoint('mcp-system', backend as never);
    expect([endpoint.url, endpoint.port, endpoint.model]).toEqual([triage.url, triage.port, triage.model]);
  });

  it("vllmEndpoint is the VllmDeployment's own url and served model name", () => {
    const props = { namespace: 'ai', name: 'gpu', model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', maxModelLen: 8192, gpu: { memoryGiB: 12 }, cache: { size: '50Gi' }, clients: [] };
    const deployment = new VllmDeployment(testChart('ai'), 'vllm', props);
    expect(vllmEndpoint(props)).toEqual({ url: deployment.url, model: deployment.servedModelName, reach: { peers: [{ podLabels: componentSelector('vllm') }], ports: [8000] } });
  });
});
