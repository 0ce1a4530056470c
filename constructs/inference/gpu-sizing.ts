/**
 * Will a model fit the GPUs it is given under vLLM? A synth-time estimate, so a wrong size fails `cdk8s synth`
 * instead of crash-looping a pod that waits minutes for a GPU node and a multi-gigabyte download first.
 *
 * vLLM takes `gpuMemoryUtilization` of each GPU's memory, loads the weights, keeps room for activations and
 * CUDA graphs, and hands the rest to the paged KV cache. Per GPU (tensor parallelism over `gpuCount` GPUs):
 *
 *   weights  = (linear parameters × bytes of the checkpoint's format + embedding parameters × dtype bytes) / gpuCount
 *     linear parameters    = parametersBillions × 1e9 − embedding parameters
 *     embedding parameters = vocabSize × hiddenSize, twice when the lm_head is not tied to the embedding
 *     format bytes: float32/bfloat16/float16 are loaded at --dtype (2 bytes; 4 only with dtype float32, since
 *       vLLM's `auto` loads float32 checkpoints as float16); fp8/int8 1 + 1/128 (scales, an upper bound);
 *       gptq-int8 1 + 3/128 and awq/gptq-int4 0.5 + 2.5/128 (an fp16 scale and a packed zero per group of 128).
 *       AWQ and GPTQ checkpoints leave the embedding and lm_head unquantised, hence dtype bytes for them.
 *   KV cache = maxNumSeqs × maxModelLen × 2 (K and V) × layers × max(1, kvHeads / gpuCount) × headDim × kv bytes
 *     kv bytes: 2 for `auto`, 1 for `fp8`; KV heads split across GPUs, and are replicated when fewer than GPUs.
 *   budget   = gpuMemoryGiB × gpuMemoryUtilization
 *   free     = budget − weights − overheadGiB
 *   fits when KV cache ≤ free.
 *
 * vLLM itself only refuses to start when not even one sequence of maxModelLen fits; requiring maxNumSeqs of them
 * is deliberate, so the declared concurrency is served at full length instead of being preempted.
 * Checked against published checkpoint sizes (test/constructs/inference/gpu-sizing.test.ts), within 5%.
 */

export type WeightFormat = 'float32' | 'bfloat16' | 'float16' | 'fp8' | 'int8' | 'awq' | 'gptq-int4' | 'gptq-int8';
export type KvCacheDtype = 'auto' | 'fp8';
export type ModelDtype = 'auto' | 'float16' | 'bfloat16' | 'float32';

/** The architecture numbers the estimate needs, as in the model's config.json. */
export interface ModelShape {
  /** Total parameters, in billions, embeddings included. */
  readonly parametersBillions: number;
  /** `num_hidden_layers`. */
  readonly layers: number;
  /** `num_key_value_heads` (grouped-query attention); `num_attention_heads` when the config has no such key. */
  readonly kvHeads: number;
  /** `head_dim`, or `hidden_size / num_attention_heads` when the config has no such key. */
  readonly headDim: number;
  /** `hidden_size`. */
  readonly hiddenSize: number;
  /** `vocab_size`. */
  readonly vocabSize: number;
  /** `tie_word_embeddings`: the lm_head shares the embedding matrix. */
  readonly tiedEmbeddings: boolean;
  /** How the published checkpoint stores its linear layers. */
  readonly weights: WeightFormat;
  /** `max_position_embeddings`: the longest context the model supports without rope scaling. */
  readonly maxPositionEmbeddings: number;
}

const QWEN25_7B = { parametersBillions: 7.62, layers: 28, kvHeads: 4, headDim: 128, hiddenSize: 3584, vocabSize: 152064, tiedEmbeddings: false, maxPositionEmbeddings: 32768 } as const;
const LLAMA31_8B = { parametersBillions: 8.03, layers: 32, kvHeads: 8, headDim: 128, hiddenSize: 4096, vocabSize: 128256, tiedEmbeddings: false, maxPositionEmbeddings: 131072 } as const;

