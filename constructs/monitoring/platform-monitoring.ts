import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { PodMonitor, PrometheusRule, PrometheusRuleSpecGroupsRulesExpr, ServiceMonitor } from '../../imports/prometheus-monitoring.coreos.com.js';
import { platformLabels } from '../labels.js';
import { PodNetworkPolicy } from '../workloads/pod-network-policy.js';
import { alertRules, type AlertThresholds, type PricedModel } from './alert-rules.js';
import { platformDashboard } from './dashboard.js';

/** Something Prometheus scrapes: through its Service (ServiceMonitor) or straight from its pods (PodMonitor). */
export interface ScrapeTarget {
  /** Names the monitor and the NetworkPolicy that lets Prometheus in. */
  readonly name: string;
  /** "service" selects a Service by `selector`; "pod" selects pods by it (for operator-made pods such as PostgreSQL). */
  readonly via: 'service' | 'pod';
  /** Labels of the Service or the pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** Labels of the pods, for the NetworkPolicy. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Name of the (Service or container) port. */
  readonly portName: string;
  /** Its number, for the NetworkPolicy. */
  readonly port: number;
  /** @default "/metrics" */
  readonly path?: string;
}

/** Where Prometheus runs, so its scrapes get through the namespace's default deny. */
export interface PrometheusRef {
  /** Namespace of the Prometheus pods. */
  readonly namespace: string;
  /** @default { "app.kubernetes.io/name": "prometheus" } */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Labels Prometheus selects monitors and rules by (kube-prometheus-stack: { release: "<release name>" }). @default none */
  readonly selectorLabels?: Readonly<Record<string, string>>;
}

/** Props of PlatformMonitoring: what Prometheus scrapes, and the thresholds the alerts fire at. */
export interface PlatformMonitoringProps {
  /** Namespace of the platform's workloads: the monitors, rules and dashboard go there too. */
  readonly namespace: string;
  /** The Prometheus that scrapes the targets and loads the rules. */
  readonly prometheus: PrometheusRef;
  /** What to scrape: one monitor and one NetworkPolicy each. */
  readonly targets: readonly ScrapeTarget[];
  /** Where the platform's alerts fire. */
  readonly thresholds: AlertThresholds;
  /** The CloudNativePG cluster, for the disk alert. @default no disk alert */
  readonly databaseCluster?: string;
  /** The gateway's priced models: their cost counts toward AiDailyCostHigh, and each gets a dashboard panel. @default none */
  readonly pricedModels?: readonly PricedModel[];
  /** Render the Grafana dashboard ConfigMap. @default true */
  readonly dashboard?: boolean;
  /** Label Grafana's dashboard sidecar looks for. @default { grafana_dashboard: "1" } */
  readonly dashboardLabels?: Readonly<Record<string, string>>;
  /** @default "30s" */
  readonly scrapeInterval?: string;
}

/**
 * Prometheus-operator objects for the platform: one ServiceMonitor or PodMonitor per target, each with the
 * NetworkPolicy that lets Prometheus reach it, a PrometheusRule with the platform's alerts, and a Grafana
 * dashboard as a ConfigMap for the dashboard sidecar.
 */
export class PlatformMonitoring extends Construct {
  readonly rule: PrometheusRule;
  readonly dashboard?: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps) {
    super(scope, id);
    const labels = { ...platformLabels('monitoring'), ...(props.prometheus.selectorLabels ?? {}) };
    const interval = props.scrapeInterval ?? '30s';
    const names = new Set<string>();
    for (const target of props.targets) {
      if (names.has(target.name)) throw new Error(`PlatformMonitoring ${id}: two scrape targets are named "${target.name}"; names must be unique.`);
      names.add(target.name);
      const metadata = { name: target.name, namespace: props.namespace, labels };
      const endpoint = { port: target.portName, path: target.path ?? '/metrics', interval };
      if (target.via === 'service') {
        new ServiceMonitor(this, `${target.name}-monitor`, {
          metadata,
          spec: { selector: { matchLabels: { ...target.selector } }, namespaceSelector: { matchNames: [props.namespace] }, endpoints: [endpoint] },
        });
      } else {
        new PodMonitor(this, `${target.name}-monitor`, {
          metadata,
          spec: { selector: { matchLabels: { ...target.selector } }, namespaceSelector: { matchNames: [props.namespace] }, podMetricsEndpoints: [endpoint] },
        });
      }
      new PodNetworkPolicy(this, `${target.name}-scrape`, {
        name: `${target.name}-prometheus`,
        namespace: props.namespace,
        component: 'monitoring',
        pods: target.podLabels,
        ingress: [
          {
            peers: [{ namespace: props.prometheus.namespace, podLabels: props.prometheus.podLabels ?? { 'app.kubernetes.io/name': 'prometheus' } }],
            ports: [target.port],
          },
        ],
      });
    }

    const rules = alertRules(props.thresholds, { namespace: props.namespace, databaseCluster: props.databaseCluster, pricedModels: props.pricedModels });
    this.rule = new PrometheusRule(this, 'Rules', {
      metadata: { name: 'mcp-platform', namespace: props.namespace, labels },
      spec: {
        groups: [
          {
            name: 'mcp-platform',
            rules: rules.map((r) => ({
              ...(r.alert ? { alert: r.alert } : {}),
              ...(r.record ? { record: r.record } : {}),
              expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
              ...(r.for ? { for: r.for } : {}),
              ...(r.severity ? { labels: { severity: r.severity } } : {}),
              ...(r.summary ? { annotations: { summary: r.summary, ...(r.description ? { description: r.description } : {}) } } : {}),
            })),
          },
        ],
      },
    });

    if (props.dashboard ?? true) {
      this.dashboard = new k8s.KubeConfigMap(this, 'Dashboard', {
        metadata: {
          name: 'mcp-platform-dashboard',
          namespace: props.namespace,
          labels: { ...platformLabels('monitoring'), ...(props.dashboardLabels ?? { grafana_dashboard: '1' }) },
        },
        data: { 'mcp-platform.json': `${JSON.stringify(platformDashboard({ namespace: props.namespace, databaseCluster: props.databaseCluster, pricedModels: props.pricedModels }), null, 2)}\n` },
      });
    }
  }
}
