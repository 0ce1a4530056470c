/**
 * The gateway's model routes: agentgateway's `llm` section (v1.4.1 schema, `LocalLLMConfig`) for local models
 * (an OpenAI-compatible server in the cluster or on the LAN: the triage LLM, vLLM, a GPU workstation) and hosted
 * ones (Anthropic, Gemini, OpenAI), plus virtual models that route between them. Clients call one endpoint
 * (`/v1/chat/completions` with `model: "<name>"`) and never hold a provider key: the gateway reads each key from a
 * file it mounts from a Secret.
 *
 * What each field means in agentgateway, and where that was read (schema lines and agentgateway's source at
 * v1.4.1), is in docs/design/agentgateway-llm-v1.4.1.md. The checks here are the ones agentgateway makes only when
 * it loads the config (exactly one routing kind, targets that are models, a base URL for a custom provider), so a
 * mistake fails synth instead of the gateway's start.
 */
import { httpUrl, urlCredentialsProblem } from '../formats.js';
import { dollarProblem } from './agentgateway-config.js';
import { CLIENT_DESCRIPTOR_KEY, CLIENT_EXPRESSION, TOKEN_LIMIT_DOMAIN } from './llm-token-limiter.js';

/** Where a model runs: an OpenAI-compatible server of your own, or a hosted provider's API. */
export type ModelProvider = 'openai-compatible' | 'anthropic' | 'gemini' | 'openai';

/** The hosted providers: their API is on the internet, behind a key. */
export const HOSTED_PROVIDERS = ['anthropic', 'gemini', 'openai'] as const satisfies readonly ModelProvider[];
export type HostedProvider = (typeof HOSTED_PROVIDERS)[number];

/**
 * The API host each hosted provider calls, agentgateway's default at v1.4.1 (crates/llm/src/{anthropic,gemini,
 * openai}.rs), all on port 443: what the gateway's egress must reach and nothing more.
 */
export const PROVIDER_HOSTS: Readonly<Record<HostedProvider, string>> = {
  anthropic: 'api.anthropic.com',
  gemini: 'generativelanguage.googleapis.com',
  openai: 'api.openai.com',
};

/** The provider's name in agentgateway's cost catalog and its gen_ai_system metric label (v1.4.1). */
const CATALOG_PROVIDER: Readonly<Record<ModelProvider, string>> = {
  'openai-compatible': 'custom',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  openai: 'openai',
};

/**
 * A price per million tokens, as providers publish them, in the currency the cost alert reports
 * (monitoring.alerts.currency): agentgateway names its counter `_usd_` but only multiplies the tokens by these rates.
 */
export interface ModelPrice {
  /** Per million input (prompt) tokens. */
  readonly inputPerMillion: number;
  /** Per million output (completion) tokens. */
  readonly outputPerMillion: number;
}

/** One model clients can ask for by name. */
export interface LlmModel {
  /** What clients send as `model`; unique among models and virtual models. */
  readonly name: string;
  /** Where it runs. */
  readonly provider: ModelProvider;
  /** The model's id at the provider or server, e.g. "claude-sonnet-4-5" or "qwen2.5:3b". */
  readonly model: string;
  /** The server's base URL, e.g. "http://triage-llm.mcp-system.svc:8080"; required for openai-compatible. @default the provider's own API */
  readonly baseUrl?: string;
  /** Path of the file holding the API key, as mounted in the gateway's pod. Required for a hosted provider. @default none: no key is sent */
  readonly apiKeyFile?: string;
  /** Prices, for the cost metric. @default none: the model's cost is not counted */
  readonly price?: ModelPrice;
  /** Only reachable through a virtual model, not by its own name. @default false */
  readonly internal?: boolean;
  /**
   * An HTTP proxy, "host:port", the gateway reaches the model through (HTTP CONNECT, TLS to the provider inside
   * the tunnel; agentgateway's `backendTunnel`): for a cluster that cannot allow the provider's host by name. @default none: direct
   */
  readonly tunnel?: string;
}

