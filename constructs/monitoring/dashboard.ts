import { DAILY_COST_RECORD, gatewayCostExpr, Metrics, type PricedModel } from './alert-rules.js';

/** A Grafana time-series panel (the schema subset the platform uses). */
interface Panel {
  readonly id: number;
  readonly type: 'timeseries' | 'stat';
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource: { readonly type: 'prometheus'; readonly uid: '${datasource}' };
  readonly fieldConfig: { readonly defaults: { readonly unit: string }; readonly overrides: [] };
  readonly targets: readonly { readonly refId: string; readonly expr: string; readonly legendFormat: string }[];
}

/** What the dashboard shows: the namespace, the database cluster's volumes, the gateway's priced models. */
export interface DashboardScope {
  readonly namespace: string;
  readonly databaseCluster?: string;
  /** One cost panel each. @default none */
  readonly pricedModels?: readonly PricedModel[];
}

/** Every PromQL expression the dashboard shows, by panel title (tests parse them). */
export function dashboardQueries(scope: DashboardScope): Record<string, { expr: string; legend: string; unit: string }> {
  const ns = `namespace="${scope.namespace}"`;
  const queries: Record<string, { expr: string; legend: string; unit: string }> = {
    'MCP servers up': { expr: `sum by (server) (${Metrics.mcpServerUp}{${ns}})`, legend: '{{server}}', unit: 'none' },
    'LLM latency p95': {
      expr: `histogram_quantile(0.95, sum by (le, model_name) (rate(${Metrics.vllmE2eLatencyBucket}{${ns}}[5m])))`,
      legend: '{{model_name}}',
      unit: 's',
    },
    'Time to first token p95': {
      expr: `histogram_quantile(0.95, sum by (le, model_name) (rate(${Metrics.vllmTimeToFirstTokenBucket}{${ns}}[5m])))`,
      legend: '{{model_name}}',
      unit: 's',
    },
    'Tokens per second': {
      expr: `sum by (model_name) (rate(${Metrics.vllmGenerationTokens}{${ns}}[5m]))`,
      legend: '{{model_name}}',
      unit: 'none',
    },
    'KV cache usage': { expr: `max by (model_name) (${Metrics.vllmKvCacheUsage}{${ns}})`, legend: '{{model_name}}', unit: 'percentunit' },
    'Requests waiting': { expr: `sum by (model_name) (${Metrics.vllmRequestsWaiting}{${ns}})`, legend: '{{model_name}}', unit: 'none' },
    'AI cost, last 24 h': { expr: DAILY_COST_RECORD, legend: 'cost', unit: 'none' },
  };
  if (scope.databaseCluster) {
    const pvc = `${ns}, persistentvolumeclaim=~"${scope.databaseCluster}-[0-9]+(-wal)?"`;
    queries['Database volume used'] = {
      expr: `1 - ${Metrics.volumeAvailableBytes}{${pvc}} / ${Metrics.volumeCapacityBytes}{${pvc}}`,
      legend: '{{persistentvolumeclaim}}',
      unit: 'percentunit',
    };
  }
  for (const model of scope.pricedModels ?? []) {
    queries[`Cost of ${model.name} (${model.model}), last 24 h`] = { expr: gatewayCostExpr(scope.namespace, model.model), legend: model.name, unit: 'none' };
  }
  return queries;
}

/** The Grafana dashboard JSON (schemaVersion 39), with a Prometheus datasource variable. */
export function platformDashboard(scope: DashboardScope): Record<string, unknown> {
  const panels: Panel[] = Object.entries(dashboardQueries(scope)).map(([title, q], index) => ({
    id: index + 1,
    type: 'timeseries',
    title,
    gridPos: { x: (index % 2) * 12, y: Math.floor(index / 2) * 8, w: 12, h: 8 },
    datasource: { type: 'prometheus', uid: '${datasource}' },
    fieldConfig: { defaults: { unit: q.unit }, overrides: [] },
    targets: [{ refId: 'A', expr: q.expr, legendFormat: q.legend }],
  }));
  return {
    uid: `mcp-platform-${scope.namespace}`.slice(0, 40),
    title: `MCP platform (${scope.namespace})`,
    tags: ['mcp-platform'],
    timezone: 'browser',
    schemaVersion: 39,
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus', current: {}, hide: 0 }],
    },
    panels,
  };
}
