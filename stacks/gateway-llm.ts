/**
 * The gateway's models as the McpGateway takes them, from `gateway.llm`: the platform's own models (the triage
 * LLM, vLLM) resolved to their Service URL, model name and pods, a server of yours to its addresses, a hosted
 * model to its key reference and price.
 */
import type { EgressProxy, GatewayModel, GatewayModels } from '../constructs/gateway/gateway-models.js';
import type { ModelRouting } from '../constructs/gateway/llm-routes.js';
import type { PricedModel } from '../constructs/monitoring/alert-rules.js';
import { triageLlmEndpoint, type ModelEndpoint, type TriageBackend } from '../constructs/inference/triage-llm.js';
import { vllmEndpoint } from '../constructs/inference/vllm-deployment.js';
import type { PlatformConfig } from './config.js';

type LlmConfig = NonNullable<PlatformConfig['gateway']['llm']>;

/** The models whose cost the gateway counts (those with a price), for the cost rules and the dashboard. */
export function pricedModelsOf(config: PlatformConfig): PricedModel[] {
  return (config.gateway.llm?.models ?? []).flatMap((m) => ('price' in m && m.price && 'model' in m ? [{ name: m.name, model: m.model }] : []));
}

/** The McpGateway's `models`, or undefined when the config has no `gateway.llm`. */
export function gatewayModelsOf(config: PlatformConfig): GatewayModels | undefined {
  const llm = config.gateway.llm;
  if (!llm) return undefined;
  return {
    port: llm.port,
    models: llm.models.map((model) => gatewayModel(config, model)),
    virtualModels: llm.virtualModels.map(({ name, routing }) => ({
      name,
      // Only the kinds given; the construct says which are missing or too many.
      routing: Object.fromEntries(Object.entries(routing).filter(([, targets]) => targets !== undefined)) as unknown as ModelRouting,
    })),
    ...(llm.providerCidrs ? { providerCidrs: llm.providerCidrs } : {}),
    ...(llm.egressProxy ? { egressProxy: egressProxyOf(llm.egressProxy) } : {}),
    ...(llm.clientKeys ? { clientKeys: llm.clientKeys } : {}),
    ...(llm.tokenLimits ? { tokenLimits: llm.tokenLimits } : {}),
  };
}

/** The proxy as the gateway dials it and as its egress allows it: its pods, its addresses, or its own address. */
function egressProxyOf(proxy: NonNullable<LlmConfig['egressProxy']>): EgressProxy {
  const peers = proxy.pods ? [{ namespace: proxy.pods.namespace, podLabels: proxy.pods.podLabels }] : (proxy.cidrs ?? [`${proxy.host}/32`]).map((cidr) => ({ cidr }));
  return { host: proxy.host, port: proxy.port, peers };
}

function gatewayModel(config: PlatformConfig, model: LlmConfig['models'][number]): GatewayModel {
  const common = { name: model.name, ...(model.internal ? { internal: true } : {}) };
  const local = (endpoint: ModelEndpoint): GatewayModel => ({ ...common, provider: 'openai-compatible', model: endpoint.model, baseUrl: endpoint.url, reach: endpoint.reach });
  switch (model.provider) {
    case 'triageLlm': {
      const { enabled: _enabled, ...backend } = config.triageLlm;
      return local(triageLlmEndpoint(config.namespace, backend as TriageBackend));
    }
    case 'gpuInference':
      return local(vllmEndpoint({ namespace: config.namespace, name: config.gpuInference.name, model: config.gpuInference.model, servedModelName: config.gpuInference.servedModelName }));
    case 'openai-compatible': {
      const url = new URL(model.baseUrl);
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      const cidrs = model.cidrs ?? [`${url.hostname}/32`];
      return {
        ...common,
        provider: 'openai-compatible',
        model: model.model,
        baseUrl: model.baseUrl,
        reach: { peers: cidrs.map((cidr) => ({ cidr })), ports: [port] },
        ...(model.apiKey ? { apiKey: model.apiKey } : {}),
        ...(model.price ? { price: model.price } : {}),
      };
    }
    default:
      return { ...common, provider: model.provider, model: model.model, apiKey: model.apiKey, ...(model.price ? { price: model.price } : {}) };
  }
}