/** Models whose shape is known, keyed by Hugging Face id; numbers from each repository's config.json. */
export const KNOWN_MODELS: Readonly<Record<string, ModelShape>> = {
  'Qwen/Qwen2.5-7B-Instruct': { ...QWEN25_7B, weights: 'bfloat16' },
  'Qwen/Qwen2.5-7B-Instruct-AWQ': { ...QWEN25_7B, weights: 'awq' },
  'Qwen/Qwen2.5-3B-Instruct': { parametersBillions: 3.09, layers: 36, kvHeads: 2, headDim: 128, hiddenSize: 2048, vocabSize: 151936, tiedEmbeddings: true, weights: 'bfloat16', maxPositionEmbeddings: 32768 },
  'Qwen/Qwen2.5-14B-Instruct-AWQ': { parametersBillions: 14.77, layers: 48, kvHeads: 8, headDim: 128, hiddenSize: 5120, vocabSize: 152064, tiedEmbeddings: false, weights: 'awq', maxPositionEmbeddings: 32768 },
  'meta-llama/Llama-3.1-8B-Instruct': { ...LLAMA31_8B, weights: 'bfloat16' },
  'hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4': { ...LLAMA31_8B, weights: 'awq' },
  'meta-llama/Llama-2-13b-chat-hf': { parametersBillions: 13.02, layers: 40, kvHeads: 40, headDim: 128, hiddenSize: 5120, vocabSize: 32000, tiedEmbeddings: false, weights: 'float16', maxPositionEmbeddings: 4096 },
  'TheBloke/Llama-2-7B-Chat-AWQ': { parametersBillions: 6.74, layers: 32, kvHeads: 32, headDim: 128, hiddenSize: 4096, vocabSize: 32000, tiedEmbeddings: false, weights: 'awq', maxPositionEmbeddings: 4096 },
  'mistralai/Mistral-7B-Instruct-v0.3': { parametersBillions: 7.25, layers: 32, kvHeads: 8, headDim: 128, hiddenSize: 4096, vocabSize: 32768, tiedEmbeddings: false, weights: 'bfloat16', maxPositionEmbeddings: 32768 },
};

/** What estimateGpuSizing sizes: the model, vLLM's memory flags and the GPUs. */
export interface GpuSizingInput {
  /** Hugging Face id of the model. */
  readonly model: string;
  /** The model's shape; required when `model` is not in KNOWN_MODELS, and used instead of the catalogue when given. @default KNOWN_MODELS[model] */
  readonly shape?: ModelShape;
  /** vLLM `--dtype`, the precision of activations and unquantised weights. @default 'auto' (2 bytes) */
  readonly dtype?: ModelDtype;
  /** vLLM `--kv-cache-dtype`. @default 'auto' (2 bytes per element) */
  readonly kvCacheDtype?: KvCacheDtype;
  /** vLLM `--max-model-len`: prompt plus output tokens of one sequence. */
  readonly maxModelLen: number;
  /** Sequences that must fit at full length at once (the concurrency). */
  readonly maxNumSeqs: number;
  /** Memory of each GPU, in GiB. */
  readonly gpuMemoryGiB: number;
  /** GPUs the model is split over: the tensor parallel size. */
  readonly gpuCount: number;
  /** vLLM `--gpu-memory-utilization`: the fraction of each GPU vLLM may use, 0 < x ≤ 1. */
  readonly gpuMemoryUtilization: number;
  /**
   * Per-GPU memory that is neither weights nor KV cache: the activation peak vLLM profiles (0.5–1 GiB for a 7B
   * model at its default batch), CUDA graphs (0.2–0.5 GiB) and the CUDA context and NCCL buffers (0.3–0.5 GiB),
   * all inside the utilization budget.
   * @default 1.5
   */
  readonly overheadGiB?: number;
}

