import { describe, expect, it } from '@jest/globals';
import { assertModelFits, estimateGpuSizing, KNOWN_MODELS, type GpuSizingInput, type ModelShape } from '../../../constructs/inference/gpu-sizing.js';

const GIB = 1024 ** 3;
/** One 12 GiB card (RTX 3060 / 4070 class) at vLLM's default utilization. */
const CARD_12 = { gpuMemoryGiB: 12, gpuCount: 1, gpuMemoryUtilization: 0.9 } as const;

/**
 * Total size of each published checkpoint's safetensors files on Hugging Face, in GB (10^9 bytes): the weights
 * vLLM loads, measured independently of the estimate.
 */
const PUBLISHED_CHECKPOINT_GB: Readonly<Record<string, number>> = {
  'Qwen/Qwen2.5-7B-Instruct': 15.23,
  'Qwen/Qwen2.5-7B-Instruct-AWQ': 5.58,
  'Qwen/Qwen2.5-3B-Instruct': 6.17,
  'Qwen/Qwen2.5-14B-Instruct-AWQ': 9.99,
  'meta-llama/Llama-3.1-8B-Instruct': 16.06,
  'hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4': 5.73,
  'meta-llama/Llama-2-13b-chat-hf': 26.03,
  'TheBloke/Llama-2-7B-Chat-AWQ': 3.89,
  'mistralai/Mistral-7B-Instruct-v0.3': 14.5,
};

/** Within 5% of a published checkpoint size given in GB, for a figure in GiB. */
function expectNearCheckpoint(weightsGiB: number, publishedGB: number): void {
  const estimatedGB = (weightsGiB * GIB) / 1e9;
  expect(estimatedGB).toBeGreaterThan(publishedGB * 0.95);
  expect(estimatedGB).toBeLessThan(publishedGB * 1.05);
}

/** The numbers a problem suggests, read back from its text. */
function suggestions(problem: string) {
  const number = (pattern: RegExp) => Number(pattern.exec(problem)?.[1]);
  return {
    maxModelLen: number(/set maxModelLen to (\d+)/),
    maxNumSeqs: number(/set maxNumSeqs to (\d+)/),
    gpuCount: number(/\(gpuCount (\d+)\)/),
    gpuMemoryGiB: number(/a card with at least ([\d.]+) GiB/),
  };
}

describe('KNOWN_MODELS', () => {
  it('estimates every catalogued model within 5% of its published checkpoint size', () => {
    expect(Object.keys(KNOWN_MODELS).sort()).toEqual(Object.keys(PUBLISHED_CHECKPOINT_GB).sort());
    for (const [model, publishedGB] of Object.entries(PUBLISHED_CHECKPOINT_GB)) {
      expectNearCheckpoint(estimateGpuSizing({ model, ...CARD_12, maxModelLen: 1024, maxNumSeqs: 1 }).weightsGiB, publishedGB);
    }
  });

  it('has whole attention heads, each KV head shared by a whole number of them', () => {
    for (const shape of Object.values(KNOWN_MODELS)) {
      const attentionHeads = shape.hiddenSize / shape.headDim;
      expect(Number.isInteger(attentionHeads)).toBe(true);
      expect(attentionHeads % shape.kvHeads).toBe(0);
    }
  });
});

