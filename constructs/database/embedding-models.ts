/**
 * The vector columns' dimension must equal what the embedding model returns: pgvector rejects an insert
 * of any other length, so a mismatch shows up only when the first embedding is written, in production.
 * Checking it at synth time turns that into an error on the config line that caused it.
 */

/** What an embedding model returns. */
export interface EmbeddingModelInfo {
  /** Length of the vectors it returns by default. */
  readonly dimensions: number;
  /**
   * Trained so a prefix of the vector is itself a usable embedding (Matryoshka), and served with a
   * `dimensions` parameter: any length up to `dimensions` is allowed.
   */
  readonly shortenable?: boolean;
}

/** Embedding models whose output length is published, by the name their server uses (Ollama, OpenAI, Hugging Face). */
export const EMBEDDING_MODELS: Readonly<Record<string, EmbeddingModelInfo>> = {
  'nomic-embed-text': { dimensions: 768 },
  'mxbai-embed-large': { dimensions: 1024 },
  'all-minilm': { dimensions: 384 },
  'snowflake-arctic-embed': { dimensions: 1024 },
  'bge-m3': { dimensions: 1024 },
  'text-embedding-3-small': { dimensions: 1536, shortenable: true },
  'text-embedding-3-large': { dimensions: 3072, shortenable: true },
  'text-embedding-ada-002': { dimensions: 1536 },
  'nomic-ai/nomic-embed-text-v1.5': { dimensions: 768, shortenable: true },
  'BAAI/bge-small-en-v1.5': { dimensions: 384 },
  'BAAI/bge-base-en-v1.5': { dimensions: 768 },
  'BAAI/bge-large-en-v1.5': { dimensions: 1024 },
  'sentence-transformers/all-MiniLM-L6-v2': { dimensions: 384 },
};

/** The embedding model of the platform's vector columns. */
export interface EmbeddingModel {
  /** Model name as its server knows it, e.g. "nomic-embed-text" (Ollama) or "text-embedding-3-small". */
  readonly model: string;
  /** Vector length; required for a model outside `EMBEDDING_MODELS`, else checked against it. */
  readonly dimensions?: number;
}

/**
 * The vector length to create the columns with. Throws, naming `where` and the fix, when the configured
 * dimension contradicts the model or when an unknown model comes without one.
 */
export function embeddingDimensions(embedding: EmbeddingModel, where: string): number {
  // Own entries only: a model named "constructor" or "toString" is not in the catalogue.
  const known = Object.hasOwn(EMBEDDING_MODELS, embedding.model) ? EMBEDDING_MODELS[embedding.model] : undefined;
  const given = embedding.dimensions;
  if (given !== undefined && (!Number.isInteger(given) || given < 1)) {
    throw new Error(`${where}.dimensions must be a positive whole number, got ${given}.`);
  }
  if (!known) {
    if (given === undefined) {
      throw new Error(
        `${where}.model "${embedding.model}" is not in the embedding model catalogue, so its vector length is unknown: ` +
          `set ${where}.dimensions to the length the model returns (known models: ${Object.keys(EMBEDDING_MODELS).join(', ')}).`,
      );
    }
    return given;
  }
  if (given === undefined) return known.dimensions;
  if (given === known.dimensions) return given;
  if (known.shortenable && given < known.dimensions) return given;
  throw new Error(
    `${where}.dimensions is ${given}, but ${embedding.model} returns ${known.dimensions}-dimensional vectors` +
      (known.shortenable ? ` (it can shorten them, to at most ${known.dimensions})` : '') +
      `: remove ${where}.dimensions or set it to ${known.dimensions}, or configure the model your embeddings come from.`,
  );
}