/** Whether a model fits the GPUs at the given context and concurrency, with the figures behind the answer. */
export interface GpuSizing {
  /** True when there are no problems. */
  readonly fits: boolean;
  /** Weights per GPU, in GiB. NaN, like the other figures, when the input is invalid. */
  readonly weightsGiB: number;
  /** KV cache bytes per token for the whole model (all GPUs). */
  readonly kvCacheBytesPerToken: number;
  /** KV cache per GPU for maxNumSeqs sequences of maxModelLen tokens, in GiB. */
  readonly kvCacheNeededGiB: number;
  /** Per GPU: gpuMemoryGiB × gpuMemoryUtilization, in GiB. */
  readonly budgetGiB: number;
  /** Per GPU: budget − weights − overhead, in GiB; negative when the weights do not fit. */
  readonly freeForKvGiB: number;
  /** How many sequences of maxModelLen tokens fit at once (at least 0). */
  readonly maxConcurrentSequencesAtFullLength: number;
  /** Empty when it fits; otherwise full sentences naming the numbers and what to change. */
  readonly problems: readonly string[];
}

const GIB = 1024 ** 3;
const DEFAULT_OVERHEAD_GIB = 1.5;
/** Suggested maxModelLen values are multiples of this, to keep them round. */
const MODEL_LEN_STEP = 256;
/** Tensor parallel sizes worth suggesting: powers of two up to one node. */
const GPU_COUNTS = [2, 4, 8];
const WEIGHT_FORMATS: readonly WeightFormat[] = ['float32', 'bfloat16', 'float16', 'fp8', 'int8', 'awq', 'gptq-int4', 'gptq-int8'];
const MODEL_DTYPES: readonly ModelDtype[] = ['auto', 'float16', 'bfloat16', 'float32'];
const KV_CACHE_DTYPES: readonly KvCacheDtype[] = ['auto', 'fp8'];
/** Bytes per linear-layer parameter of quantised formats; unquantised formats are loaded at --dtype. */
const QUANTISED_BYTES_PER_PARAMETER: Partial<Record<WeightFormat, number>> = {
  fp8: 1 + 1 / 128,
  int8: 1 + 1 / 128,
  'gptq-int8': 1 + 3 / 128,
  awq: 0.5 + 2.5 / 128,
  'gptq-int4': 0.5 + 2.5 / 128,
};

/**
 * The published checkpoint's weights in GiB, what a download puts on disk (all GPUs): unquantised formats at their
 * own width (float32 4 bytes, bfloat16 and float16 2, whatever --dtype loads them as), quantised ones as in the
 * estimate, with the embedding and an untied lm_head at that width too.
 */
export function checkpointGiB(shape: ModelShape): number {
  const formatBytes = shape.weights === 'float32' ? 4 : 2;
  const embeddingParameters = shape.vocabSize * shape.hiddenSize * (shape.tiedEmbeddings ? 1 : 2);
  const linearParameters = shape.parametersBillions * 1e9 - embeddingParameters;
  return (linearParameters * (QUANTISED_BYTES_PER_PARAMETER[shape.weights] ?? formatBytes) + embeddingParameters * formatBytes) / GIB;
}

/** Everything the arithmetic depends on, so a suggestion can be checked by recomputing with one lever moved. */
interface Plan {
  readonly shape: ModelShape;
  readonly dtypeBytes: number;
  readonly kvCacheDtype: KvCacheDtype;
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  readonly gpuMemoryGiB: number;
  readonly gpuCount: number;
  readonly utilization: number;
  readonly overheadGiB: number;
}

/** Per-GPU figures in bytes. */
interface Layout {
  readonly weights: number;
  readonly kvPerTokenPerGpu: number;
  readonly kvNeeded: number;
  readonly budget: number;
  readonly free: number;
}

