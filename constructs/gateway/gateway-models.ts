/**
 * What the gateway needs to serve models (constructs/gateway/llm-routes.ts): a listener of its own, the provider
 * keys mounted as files from their Secrets, and egress to each model's server: a hosted provider's API host on
 * 443 (by name on Cilium, by its addresses elsewhere), a local model's pods or addresses on its port.
 */
import type { k8s } from 'cdk8s-plus-33';
import { IPV4_CIDR } from '../network/ipv4.js';
import { usesFqdnEgress, type ClusterNetwork } from '../network/cluster-network.js';
import type { SecretSource } from '../secrets/secret-reference.js';
import { HOSTED_PROVIDERS, llmConfig, llmConfigProblems, PROVIDER_HOSTS, type ClientKey, type HostedProvider, type LlmConfig, type LlmModel, type VirtualModel } from './llm-routes.js';
import type { HostPorts, Peer, PeerPorts } from '../workloads/pod-network-policy.js';
import { tokenLimitsProblems, type TokenLimits } from './llm-token-limiter.js';

/** One model the gateway serves. */
export interface GatewayModel extends Omit<LlmModel, 'apiKeyFile'> {
  /** Where the provider's API key comes from; the gateway mounts it as a file. Required for a hosted model. @default none: no key is sent */
  readonly apiKey?: SecretSource;
  /** Where the gateway reaches a local model's server: its pods (or addresses) and port. Required for an openai-compatible model. @default none */
  readonly reach?: PeerPorts;
}

/** The models the gateway serves, and the listener clients call them on. */
export interface GatewayModels {
  /** The models, at least one. */
  readonly models: readonly GatewayModel[];
  /** Names that route between the models. @default none */
  readonly virtualModels?: readonly VirtualModel[];
  /** Port of the models' listener (`/v1/chat/completions`, `/v1/models`, ...). @default DEFAULT_MODELS_PORT (4000, agentgateway's own default for LLM routes) */
  readonly port?: number;
  /**
   * The addresses of each hosted provider's API, for a cluster whose NetworkPolicies cannot allow a host by name
   * (any CNI but Cilium): the gateway's egress allows these on 443 and nothing else. Given, they are used on
   * Cilium too. @default none: by name, which only Cilium can do
   */
  readonly providerCidrs?: Readonly<Partial<Record<HostedProvider, readonly string[]>>>;
  /**
   * An HTTP proxy the gateway reaches every hosted provider through (HTTP CONNECT; TLS to the provider inside the
   * tunnel), for a cluster that cannot allow hosts by name: the gateway's egress allows the proxy alone, and the
   * proxy allows the providers' hosts. @default none: direct
   */
  readonly egressProxy?: EgressProxy;
  /**
   * Clients with keys of their own, each by its key's SHA-256: every model request needs one, and the listener's
   * JWT check is left to the MCP listener (both read the Authorization header). @default none
   */
  readonly clientKeys?: readonly ClientKey[];
  /**
   * Token budgets per client (a client key's name, else the JWT's subject), counted by an Envoy rate limit service
   * the gateway renders beside itself (LlmTokenLimiter). @default none: no budget
   */
  readonly tokenLimits?: TokenLimits;
}

/** An HTTP CONNECT proxy outside the gateway's pod, e.g. Squid with an allow-list of the providers' hosts. */
export interface EgressProxy {
  /** The proxy's DNS name or IPv4 address, as the gateway dials it. */
  readonly host: string;
  readonly port: number;
  /** Where the proxy runs, for the gateway's egress: its pods, or its addresses. */
  readonly peers: readonly Peer[];
}

/** agentgateway's default port for LLM routes (crates/agentgateway/src/types/local.rs at v1.4.1). */
export const DEFAULT_MODELS_PORT = 4000;
/** The agentgateway gateway (listener) the model routes attach to: their route matches every path, so not the MCP one. */
export const MODELS_GATEWAY_NAME = 'llm';
/** Where the provider keys are mounted in the gateway's pod, one file per model. */
export const MODEL_KEYS_DIR = '/var/run/secrets/mcp-platform/llm';

