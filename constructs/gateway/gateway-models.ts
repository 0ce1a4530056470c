/**
 * What the gateway needs to serve models (constructs/gateway/llm-routes.ts): a listener of its own, the provider
 * keys mounted as files from their Secrets, and egress to each model's server: a hosted provider's API host on
 * 443 (by name on Cilium), a local model's pods or addresses on its port.
 */
import type { k8s } from 'cdk8s-plus-33';
import { llmConfig, llmConfigProblems, PROVIDER_HOSTS, type LlmConfig, type LlmModel, type VirtualModel } from './llm-routes.js';
import type { HostPorts, PeerPorts } from '../workloads/pod-network-policy.js';

/** One model the gateway serves. */
export interface GatewayModel extends Omit<LlmModel, 'apiKeyFile'> {
  /** The Secret key that holds the provider's API key; the gateway mounts it as a file. Required for a hosted model. @default none: no key is sent */
  readonly apiKey?: { readonly secretName: string; readonly key: string };
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

/** The file a model's key is mounted as: its position keeps two names that clean to the same text apart. */
function keyFile(index: number, name: string): string {
  return `${index}-${name.replace(/[^A-Za-z0-9._-]/g, '-')}`;
}

/** The problems of the models' props, each naming its field (those of llmConfigProblems included). */
export function gatewayModelsProblems(models: GatewayModels): string[] {
  const problems: string[] = [];
  const port = models.port ?? DEFAULT_MODELS_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`models.port must be a whole number from 1 to 65535, got ${port}`);
  models.models.forEach((model, i) => {
    if (model.provider === 'openai-compatible' && !model.reach) problems.push(`models.models[${i}].reach is required for an openai-compatible model: the server's pods or addresses and port, which the gateway's egress allows`);
    if (model.provider !== 'openai-compatible' && model.reach) problems.push(`models.models[${i}].reach is for openai-compatible models; ${model.provider} is reached at ${PROVIDER_HOSTS[model.provider]} on 443`);
    if (model.apiKey && (!model.apiKey.secretName.trim() || !model.apiKey.key.trim())) problems.push(`models.models[${i}].apiKey needs a secretName and a key`);
  });
  const asLlm = llmModels(models.models);
  problems.push(...llmConfigProblems({ gateway: MODELS_GATEWAY_NAME, models: asLlm, virtualModels: models.virtualModels }).map((p) => `models.${p}`));
  return problems;
}

function llmModels(models: readonly GatewayModel[]): LlmModel[] {
  return models.map(({ apiKey, reach: _reach, ...model }, i) => ({ ...model, ...(apiKey ? { apiKeyFile: `${MODEL_KEYS_DIR}/${keyFile(i, model.name)}` } : {}) }));
}

/** The models rendered for the gateway; call gatewayModelsProblems first. */
export function renderModels(models: GatewayModels): RenderedModels {
  const withKeys = models.models.map((model, index) => ({ model, index })).filter(({ model }) => model.apiKey);
  const hosted = [...new Set(models.models.filter((m) => m.provider !== 'openai-compatible').map((m) => PROVIDER_HOSTS[m.provider as keyof typeof PROVIDER_HOSTS]))].sort();
  return {
    port: models.port ?? DEFAULT_MODELS_PORT,
    config: llmConfig({ gateway: MODELS_GATEWAY_NAME, models: llmModels(models.models), virtualModels: models.virtualModels }),
    ...(withKeys.length
      ? {
          volume: {
            name: 'llm-keys',
            projected: {
              // Read by the gateway's group (the pod's fsGroup), by nobody else.
              defaultMode: 0o440,
              sources: withKeys.map(({ model, index }) => ({ secret: { name: model.apiKey!.secretName, items: [{ key: model.apiKey!.key, path: keyFile(index, model.name) }] } })),
            },
          },
          mount: { name: 'llm-keys', mountPath: MODEL_KEYS_DIR, readOnly: true },
        }
      : {}),
    egress: models.models.flatMap((m) => (m.reach ? [m.reach] : [])),
    hosts: hosted.length ? [{ names: hosted, ports: [443] }] : [],
  };
}
