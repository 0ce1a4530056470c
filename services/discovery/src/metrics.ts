/**
 * The service's Prometheus metrics, in a registry of its own (not prom-client's global one), so two
 * instances in one process (tests, benchmarks) never share counters. `mcp_server_up` is the series the
 * platform's `McpServerDown` alert reads.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export class DiscoveryMetrics {
  readonly registry = new Registry();
  readonly candidates = new Gauge({ name: 'mcp_discovery_candidates', help: 'MCP server candidates found in the cluster on the last pass, by how they were found.', labelNames: ['source'], registers: [this.registry] });
  readonly rejected = new Counter({ name: 'mcp_discovery_rejected_total', help: 'Objects skipped because an annotation or field was invalid, by field.', labelNames: ['field'], registers: [this.registry] });
  readonly probes = new Counter({ name: 'mcp_discovery_probes_total', help: 'MCP probes by result (ok, timeout, refused, protocol, too-large, error).', labelNames: ['result'], registers: [this.registry] });
  readonly serverUp = new Gauge({ name: 'mcp_server_up', help: '1 when the last MCP initialize and tools/list of the server succeeded, else 0.', labelNames: ['server', 'namespace'], registers: [this.registry] });
  readonly toolChanges = new Counter({ name: 'mcp_discovery_tool_changes_total', help: 'Tool-list changes of known servers, flagged for review.', registers: [this.registry] });
  readonly pullRequests = new Counter({ name: 'mcp_discovery_pull_requests_total', help: 'Pull-request outcomes by action (opened, updated, declined, capped, failed, ...; would-open and would-update on a dry run).', labelNames: ['action'], registers: [this.registry] });
  readonly apiRequests = new Counter({ name: 'mcp_discovery_github_requests_total', help: 'Requests to the GitHub API by method.', labelNames: ['method'], registers: [this.registry] });
  readonly apiErrors = new Counter({ name: 'mcp_discovery_github_api_errors_total', help: 'GitHub API errors by status (0 when no response).', labelNames: ['status'], registers: [this.registry] });
  readonly rateLimitWaits = new Counter({ name: 'mcp_discovery_rate_limit_waits_total', help: 'Waits for a GitHub rate limit, by kind (primary, secondary).', labelNames: ['kind'], registers: [this.registry] });
  readonly rateLimitWaitSeconds = new Counter({ name: 'mcp_discovery_rate_limit_wait_seconds_total', help: 'Seconds spent waiting for GitHub rate limits.', registers: [this.registry] });
  readonly passes = new Counter({ name: 'mcp_discovery_passes_total', help: 'Reconcile passes by result (ok, failed).', labelNames: ['result'], registers: [this.registry] });
  readonly watchRestarts = new Counter({ name: 'mcp_discovery_watch_restarts_total', help: 'Kubernetes watches restarted, by kind and reason.', labelNames: ['kind', 'reason'], registers: [this.registry] });

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
