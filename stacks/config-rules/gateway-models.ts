import type { PlatformConfig } from '../config.js';
import type { ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

const PLATFORM_MODELS = { triageLlm: 'the triage LLM', gpuInference: 'the vLLM deployment' } as const;

/**
 * The gateway's models name parts of the platform that are rendered: the gateway itself, and the triage LLM or
 * vLLM a model points at (a route to a server that is not there answers every request with an error).
 */
export const gatewayModels: ConfigRule = {
  id: 'gateway-models',
  description: 'The gateway serves models only when it is enabled, and a model on the triage LLM or vLLM needs that part enabled.',
  check(config: PlatformConfig): ConfigProblem[] {
    const llm = config.gateway.llm;
    if (!llm) return [];
    const problems: ConfigProblem[] = [];
    if (!config.gateway.enabled) problems.push({ path: 'gateway.llm', message: 'is set but gateway.enabled is false: the models are served by the gateway, so enable it or leave gateway.llm out' });
    llm.models.forEach((model, i) => {
      if ((model.provider === 'triageLlm' || model.provider === 'gpuInference') && !config[model.provider].enabled) {
        problems.push({
          path: `gateway.llm.models[${i}].provider`,
          message: `is "${model.provider}", but ${model.provider}.enabled is false: enable ${PLATFORM_MODELS[model.provider]}, or route "${model.name}" to another provider`,
        });
      }
    });
    return problems;
  },
};
