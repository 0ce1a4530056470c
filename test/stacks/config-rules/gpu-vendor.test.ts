import { describe, expect, it } from '@jest/globals';
import { gpuVendor } from '../../../stacks/config-rules/gpu-vendor.js';
import { configOf, minimal } from './support.js';

describe('config rule gpu-vendor', () => {
  it('passes NVIDIA resources, a MIG slice included, on the defaults', () => {
    expect(gpuVendor.check(configOf({ ...minimal, gpuInference: { enabled: true } }))).toEqual([]);
    expect(gpuVendor.check(configOf({ ...minimal, gpuInference: { enabled: true, gpu: { memoryGiB: 20, resourceName: 'nvidia.com/mig-3g.20gb' } } }))).toEqual([]);
  });

  it('asks for an image and node labels with an AMD GPU, for the GPU model and for a vLLM triage model', () => {
    const amd = { resourceName: 'amd.com/gpu' };
    expect(gpuVendor.check(configOf({ ...minimal, gpuInference: { enabled: true, gpu: amd } }))).toEqual([
      {
        path: 'gpuInference.image',
        message: 'is required with gpu.resourceName "amd.com/gpu": the default vllm/vllm-openai image is built for NVIDIA\'s CUDA; pin a vLLM image built for that GPU',
      },
      {
        path: 'gpuInference.gpu.nodeSelector',
        message:
          'is required with gpu.resourceName "amd.com/gpu": the default (nvidia.com/gpu.present: "true") is a label of NVIDIA\'s GPU feature discovery; give the labels of your GPU nodes (AMD\'s GPU operator selects them by feature.node.kubernetes.io/amd-gpu: "true", ROCm/gpu-operator v1.5.1 values.yaml)',
      },
    ]);
    const triage = configOf({ ...minimal, triageLlm: { enabled: true, provider: 'vllm', model: 'Qwen/Qwen2.5-3B-Instruct', gpu: amd } });
    expect(gpuVendor.check(triage).map((p) => p.path)).toEqual(['triageLlm.image', 'triageLlm.gpu.nodeSelector']);
  });

  it('passes an AMD GPU with both, and ignores a disabled deployment', () => {
    const gpu = { resourceName: 'amd.com/gpu', nodeSelector: { 'amd.com/gpu.present': 'true' } };
    expect(gpuVendor.check(configOf({ ...minimal, gpuInference: { enabled: true, image: 'example.com/vllm-rocm:0.15.1', gpu } }))).toEqual([]);
    expect(gpuVendor.check(configOf({ ...minimal, gpuInference: { enabled: false, gpu: { resourceName: 'amd.com/gpu' } } }))).toEqual([]);
  });
});
