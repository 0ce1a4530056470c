-- Query history with embeddings: what was asked, which server and tool answered, at what cost, so a
-- similar question can find earlier answers. Needs pgvector.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE IF NOT EXISTS query_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  query text NOT NULL,
  embedding vector({{EMBEDDING_DIMENSIONS}}) NOT NULL,
  server_id bigint REFERENCES mcp_servers (id) ON DELETE SET NULL,
  tool_name text,
  model text,
  latency_ms integer
    CONSTRAINT query_history_latency_ms_not_negative CHECK (latency_ms >= 0),
  prompt_tokens integer
    CONSTRAINT query_history_prompt_tokens_not_negative CHECK (prompt_tokens >= 0),
  completion_tokens integer
    CONSTRAINT query_history_completion_tokens_not_negative CHECK (completion_tokens >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE query_history IS
  'Every query the platform answered, with its embedding (dimension = the embedding model''s) for similarity search, the MCP server and tool used, latency and token cost.';
COMMENT ON COLUMN query_history.server_id IS 'The server that answered; kept as NULL when the server leaves the registry, so the history survives it.';

-- HNSW rather than IVFFlat: it needs no training data, so it can be built on an empty table at install.
CREATE INDEX IF NOT EXISTS query_history_embedding_hnsw_idx ON query_history
  USING hnsw (embedding vector_cosine_ops) WITH (m = {{HNSW_M}}, ef_construction = {{HNSW_EF_CONSTRUCTION}});
CREATE INDEX IF NOT EXISTS query_history_created_at_idx ON query_history (created_at);
CREATE INDEX IF NOT EXISTS query_history_server_id_idx ON query_history (server_id);
