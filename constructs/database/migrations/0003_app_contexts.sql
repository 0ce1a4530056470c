-- Long-term memory per application: named pieces of context with embeddings, replaced in place by key.
-- Needs pgvector.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE IF NOT EXISTS app_contexts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app text NOT NULL,
  context_key text NOT NULL,
  content text NOT NULL,
  embedding vector({{EMBEDDING_DIMENSIONS}}) NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT app_contexts_app_context_key_key UNIQUE (app, context_key)
);

COMMENT ON TABLE app_contexts IS
  'Long-term memory of each application: one row per (app, context_key), upserted on that key, with an embedding for similarity search.';

CREATE INDEX IF NOT EXISTS app_contexts_embedding_hnsw_idx ON app_contexts
  USING hnsw (embedding vector_cosine_ops) WITH (m = {{HNSW_M}}, ef_construction = {{HNSW_EF_CONSTRUCTION}});
