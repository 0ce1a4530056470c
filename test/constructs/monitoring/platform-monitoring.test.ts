import { describe, expect, it } from '@jest/globals';
import { parser } from '@prometheus-io/lezer-promql';
import { DAILY_COST_RECORD, Metrics, MODEL_COST_RECORD, type AlertThresholds } from '../../../constructs/monitoring/alert-rules.js';
import { dashboardQueries } from '../../../constructs/monitoring/dashboard.js';
import { PlatformMonitoring, type PlatformMonitoringProps, type ScrapeTarget } from '../../../constructs/monitoring/platform-monitoring.js';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, render, testChart } from '../../support/charts.js';

const THRESHOLDS: AlertThresholds = {
  llmLatencySeconds: 8,
  databaseDiskFreeRatio: 0.15,
  dailyCostLimit: 25,
  promptTokenPricePerMillion: 0.5,
  completionTokenPricePerMillion: 1.5,
  currency: 'EUR',
};

const GATEWAY: ScrapeTarget = {
  name: 'mcp-gateway',
  via: 'service',
  selector: { 'app.kubernetes.io/name': 'mcp-gateway' },
  podLabels: { 'app.kubernetes.io/name': 'mcp-gateway' },
  portName: 'metrics',
  port: 15020,
};
const POSTGRES: ScrapeTarget = {
  name: 'mcp-postgres',
  via: 'pod',
  selector: { 'cnpg.io/cluster': 'mcp-postgres' },
  podLabels: { 'cnpg.io/cluster': 'mcp-postgres' },
  portName: 'metrics',
  port: 9187,
  path: '/custom-metrics',
};

const REQUIRED: PlatformMonitoringProps = {
  namespace: 'mcp-system',
  prometheus: { namespace: 'monitoring' },
  targets: [GATEWAY, POSTGRES],
  thresholds: THRESHOLDS,
};

function build(overrides: Partial<PlatformMonitoringProps> = {}) {
  const chart = testChart();
  const monitoring = new PlatformMonitoring(chart, 'monitoring', { ...REQUIRED, ...overrides });
  return { monitoring, objects: render(chart) };
}

/** The rules of the one PrometheusRule, by alert or record name. */
function rulesOf(objects: Manifest[]): Record<string, Manifest> {
  const groups: Manifest[] = only(objects, 'PrometheusRule', 'mcp-platform').spec.groups;
  expect(groups.map((g) => g.name)).toEqual(['mcp-platform']);
  return Object.fromEntries(groups[0].rules.map((r: Manifest) => [r.alert ?? r.record, r]));
}

/** Where Prometheus' own grammar fails to parse `expr`: the error positions, empty when it parses. */
function promqlErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

const PLATFORM_LABELS = { 'app.kubernetes.io/part-of': 'mcp-platform', 'app.kubernetes.io/managed-by': 'mcp-platform', 'app.kubernetes.io/component': 'monitoring' };

