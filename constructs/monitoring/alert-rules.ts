/**
 * The platform's alerts as PromQL, one function per alert, so that tests can parse every expression
 * with Prometheus' own grammar and the thresholds stay in the config rather than in the rules.
 */

/**
 * Metrics the alerts read. vLLM's are its own (stable names since 0.6); the kubelet's come with every
 * kube-prometheus-stack; `mcp_server_up` is exported by the discovery service for every server it probes.
 */
export const Metrics = {
  mcpServerUp: 'mcp_server_up',
  vllmE2eLatencyBucket: 'vllm:e2e_request_latency_seconds_bucket',
  vllmTimeToFirstTokenBucket: 'vllm:time_to_first_token_seconds_bucket',
  vllmPromptTokens: 'vllm:prompt_tokens_total',
  vllmGenerationTokens: 'vllm:generation_tokens_total',
  vllmKvCacheUsage: 'vllm:kv_cache_usage_perc',
  vllmRequestsRunning: 'vllm:num_requests_running',
  vllmRequestsWaiting: 'vllm:num_requests_waiting',
  volumeAvailableBytes: 'kubelet_volume_stats_available_bytes',
  volumeCapacityBytes: 'kubelet_volume_stats_capacity_bytes',
  pgUp: 'cnpg_collector_up',
} as const;

/** The recording rule that prices the last 24 hours of tokens. */
export const DAILY_COST_RECORD = 'mcp_platform:ai_cost:sum_24h';

export interface AlertThresholds {
  /** p95 end-to-end LLM latency, seconds, above which to alert. */
  readonly llmLatencySeconds: number;
  /** Free share of the database volume below which to alert (0.15 = 15 %). */
  readonly databaseDiskFreeRatio: number;
  /** Daily AI cost above which to alert, in `currency`. */
  readonly dailyCostLimit: number;
  /** Price per million prompt tokens (self-hosted: your own estimate of power and hardware). */
  readonly promptTokenPricePerMillion: number;
  /** Price per million generated tokens. */
  readonly completionTokenPricePerMillion: number;
  /** For the alert text, e.g. "EUR". */
  readonly currency: string;
}

export interface AlertScope {
  /** Namespace of the platform's workloads. */
  readonly namespace: string;
  /** The CloudNativePG cluster whose volumes to watch; no disk alert without one. */
  readonly databaseCluster?: string;
}

export interface AlertRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly severity?: 'warning' | 'critical';
  readonly summary?: string;
  readonly description?: string;
}

const label = (value: string) => JSON.stringify(value);

/** Every rule for the given thresholds and scope. */
/** A currency as the cost alert writes it into its description, a template: no `{` or `}`, which would open an action. */
export const CURRENCY = /^[^\s{}]{1,12}$/u;

export function alertRules(t: AlertThresholds, scope: AlertScope): AlertRule[] {
  if (!CURRENCY.test(t.currency)) {
    throw new Error(`PlatformMonitoring:\n  - thresholds.currency ${JSON.stringify(t.currency)} must be a currency code or symbol such as "USD" or "€" (at most 12 characters, no spaces or braces): it is written into the alert's description, a template Prometheus parses`);
  }
  const ns = `namespace=${label(scope.namespace)}`;
  const rules: AlertRule[] = [
    {
      alert: 'McpServerDown',
      expr: `max by (server) (${Metrics.mcpServerUp}{${ns}}) == 0`,
      for: '5m',
      severity: 'critical',
      summary: 'MCP server {{ $labels.server }} does not answer',
      description: 'The discovery service has not completed an MCP initialize with {{ $labels.server }} for 5 minutes.',
    },
    {
      alert: 'LlmHighLatency',
      expr:
        `histogram_quantile(0.95, sum by (le, model_name) (rate(${Metrics.vllmE2eLatencyBucket}{${ns}}[5m]))) > ${t.llmLatencySeconds}`,
      for: '10m',
      severity: 'warning',
      summary: 'LLM {{ $labels.model_name }} answers slowly',
      description: `95th percentile request latency has been above ${t.llmLatencySeconds}s for 10 minutes ({{ $value | humanizeDuration }}).`,
    },
    {
      record: DAILY_COST_RECORD,
      expr:
        `(sum(increase(${Metrics.vllmPromptTokens}{${ns}}[24h])) * ${t.promptTokenPricePerMillion}` +
        ` + sum(increase(${Metrics.vllmGenerationTokens}{${ns}}[24h])) * ${t.completionTokenPricePerMillion}) / 1e6`,
    },
    {
      alert: 'AiDailyCostHigh',
      expr: `${DAILY_COST_RECORD} > ${t.dailyCostLimit}`,
      for: '15m',
      severity: 'warning',
      summary: 'AI cost over the last 24 hours is above the limit',
      description: `Tokens of the last 24 hours cost {{ $value | printf "%.2f" }} ${t.currency}, above the limit of ${t.dailyCostLimit} ${t.currency}.`,
    },
  ];
  if (scope.databaseCluster) {
    const pvc = `${ns}, persistentvolumeclaim=~${label(`${scope.databaseCluster}-[0-9]+(-wal)?`)}`;
    rules.push({
      alert: 'VectorDatabaseDiskNearlyFull',
      expr: `${Metrics.volumeAvailableBytes}{${pvc}} / ${Metrics.volumeCapacityBytes}{${pvc}} < ${t.databaseDiskFreeRatio}`,
      for: '15m',
      severity: 'critical',
      summary: 'Vector database volume {{ $labels.persistentvolumeclaim }} is nearly full',
      description: `Less than ${Math.round(t.databaseDiskFreeRatio * 100)} % of the volume is free ({{ $value | humanizePercentage }}). Grow storage.size in the database config; CloudNativePG resizes the PVCs.`,
    });
  }
  return rules;
}
