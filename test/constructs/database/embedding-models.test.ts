import { describe, expect, it } from '@jest/globals';
import { EMBEDDING_MODELS, embeddingDimensions } from '../../../constructs/database/embedding-models.js';

const WHERE = 'config.database.embedding';

describe('embeddingDimensions', () => {
  it.each([
    ['nomic-embed-text', 768],
    ['mxbai-embed-large', 1024],
    ['all-minilm', 384],
    ['bge-m3', 1024],
    ['text-embedding-3-small', 1536],
    ['text-embedding-ada-002', 1536],
    ['BAAI/bge-base-en-v1.5', 768],
    ['sentence-transformers/all-MiniLM-L6-v2', 384],
  ])('looks up %s in the catalogue: %i dimensions', (model, dimensions) => {
    // GIVEN a known model without dimensions WHEN resolved THEN the catalogue's length is used
    expect(embeddingDimensions({ model }, WHERE)).toBe(dimensions);
  });

  it('accepts dimensions equal to the catalogue entry', () => {
    expect(embeddingDimensions({ model: 'nomic-embed-text', dimensions: 768 }, WHERE)).toBe(768);
  });

  it('accepts a shorter length for a model that can shorten its vectors', () => {
    // GIVEN Matryoshka models asked for a prefix WHEN resolved THEN that length is used
    expect(embeddingDimensions({ model: 'text-embedding-3-large', dimensions: 1536 }, WHERE)).toBe(1536);
    expect(embeddingDimensions({ model: 'nomic-ai/nomic-embed-text-v1.5', dimensions: 256 }, WHERE)).toBe(256);
  });

  it('takes the given dimensions for a model outside the catalogue', () => {
    expect(embeddingDimensions({ model: 'my-embedder', dimensions: 512 }, WHERE)).toBe(512);
  });

  it('marks only the Matryoshka models as shortenable', () => {
    const shortenable = Object.entries(EMBEDDING_MODELS).filter(([, info]) => info.shortenable).map(([model]) => model);
    expect(shortenable.sort()).toEqual(['nomic-ai/nomic-embed-text-v1.5', 'text-embedding-3-large', 'text-embedding-3-small']);
  });

  it('rejects dimensions a fixed-length model does not return, naming both numbers and the fix', () => {
    expect(() => embeddingDimensions({ model: 'nomic-embed-text', dimensions: 1024 }, WHERE)).toThrow(
      'config.database.embedding.dimensions is 1024, but nomic-embed-text returns 768-dimensional vectors: ' +
        'remove config.database.embedding.dimensions or set it to 768, or configure the model your embeddings come from.',
    );
  });

  it('rejects a length above what a shortenable model returns, saying it can only shorten', () => {
    expect(() => embeddingDimensions({ model: 'text-embedding-3-small', dimensions: 3072 }, WHERE)).toThrow(
      'config.database.embedding.dimensions is 3072, but text-embedding-3-small returns 1536-dimensional vectors (it can shorten them, to at most 1536): ' +
        'remove config.database.embedding.dimensions or set it to 1536, or configure the model your embeddings come from.',
    );
  });

  it('rejects a shorter length for a model that cannot shorten its vectors', () => {
    expect(() => embeddingDimensions({ model: 'bge-m3', dimensions: 512 }, WHERE)).toThrow(
      'config.database.embedding.dimensions is 512, but bge-m3 returns 1024-dimensional vectors: remove',
    );
  });

  it('rejects an unknown model without dimensions, listing the known ones', () => {
    // GIVEN a model the catalogue lacks WHEN resolved without dimensions
    const resolve = () => embeddingDimensions({ model: 'my-embedder' }, WHERE);
    // THEN the message names the model, the prop to set and the catalogue
    expect(resolve).toThrow(
      'config.database.embedding.model "my-embedder" is not in the embedding model catalogue, so its vector length is unknown: ' +
        `set config.database.embedding.dimensions to the length the model returns (known models: ${Object.keys(EMBEDDING_MODELS).join(', ')}).`,
    );
  });

  it('matches model names exactly, case included', () => {
    expect(() => embeddingDimensions({ model: 'Nomic-Embed-Text' }, WHERE)).toThrow('model "Nomic-Embed-Text" is not in the embedding model catalogue');
  });

  it.each([[0], [-768], [768.5], [Number.NaN]])('rejects %p dimensions before looking at the model', (dimensions) => {
    expect(() => embeddingDimensions({ model: 'nomic-embed-text', dimensions }, WHERE)).toThrow(
      `config.database.embedding.dimensions must be a positive whole number, got ${dimensions}.`,
    );
    expect(() => embeddingDimensions({ model: 'my-embedder', dimensions }, WHERE)).toThrow(
      `config.database.embedding.dimensions must be a positive whole number, got ${dimensions}.`,
    );
  });
});
