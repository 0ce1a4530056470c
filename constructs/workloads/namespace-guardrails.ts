import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { platformLabels } from '../labels.js';

export interface ResourceQuotaLimits {
  /** Sum of CPU requests, e.g. "8". */
  readonly requestsCpu: string;
  /** Sum of memory requests, e.g. "24Gi". */
  readonly requestsMemory: string;
  /** Sum of memory limits, e.g. "48Gi". */
  readonly limitsMemory: string;
  /** Number of pods. */
  readonly pods: number;
}

export interface ContainerDefaults {
  /** CPU request of a container that sets none, e.g. "50m". */
  readonly defaultRequestCpu: string;
  /** Memory request of a container that sets none, e.g. "64Mi". */
  readonly defaultRequestMemory: string;
  /** Memory limit of a container that sets none, e.g. "256Mi". */
  readonly defaultLimitMemory: string;
}

/** Where the cluster DNS runs, for the DNS egress allowance. */
export interface DnsSelector {
  /** Namespace of the DNS pods. @default "kube-system" */
  readonly namespace?: string;
  /** Labels of the DNS pods. @default { "k8s-app": "kube-dns" } */
  readonly podLabels?: Readonly<Record<string, string>>;
}

export interface NamespaceGuardrailsProps {
  /** The namespace to guard (created by the bootstrap layer). */
  readonly namespace: string;
  /** Let every pod resolve names through the cluster DNS despite the default deny. @default true */
  readonly allowDnsEgress?: boolean;
  /** Where the cluster DNS runs. @default kube-system pods labelled k8s-app=kube-dns */
  readonly dns?: DnsSelector;
  /** A ResourceQuota for the namespace. @default none */
  readonly resourceQuota?: ResourceQuotaLimits;
  /** A LimitRange with container defaults. @default none */
  readonly containerDefaults?: ContainerDefaults;
}

/**
 * Namespace-wide isolation: a NetworkPolicy that denies all ingress and egress to every pod, so each
 * workload must declare the traffic it needs in a policy of its own, and optional quota and defaults.
 */
export class NamespaceGuardrails extends Construct {
  /** The default-deny NetworkPolicy. */
  readonly defaultDeny: k8s.KubeNetworkPolicy;
  /** The DNS egress allowance, unless `allowDnsEgress` is false. */
  readonly dnsEgress?: k8s.KubeNetworkPolicy;
  /** The ResourceQuota, when `resourceQuota` is given. */
  readonly resourceQuota?: k8s.KubeResourceQuota;
  /** The LimitRange, when `containerDefaults` is given. */
  readonly limitRange?: k8s.KubeLimitRange;

  constructor(scope: Construct, id: string, props: NamespaceGuardrailsProps) {
    super(scope, id);
    const labels = platformLabels('namespace-guardrails');
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels });

    this.defaultDeny = new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: metadata('default-deny-all'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    if (props.allowDnsEgress ?? true) {
      const dnsNamespace = props.dns?.namespace ?? 'kube-system';
      this.dnsEgress = new k8s.KubeNetworkPolicy(this, 'DnsEgress', {
        metadata: metadata('allow-dns-egress'),
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': dnsNamespace } },
                  podSelector: { matchLabels: { ...(props.dns?.podLabels ?? { 'k8s-app': 'kube-dns' }) } },
                },
              ],
              ports: [
                { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
                { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
              ],
            },
          ],
        },
      });
    }

    if (props.resourceQuota) {
      const q = props.resourceQuota;
      if (!Number.isInteger(q.pods) || q.pods < 1) {
        throw new Error(`NamespaceGuardrails ${id}: resourceQuota.pods must be a positive whole number, got ${q.pods}.`);
      }
      this.resourceQuota = new k8s.KubeResourceQuota(this, 'ResourceQuota', {
        metadata: metadata('mcp-platform-quota'),
        spec: {
          hard: {
            'requests.cpu': k8s.Quantity.fromString(q.requestsCpu),
            'requests.memory': k8s.Quantity.fromString(q.requestsMemory),
            'limits.memory': k8s.Quantity.fromString(q.limitsMemory),
            pods: k8s.Quantity.fromNumber(q.pods),
          },
        },
      });
    }

    if (props.containerDefaults) {
      const d = props.containerDefaults;
      this.limitRange = new k8s.KubeLimitRange(this, 'LimitRange', {
        metadata: metadata('mcp-platform-container-defaults'),
        spec: {
          limits: [
            {
              type: 'Container',
              defaultRequest: { cpu: k8s.Quantity.fromString(d.defaultRequestCpu), memory: k8s.Quantity.fromString(d.defaultRequestMemory) },
              default: { memory: k8s.Quantity.fromString(d.defaultLimitMemory) },
            },
          ],
        },
      });
    }
  }
}
