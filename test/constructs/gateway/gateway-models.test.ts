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
  const built = new McpGateway(chart, 'gateway', { namespace: NAMESPACE, models: MODELS, network: CILIUM, ...props });
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

  it('GIVEN no auth THEN the model listener has none either', () => {
    const { built } = gateway();
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
    const { objects } = gateway({ network: { cni: 'other' }, models: { ...MODELS, providerCidrs: PROVIDER_CIDRS } });
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
    const message = (provider: string, host: string) =>
      `models.providerCidrs.${provider} is required on this cluster: its NetworkPolicies cannot allow ${host} by name (only Cilium can), so give the addresses of the provider's API (or run on Cilium); the gateway would otherwise reach the whole internet on 443`;
    expect(errorOf(() => gateway({ network: { cni: 'other' } }))).toBe(`McpGateway gateway:\n  - ${message('anthropic', 'api.anthropic.com')}\n  - ${message('gemini', 'generativelanguage.googleapis.com')}`);
    expect(errorOf(() => gateway({ network: { cni: 'cilium', fqdnEgress: false } }))).toContain(message('anthropic', 'api.anthropic.com'));
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
