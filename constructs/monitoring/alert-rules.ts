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
  /**
   * The gateway's cost counter (agentgateway v1.4.1, `gen_ai_client_cost` with unit usd, crates/agentgateway/src/
   * telemetry/metrics.rs:307-322): tokens times the config's per-million rates, in whatever unit those rates are,
   * labelled gen_ai_system (provider) and gen_ai_request_model (the model id sent upstream, log.rs:730-737).
   */
  gatewayCost: 'agentgateway_gen_ai_client_cost_usd_total',
} as const;

/** The recording rule that prices the last 24 hours of tokens. */
export const DAILY_COST_RECORD = 'mcp_platform:ai_cost:sum_24h';
/** The recording rule of the gateway's priced models' cost over the last 24 hours, per provider and model id. */
export const MODEL_COST_RECORD = 'mcp_platform:ai_cost_by_model:sum_24h';

/** A model whose cost the gateway counts: its name in the config and the model id its metrics carry. */
export interface PricedModel {
  /** The model's name in gateway.llm, what clients send. */
  readonly name: string;
  /** The id sent to the provider (gen_ai_request_model), e.g. "claude-sonnet-4-5". */
  readonly model: string;
}

/** The gateway's cost of the last 24 hours, optionally of one model id. */
export function gatewayCostExpr(namespace: string, model?: string): string {
  return `sum(increase(${Metrics.gatewayCost}{namespace=${label(namespace)}${model === undefined ? '' : `, gen_ai_request_model=${label(model)}`}}[24h]))`;
}

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
  /** The gateway's priced models: their cost, from the gateway's counter, is added to the daily cost. @default none */
  readonly pricedModels?: readonly PricedModel[];
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

/** A currency as the cost alert writes it into its description, a template: no `{` or `}`, which would open an action. */
export const CURRENCY = /^[^\s{}]{1,12}$/u;

/** Every rule for the given thresholds and scope. */
export function alertRules(t: AlertThresholds, scope: AlertScope): AlertRule[] {
  if (!CURRENCY.test(t.currency)) {
    throw new Error(`PlatformMonitoring:\n  - thresholds.currency ${JSON.stringify(t.currency)} must be a currency code or symbol such as "USD" or "€" (at most 12 characters, no spaces or braces): it is written into the alert's description, a template Prometheus parses`);
  }
  const ns = `namespace=${label(scope.namespace)}`;
  const priced = (scope.pricedModels?.length ?? 0) > 0;
  // vLLM's own tokens at the configured local prices; the gateway's models are priced by the gateway, and the
  // platform's own models take no gateway price (stacks/config.ts), so no token is counted twice.
  const localCost =
    `(sum(increase(${Metrics.vllmPromptTokens}{${ns}}[24h])) * ${t.promptTokenPricePerMillion}` +
    ` + sum(increase(${Metrics.vllmGenerationTokens}{${ns}}[24h])) * ${t.completionTokenPricePerMillion}) / 1e6`;
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
    ...(priced
      ? [{ record: MODEL_COST_RECORD, expr: `sum by (gen_ai_system, gen_ai_request_model) (increase(${Metrics.gatewayCost}{${ns}}[24h]))` }]
      : []),
    {
      record: DAILY_COST_RECORD,
      // With the gateway's models, each part counts as 0 while it has no series (no vLLM, or no request yet):
      // a sum with an empty side is empty, and the alert would never see the other.
      expr: priced ? `(${localCost} or vector(0)) + (${gatewayCostExpr(scope.namespace)} or vector(0))` : localCost,
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