/** A client allowed to call the models with its own key, which the config holds only as a hash. */
export interface ClientKey {
  /** Who holds the key; in CEL as `apiKey.client` (for logs and rules). */
  readonly name: string;
  /** SHA-256 of the key, 64 hex digits (`printf %s "$KEY" | sha256sum`): agentgateway compares the hash, so the key is never in the config. */
  readonly sha256: string;
}

/** How a virtual model chooses among its models. */
export type ModelRouting =
  /** In the order given: the next one when the one before is unhealthy or fails. */
  | { readonly failover: readonly string[] }
  /** Split by weight. */
  | { readonly weighted: readonly { readonly model: string; readonly weight: number }[] }
  /** The first whose CEL `when` holds (e.g. `request.headers["x-task"] == "code"`); the last may have no `when`. */
  | { readonly conditional: readonly { readonly model: string; readonly when?: string }[] };

/** A name clients ask for that the gateway routes to one of several models. */
export interface VirtualModel {
  /** What clients send as `model`; unique among models and virtual models. */
  readonly name: string;
  /** How it chooses. */
  readonly routing: ModelRouting;
}

/** What {@link llmConfig} renders. */
export interface LlmConfigOptions {
  /** The agentgateway gateway (listener) the model routes attach to: one of their own, as they match every path. */
  readonly gateway: string;
  /** The models, at least one. */
  readonly models: readonly LlmModel[];
  /** @default none */
  readonly virtualModels?: readonly VirtualModel[];
  /** Clients with keys of their own: given, every request needs one of them. @default none: no key is asked for (use the listener's JWT check) */
  readonly clientKeys?: readonly ClientKey[];
  /** The token budget service (LlmTokenLimiter) each client's tokens are counted by. @default none: no budget */
  readonly tokenLimiter?: TokenLimiterTarget;
}

/** Where agentgateway asks for a client's token budget. */
export interface TokenLimiterTarget {
  /** The service's "host:port", plaintext gRPC. */
  readonly host: string;
  /** While it cannot answer: "refuse" (500) or "allow". @default "refuse" */
  readonly whenUnavailable?: 'refuse' | 'allow';
}

/** agentgateway's `llm` section and, when any model has a price, the inline cost catalog for `config.modelCatalog`. */
export interface LlmConfig {
  readonly llm: Record<string, unknown>;
  readonly modelCatalog?: readonly Record<string, unknown>[];
}

/**
 * How long a failover target that answered 5xx or not at all is left out. agentgateway moves to the next priority
 * only when every model of the current one is evicted, and without a health policy it never evicts
 * (crates/agentgateway/src/telemetry/log.rs:708-711 at v1.4.1), so a failover needs one. Repeated evictions last
 * longer (the duration times the evictions so far, http/health.rs:84-132).
 */
export const FAILOVER_EVICTION = '30s';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const HOST_PORT = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?:\d{1,5}$/;

/** "host:port" with a DNS name or IPv4 address and a port from 1 to 65535, as agentgateway dials a proxy or service. */
function isHostPort(text: string): boolean {
  const port = Number(text.split(':').pop());
  return HOST_PORT.test(text) && port >= 1 && port <= 65535;
}

/** Per million tokens: far above any published price, and below where numbers print with an exponent. */
export const MAX_MODEL_PRICE = 1_000_000;

/**
 * A price as agentgateway's catalog takes it: `Money` is a decimal in a string ("3", "0.3"; its golden catalog,
 * crates/agentgateway/src/llm/cost/testdata/model_catalog.golden.json at v1.4.1), to a millionth of a dollar.
 */
function money(usd: number): string {
  return usd.toFixed(6).replace(/\.?0+$/, '');
}

/** What clients send as `model`: a model's or virtual model's name. */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** A model's or virtual model's name: what clients send as `model`. */
function nameProblem(at: string, name: string): string | undefined {
  return MODEL_NAME.test(name) ? undefined : `${at}.name ${JSON.stringify(name)} must be 1 to 128 letters, digits and ". _ : / -", starting with a letter or digit`;
}