describe('estimateGpuSizing', () => {
  it('fits Qwen2.5-7B-Instruct-AWQ on a 12 GiB card at 8192 tokens × 4 sequences', () => {
    // GIVEN the AWQ checkpoint (5.58 GB published) and GQA with 4 KV heads of 128 over 28 layers
    // WHEN
    const sizing = estimateGpuSizing({ model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', ...CARD_12, maxModelLen: 8192, maxNumSeqs: 4 });
    // THEN 2 × 28 × 4 × 128 × 2 bytes per token, 4 × 8192 tokens of it, beside 5.2 GiB of weights in 10.8 GiB
    expect(sizing.problems).toEqual([]);
    expect(sizing.fits).toBe(true);
    expectNearCheckpoint(sizing.weightsGiB, 5.58);
    expect(sizing.kvCacheBytesPerToken).toBe(57344);
    expect(sizing.kvCacheNeededGiB).toBe(1.75);
    expect(sizing.budgetGiB).toBeCloseTo(10.8, 10);
    expect(sizing.maxConcurrentSequencesAtFullLength).toBe(9);
  });

  it('refuses Llama-2-13b-chat-hf in float16 on 12 GiB because of the weights, and fits it on 2 × 24 GiB', () => {
    const input: GpuSizingInput = { model: 'meta-llama/Llama-2-13b-chat-hf', ...CARD_12, maxModelLen: 4096, maxNumSeqs: 4 };
    const sizing = estimateGpuSizing(input);
    expect(sizing.fits).toBe(false);
    expectNearCheckpoint(sizing.weightsGiB, 26.03);
    expect(sizing.maxConcurrentSequencesAtFullLength).toBe(0);
    expect(sizing.problems).toEqual([
      'Weights alone need 24.3 GiB per GPU, plus 1.5 GiB of runtime overhead, but 12 GiB × 0.90 = 10.8 GiB is all vLLM may use, leaving nothing for the KV cache: ' +
        'use 4 GPUs with tensor parallelism (gpuCount 4) or use a card with at least 42.6 GiB.',
    ]);
    expect(() => assertModelFits(input, 'platform/llama')).toThrow(
      new Error(`platform/llama: meta-llama/Llama-2-13b-chat-hf on 1 × 12 GiB GPU: ${sizing.problems[0]}`),
    );

    // Tensor parallelism halves the weights (12.1 GiB each) and the 40 KV heads (400 KiB per token per GPU)
    const split = assertModelFits({ ...input, gpuMemoryGiB: 24, gpuCount: 2 }, 'platform/llama');
    expect(split.weightsGiB).toBeCloseTo(sizing.weightsGiB / 2, 10);
    expect(split.kvCacheNeededGiB).toBe(6.25);
  });

  it('refuses Llama-2-7B-Chat-AWQ at 4096 × 8 on 12 GiB for KV cache alone, and every suggested change fits', () => {
    // GIVEN no GQA: 32 KV heads × 128 × 32 layers × 2 × 2 bytes = 512 KiB per token, 16 GiB for 8 × 4096 tokens
    const input: GpuSizingInput = { model: 'TheBloke/Llama-2-7B-Chat-AWQ', ...CARD_12, maxModelLen: 4096, maxNumSeqs: 8 };
    // WHEN
    const sizing = estimateGpuSizing(input);
    // THEN
    expect(sizing.kvCacheBytesPerToken).toBe(512 * 1024);
    expect(sizing.kvCacheNeededGiB).toBe(16);
    expect(sizing.problems).toEqual([
      'The KV cache for 8 sequences of 4096 tokens needs 16.0 GiB per GPU but 5.7 GiB is free (12 GiB × 0.90 = 10.8 GiB less 3.6 GiB of weights and 1.5 GiB of overhead): ' +
        'set maxModelLen to 1280 (at maxNumSeqs 8), set maxNumSeqs to 2, use 4 GPUs with tensor parallelism (gpuCount 4), or use a card with at least 23.5 GiB.',
    ]);
    const suggested = suggestions(sizing.problems[0]);
    expect(estimateGpuSizing({ ...input, maxModelLen: suggested.maxModelLen }).fits).toBe(true);
    expect(estimateGpuSizing({ ...input, maxModelLen: suggested.maxModelLen + 256 }).fits).toBe(false);
    expect(estimateGpuSizing({ ...input, maxNumSeqs: suggested.maxNumSeqs }).fits).toBe(true);
    expect(estimateGpuSizing({ ...input, maxNumSeqs: suggested.maxNumSeqs + 1 }).fits).toBe(false);
    expect(estimateGpuSizing({ ...input, gpuCount: suggested.gpuCount }).fits).toBe(true);
    expect(estimateGpuSizing({ ...input, gpuMemoryGiB: suggested.gpuMemoryGiB }).fits).toBe(true);
    expect(estimateGpuSizing({ ...input, gpuMemoryGiB: suggested.gpuMemoryGiB - 0.1 }).fits).toBe(false);
  });

  it("suggests kvCacheDtype 'fp8' and an AWQ variant only when each alone fits", () => {
    const awq = estimateGpuSizing({ model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', ...CARD_12, maxModelLen: 32768, maxNumSeqs: 4 });
    expect(awq.problems[0]).toContain("set kvCacheDtype to 'fp8' (halving the KV cache to 3.5 GiB)");
    expect(awq.problems[0]).not.toContain('AWQ-quantised');

    const bf16 = estimateGpuSizing({ model: 'Qwen/Qwen2.5-7B-Instruct', ...CARD_12, maxModelLen: 8192, maxNumSeqs: 4 });
    expect(bf16.problems[0]).toMatch(/^Weights alone need 14\.2 GiB per GPU/);
    expect(bf16.problems[0]).toContain('use an AWQ-quantised variant of the model (about 5.2 GiB of weights per GPU)');
  });

  it("halves the KV cache with kvCacheDtype 'fp8'", () => {
    const input: GpuSizingInput = { model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', ...CARD_12, maxModelLen: 8192, maxNumSeqs: 4 };
    const fp8 = estimateGpuSizing({ ...input, kvCacheDtype: 'fp8' });
    expect(fp8.kvCacheBytesPerToken).toBe(57344 / 2);
    expect(fp8.kvCacheNeededGiB).toBe(0.875);
  });

  it('keeps at least one KV head per GPU when there are fewer KV heads than GPUs', () => {
    // Qwen2.5-3B has 2 KV heads: on 4 GPUs each holds one, half the model's KV cache rather than a quarter
    const input: GpuSizingInput = { model: 'Qwen/Qwen2.5-3B-Instruct', ...CARD_12, maxModelLen: 8192, maxNumSeqs: 4 };
    const one = estimateGpuSizing(input);
    const four = estimateGpuSizing({ ...input, gpuCount: 4 });
    expect(one.kvCacheBytesPerToken).toBe(36864);
    expect(four.kvCacheBytesPerToken).toBe(36864);
    expect(four.kvCacheNeededGiB).toBe(one.kvCacheNeededGiB / 2);
  });

  it('refuses a maxModelLen beyond the model’s max_position_embeddings', () => {
    const sizing = estimateGpuSizing({ model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', ...CARD_12, maxModelLen: 65536, maxNumSeqs: 1 });
    expect(sizing.problems).toEqual(['maxModelLen 65536 is longer than Qwen/Qwen2.5-7B-Instruct-AWQ supports (32768): set it to at most 32768.']);
  });

  it('asks for `shape` for a model outside the catalogue, and estimates from it when given', () => {
    const input: GpuSizingInput = { model: 'Qwen/Qwen2.5-1.5B-Instruct', ...CARD_12, maxModelLen: 8192, maxNumSeqs: 4 };
    expect(estimateGpuSizing(input).problems).toEqual([
      'shape is required: Qwen/Qwen2.5-1.5B-Instruct is not in the sizing catalogue, so give its parametersBillions, layers, kvHeads, headDim, hiddenSize, vocabSize, tiedEmbeddings, weights and maxPositionEmbeddings from its config.json.',
    ]);

    // config.json of Qwen/Qwen2.5-1.5B-Instruct; its checkpoint is 3.09 GB
    const shape: ModelShape = { parametersBillions: 1.54, layers: 28, kvHeads: 2, headDim: 128, hiddenSize: 1536, vocabSize: 151936, tiedEmbeddings: true, weights: 'bfloat16', maxPositionEmbeddings: 32768 };
    const sizing = estimateGpuSizing({ ...input, shape });
    expect(sizing.fits).toBe(true);
    expectNearCheckpoint(sizing.weightsGiB, 3.09);
    expect(sizing.kvCacheBytesPerToken).toBe(2 * 28 * 2 * 128 * 2);
  });

  it('applies its documented defaults: dtype auto (2 bytes), kvCacheDtype auto (2 bytes), overheadGiB 1.5', () => {
    const input: GpuSizingInput = { model: 'Qwen/Qwen2.5-7B-Instruct', gpuMemoryGiB: 24, gpuCount: 1, gpuMemoryUtilization: 0.9, maxModelLen: 8192, maxNumSeqs: 4 };
    const defaults = estimateGpuSizing(input);
    expect(defaults).toEqual(estimateGpuSizing({ ...input, dtype: 'bfloat16', kvCacheDtype: 'auto', overheadGiB: 1.5 }));
    expect(defaults.freeForKvGiB).toBeCloseTo(24 * 0.9 - defaults.weightsGiB - 1.5, 10);
    expect(defaults.kvCacheBytesPerToken).toBe(57344);
    expect(estimateGpuSizing({ ...input, dtype: 'float32' }).weightsGiB).toBeCloseTo(defaults.weightsGiB * 2, 10);
  });

  it('names each invalid field, its value and what is allowed', () => {
    const sizing = estimateGpuSizing({ model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', maxModelLen: 0, maxNumSeqs: 1.5, gpuMemoryGiB: -12, gpuCount: 0, gpuMemoryUtilization: 1.2, overheadGiB: -1 });
    expect(sizing.fits).toBe(false);
    expect(sizing.weightsGiB).toBeNaN();
    expect(sizing.problems).toEqual([
      'maxModelLen must be a positive integer, got 0.',
      'maxNumSeqs must be a positive integer, got 1.5.',
      'gpuMemoryGiB must be a positive number, got -12.',
      'gpuCount must be a positive integer, got 0.',
      "gpuMemoryUtilization must be greater than 0 and at most 1 (a fraction of each GPU's memory, such as 0.9), got 1.2.",
      'overheadGiB must be a number of GiB, 0 or more, got -1.',
    ]);
  });

  it('names each invalid shape field', () => {
    const shape = { ...KNOWN_MODELS['Qwen/Qwen2.5-7B-Instruct'], layers: 0, headDim: 64.5, weights: 'int4' } as unknown as ModelShape;
    expect(estimateGpuSizing({ model: 'example/model', shape, ...CARD_12, maxModelLen: 4096, maxNumSeqs: 1 }).problems).toEqual([
      'shape.layers must be a positive integer, got 0.',
      'shape.headDim must be a positive integer, got 64.5.',
      `shape.weights must be one of 'float32', 'bfloat16', 'float16', 'fp8', 'int8', 'awq', 'gptq-int4', 'gptq-int8', got "int4".`,
    ]);
    const tooFew = { ...KNOWN_MODELS['Qwen/Qwen2.5-7B-Instruct'], parametersBillions: 1 };
    expect(estimateGpuSizing({ model: 'example/model', shape: tooFew, ...CARD_12, maxModelLen: 4096, maxNumSeqs: 1 }).problems).toEqual([
      'shape.parametersBillions 1 is no more than the embedding alone (1.09 billion from vocabSize × hiddenSize × 2): give the total parameter count, in billions.',
    ]);
  });
});