/** What the McpGateway adds to its config, pod and policy for the models. */
export interface RenderedModels {
  readonly port: number;
  readonly config: LlmConfig;
  /** The projected volume of the keys, when any model has one. */
  readonly volume?: k8s.Volume;
  readonly mount?: k8s.VolumeMount;
  readonly egress: readonly PeerPorts[];
  readonly hosts: readonly HostPorts[];
}

/** The Secret key a model's API key is read from, once its reference is made. */
export interface ModelKeySecret {
  readonly secretName: string;
  readonly key: string;
}

/** The file a model's key is mounted as: its position keeps two names that clean to the same text apart. */
function keyFile(index: number, name: string): string {
  return `${index}-${name.replace(/[^A-Za-z0-9._-]/g, '-')}`;
}

/** The problems of the models' props, each naming its field (those of llmConfigProblems included). */
export function gatewayModelsProblems(models: GatewayModels, network?: ClusterNetwork, jwtAuth = false): string[] {
  const problems: string[] = [];
  const port = models.port ?? DEFAULT_MODELS_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`models.port must be a whole number from 1 to 65535, got ${port}`);
  models.models.forEach((model, i) => {
    if (model.provider === 'openai-compatible' && !model.reach) problems.push(`models.models[${i}].reach is required for an openai-compatible model: the server's pods or addresses and port, which the gateway's egress allows`);
    if (model.provider !== 'openai-compatible' && model.reach) problems.push(`models.models[${i}].reach is for openai-compatible models; ${model.provider} is reached at ${PROVIDER_HOSTS[model.provider]} on 443`);
  });
  for (const [provider, cidrs] of Object.entries(models.providerCidrs ?? {})) {
    if (!(HOSTED_PROVIDERS as readonly string[]).includes(provider)) problems.push(`models.providerCidrs.${provider} is not a hosted provider: use ${HOSTED_PROVIDERS.join(', ')}`);
    else if (!cidrs?.length) problems.push(`models.providerCidrs.${provider} must list at least one CIDR, or be left out`);
    cidrs?.forEach((cidr, c) => {
      if (!IPV4_CIDR.test(cidr)) problems.push(`models.providerCidrs.${provider}[${c}] ${JSON.stringify(cidr)} must be an IPv4 CIDR such as "160.79.104.0/23"`);
    });
  }
  const proxy = models.egressProxy;
  if (proxy) {
    if (models.providerCidrs) problems.push('models.egressProxy: and providerCidrs are both set: the hosted providers are reached through the proxy or by their addresses; keep one');
    if (!Number.isInteger(proxy.port) || proxy.port < 1 || proxy.port > 65535) problems.push(`models.egressProxy.port must be a whole number from 1 to 65535, got ${proxy.port}`);
    if (!proxy.peers.length) problems.push('models.egressProxy.peers must name the proxy\'s pods or addresses, which the gateway\'s egress allows');
  } else if (!usesFqdnEgress(network)) {
    for (const provider of hostedProviders(models)) {
      if (models.providerCidrs?.[provider] === undefined) {
        problems.push(
          `models.providerCidrs.${provider} is required on this cluster: its NetworkPolicies cannot allow ${PROVIDER_HOSTS[provider]} by name (only Cilium can), ` +
            `so give the addresses of the provider's API${provider === 'anthropic' ? ' (Anthropic publishes them at docs.anthropic.com/en/api/ip-addresses)' : ` (${provider === 'gemini' ? 'Google' : 'OpenAI'} publishes none for it)`}, ` +
            'or reach the providers through an egress proxy, or run on Cilium; the gateway would otherwise reach the whole internet on 443',
        );
      }
    }
  }
  const hosted = models.models.filter((m) => m.provider !== 'openai-compatible').map((m) => m.name);
  if (hosted.length && !jwtAuth && !models.clientKeys?.length) {
    problems.push(
      `models serve hosted models (${hosted.join(', ')}), billed to your provider keys: require clients to authenticate, with auth (a JWT check) or client keys (one per client, each given by its SHA-256)`,
    );
  }
  if (models.tokenLimits) {
    // Only the client keys name clients unless the JWT check applies to the models (client keys replace it there):
    // a budget for another name would never apply.
    const known = jwtAuth && !models.clientKeys?.length ? undefined : (models.clientKeys ?? []).map((c) => c.name);
    problems.push(...tokenLimitsProblems('models.tokenLimits', models.tokenLimits, known));
  }
  const asLlm = llmModels(models);
  problems.push(
    ...llmConfigProblems({ gateway: MODELS_GATEWAY_NAME, models: asLlm, virtualModels: models.virtualModels, clientKeys: models.clientKeys })
      // The key is given as a Secret here; llm-routes knows only the file it becomes.
      .map((p) => `models.${p.replace(/^(models\[\d+\])\.apiKeyFile is required/, '$1.apiKey is required')}`),
  );
  return problems;
}

