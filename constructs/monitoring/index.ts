/** Prometheus-operator monitors, alert rules and the Grafana dashboard. */
export { PlatformMonitoring, type PlatformMonitoringProps, type PrometheusRef, type ScrapeTarget } from './platform-monitoring.js';
export type { PricedModel } from './alert-rules.js';