/** The problems of the options, each naming its field; empty when they render. */
export function llmConfigProblems(options: LlmConfigOptions): string[] {
  const problems: string[] = [];
  const virtualModels = options.virtualModels ?? [];
  if (options.models.length === 0) problems.push('models must list at least one model');
  const seen = new Map<string, string>();
  const claim = (name: string, field: string) => {
    const first = seen.get(name);
    if (first !== undefined) problems.push(`${field}: the name "${name}" is also ${first}: give each model and virtual model its own name`);
    else seen.set(name, field);
  };
  options.models.forEach((model, i) => {
    const at = `models[${i}]`;
    const badName = nameProblem(at, model.name);
    if (badName) problems.push(badName);
    claim(model.name, at);
    if (!model.model.trim()) problems.push(`${at}.model must name the model at the provider, e.g. "claude-sonnet-4-5"`);
    for (const [field, value] of [['name', model.name], ['model', model.model], ['baseUrl', model.baseUrl], ['apiKeyFile', model.apiKeyFile]] as const) {
      const dollar = value === undefined ? undefined : dollarProblem(`${at}.${field}`, value);
      if (dollar) problems.push(dollar);
    }
    const hosted = (HOSTED_PROVIDERS as readonly string[]).includes(model.provider);
    if (model.provider === 'openai-compatible' && model.baseUrl === undefined) problems.push(`${at}.baseUrl is required for an openai-compatible model: the server's URL, e.g. "http://triage-llm.mcp-system.svc:8080"`);
    if (model.baseUrl !== undefined) {
      // agentgateway refuses a base URL with a query or fragment when it loads the config (types/local.rs at v1.4.1).
      const url = httpUrl(model.baseUrl);
      if (!url || url.search || url.hash) problems.push(`${at}.baseUrl ${JSON.stringify(model.baseUrl)} must be an http(s) URL with no query or fragment`);
      const credentials = urlCredentialsProblem(model.baseUrl);
      if (credentials) problems.push(`${at}.baseUrl: ${credentials}`);
    }
    if (hosted && model.apiKeyFile === undefined) problems.push(`${at}.apiKeyFile is required for ${model.provider}: the gateway holds the key, clients never do`);
    if (model.apiKeyFile !== undefined && !/^\/[^\s]*[^/\s]$/.test(model.apiKeyFile)) problems.push(`${at}.apiKeyFile ${JSON.stringify(model.apiKeyFile)} must be an absolute file path`);
    if (model.tunnel !== undefined) {
      if (!isHostPort(model.tunnel)) problems.push(`${at}.tunnel ${JSON.stringify(model.tunnel)} must be the proxy's "host:port", e.g. "egress-proxy.egress.svc.cluster.local:3128"`);
    }
    if (model.price) {
      for (const key of ['inputPerMillion', 'outputPerMillion'] as const) {
        const value = model.price[key];
        if (!Number.isFinite(value) || value < 0 || value > MAX_MODEL_PRICE) problems.push(`${at}.price.${key} must be a number from 0 to ${MAX_MODEL_PRICE}, got ${value}`);
      }
    }
  });
  const clients = new Set<string>();
  options.clientKeys?.forEach((client, i) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(client.name)) problems.push(`clientKeys[${i}].name ${JSON.stringify(client.name)} must be 1 to 63 letters, digits and ". _ -", starting with a letter or digit`);
    if (clients.has(client.name)) problems.push(`clientKeys[${i}].name "${client.name}" is given twice: one entry per client`);
    clients.add(client.name);
    if (!SHA256_HEX.test(client.sha256)) problems.push(`clientKeys[${i}].sha256 must be the key's SHA-256 as 64 lowercase hex digits (printf %s "$KEY" | sha256sum), never the key itself`);
  });
  if (options.clientKeys && options.clientKeys.length === 0) problems.push('clientKeys must list at least one client, or be left out');
  if (options.tokenLimiter) {
    const { host, whenUnavailable } = options.tokenLimiter;
    if (!isHostPort(host)) problems.push(`tokenLimiter.host ${JSON.stringify(host)} must be the service's "host:port", e.g. "llm-token-limiter.mcp-gateway.svc.cluster.local:8081"`);
    if (whenUnavailable !== undefined && whenUnavailable !== 'refuse' && whenUnavailable !== 'allow') problems.push(`tokenLimiter.whenUnavailable must be "refuse" or "allow", got ${JSON.stringify(whenUnavailable)}`);
  }
  const modelNames = new Set(options.models.map((m) => m.name));
  const virtualNames = new Set(virtualModels.map((v) => v.name));
  virtualModels.forEach((virtual, i) => {
    const at = `virtualModels[${i}]`;
    const badName = nameProblem(at, virtual.name);
    if (badName) problems.push(badName);
    const dollar = dollarProblem(`${at}.name`, virtual.name);
    if (dollar) problems.push(dollar);
    claim(virtual.name, at);
    const kinds = (['failover', 'weighted', 'conditional'] as const).filter((kind) => kind in virtual.routing);
    if (kinds.length !== 1) {
      problems.push(`${at}.routing must give exactly one of failover, weighted or conditional, got ${kinds.length ? kinds.join(' and ') : 'none'}`);
      return;
    }
    const routing = virtual.routing as { failover?: readonly string[]; weighted?: readonly { model: string; weight: number }[]; conditional?: readonly { model: string; when?: string }[] };
    const targets = routing.failover ?? routing.weighted?.map((t) => t.model) ?? routing.conditional!.map((t) => t.model);
    const kind = kinds[0]!;
    if (targets.length < 2) problems.push(`${at}.routing.${kind} must list at least two models, got ${targets.length}: a virtual model of one is the model itself`);
    targets.forEach((target, t) => {
      if (modelNames.has(target)) return;
      problems.push(
        virtualNames.has(target)
          ? `${at}.routing.${kind}[${t}]: "${target}" is a virtual model; agentgateway routes only to models: name the models themselves`
          : `${at}.routing.${kind}[${t}]: "${target}" is not a model; models are ${[...modelNames].map((n) => `"${n}"`).join(', ') || 'none'}`,
      );
    });
    if (new Set(targets).size !== targets.length) problems.push(`${at}.routing.${kind} lists a model twice: list each once`);
    routing.weighted?.forEach((target, t) => {
      if (!Number.isInteger(target.weight) || target.weight < 1) problems.push(`${at}.routing.weighted[${t}].weight must be a whole number of at least 1, got ${target.weight}`);
    });
    routing.conditional?.forEach((target, t) => {
      const last = t === routing.conditional!.length - 1;
      if (target.when === undefined && !last) problems.push(`${at}.routing.conditional[${t}] has no when: only the last target may (the fallback), or the ones after it are never chosen`);
      if (target.when !== undefined && !target.when.trim()) problems.push(`${at}.routing.conditional[${t}].when is empty: give a CEL expression, or leave it out on the last target`);
      const dollar = target.when === undefined ? undefined : dollarProblem(`${at}.routing.conditional[${t}].when`, target.when);
      if (dollar) problems.push(dollar);
    });
  });
  return problems;
}

