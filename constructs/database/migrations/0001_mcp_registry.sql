-- The MCP server registry: one row per server the platform knows, declared in git or found by the
-- discovery service. Needs PostgreSQL 14+ (CREATE OR REPLACE TRIGGER); no extension.

CREATE TABLE IF NOT EXISTS mcp_servers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL
    CONSTRAINT mcp_servers_name_key UNIQUE
    CONSTRAINT mcp_servers_name_is_dns_label CHECK (name ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(name) <= 63),
  namespace text,
  type text NOT NULL
    CONSTRAINT mcp_servers_type_is_known CHECK (type IN ('kmcp', 'toolhive', 'standalone', 'external', 'discovered')),
  transport text NOT NULL
    CONSTRAINT mcp_servers_transport_is_known CHECK (transport IN ('stdio', 'streamable-http', 'sse')),
  endpoint text NOT NULL,
  source text NOT NULL DEFAULT 'discovered'
    CONSTRAINT mcp_servers_source_is_known CHECK (source IN ('declared', 'discovered')),
  health text NOT NULL DEFAULT 'unknown'
    CONSTRAINT mcp_servers_health_is_known CHECK (health IN ('unknown', 'healthy', 'unhealthy')),
  health_checked_at timestamptz,
  latency_ms integer
    CONSTRAINT mcp_servers_latency_ms_not_negative CHECK (latency_ms >= 0),
  server_info jsonb,
  protocol_version text,
  tools jsonb NOT NULL DEFAULT '[]'
    CONSTRAINT mcp_servers_tools_is_array CHECK (jsonb_typeof(tools) = 'array'),
  -- The CASE lets the CHECK above reject a non-array by name instead of jsonb_array_length failing first.
  tool_count integer GENERATED ALWAYS AS (CASE WHEN jsonb_typeof(tools) = 'array' THEN jsonb_array_length(tools) END) STORED,
  fingerprint text,
  review_state text NOT NULL DEFAULT 'none'
    CONSTRAINT mcp_servers_review_state_is_known CHECK (review_state IN ('none', 'pending', 'accepted', 'rejected')),
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE mcp_servers IS
  'MCP server registry: every server declared in the platform repo or found by the discovery service, with its last probe (health, latency, tools). The discovery service upserts by name.';
COMMENT ON COLUMN mcp_servers.name IS 'DNS-1123 label, unique: the name of the construct instance and of the pull-request branch.';
COMMENT ON COLUMN mcp_servers.fingerprint IS 'Hash of the tool list; a change on a known server is recorded in mcp_server_tool_changes and flags the server for review.';
COMMENT ON COLUMN mcp_servers.updated_at IS 'When a described field last changed; probes that only refresh liveness (last_seen, health, latency) leave it alone.';

CREATE INDEX IF NOT EXISTS mcp_servers_health_idx ON mcp_servers (health);
CREATE INDEX IF NOT EXISTS mcp_servers_last_seen_idx ON mcp_servers (last_seen);
CREATE INDEX IF NOT EXISTS mcp_servers_pending_review_idx ON mcp_servers (id) WHERE review_state = 'pending';

CREATE TABLE IF NOT EXISTS mcp_server_tool_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  server_id bigint NOT NULL REFERENCES mcp_servers (id) ON DELETE CASCADE,
  old_fingerprint text,
  new_fingerprint text,
  old_tools jsonb,
  new_tools jsonb,
  detected_at timestamptz NOT NULL DEFAULT now(),
  reviewed_at timestamptz
);

COMMENT ON TABLE mcp_server_tool_changes IS
  'Tool-list changes of known MCP servers, written by the mcp_servers_track_changes trigger: a server that changes its tools after review may now do something nobody approved, so each change waits here for a human.';

CREATE INDEX IF NOT EXISTS mcp_server_tool_changes_server_id_idx ON mcp_server_tool_changes (server_id);

-- In the database rather than in the discovery service, so that no writer can change a server's tools
-- without leaving a record and a pending review.
-- search_path is pinned to the one the migration ran with, so a caller's search_path can neither hide
-- mcp_server_tool_changes nor substitute another table for it.
CREATE OR REPLACE FUNCTION mcp_servers_track_changes() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $body$
BEGIN
  IF OLD.fingerprint IS NOT NULL AND NEW.fingerprint IS DISTINCT FROM OLD.fingerprint THEN
    INSERT INTO mcp_server_tool_changes (server_id, old_fingerprint, new_fingerprint, old_tools, new_tools)
    VALUES (OLD.id, OLD.fingerprint, NEW.fingerprint, OLD.tools, NEW.tools);
    NEW.review_state := 'pending';
  END IF;
  IF to_jsonb(NEW) - ARRAY['last_seen', 'health', 'health_checked_at', 'latency_ms', 'tool_count', 'updated_at']
     IS DISTINCT FROM to_jsonb(OLD) - ARRAY['last_seen', 'health', 'health_checked_at', 'latency_ms', 'tool_count', 'updated_at'] THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END;
$body$;

COMMENT ON FUNCTION mcp_servers_track_changes() IS
  'Records a changed tool fingerprint in mcp_server_tool_changes, sets review_state to pending and keeps updated_at.';

CREATE OR REPLACE TRIGGER mcp_servers_track_changes
  BEFORE UPDATE ON mcp_servers
  FOR EACH ROW EXECUTE FUNCTION mcp_servers_track_changes();