describe('PlatformMonitoring', () => {
  describe('scrape targets', () => {
    it('renders a ServiceMonitor for a target scraped through its Service', () => {
      // GIVEN the gateway scraped via its Service WHEN rendered
      const monitor = only(build().objects, 'ServiceMonitor', 'mcp-gateway');
      // THEN it selects the Service in the platform namespace, with the default path and interval
      expect(monitor.metadata).toEqual({ name: 'mcp-gateway', namespace: 'mcp-system', labels: PLATFORM_LABELS });
      expect(monitor.spec).toEqual({
        selector: { matchLabels: { 'app.kubernetes.io/name': 'mcp-gateway' } },
        namespaceSelector: { matchNames: ['mcp-system'] },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
      });
    });

    it('renders a PodMonitor for a target scraped from its pods', () => {
      const monitor = only(build({ scrapeInterval: '1m' }).objects, 'PodMonitor', 'mcp-postgres');
      expect(monitor.spec).toEqual({
        selector: { matchLabels: { 'cnpg.io/cluster': 'mcp-postgres' } },
        namespaceSelector: { matchNames: ['mcp-system'] },
        podMetricsEndpoints: [{ port: 'metrics', path: '/custom-metrics', interval: '1m' }],
      });
    });

    it('admits only the monitoring namespace\'s Prometheus pods, on the target port', () => {
      // GIVEN two targets WHEN rendered THEN each has a NetworkPolicy opening its metrics port to Prometheus
      const objects = build().objects;
      const prometheus = {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      };
      expect(only(objects, 'NetworkPolicy', 'mcp-gateway-prometheus').spec).toEqual({
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'mcp-gateway' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [prometheus], ports: [{ protocol: 'TCP', port: 15020 }] }],
        egress: [],
      });
      expect(only(objects, 'NetworkPolicy', 'mcp-postgres-prometheus').spec.ingress).toEqual([{ from: [prometheus], ports: [{ protocol: 'TCP', port: 9187 }] }]);
    });

    it('finds Prometheus by the pod labels given', () => {
      const from = only(build({ prometheus: { namespace: 'observability', podLabels: { app: 'prometheus-server' } } }).objects, 'NetworkPolicy', 'mcp-gateway-prometheus').spec.ingress[0].from;
      expect(from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { app: 'prometheus-server' } } }]);
    });

    it('labels the monitors and the rule with the labels Prometheus selects by', () => {
      // GIVEN kube-prometheus-stack selecting release=kps WHEN rendered
      const objects = build({ prometheus: { namespace: 'monitoring', selectorLabels: { release: 'kps' } } }).objects;
      // THEN every monitor and the rule carry it
      for (const kind of ['ServiceMonitor', 'PodMonitor', 'PrometheusRule']) {
        expect(only(objects, kind).metadata.labels).toEqual({ ...PLATFORM_LABELS, release: 'kps' });
      }
    });

    it('rejects two targets with the same name', () => {
      expect(() => build({ targets: [GATEWAY, { ...POSTGRES, name: 'mcp-gateway' }] })).toThrow(
        'PlatformMonitoring monitoring: two scrape targets are named "mcp-gateway"; names must be unique.',
      );
    });
  });

  describe('alerts', () => {
    it('alerts on MCP servers down, LLM latency and AI cost, with the cost recording rule', () => {
      // GIVEN no database cluster WHEN rendered
      const rules = rulesOf(build().objects);
      // THEN the four rules exist and there is no disk alert
      expect(Object.keys(rules)).toEqual(['McpServerDown', 'LlmHighLatency', DAILY_COST_RECORD, 'AiDailyCostHigh']);
      expect(rules.McpServerDown).toMatchObject({ expr: 'max by (server) (mcp_server_up{namespace="mcp-system"}) == 0', for: '5m', labels: { severity: 'critical' } });
      expect(rules.LlmHighLatency.labels).toEqual({ severity: 'warning' });
      expect(rules[DAILY_COST_RECORD].labels).toBeUndefined();
      expect(rules[DAILY_COST_RECORD].annotations).toBeUndefined();
    });

    it("refuses a currency that would open a template action in the alert's description", () => {
      expect(() => build({ thresholds: { ...THRESHOLDS, currency: 'EUR {{' } })).toThrow(
        'PlatformMonitoring:\n  - thresholds.currency "EUR {{" must be a currency code or symbol such as "USD" or "€" (at most 12 characters, no spaces or braces): it is written into the alert\'s description, a template Prometheus parses',
      );
      expect(() => build({ thresholds: { ...THRESHOLDS, currency: '€' } })).not.toThrow();
    });

    it('puts the thresholds from props into the expressions', () => {
      const rules = rulesOf(build({ databaseCluster: 'mcp-postgres' }).objects);
      expect(rules.LlmHighLatency.expr).toBe(
        'histogram_quantile(0.95, sum by (le, model_name) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="mcp-system"}[5m]))) > 8',
      );
      expect(rules[DAILY_COST_RECORD].expr).toBe(
        '(sum(increase(vllm:prompt_tokens_total{namespace="mcp-system"}[24h])) * 0.5 + sum(increase(vllm:generation_tokens_total{namespace="mcp-system"}[24h])) * 1.5) / 1e6',
      );
      expect(rules.AiDailyCostHigh.expr).toBe('mcp_platform:ai_cost:sum_24h > 25');
      expect(rules.AiDailyCostHigh.annotations.description).toContain('above the limit of 25 EUR');
      expect(rules.VectorDatabaseDiskNearlyFull.expr).toMatch(/ < 0\.15$/);
    });

    it('watches the database volumes only when a database cluster is given', () => {
      const rules = rulesOf(build({ databaseCluster: 'mcp-postgres' }).objects);
      const pvc = 'namespace="mcp-system", persistentvolumeclaim=~"mcp-postgres-[0-9]+(-wal)?"';
      expect(rules.VectorDatabaseDiskNearlyFull).toMatchObject({
        expr: `kubelet_volume_stats_available_bytes{${pvc}} / kubelet_volume_stats_capacity_bytes{${pvc}} < 0.15`,
        for: '15m',
        labels: { severity: 'critical' },
      });
      expect(rules.VectorDatabaseDiskNearlyFull.annotations.description).toContain('Less than 15 % of the volume is free');
    });
  });

  describe('PromQL', () => {
    it('catches a broken expression (negative control)', () => {
      expect(promqlErrors('sum(rate(mcp_server_up[5m])')).not.toEqual([]);
      expect(promqlErrors('mcp_server_up{namespace="mcp-system"} >')).not.toEqual([]);
      expect(promqlErrors('sum by (server) (mcp_server_up{namespace="mcp-system"})')).toEqual([]);
    });

    it('parses every rule expression with Prometheus\' grammar', () => {
      const rules = rulesOf(build({ databaseCluster: 'mcp-postgres' }).objects);
      const errors = Object.fromEntries(Object.entries(rules).map(([name, rule]) => [name, promqlErrors(rule.expr)]));
      expect(Object.keys(errors)).toHaveLength(5);
      expect(Object.values(errors).flat()).toEqual([]);
    });

    it('parses every dashboard query with Prometheus\' grammar', () => {
      const queries = dashboardQueries({ namespace: 'mcp-system', databaseCluster: 'mcp-postgres' });
      expect(Object.keys(queries)).toHaveLength(8);
      const errors = Object.entries(queries).filter(([, q]) => promqlErrors(q.expr).length > 0).map(([title]) => title);
      expect(errors).toEqual([]);
    });
  });

  describe("the gateway's model cost", () => {
    const PRICED = [{ name: 'claude', model: 'claude-sonnet-4-5' }, { name: 'gemini', model: 'gemini-2.5-flash' }];

    it("reads agentgateway v1.4.1's cost counter by its exported name", () => {
      expect(Metrics.gatewayCost).toBe('agentgateway_gen_ai_client_cost_usd_total');
    });

    it('records the cost per provider and model id, and adds it to the daily cost the alert reads, each part 0 while it has no series', () => {
      const rules = rulesOf(build({ pricedModels: PRICED }).objects);
      expect(Object.keys(rules)).toEqual(['McpServerDown', 'LlmHighLatency', MODEL_COST_RECORD, DAILY_COST_RECORD, 'AiDailyCostHigh']);
      expect(rules[MODEL_COST_RECORD].expr).toBe('sum by (gen_ai_system, gen_ai_request_model) (increase(agentgateway_gen_ai_client_cost_usd_total{namespace="mcp-system"}[24h]))');
      expect(rules[DAILY_COST_RECORD].expr).toBe(
        '((sum(increase(vllm:prompt_tokens_total{namespace="mcp-system"}[24h])) * 0.5 + sum(increase(vllm:generation_tokens_total{namespace="mcp-system"}[24h])) * 1.5) / 1e6 or vector(0))' +
          ' + (sum(increase(agentgateway_gen_ai_client_cost_usd_total{namespace="mcp-system"}[24h])) or vector(0))',
      );
      expect(rules.AiDailyCostHigh.expr).toBe(`${DAILY_COST_RECORD} > 25`);
      expect(Object.values(rules).flatMap((rule) => promqlErrors(rule.expr))).toEqual([]);
    });

    it('without priced models, records no model cost and leaves the daily cost to vLLM', () => {
      const rules = rulesOf(build({ pricedModels: [] }).objects);
      expect(rules[MODEL_COST_RECORD]).toBeUndefined();
      expect(rules[DAILY_COST_RECORD].expr).not.toContain('agentgateway');
    });

    it('adds a cost panel per priced model, by the model id the metric carries', () => {
      const dashboard = JSON.parse(only(build({ pricedModels: PRICED }).objects, 'ConfigMap').data['mcp-platform.json']);
      const cost = dashboard.panels.filter((p: Manifest) => p.title.startsWith('Cost of '));
      expect(cost.map((p: Manifest) => [p.title, p.targets[0].expr, p.targets[0].legendFormat])).toEqual([
        ['Cost of claude (claude-sonnet-4-5), last 24 h', 'sum(increase(agentgateway_gen_ai_client_cost_usd_total{namespace="mcp-system", gen_ai_request_model="claude-sonnet-4-5"}[24h]))', 'claude'],
        ['Cost of gemini (gemini-2.5-flash), last 24 h', 'sum(increase(agentgateway_gen_ai_client_cost_usd_total{namespace="mcp-system", gen_ai_request_model="gemini-2.5-flash"}[24h]))', 'gemini'],
      ]);
      expect(cost.flatMap((p: Manifest) => promqlErrors(p.targets[0].expr))).toEqual([]);
      expect(dashboard.panels).toHaveLength(9);
    });
  });

  describe('the dashboard', () => {
    it('renders a ConfigMap the Grafana sidecar picks up, with a panel per query', () => {
      // GIVEN the defaults and a database cluster WHEN rendered
      const { objects, monitoring } = build({ databaseCluster: 'mcp-postgres' });
      const configMap = only(objects, 'ConfigMap', 'mcp-platform-dashboard');
      // THEN it carries the default sidecar label and parseable dashboard JSON
      expect(configMap.metadata.labels).toEqual({ ...PLATFORM_LABELS, grafana_dashboard: '1' });
      expect(monitoring.dashboard).toBeDefined();
      const dashboard = JSON.parse(configMap.data['mcp-platform.json']);
      const queries = dashboardQueries({ namespace: 'mcp-system', databaseCluster: 'mcp-postgres' });
      expect(dashboard.panels.map((p: Manifest) => p.title)).toEqual(Object.keys(queries));
      expect(dashboard.panels.map((p: Manifest) => p.targets[0].expr)).toEqual(Object.values(queries).map((q) => q.expr));
      // AND every panel reads from the datasource variable
      expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
      expect(new Set(dashboard.panels.map((p: Manifest) => p.datasource.uid))).toEqual(new Set(['${datasource}']));
    });

    it('leaves out the database panel without a database cluster', () => {
      const dashboard = JSON.parse(only(build().objects, 'ConfigMap').data['mcp-platform.json']);
      expect(dashboard.panels).toHaveLength(7);
      expect(dashboard.panels.map((p: Manifest) => p.title)).not.toContain('Database volume used');
    });

    it('uses the dashboard labels given', () => {
      expect(only(build({ dashboardLabels: { 'grafana.dashboard': 'mcp' } }).objects, 'ConfigMap').metadata.labels).toEqual({ ...PLATFORM_LABELS, 'grafana.dashboard': 'mcp' });
    });

    it('renders none with dashboard: false', () => {
      const { objects, monitoring } = build({ dashboard: false });
      expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
      expect(monitoring.dashboard).toBeUndefined();
    });
  });

  it('renders objects that pass the prometheus-operator CRD and Kubernetes schemas', () => {
    const objects = build({ databaseCluster: 'mcp-postgres', prometheus: { namespace: 'monitoring', selectorLabels: { release: 'kps' } } }).objects;
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'NetworkPolicy', 'NetworkPolicy', 'PodMonitor', 'PrometheusRule', 'ServiceMonitor']);
    const validator = new SchemaValidator();
    expect(objects.flatMap((o) => validator.validate(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`))).toEqual([]);
  });
});