/** The model as agentgateway's `llm.models[]` entry; `failoverTarget` when a failover virtual model routes to it. */
function renderedModel(model: LlmModel, failoverTarget: boolean): Record<string, unknown> {
  const params: Record<string, unknown> = { model: model.model };
  if (model.baseUrl !== undefined) params.baseUrl = model.baseUrl;
  // A file, read by agentgateway when it loads the config: the key never enters the ConfigMap.
  if (model.apiKeyFile !== undefined) params.apiKey = { file: model.apiKeyFile };
  return {
    name: model.name,
    // An OpenAI-compatible server: agentgateway's custom provider speaking the chat completions format.
    provider: model.provider === 'openai-compatible' ? { custom: { formats: [{ type: 'completions' }] } } : model.provider,
    params,
    ...(model.internal ? { visibility: 'internal' } : {}),
    // Any 5xx or connection failure evicts it (the default unhealthy rule), so the next priority takes over.
    ...(failoverTarget ? { health: { eviction: { duration: FAILOVER_EVICTION } } } : {}),
    ...(model.tunnel !== undefined ? { backendTunnel: { proxy: { host: model.tunnel } } } : {}),
  };
}

function renderedRouting(routing: ModelRouting): Record<string, unknown> {
  if ('failover' in routing) return { failover: { targets: routing.failover.map((model, priority) => ({ model, priority })) } };
  if ('weighted' in routing) return { weighted: { targets: routing.weighted.map(({ model, weight }) => ({ model, weight })) } };
  return { conditional: { targets: routing.conditional.map(({ model, when }) => (when === undefined ? { model } : { when, model })) } };
}

