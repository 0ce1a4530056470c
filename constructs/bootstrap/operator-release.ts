import { Construct } from 'constructs';
import { HelmRelease, terraformLiteral, type TerraformResource } from '../terraform.js';
import { EXACT_VERSION } from '../formats.js';
import { checkChartValues } from './chart-values.js';
import { operatorChart, type OperatorDefinition } from './operator-charts.js';
import { PlatformNamespace } from './platform-namespace.js';

/** Props of an OperatorRelease: which operator, at which chart version, into which namespace. */
export interface OperatorReleaseProps {
  /** The operator's charts and Pod Security needs. */
  readonly operator: OperatorDefinition;
  /** Exact chart version, used for every chart of the operator. */
  readonly version: string;
  /** Namespace to create and install into. */
  readonly namespace: string;
  /** Resources that must exist first. @default none */
  readonly dependsOn?: readonly TerraformResource[];
  /** Seconds Helm waits for the release to become ready. @default 600 */
  readonly timeoutSeconds?: number;
  /**
   * Helm values for the operator's own chart (the last one; a CRDs chart before it takes none). Checked
   * against the chart's values.schema.json when one is vendored for that version. @default none
   */
  readonly values?: Readonly<Record<string, unknown>>;
}

/**
 * An operator installed with Helm into its own namespace: the namespace first, then each chart in order
 * (CRDs before the controller that serves them). Releases are atomic: a failed install rolls back.
 */
export class OperatorRelease extends Construct {
  /** The operator's namespace. */
  readonly namespace: PlatformNamespace;
  /** Helm releases in install order; the last one is the operator itself. */
  readonly releases: readonly HelmRelease[];
  /** False when values were given but no values.schema.json is vendored for the chart and version: Helm gets them unchecked. */
  readonly valuesValidated: boolean;

  constructor(scope: Construct, id: string, props: OperatorReleaseProps) {
    super(scope, id);
    if (!EXACT_VERSION.test(props.version)) {
      throw new Error(`OperatorRelease ${id}: version "${props.version}" is not an exact chart version; pin one such as "1.2.3".`);
    }
    const values = props.values ?? {};
    const mainChart = operatorChart(props.operator);
    const check = checkChartValues(mainChart.chart, props.version, values);
    if (check.problems.length) {
      throw new Error(`OperatorRelease ${id}: values do not fit chart ${mainChart.chart} ${props.version}:\n  - ${check.problems.join('\n  - ')}`);
    }
    this.valuesValidated = check.validated || Object.keys(values).length === 0;
    this.namespace = new PlatformNamespace(this, 'Namespace', { name: props.namespace, podSecurity: props.operator.podSecurity });
    const releases: HelmRelease[] = [];
    for (const chart of props.operator.charts) {
      const previous = releases.at(-1);
      releases.push(
        new HelmRelease(this, chart.release, {
          name: chart.release,
          namespace: props.namespace,
          repository: chart.repository,
          chart: chart.chart,
          version: props.version,
          atomic: true,
          cleanupOnFail: true,
          timeout: props.timeoutSeconds ?? 600,
          // JSON is YAML, and keeps the values exactly as typed (no YAML reinterpretation of "on" or "1e3").
          ...(chart === mainChart && Object.keys(values).length ? { values: [terraformLiteral(JSON.stringify(values))] } : {}),
          dependsOn: [this.namespace.resource, ...(previous ? [previous] : []), ...(props.dependsOn ?? [])],
        }),
      );
    }
    this.releases = releases;
  }

  /** The release that runs the operator; depend on it before creating its custom resources. */
  get operatorRelease(): HelmRelease {
    return this.releases[this.releases.length - 1];
  }
}