function layout(plan: Plan): Layout {
  const { shape, gpuCount } = plan;
  const embeddingParameters = shape.vocabSize * shape.hiddenSize * (shape.tiedEmbeddings ? 1 : 2);
  const linearParameters = shape.parametersBillions * 1e9 - embeddingParameters;
  const linearBytes = QUANTISED_BYTES_PER_PARAMETER[shape.weights] ?? plan.dtypeBytes;
  const weights = (linearParameters * linearBytes + embeddingParameters * plan.dtypeBytes) / gpuCount;
  const kvPerTokenPerGpu = 2 * shape.layers * Math.max(1, shape.kvHeads / gpuCount) * shape.headDim * kvBytes(plan.kvCacheDtype);
  const budget = plan.gpuMemoryGiB * GIB * plan.utilization;
  return {
    weights,
    kvPerTokenPerGpu,
    kvNeeded: plan.maxNumSeqs * plan.maxModelLen * kvPerTokenPerGpu,
    budget,
    free: budget - weights - plan.overheadGiB * GIB,
  };
}

function kvBytes(dtype: KvCacheDtype): number {
  return dtype === 'fp8' ? 1 : 2;
}

function fits(plan: Plan): boolean {
  const { kvNeeded, free } = layout(plan);
  return free > 0 && kvNeeded <= free;
}

/** Estimates whether `input.model` fits its GPUs under vLLM, and what to change when it does not. */
export function estimateGpuSizing(input: GpuSizingInput): GpuSizing {
  const shape = input.shape ?? KNOWN_MODELS[input.model];
  const invalid = validate(input, shape);
  if (invalid.length > 0 || shape === undefined) {
    return { fits: false, weightsGiB: NaN, kvCacheBytesPerToken: NaN, kvCacheNeededGiB: NaN, budgetGiB: NaN, freeForKvGiB: NaN, maxConcurrentSequencesAtFullLength: NaN, problems: invalid };
  }
  const plan: Plan = {
    shape,
    dtypeBytes: input.dtype === 'float32' ? 4 : 2,
    kvCacheDtype: input.kvCacheDtype ?? 'auto',
    maxModelLen: input.maxModelLen,
    maxNumSeqs: input.maxNumSeqs,
    gpuMemoryGiB: input.gpuMemoryGiB,
    gpuCount: input.gpuCount,
    utilization: input.gpuMemoryUtilization,
    overheadGiB: input.overheadGiB ?? DEFAULT_OVERHEAD_GIB,
  };
  const figures = layout(plan);
  const problems: string[] = [];
  if (input.maxModelLen > shape.maxPositionEmbeddings) {
    problems.push(`maxModelLen ${input.maxModelLen} is longer than ${input.model} supports (${shape.maxPositionEmbeddings}): set it to at most ${shape.maxPositionEmbeddings}.`);
  }
  if (figures.free <= 0) {
    problems.push(weightsProblem(plan, figures));
  } else if (figures.kvNeeded > figures.free) {
    problems.push(kvCacheProblem(plan, figures));
  }
  return {
    fits: problems.length === 0,
    weightsGiB: figures.weights / GIB,
    kvCacheBytesPerToken: 2 * shape.layers * shape.kvHeads * shape.headDim * kvBytes(plan.kvCacheDtype),
    kvCacheNeededGiB: figures.kvNeeded / GIB,
    budgetGiB: figures.budget / GIB,
    freeForKvGiB: figures.free / GIB,
    maxConcurrentSequencesAtFullLength: Math.max(0, Math.floor(figures.free / (plan.maxModelLen * figures.kvPerTokenPerGpu))),
    problems,
  };
}

/**
 * Estimates like estimateGpuSizing and throws when the model does not fit, with a message naming `where`
 * (the construct path), the model, the GPUs and every problem.
 */
export function assertModelFits(input: GpuSizingInput, where: string): GpuSizing {
  const sizing = estimateGpuSizing(input);
  if (!sizing.fits) throw new Error(`${where}: ${misfitMessage(input, sizing)}`);
  return sizing;
}