/** The priced models as agentgateway's inline catalog: provider, then the provider's model id, rates per million tokens. */
function costCatalog(models: readonly LlmModel[]): Record<string, unknown> | undefined {
  const providers: Record<string, { models: Record<string, { rates: { input: string; output: string } }> }> = {};
  for (const model of models) {
    if (!model.price) continue;
    const provider = (providers[CATALOG_PROVIDER[model.provider]] ??= { models: {} });
    provider.models[model.model] = { rates: { input: money(model.price.inputPerMillion), output: money(model.price.outputPerMillion) } };
  }
  return Object.keys(providers).length ? { providers } : undefined;
}

/** Who may call (client keys) and how many tokens each may use (the limiter), checked before a model is chosen. */
function llmPolicies(options: LlmConfigOptions): Record<string, unknown> {
  const limiter = options.tokenLimiter;
  return {
    // Strict: without a valid key the request is refused (agentgateway's default, "optional", lets it through).
    ...(options.clientKeys?.length
      ? { apiKey: { mode: 'strict', keys: options.clientKeys.map((c) => ({ keyHash: `sha256:${c.sha256}`, metadata: { client: c.name } })) } }
      : {}),
    // Asked before the request with the tokens counted so far, told the tokens used after the response: a client
    // over its budget is refused with 429 from its next request on (agentgateway v1.4.1 http/remoteratelimit.rs).
    ...(limiter
      ? {
          remoteRateLimit: {
            domain: TOKEN_LIMIT_DOMAIN,
            host: limiter.host,
            failureMode: limiter.whenUnavailable === 'allow' ? 'failOpen' : 'failClosed',
            descriptors: [{ type: 'tokens', entries: [{ key: CLIENT_DESCRIPTOR_KEY, value: CLIENT_EXPRESSION }] }],
          },
        }
      : {}),
  };
}

/** agentgateway's `llm` section for the models; throws naming every problem. */
export function llmConfig(options: LlmConfigOptions): LlmConfig {
  const problems = llmConfigProblems(options);
  if (problems.length) throw new Error(`model routes:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const virtualModels = options.virtualModels ?? [];
  const catalog = costCatalog(options.models);
  const failoverTargets = new Set(virtualModels.flatMap((v) => ('failover' in v.routing ? v.routing.failover : [])));
  return {
    llm: {
      gateways: [options.gateway],
      models: options.models.map((model) => renderedModel(model, failoverTargets.has(model.name))),
      ...(virtualModels.length ? { virtualModels: virtualModels.map((v) => ({ name: v.name, routing: renderedRouting(v.routing) })) } : {}),
      ...(options.clientKeys?.length || options.tokenLimiter ? { policies: llmPolicies(options) } : {}),
    },
    ...(catalog ? { modelCatalog: [{ inline: catalog }] } : {}),
  };
}
