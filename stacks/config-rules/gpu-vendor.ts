import type { PlatformConfig } from '../config.js';
import type { ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

/**
 * The defaults of a vLLM deployment are NVIDIA's: the vllm/vllm-openai image is built for CUDA, and the
 * default node selector `nvidia.com/gpu.present` is a label of NVIDIA's GPU feature discovery. A GPU of
 * another vendor (e.g. resourceName "amd.com/gpu") needs an image built for it and its nodes' labels.
 */
export const gpuVendor: ConfigRule = {
  id: 'gpu-vendor',
  description: 'A vLLM deployment on a GPU other than NVIDIA names its image and its nodes.',
  check(config: PlatformConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const parts = [
      { path: 'gpuInference', vllm: config.gpuInference.enabled ? config.gpuInference : undefined },
      { path: 'triageLlm', vllm: config.triageLlm.enabled && config.triageLlm.provider === 'vllm' ? config.triageLlm : undefined },
    ];
    for (const { path, vllm } of parts) {
      if (!vllm || vllm.gpu.resourceName.startsWith('nvidia.com/')) continue;
      const gpu = vllm.gpu.resourceName;
      if (!vllm.image) {
        problems.push({ path: `${path}.image`, message: `is required with gpu.resourceName "${gpu}": the default vllm/vllm-openai image is built for NVIDIA's CUDA; pin a vLLM image built for that GPU` });
      }
      if (!vllm.gpu.nodeSelector) {
        problems.push({
          path: `${path}.gpu.nodeSelector`,
          message: `is required with gpu.resourceName "${gpu}": the default (nvidia.com/gpu.present: "true") is a label of NVIDIA's GPU feature discovery; give the labels of your GPU nodes (AMD's GPU operator selects them by feature.node.kubernetes.io/amd-gpu: "true", ROCm/gpu-operator v1.5.1 values.yaml)`,
        });
      }
    }
    return problems;
  },
};