/** Why the model does not fit, naming the model and the GPUs first; empty when it fits. */
export function misfitMessage(input: GpuSizingInput, sizing: GpuSizing): string {
  if (sizing.fits) return '';
  const gpus = `${input.gpuCount} × ${input.gpuMemoryGiB} GiB GPU${input.gpuCount === 1 ? '' : 's'}`;
  return `${input.model} on ${gpus}: ${sizing.problems.join(' ')}`;
}

function validate(input: GpuSizingInput, shape: ModelShape | undefined): string[] {
  const problems: string[] = [];
  if (typeof input.model !== 'string' || input.model.trim() === '') {
    problems.push(`model must be a Hugging Face id such as "Qwen/Qwen2.5-7B-Instruct-AWQ", got ${JSON.stringify(input.model)}.`);
  } else if (shape === undefined) {
    problems.push(
      `shape is required: ${input.model} is not in the sizing catalogue, so give its parametersBillions, layers, kvHeads, headDim, hiddenSize, vocabSize, tiedEmbeddings, weights and maxPositionEmbeddings from its config.json.`,
    );
  }
  if (input.shape !== undefined) problems.push(...validateShape(input.shape));
  oneOf(problems, 'dtype', input.dtype, MODEL_DTYPES);
  oneOf(problems, 'kvCacheDtype', input.kvCacheDtype, KV_CACHE_DTYPES);
  positiveInteger(problems, 'maxModelLen', input.maxModelLen);
  positiveInteger(problems, 'maxNumSeqs', input.maxNumSeqs);
  positiveNumber(problems, 'gpuMemoryGiB', input.gpuMemoryGiB);
  positiveInteger(problems, 'gpuCount', input.gpuCount);
  const utilization = input.gpuMemoryUtilization;
  if (!Number.isFinite(utilization) || utilization <= 0 || utilization > 1) {
    problems.push(`gpuMemoryUtilization must be greater than 0 and at most 1 (a fraction of each GPU's memory, such as 0.9), got ${utilization}.`);
  }
  const overhead = input.overheadGiB;
  if (overhead !== undefined && (!Number.isFinite(overhead) || overhead < 0)) {
    problems.push(`overheadGiB must be a number of GiB, 0 or more, got ${overhead}.`);
  }
  return problems;
}

function validateShape(shape: ModelShape): string[] {
  const problems: string[] = [];
  positiveNumber(problems, 'shape.parametersBillions', shape.parametersBillions);
  for (const field of ['layers', 'kvHeads', 'headDim', 'hiddenSize', 'vocabSize', 'maxPositionEmbeddings'] as const) {
    positiveInteger(problems, `shape.${field}`, shape[field]);
  }
  if (typeof shape.tiedEmbeddings !== 'boolean') problems.push(`shape.tiedEmbeddings must be true or false (tie_word_embeddings), got ${JSON.stringify(shape.tiedEmbeddings)}.`);
  oneOf(problems, 'shape.weights', shape.weights, WEIGHT_FORMATS);
  if (problems.length === 0) {
    const embeddingBillions = (shape.vocabSize * shape.hiddenSize * (shape.tiedEmbeddings ? 1 : 2)) / 1e9;
    if (shape.parametersBillions <= embeddingBillions) {
      problems.push(`shape.parametersBillions ${shape.parametersBillions} is no more than the embedding alone (${embeddingBillions.toFixed(2)} billion from vocabSize × hiddenSize${shape.tiedEmbeddings ? '' : ' × 2'}): give the total parameter count, in billions.`);
    }
  }
  return problems;
}

function positiveInteger(problems: string[], field: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) problems.push(`${field} must be a positive integer, got ${value}.`);
}

function positiveNumber(problems: string[], field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) problems.push(`${field} must be a positive number, got ${value}.`);
}

