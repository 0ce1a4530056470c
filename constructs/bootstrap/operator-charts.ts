import type { PodSecurityLevel } from '../labels.js';

/** One Helm chart of an operator, without its version (the config pins that). */
export interface OperatorChart {
  /** Helm release name. */
  readonly release: string;
  /** Chart repository URL, or an `oci://` registry path. */
  readonly repository: string;
  /** Chart name in that repository. */
  readonly chart: string;
}

/** A Kubernetes operator the bootstrap layer can install: its charts in install order. */
export interface OperatorDefinition {
  /** Human name for reports. */
  readonly title: string;
  /** Charts, installed one after the other (CRDs first). */
  readonly charts: readonly OperatorChart[];
  /** Pod Security level its namespace must allow. */
  readonly podSecurity: PodSecurityLevel;
}

/**
 * The operators the platform knows. Chart coordinates are the projects' documented install commands;
 * the Pod Security levels come from the charts' default securityContexts.
 */
export const OPERATORS = {
  cloudnativePg: {
    title: 'CloudNativePG',
    charts: [{ release: 'cnpg', repository: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg' }],
    podSecurity: 'restricted',
  },
  kmcp: {
    title: 'kmcp',
    charts: [
      { release: 'kmcp-crds', repository: 'oci://ghcr.io/kagent-dev/kmcp/helm', chart: 'kmcp-crds' },
      { release: 'kmcp', repository: 'oci://ghcr.io/kagent-dev/kmcp/helm', chart: 'kmcp' },
    ],
    podSecurity: 'restricted',
  },
  toolhive: {
    title: 'ToolHive operator',
    charts: [
      { release: 'toolhive-operator-crds', repository: 'oci://ghcr.io/stacklok/toolhive', chart: 'toolhive-operator-crds' },
      { release: 'toolhive-operator', repository: 'oci://ghcr.io/stacklok/toolhive', chart: 'toolhive-operator' },
    ],
    podSecurity: 'restricted',
  },
  // The driver and container-toolkit DaemonSets run privileged with hostPID (NVIDIA's install guide).
  nvidiaGpu: {
    title: 'NVIDIA GPU operator',
    charts: [{ release: 'gpu-operator', repository: 'https://helm.ngc.nvidia.com/nvidia', chart: 'gpu-operator' }],
    podSecurity: 'privileged',
  },
  // Not every Argo CD component sets a restricted securityContext by default.
  argocd: {
    title: 'Argo CD',
    charts: [{ release: 'argocd', repository: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd' }],
    podSecurity: 'baseline',
  },
} as const satisfies Record<string, OperatorDefinition>;

/** The key of an operator in OPERATORS, as the platform config names it. */
export type OperatorName = keyof typeof OPERATORS;

/** The chart that runs the operator itself (the last one): the one that takes values. */
export function operatorChart(operator: OperatorDefinition): OperatorChart {
  return operator.charts[operator.charts.length - 1];
}
