import { describe, expect, it } from '@jest/globals';
import { validateAgentgatewayConfig } from '../../../constructs/gateway/agentgateway-config.js';
import { DEFAULT_MODELS_PORT, MODEL_KEYS_DIR, type GatewayModels } from '../../../constructs/gateway/gateway-models.js';
import { McpGateway, type McpGatewayProps } from '../../../constructs/gateway/mcp-gateway.js';
import { componentSelector } from '../../../constructs/labels.js';
import { apiObjectsOf, checkPolicies } from '../../../constructs/policy/policy-checker.js';
import { only, render, testChart } from '../../support/charts.js';
import { errorOf } from '../../support/errors.js';

const NAMESPACE = 'mcp-system';
const AUTH = { kind: 'jwt', issuer: 'https://auth.example.com/realms/mcp', audiences: ['mcp-gateway'], jwksUrl: 'https://auth.example.com/realms/mcp/certs' } as const;

/** The homelab's models: the triage LLM and vLLM in the cluster, Claude and Gemini behind their keys. */
const MODELS: GatewayModels = {
  models: [
    { name: 'triage', provider: 'openai-compatible', model: 'qwen2.5:3b', baseUrl: 'http://triage-llm.mcp-system.svc:8080', reach: { peers: [{ podLabels: componentSelector('triage-llm') }], ports: [11434] } },
    { name: 'qwen', provider: 'openai-compatible', model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', baseUrl: 'http://vllm.mcp-system.svc:8000', reach: { peers: [{ podLabels: componentSelector('vllm') }], ports: [8000] } },
    { name: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: { from: 'secret', name: 'llm-keys', key: 'anthropic' }, price: { inputPerMillion: 3, outputPerMillion: 15 } },
    { name: 'gemini', provider: 'gemini', model: 'gemini-2.5-flash', apiKey: { from: 'secret', name: 'gemini', key: 'api-key' }, price: { inputPerMillion: 0.3, outputPerMillion: 2.5 } },
  ],
  virtualModels: [{ name: 'reasoning', routing: { failover: ['claude', 'gemini'] } }],
};

const CILIUM = { cni: 'cilium', fqdnEgress: true } as const;
/** Anthropic's published API range (docs.anthropic.com, "IP addresses") and a documentation range for Gemini. */
const PROVIDER_CIDRS = { anthropic: ['160.79.104.0/23'], gemini: ['192.0.2.0/24'] };

function gateway(props: Partial<McpGatewayProps> = {}) {
  const chart = testChart(NAMESPACE);
  const built = new McpGateway(chart, 'gateway', { namespace: NAMESPACE, models: MODELS, network: CILIUM, auth: AUTH, ...props });
  return { built, objects: render(chart), chart };
}

describe('McpGateway with models', () => {
  it('GIVEN models THEN the config has their listener and llm section, valid at v1.4.1, and the MCP listener is unchanged', () => {
    const { built } = gateway({ auth: AUTH });
    expect(validateAgentgatewayConfig(built.config)).toEqual([]);
    const gateways = built.config.gateways as Record<string, Record<string, unknown>>;
    expect(Object.keys(gateways)).toEqual(['mcp', 'llm']);
    expect(gateways.llm).toEqual({ port: DEFAULT_MODELS_PORT, jwtAuth: gateways.mcp!.jwtAuth });
    expect(gateways.mcp!.port).toBe(8080);
    expect((built.config.llm as { gateways: string[] }).gateways).toEqual(['llm']);
    expect((built.config.config as { modelCatalog: unknown[] }).modelCatalog).toHaveLength(1);
  });

  it('GIVEN no auth and only local models THEN the model listener has none either', () => {
    const { built } = gateway({ auth: undefined, models: { models: [MODELS.models[0]!] } });
    expect((built.config.gateways as Record<string, unknown>).llm).toEqual({ port: 4000 });
  });

  it('GIVEN hosted models THEN each key is a file of one projected Secret volume, readable by the pod group only, and no key value is rendered', () => {
    const { objects, built } = gateway();
    const pod = only(objects, 'Deployment', 'mcp-gateway').spec.template.spec;
    expect(pod.volumes).toContainEqual({
      name: 'llm-keys',
      projected: {
        defaultMode: 0o440,
        sources: [
          { secret: { name: 'llm-keys', items: [{ key: 'anthropic', path: '2-claude' }] } },
          { secret: { name: 'gemini', items: [{ key: 'api-key', path: '3-gemini' }] } },
        ],
      },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'llm-keys', mountPath: MODEL_KEYS_DIR, readOnly: true });
    const models = (built.config.llm as { models: { name: string; params: { apiKey?: unknown } }[] }).models;
    expect(models.map((m) => [m.name, m.params.apiKey])).toEqual([
      ['triage', undefined],
      ['qwen', undefined],
      ['claude', { file: `${MODEL_KEYS_DIR}/2-claude` }],
      ['gemini', { file: `${MODEL_KEYS_DIR}/3-gemini` }],
    ]);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('GIVEN only local models THEN there is no key volume', () => {
    const { objects } = gateway({ models: { models: [MODELS.models[0]!] } });
    const pod = only(objects, 'Deployment', 'mcp-gateway').spec.template.spec;
    expect(pod.volumes.map((v: { name: string }) => v.name)).toEqual(['config', 'tmp']);
  });

  it('GIVEN models THEN the pod and the Service expose their port, and the policy admits clients to it', () => {
    const { objects } = gateway({ models: { ...MODELS, port: 4100 } });
    expect(only(objects, 'Deployment', 'mcp-gateway').spec.template.spec.containers[0].ports).toContainEqual({ name: 'llm', containerPort: 4100, protocol: 'TCP' });
    expect(only(objects, 'Service', 'mcp-gateway').spec.ports).toContainEqual({ name: 'llm', port: 4100, targetPort: 'llm', protocol: 'TCP', appProtocol: 'http' });
    const policy = only(objects, 'NetworkPolicy', 'mcp-gateway');
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }, { port: 4100, protocol: 'TCP' }]);
  });

  it('GIVEN local models THEN egress reaches their pods on their ports; hosted providers are reached by name on Cilium, on 443 only', () => {
    const { objects } = gateway();
    const policy = only(objects, 'NetworkPolicy', 'mcp-gateway');
    expect(policy.spec.egress).toEqual(
      expect.arrayContaining([
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACE } }, podSelector: { matchLabels: componentSelector('triage-llm') } }], ports: [{ port: 11434, protocol: 'TCP' }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACE } }, podSelector: { matchLabels: componentSelector('vllm') } }], ports: [{ port: 8000, protocol: 'TCP' }] },
      ]),
    );
    expect(JSON.stringify(policy.spec.egress)).not.toContain('0.0.0.0/0');
    const cilium = only(objects, 'CiliumNetworkPolicy');
    const fqdns = JSON.stringify(cilium.spec);
    expect(fqdns).toContain('"matchName":"api.anthropic.com"');
    expect(fqdns).toContain('"matchName":"generativelanguage.googleapis.com"');
    expect(fqdns).not.toContain('api.openai.com');
  });

  it('GIVEN a CNI that cannot match names and each provider\'s addresses THEN egress is those addresses on 443, never the internet', () => {
    // The identity provider by its address too, so that nothing reaches the internet at large.
    const { objects } = gateway({ network: { cni: 'other' }, jwksCidrs: ['203.0.113.10/32'], models: { ...MODELS, providerCidrs: PROVIDER_CIDRS } });
    const egress = only(objects, 'NetworkPolicy', 'mcp-gateway').spec.egress;
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '160.79.104.0/23' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    expect(JSON.stringify(egress)).not.toContain('0.0.0.0/0');
    expect(objects.filter((o) => o.kind === 'CiliumNetworkPolicy')).toEqual([]);
  });

  it('GIVEN Cilium and the addresses of one provider THEN that one is reached by its addresses, the other by name', () => {
    const { objects } = gateway({ models: { ...MODELS, providerCidrs: { anthropic: ['160.79.104.0/23'] } } });
    expect(only(objects, 'NetworkPolicy', 'mcp-gateway').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '160.79.104.0/23' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    const fqdns = JSON.stringify(only(objects, 'CiliumNetworkPolicy').spec);
    expect(fqdns).not.toContain('api.anthropic.com');
    expect(fqdns).toContain('"matchName":"generativelanguage.googleapis.com"');
  });

  it('GIVEN a CNI that cannot match names and no addresses for a provider THEN the gateway is refused naming the field for each provider', () => {
    const message = (provider: string, host: string, published: string) =>
      `models.providerCidrs.${provider} is required on this cluster: its NetworkPolicies cannot allow ${host} by name (only Cilium can), so give the addresses of the provider's API (${published}), or reach the providers through an egress proxy, or run on Cilium; the gateway would otherwise reach the whole internet on 443`;
    const openai = { name: 'gpt', provider: 'openai', model: 'text-embedding-3-small', apiKey: { from: 'secret', name: 'openai', key: 'key' }, price: { inputPerMillion: 0.02, outputPerMillion: 0 } } as const;
    expect(errorOf(() => gateway({ network: { cni: 'other' }, jwksCidrs: ['203.0.113.10/32'], models: { models: [...MODELS.models, openai] } }))).toBe(
      `McpGateway gateway:\n  - ${message('anthropic', 'api.anthropic.com', 'Anthropic publishes them at docs.anthropic.com/en/api/ip-addresses')}\n  - ${message('gemini', 'generativelanguage.googleapis.com', 'Google publishes none for it')}\n  - ${message('openai', 'api.openai.com', 'OpenAI publishes none for it')}`,
    );
    expect(errorOf(() => gateway({ network: { cni: 'cilium', fqdnEgress: false } }))).toContain(message('anthropic', 'api.anthropic.com', 'Anthropic publishes them at docs.anthropic.com/en/api/ip-addresses'));
  });

  it('GIVEN a key in Infisical THEN the gateway\'s app renders its InfisicalSecret and mounts the Secret it manages', () => {
    const infisical = { from: 'infisical', name: 'llm-provider-keys', key: 'ANTHROPIC_API_KEY', projectSlug: 'homelab', environment: 'prod', credentials: { name: 'infisical-machine-identity' } } as const;
    const { objects } = gateway({ models: { models: [{ ...MODELS.models[2]!, apiKey: infisical }] } });
    const synced = only(objects, 'InfisicalSecret', 'llm-provider-keys');
    expect(synced.spec.managedKubeSecretReferences[0].template.data).toEqual({ ANTHROPIC_API_KEY: '{{ .ANTHROPIC_API_KEY.Value }}' });
    expect(only(objects, 'Deployment', 'mcp-gateway').spec.template.spec.volumes).toContainEqual({
      name: 'llm-keys',
      projected: { defaultMode: 0o440, sources: [{ secret: { name: 'llm-provider-keys', items: [{ key: 'ANTHROPIC_API_KEY', path: '0-claude' }] } }] },
    });
  });

  it('GIVEN hosted models and no client authentication THEN the gateway is refused: anyone who reaches it would spend on your keys', () => {
    expect(errorOf(() => gateway({ auth: undefined }))).toBe(
      'McpGateway gateway:\n  - models serve hosted models (claude, gemini), billed to your provider keys: require clients to authenticate, with auth (a JWT check) or client keys (one per client, each given by its SHA-256)',
    );
  });

  it('GIVEN client keys THEN every model request needs one (strict), by hash, and the model listener leaves the JWT check to the MCP one', () => {
    const sha256 = '4c806362b613f7496abf284146efd31da90e4b16169fe001841ca17290f427c4';
    const { built } = gateway({ models: { ...MODELS, clientKeys: [{ name: 'laptop', sha256 }] } });
    expect((built.config.llm as { policies: unknown }).policies).toEqual({ apiKey: { mode: 'strict', keys: [{ keyHash: `sha256:${sha256}`, metadata: { client: 'laptop' } }] } });
    const gateways = built.config.gateways as Record<string, Record<string, unknown>>;
    expect(gateways.llm).toEqual({ port: 4000 });
    expect(gateways.mcp!.jwtAuth).toBeDefined();
    expect(validateAgentgatewayConfig(built.config)).toEqual([]);
    expect(gateway({ auth: undefined, models: { ...MODELS, clientKeys: [{ name: 'laptop', sha256 }] } }).built.config.llm).toHaveProperty('policies');
  });

  it.each([
    [[{ name: 'laptop', sha256: 'not-a-hash' }], 'models.clientKeys[0].sha256 must be the key\'s SHA-256 as 64 lowercase hex digits (printf %s "$KEY" | sha256sum), never the key itself'],
    [[{ name: 'laptop', sha256: 'A'.repeat(64) }], 'models.clientKeys[0].sha256 must be the key\'s SHA-256 as 64 lowercase hex digits (printf %s "$KEY" | sha256sum), never the key itself'],
    [[{ name: '$USER', sha256: 'a'.repeat(64) }], 'models.clientKeys[0].name "$USER" must be 1 to 63 letters, digits and ". _ -", starting with a letter or digit'],
    [[{ name: 'laptop', sha256: 'a'.repeat(64) }, { name: 'laptop', sha256: 'b'.repeat(64) }], 'models.clientKeys[1].name "laptop" is given twice: one entry per client'],
  ])('GIVEN client keys %j THEN the gateway is refused naming the field', (clientKeys, problem) => {
    expect(errorOf(() => gateway({ models: { ...MODELS, clientKeys } }))).toBe(`McpGateway gateway:\n  - ${problem}`);
  });

  it('GIVEN a failover virtual model THEN its targets are evicted after a failure, so the next priority takes over; other models are not', () => {
    const models = (gateway().built.config.llm as { models: { name: string; health?: unknown }[] }).models;
    expect(models.map((m) => [m.name, m.health])).toEqual([
      ['triage', undefined],
      ['qwen', undefined],
      ['claude', { eviction: { duration: '30s' } }],
      ['gemini', { eviction: { duration: '30s' } }],
    ]);
  });

  it('GIVEN an egress proxy THEN hosted models tunnel through it, the gateway reaches the proxy and the local models only, on any CNI', () => {
    const egressProxy = { host: 'squid.egress.svc.cluster.local', port: 3128, peers: [{ podLabels: { app: 'squid' }, namespace: 'egress' }] };
    const { built, objects } = gateway({ network: { cni: 'other' }, jwksCidrs: ['203.0.113.10/32'], models: { ...MODELS, egressProxy } });
    const models = (built.config.llm as { models: { name: string; backendTunnel?: unknown }[] }).models;
    expect(models.map((m) => [m.name, m.backendTunnel])).toEqual([
      ['triage', undefined],
      ['qwen', undefined],
      ['claude', { proxy: { host: 'squid.egress.svc.cluster.local:3128' } }],
      ['gemini', { proxy: { host: 'squid.egress.svc.cluster.local:3128' } }],
    ]);
    expect(validateAgentgatewayConfig(built.config)).toEqual([]);
    const egress = only(objects, 'NetworkPolicy', 'mcp-gateway').spec.egress;
    expect(egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'egress' } }, podSelector: { matchLabels: { app: 'squid' } } }], ports: [{ port: 3128, protocol: 'TCP' }] });
    expect(JSON.stringify(egress)).not.toContain('0.0.0.0/0');
    expect(egress.filter((rule: { ports: { port: number }[] }) => rule.ports.some((p) => p.port === 443))).toEqual([{ to: [{ ipBlock: { cidr: '203.0.113.10/32' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
  });

  it('GIVEN an egress proxy and provider addresses, or a proxy at a bad port THEN the gateway is refused naming the field', () => {
    const egressProxy = { host: 'squid.egress.svc.cluster.local', port: 3128, peers: [{ cidr: '10.0.0.9/32' }] };
    expect(errorOf(() => gateway({ models: { ...MODELS, egressProxy, providerCidrs: PROVIDER_CIDRS } }))).toBe(
      'McpGateway gateway:\n  - models.egressProxy: and providerCidrs are both set: the hosted providers are reached through the proxy or by their addresses; keep one',
    );
    expect(errorOf(() => gateway({ models: { ...MODELS, egressProxy: { ...egressProxy, port: 0 } } }))).toBe(
      'McpGateway gateway:\n  - models.egressProxy.port must be a whole number from 1 to 65535, got 0\n  - models.models[2].tunnel "squid.egress.svc.cluster.local:0" must be the proxy\'s "host:port", e.g. "egress-proxy.egress.svc.cluster.local:3128"\n  - models.models[3].tunnel "squid.egress.svc.cluster.local:0" must be the proxy\'s "host:port", e.g. "egress-proxy.egress.svc.cluster.local:3128"',
    );
  });

  it('GIVEN the rendered gateway THEN the policy pack finds no error', () => {
    const { chart } = gateway({ auth: AUTH });
    expect(checkPolicies(apiObjectsOf(chart)).findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  it.each([
    ['a local model without reach', { models: [{ ...MODELS.models[0]!, reach: undefined }] }, 'models.models[0].reach is required for an openai-compatible model: the server\'s pods or addresses and port, which the gateway\'s egress allows'],
    ['a hosted model with reach', { models: [{ ...MODELS.models[2]!, reach: { peers: [{ cidr: '10.0.0.1/32' }], ports: [443] } }] }, 'models.models[0].reach is for openai-compatible models; anthropic is reached at api.anthropic.com on 443'],
    ['a hosted model without its key', { models: [{ ...MODELS.models[2]!, apiKey: undefined }] }, 'models.models[0].apiKey is required for anthropic: the gateway holds the key, clients never do'],
    ['a provider that is not hosted', { ...MODELS, providerCidrs: { 'openai-compatible': ['10.0.0.0/8'] } as never }, 'models.providerCidrs.openai-compatible is not a hosted provider: use anthropic, gemini, openai'],
    ['no provider addresses', { ...MODELS, providerCidrs: { anthropic: [] } }, 'models.providerCidrs.anthropic must list at least one CIDR, or be left out'],
    ['a provider address that is no CIDR', { ...MODELS, providerCidrs: { anthropic: ['160.79.104.0'] } }, 'models.providerCidrs.anthropic[0] "160.79.104.0" must be an IPv4 CIDR such as "160.79.104.0/23"'],
    ['a port of 0', { ...MODELS, port: 0 }, 'models.port must be a whole number from 1 to 65535, got 0'],
    ['the MCP port', { ...MODELS, port: 8080 }, "models.port 8080 is taken by the gateway's MCP, metrics or readiness port (8080, 15020, 15021): choose another"],
  ] as [string, GatewayModels, string][])('GIVEN %s THEN the gateway is refused naming the field', (_, models, problem) => {
    expect(errorOf(() => gateway({ models }))).toBe(`McpGateway gateway:\n  - ${problem}`);
  });
});