function oneOf<T extends string>(problems: string[], field: string, value: T | undefined, allowed: readonly T[]): void {
  if (value !== undefined && !allowed.includes(value)) problems.push(`${field} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}.`);
}

function weightsProblem(plan: Plan, figures: Layout): string {
  return (
    `Weights alone need ${gib(figures.weights)} GiB per GPU, plus ${gib(plan.overheadGiB * GIB)} GiB of runtime overhead, ` +
    `but ${budgetText(plan, figures)} is all vLLM may use, leaving nothing for the KV cache: ${orList(remedies(plan, false))}.`
  );
}

function kvCacheProblem(plan: Plan, figures: Layout): string {
  return (
    `The KV cache for ${plan.maxNumSeqs} sequence${plan.maxNumSeqs === 1 ? '' : 's'} of ${plan.maxModelLen} tokens needs ${gib(figures.kvNeeded)} GiB per GPU ` +
    `but ${gib(figures.free)} GiB is free (${budgetText(plan, figures)} less ${gib(figures.weights)} GiB of weights and ${gib(plan.overheadGiB * GIB)} GiB of overhead): ` +
    `${orList(remedies(plan, true))}.`
  );
}

/** Each change that alone makes the plan fit, cheapest first; a bigger card always does, so the list is never empty. */
function remedies(plan: Plan, weightsFit: boolean): string[] {
  const found: string[] = [];
  if (weightsFit) {
    const { free, kvPerTokenPerGpu } = layout(plan);
    const longest = Math.min(plan.shape.maxPositionEmbeddings, Math.floor(free / (plan.maxNumSeqs * kvPerTokenPerGpu) / MODEL_LEN_STEP) * MODEL_LEN_STEP);
    if (longest >= MODEL_LEN_STEP) found.push(`set maxModelLen to ${longest}${plan.maxNumSeqs > 1 ? ` (at maxNumSeqs ${plan.maxNumSeqs})` : ''}`);
    const most = Math.floor(free / (plan.maxModelLen * kvPerTokenPerGpu));
    if (most >= 1) found.push(`set maxNumSeqs to ${most}`);
    const fp8 = { ...plan, kvCacheDtype: 'fp8' as const };
    if (plan.kvCacheDtype !== 'fp8' && fits(fp8)) found.push(`set kvCacheDtype to 'fp8' (halving the KV cache to ${gib(layout(fp8).kvNeeded)} GiB)`);
  }
  const quantised = { ...plan, shape: { ...plan.shape, weights: 'awq' as const } };
  if (QUANTISED_BYTES_PER_PARAMETER[plan.shape.weights] === undefined && fits(quantised)) {
    found.push(`use an AWQ-quantised variant of the model (about ${gib(layout(quantised).weights)} GiB of weights per GPU)`);
  }
  const gpuCount = GPU_COUNTS.find((count) => count > plan.gpuCount && fits({ ...plan, gpuCount: count }));
  if (gpuCount !== undefined) found.push(`use ${gpuCount} GPUs with tensor parallelism (gpuCount ${gpuCount})`);
  found.push(`use a card with at least ${smallestCardGiB(plan)} GiB`);
  return found;
}

/** The GPU memory at which the plan fits as it is, rounded up to a tenth of a GiB. */
function smallestCardGiB(plan: Plan): string {
  const { weights, kvNeeded } = layout(plan);
  const needed = (weights + plan.overheadGiB * GIB + kvNeeded) / plan.utilization / GIB;
  return (Math.ceil(needed * 10) / 10).toFixed(1);
}

function budgetText(plan: Plan, figures: Layout): string {
  return `${plan.gpuMemoryGiB} GiB × ${plan.utilization.toFixed(2)} = ${gib(figures.budget)} GiB`;
}

function gib(bytes: number): string {
  return (bytes / GIB).toFixed(1);
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')}${items.length > 2 ? ',' : ''} or ${items.at(-1)}`;
}
