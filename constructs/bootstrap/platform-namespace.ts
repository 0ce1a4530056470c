import { Construct } from 'constructs';
import { platformLabels, podSecurityLabels, type PodSecurityLevel } from '../labels.js';
import { NamespaceV1 } from '../terraform.js';

/** Props of a PlatformNamespace: its name, its Pod Security level and its labels. */
export interface PlatformNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Pod Security Admission level enforced in the namespace. @default "restricted" */
  readonly podSecurity?: PodSecurityLevel;
  /** Namespace of the Argo CD instance that manages workloads here; labels the namespace for it. @default no label */
  readonly managedByArgoCd?: string;
  /** Extra labels. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A namespace created by the bootstrap layer, with Pod Security Admission labels (enforce, audit, warn).
 * Audit and warn are always "restricted", so a looser `enforce` still reports what restricted would reject.
 */
export class PlatformNamespace extends Construct {
  /** The Terraform `kubernetes_namespace_v1` resource. */
  readonly resource: NamespaceV1;
  /** The namespace name, for resources that go into it. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    this.resource = new NamespaceV1(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          ...platformLabels('namespace'),
          ...podSecurityLabels(props.podSecurity ?? 'restricted'),
          ...(props.managedByArgoCd ? { 'argocd.argoproj.io/managed-by': props.managedByArgoCd } : {}),
          ...props.labels,
        },
      },
    });
  }
}