/** The hosted providers the models call, each once, in a stable order. */
function hostedProviders(models: GatewayModels): HostedProvider[] {
  return HOSTED_PROVIDERS.filter((provider) => models.models.some((m) => m.provider === provider));
}

function llmModels(models: GatewayModels): LlmModel[] {
  const proxy = models.egressProxy;
  return models.models.map(({ apiKey, reach: _reach, ...model }, i) => ({
    ...model,
    ...(apiKey ? { apiKeyFile: `${MODEL_KEYS_DIR}/${keyFile(i, model.name)}` } : {}),
    // Only the hosted providers go through the proxy: local models are reached directly, in the cluster or on the LAN.
    ...(proxy && model.provider !== 'openai-compatible' ? { tunnel: `${proxy.host}:${proxy.port}` } : {}),
  }));
}

/**
 * The models rendered for the gateway; call gatewayModelsProblems first. `keySecret` gives the Secret key each
 * model's `apiKey` reference resolves to (the McpGateway makes the references, which render any sync object).
 */
export function renderModels(
  models: GatewayModels,
  network: ClusterNetwork | undefined,
  keySecret: (index: number) => ModelKeySecret,
  tokenLimiter?: { readonly host: string; readonly egress: PeerPorts },
): RenderedModels {
  const withKeys = models.models.flatMap((model, index) => (model.apiKey ? [{ model, index, secret: keySecret(index) }] : []));
  const providers = hostedProviders(models);
  const proxy = models.egressProxy;
  const byCidr = providers.filter((p) => models.providerCidrs?.[p] !== undefined);
  const byName = !proxy && usesFqdnEgress(network) ? providers.filter((p) => !byCidr.includes(p)).map((p) => PROVIDER_HOSTS[p]) : [];
  return {
    port: models.port ?? DEFAULT_MODELS_PORT,
    config: llmConfig({
      gateway: MODELS_GATEWAY_NAME,
      models: llmModels(models),
      virtualModels: models.virtualModels,
      clientKeys: models.clientKeys,
      ...(tokenLimiter ? { tokenLimiter: { host: tokenLimiter.host, whenUnavailable: models.tokenLimits?.whenUnavailable } } : {}),
    }),
    ...(withKeys.length
      ? {
          volume: {
            name: 'llm-keys',
            projected: {
              // Read by the gateway's group (the pod's fsGroup), by nobody else.
              defaultMode: 0o440,
              sources: withKeys.map(({ model, index, secret }) => ({ secret: { name: secret.secretName, items: [{ key: secret.key, path: keyFile(index, model.name) }] } })),
            },
          },
          mount: { name: 'llm-keys', mountPath: MODEL_KEYS_DIR, readOnly: true },
        }
      : {}),
    egress: [
      ...models.models.flatMap((m) => (m.reach ? [m.reach] : [])),
      ...byCidr.map((p) => ({ peers: models.providerCidrs![p]!.map((cidr) => ({ cidr })), ports: [443] })),
      ...(proxy && providers.length ? [{ peers: proxy.peers, ports: [proxy.port] }] : []),
      ...(tokenLimiter ? [tokenLimiter.egress] : []),
    ],
    hosts: byName.length ? [{ names: byName, ports: [443] }] : [],
  };
}
