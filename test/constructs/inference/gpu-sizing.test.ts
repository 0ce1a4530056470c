import { describe, expect, it } from '@jest/globals';
import { assertModelFits, checkpointGiB, estimateGpuSizing, KNOWN_MODELS, misfitMessage, type GpuSizingInput, type ModelShape, type WeightFormat } from '../../../constructs/inference/gpu-sizing.js';

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

  it("sizes every catalogued model's download within 5% of its published checkpoint, at the checkpoint's own width", () => {
    for (const [model, publishedGB] of Object.entries(PUBLISHED_CHECKPOINT_GB)) expectNearCheckpoint(checkpointGiB(KNOWN_MODELS[model]!), publishedGB);
    // a float32 checkpoint is 4 bytes a parameter on disk, though vLLM's auto dtype loads it at 2
    const float32 = { ...KNOWN_MODELS['Qwen/Qwen2.5-3B-Instruct']!, weights: 'float32' as const };
    expect(checkpointGiB(float32)).toBeCloseTo(2 * checkpointGiB(KNOWN_MODELS['Qwen/Qwen2.5-3B-Instruct']!), 6);
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

/**
 * From each repository's config.json: `tie_word_embeddings`, and `torch_dtype` or, for quantised checkpoints,
 * `quantization_config.quant_method`.
 */
const PUBLISHED_CONFIG: Readonly<Record<string, { tie_word_embeddings: boolean; storage: WeightFormat }>> = {
  'Qwen/Qwen2.5-7B-Instruct': { tie_word_embeddings: false, storage: 'bfloat16' },
  'Qwen/Qwen2.5-7B-Instruct-AWQ': { tie_word_embeddings: false, storage: 'awq' },
  'Qwen/Qwen2.5-3B-Instruct': { tie_word_embeddings: true, storage: 'bfloat16' },
  'Qwen/Qwen2.5-14B-Instruct-AWQ': { tie_word_embeddings: false, storage: 'awq' },
  'meta-llama/Llama-3.1-8B-Instruct': { tie_word_embeddings: false, storage: 'bfloat16' },
  'hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4': { tie_word_embeddings: false, storage: 'awq' },
  'meta-llama/Llama-2-13b-chat-hf': { tie_word_embeddings: false, storage: 'float16' },
  'TheBloke/Llama-2-7B-Chat-AWQ': { tie_word_embeddings: false, storage: 'awq' },
  'mistralai/Mistral-7B-Instruct-v0.3': { tie_word_embeddings: false, storage: 'bfloat16' },
};

/** A toy shape whose figures are exact in bytes: 0.5 billion parameters, one layer, one KV head of one element. */
const TOY: ModelShape = { parametersBillions: 0.5, layers: 1, kvHeads: 1, headDim: 1, hiddenSize: 1, vocabSize: 1, tiedEmbeddings: true, weights: 'bfloat16', maxPositionEmbeddings: 4096 };

describe('KNOWN_MODELS against the published configs', () => {
  it("records each model's tie_word_embeddings and checkpoint format as its config.json gives them", () => {
    expect(Object.keys(PUBLISHED_CONFIG).sort()).toEqual(Object.keys(KNOWN_MODELS).sort());
    for (const [model, config] of Object.entries(PUBLISHED_CONFIG)) {
      expect({ model, tiedEmbeddings: KNOWN_MODELS[model].tiedEmbeddings, weights: KNOWN_MODELS[model].weights }).toEqual({
        model,
        tiedEmbeddings: config.tie_word_embeddings,
        weights: config.storage,
      });
    }
  });

  it('holds only shapes that pass the validation an explicit shape gets, and estimates them the same way', () => {
    for (const [model, shape] of Object.entries(KNOWN_MODELS)) {
      const input: GpuSizingInput = { model, ...CARD_12, gpuMemoryGiB: 80, maxModelLen: 1024, maxNumSeqs: 1 };
      const explicit = estimateGpuSizing({ ...input, model: 'example/unlisted', shape });
      expect({ model, problems: explicit.problems }).toEqual({ model, problems: [] });
      expect(explicit.weightsGiB).toBe(estimateGpuSizing(input).weightsGiB);
    }
  });

  it('keeps the embedding and lm_head of an AWQ checkpoint at dtype bytes, twice when untied', () => {
    // Qwen2.5-7B: vocab_size 152064 × hidden_size 3584, untied; the rest in 4 bits with an fp16 scale and a zero per 128
    const embedding = 2 * 152064 * 3584;
    const expected = (7.62e9 - embedding) * (0.5 + 2.5 / 128) + embedding * 2;
    const sizing = estimateGpuSizing({ model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', ...CARD_12, maxModelLen: 1024, maxNumSeqs: 1 });
    expect(sizing.weightsGiB * GIB).toBeCloseTo(expected, 0);
  });
});

describe('estimateGpuSizing weight formats', () => {
  // Qwen2.5-7B's shape stored in each format: embeddings (untied) at 2 bytes, linear layers at the format's bytes
  const embedding = 2 * 152064 * 3584;
  const linear = 7.62e9 - embedding;
  it.each<[WeightFormat, number]>([
    ['fp8', 1 + 1 / 128],
    ['int8', 1 + 1 / 128],
    ['gptq-int8', 1 + 3 / 128],
    ['awq', 0.5 + 2.5 / 128],
    ['gptq-int4', 0.5 + 2.5 / 128],
    ['bfloat16', 2],
    ['float16', 2],
    ['float32', 2],
  ])('loads %s linear layers at %p bytes per parameter', (weights, bytes) => {
    const shape: ModelShape = { ...KNOWN_MODELS['Qwen/Qwen2.5-7B-Instruct'], weights };
    const sizing = estimateGpuSizing({ model: 'example/qwen', shape, ...CARD_12, gpuMemoryGiB: 80, maxModelLen: 1024, maxNumSeqs: 1 });
    expect(sizing.problems).toEqual([]);
    expect(sizing.weightsGiB * GIB).toBeCloseTo(linear * bytes + embedding * 2, 0);
  });

  it("loads unquantised float32 checkpoints at 4 bytes only with dtype 'float32'", () => {
    const shape: ModelShape = { ...TOY, weights: 'float32' };
    const input: GpuSizingInput = { model: 'example/toy', shape, ...CARD_12, maxModelLen: 64, maxNumSeqs: 1 };
    expect(estimateGpuSizing(input).weightsGiB * GIB).toBe(1e9);
    expect(estimateGpuSizing({ ...input, dtype: 'float32' }).weightsGiB * GIB).toBe(2e9);
  });
});

describe('estimateGpuSizing limits', () => {
  // 1e9 bytes of weights, 2 KV elements of 2 bytes per token: every figure is a whole number of bytes
  const toy = (overrides: Partial<GpuSizingInput>): GpuSizingInput => ({
    model: 'example/toy', shape: TOY, gpuMemoryGiB: 1, gpuCount: 1, gpuMemoryUtilization: 1, overheadGiB: 0, maxModelLen: 64, maxNumSeqs: 1, ...overrides,
  });

  it('fits when the KV cache takes exactly what is free, and not one sequence more', () => {
    // free = 2^30 - 1e9 = 73741824 bytes = 288054 sequences × 64 tokens × 4 bytes
    const exact = estimateGpuSizing(toy({ maxNumSeqs: 288054 }));
    expect(exact.freeForKvGiB * GIB).toBe(73741824);
    expect(exact.kvCacheNeededGiB * GIB).toBe(73741824);
    expect(exact.problems).toEqual([]);
    expect(exact.fits).toBe(true);
    expect(exact.maxConcurrentSequencesAtFullLength).toBe(288054);
    expect(estimateGpuSizing(toy({ maxNumSeqs: 288055 })).fits).toBe(false);
  });

  it('suggests the GPU count and the card at which the KV cache fits exactly', () => {
    // Two KV heads: on 2 GPUs, one head and 5e8 bytes of weights each, leaving 2^30 - 5e8 = 2241179 × 64 × 4 bytes
    const input = toy({ shape: { ...TOY, kvHeads: 2 }, maxNumSeqs: 2241179 });
    const sizing = estimateGpuSizing(input);
    expect(sizing.problems).toEqual([
      'The KV cache for 2241179 sequences of 64 tokens needs 1.1 GiB per GPU but 0.1 GiB is free (1 GiB × 1.00 = 1.0 GiB less 0.9 GiB of weights and 0.0 GiB of overhead): ' +
        'set maxNumSeqs to 144027, use 2 GPUs with tensor parallelism (gpuCount 2), or use a card with at least 2.0 GiB.',
    ]);
    expect(estimateGpuSizing({ ...input, gpuCount: 2 }).problems).toEqual([]);
    // 1e9 bytes of weights and 2241179 × 64 × 8 bytes of KV cache are exactly 2 GiB
    expect(estimateGpuSizing({ ...input, gpuMemoryGiB: 2 }).problems).toEqual([]);
  });

  it('leaves nothing for the KV cache when weights and overhead take the whole budget exactly', () => {
    // 144027 / 2^21 GiB of overhead is the 73741824 bytes the weights leave
    const sizing = estimateGpuSizing(toy({ overheadGiB: 144027 / 2 ** 21 }));
    expect(sizing.freeForKvGiB).toBe(0);
    expect(sizing.maxConcurrentSequencesAtFullLength).toBe(0);
    expect(sizing.problems).toEqual([
      'Weights alone need 0.9 GiB per GPU, plus 0.1 GiB of runtime overhead, but 1 GiB × 1.00 = 1.0 GiB is all vLLM may use, leaving nothing for the KV cache: ' +
        'use an AWQ-quantised variant of the model (about 0.2 GiB of weights per GPU), use 2 GPUs with tensor parallelism (gpuCount 2), or use a card with at least 1.1 GiB.',
    ]);
  });

  it('offers only a bigger card when no change of the other levers fits, with no list', () => {
    // 400 billion AWQ parameters on 8 × 12 GiB: 24 GiB of weights per GPU, and no more GPUs to add
    const shape: ModelShape = { ...KNOWN_MODELS['Qwen/Qwen2.5-14B-Instruct-AWQ'], parametersBillions: 400 };
    const sizing = estimateGpuSizing({ model: 'example/huge-awq', shape, ...CARD_12, gpuCount: 8, maxModelLen: 4096, maxNumSeqs: 1 });
    expect(sizing.problems).toHaveLength(1);
    expect(sizing.problems[0]).toMatch(/^Weights alone need 24\.\d GiB per GPU, plus 1\.5 GiB of runtime overhead, but 12 GiB × 0\.90 = 10\.8 GiB is all vLLM may use, leaving nothing for the KV cache: use a card with at least [\d.]+ GiB\.$/);
  });

  it('speaks of one sequence in the singular, and suggests a maxModelLen without naming maxNumSeqs 1', () => {
    // 2 × 32 × 8 × 128 × 2 = 128 KiB per token: 16 GiB for one sequence of 131072 tokens; 3.97 GiB free holds 32492 tokens
    const sizing = estimateGpuSizing({ model: 'hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4', ...CARD_12, maxModelLen: 131072, maxNumSeqs: 1 });
    expect(sizing.problems).toEqual([
      'The KV cache for 1 sequence of 131072 tokens needs 16.0 GiB per GPU but 4.0 GiB is free (12 GiB × 0.90 = 10.8 GiB less 5.3 GiB of weights and 1.5 GiB of overhead): ' +
        'set maxModelLen to 32256, use 4 GPUs with tensor parallelism (gpuCount 4), or use a card with at least 25.4 GiB.',
    ]);
  });

  it('suggests maxModelLen 256, its smallest step, and maxNumSeqs 1', () => {
    const at256 = estimateGpuSizing({ model: 'TheBloke/Llama-2-7B-Chat-AWQ', ...CARD_12, maxModelLen: 4096, maxNumSeqs: 40 });
    expect(at256.problems[0]).toContain(': set maxModelLen to 256 (at maxNumSeqs 40), set maxNumSeqs to 2, ');
    const one = estimateGpuSizing({ model: 'hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4', ...CARD_12, maxModelLen: 16384, maxNumSeqs: 4 });
    expect(one.problems[0]).toContain(': set maxModelLen to 7936 (at maxNumSeqs 4), set maxNumSeqs to 1, use 2 GPUs with tensor parallelism (gpuCount 2), ');
  });

  it('suggests no GPU count when none up to 8 fits, and no AWQ variant of an already quantised checkpoint', () => {
    // Two KV heads are replicated beyond 2 GPUs, so 16 × 32768 tokens need 9 GiB per GPU however many
    const replicated = estimateGpuSizing({ model: 'Qwen/Qwen2.5-3B-Instruct', ...CARD_12, maxModelLen: 32768, maxNumSeqs: 16 });
    expect(replicated.problems[0]).not.toContain('GPUs with tensor parallelism');
    expect(replicated.problems[0]).toMatch(/: set maxModelLen to 6400 \(at maxNumSeqs 16\), set maxNumSeqs to 3, or use a card with at least [\d.]+ GiB\.$/);

    // The same shape in fp8 fits its weights but not 4 × 8192 tokens; AWQ would fit, but it is quantised already
    const fp8: ModelShape = { ...KNOWN_MODELS['Qwen/Qwen2.5-7B-Instruct'], weights: 'fp8' };
    const sizing = estimateGpuSizing({ model: 'example/qwen-fp8', shape: fp8, ...CARD_12, maxModelLen: 8192, maxNumSeqs: 4 });
    expect(sizing.problems[0]).toMatch(/^The KV cache for 4 sequences of 8192 tokens needs 1\.8 GiB per GPU/);
    expect(sizing.problems[0]).not.toContain('AWQ');
  });
});

describe('misfitMessage', () => {
  it('is empty when the model fits', () => {
    const input: GpuSizingInput = { model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', ...CARD_12, maxModelLen: 8192, maxNumSeqs: 4 };
    expect(misfitMessage(input, estimateGpuSizing(input))).toBe('');
  });

  it('names the GPUs in the plural and joins the problems with a space', () => {
    const input: GpuSizingInput = { model: 'Qwen/Qwen2.5-7B-Instruct', gpuMemoryGiB: 8, gpuCount: 2, gpuMemoryUtilization: 0.9, maxModelLen: 65536, maxNumSeqs: 1 };
    const sizing = estimateGpuSizing(input);
    expect(sizing.problems).toHaveLength(2);
    expect(() => assertModelFits(input, 'platform/qwen')).toThrow(
      new Error(`platform/qwen: Qwen/Qwen2.5-7B-Instruct on 2 × 8 GiB GPUs: ${sizing.problems[0]} ${sizing.problems[1]}`),
    );
  });
});

describe('estimateGpuSizing validation', () => {
  const valid: GpuSizingInput = { model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', ...CARD_12, maxModelLen: 4096, maxNumSeqs: 1 };

  it.each<[string, unknown]>([
    ['blank', '  '],
    ['missing', undefined],
  ])('asks for a Hugging Face id when the model is %s, and for nothing else', (_, model) => {
    expect(estimateGpuSizing({ ...valid, model: model as string }).problems).toEqual([
      `model must be a Hugging Face id such as "Qwen/Qwen2.5-7B-Instruct-AWQ", got ${JSON.stringify(model)}.`,
    ]);
  });

  it('names dtype and kvCacheDtype with the values they allow, and accepts each of those', () => {
    expect(estimateGpuSizing({ ...valid, dtype: 'fp16' as never, kvCacheDtype: 'int8' as never }).problems).toEqual([
      `dtype must be one of 'auto', 'float16', 'bfloat16', 'float32', got "fp16".`,
      `kvCacheDtype must be one of 'auto', 'fp8', got "int8".`,
    ]);
    for (const dtype of ['auto', 'float16', 'bfloat16', 'float32'] as const) {
      expect({ dtype, problems: estimateGpuSizing({ ...valid, dtype, gpuMemoryGiB: 24 }).problems }).toEqual({ dtype, problems: [] });
    }
    for (const kvCacheDtype of ['auto', 'fp8'] as const) {
      expect({ kvCacheDtype, problems: estimateGpuSizing({ ...valid, kvCacheDtype }).problems }).toEqual({ kvCacheDtype, problems: [] });
    }
  });

  it.each([0, -0.5, Number.NaN, 1.01])('refuses gpuMemoryUtilization %p', (utilization) => {
    expect(estimateGpuSizing({ ...valid, gpuMemoryUtilization: utilization }).problems).toEqual([
      `gpuMemoryUtilization must be greater than 0 and at most 1 (a fraction of each GPU's memory, such as 0.9), got ${utilization}.`,
    ]);
  });

  it('accepts a gpuMemoryUtilization of 1 and an overheadGiB of 0, and counts them', () => {
    const sizing = estimateGpuSizing({ ...valid, gpuMemoryUtilization: 1, overheadGiB: 0 });
    expect(sizing.problems).toEqual([]);
    expect(sizing.budgetGiB).toBe(12);
    expect(sizing.freeForKvGiB).toBeCloseTo(12 - sizing.weightsGiB, 10);
  });

  it('refuses a gpuMemoryGiB of 0 and an overheadGiB that is not finite', () => {
    expect(estimateGpuSizing({ ...valid, gpuMemoryGiB: 0, overheadGiB: Number.POSITIVE_INFINITY }).problems).toEqual([
      'gpuMemoryGiB must be a positive number, got 0.',
      'overheadGiB must be a number of GiB, 0 or more, got Infinity.',
    ]);
  });

  it('names shape.parametersBillions and shape.tiedEmbeddings, each on its own', () => {
    const base = KNOWN_MODELS['Qwen/Qwen2.5-7B-Instruct'];
    const problems = (shape: object) => estimateGpuSizing({ ...valid, model: 'example/model', shape: shape as ModelShape }).problems;
    expect(problems({ ...base, parametersBillions: 0 })).toEqual(['shape.parametersBillions must be a positive number, got 0.']);
    expect(problems({ ...base, tiedEmbeddings: 'yes' })).toEqual(['shape.tiedEmbeddings must be true or false (tie_word_embeddings), got "yes".']);
  });

  it('compares the parameters with the embedding only once the rest of the shape is valid', () => {
    const shape = { ...KNOWN_MODELS['Qwen/Qwen2.5-7B-Instruct'], parametersBillions: 1, layers: 0 };
    expect(estimateGpuSizing({ ...valid, model: 'example/model', shape }).problems).toEqual(['shape.layers must be a positive integer, got 0.']);
  });

  it('refuses parametersBillions equal to a tied embedding, naming it without "× 2"', () => {
    // 32000 × 4096 = 0.131072 billion parameters in the one shared matrix
    const shape: ModelShape = { ...KNOWN_MODELS['meta-llama/Llama-2-13b-chat-hf'], hiddenSize: 4096, headDim: 128, kvHeads: 32, tiedEmbeddings: true, parametersBillions: 0.131072 };
    expect(estimateGpuSizing({ ...valid, model: 'example/model', shape }).problems).toEqual([
      'shape.parametersBillions 0.131072 is no more than the embedding alone (0.13 billion from vocabSize × hiddenSize): give the total parameter count, in billions.',
    ]);
  });
});
