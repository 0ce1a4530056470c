import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { platformLabels } from '../labels.js';

/** Pods, by labels, in this namespace or (with `namespace`) in another one. */
export interface PodPeer {
  readonly podLabels: Readonly<Record<string, string>>;
  /** Namespace of the pods. @default the policy's own namespace */
  readonly namespace?: string;
}

/** Addresses outside the cluster's pod network (a LAN host, the API server, the internet). */
export interface CidrPeer {
  readonly cidr: string;
  /** Ranges inside `cidr` that stay denied, e.g. the private ranges when `cidr` is 0.0.0.0/0. */
  readonly except?: readonly string[];
}

/** Every pod of one namespace: pods the platform does not label, such as a server something else deployed. */
export interface NamespacePeer {
  readonly namespace: string;
}

/** Every pod of every namespace: for a client of servers whose namespaces are not known when rendering. */
export interface AnyNamespacePeer {
  readonly allNamespaces: true;
}

export type Peer = PodPeer | CidrPeer | NamespacePeer | AnyNamespacePeer;

/** Ports `from` to `to`, both included (NetworkPolicy `endPort`). */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface PeerPorts {
  readonly peers: readonly Peer[];
  /** Ports (numbers, container port names or ranges) over TCP unless `protocol` says otherwise. */
  readonly ports: readonly (number | string | PortRange)[];
  /** @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Selects the pods a policy applies to: exact labels, or one label whose value is any of several. */
export type PodSelection = Readonly<Record<string, string>> | { readonly key: string; readonly anyOf: readonly string[] };

export interface PodNetworkPolicyProps {
  readonly name: string;
  readonly namespace: string;
  /** The pods this policy opens traffic for. */
  readonly pods: PodSelection;
  /** Who may connect to the pods, and on which ports. @default none */
  readonly ingress?: readonly PeerPorts[];
  /** Where the pods may connect to. @default none */
  readonly egress?: readonly PeerPorts[];
  /** `app.kubernetes.io/component` of the policy. */
  readonly component: string;
}

/** The private IPv4 ranges, to keep "the internet" from meaning "the whole LAN". */
export const PRIVATE_IPV4_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * An allow-list NetworkPolicy on top of the namespace's default deny. Every policy the platform renders
 * goes through here, so peers are written one way: pods by labels (and namespace), or CIDRs.
 */
export class PodNetworkPolicy extends Construct {
  readonly resource: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: PodNetworkPolicyProps) {
    super(scope, id);
    const rules = (list: readonly PeerPorts[] | undefined) =>
      (list ?? []).map((rule) => {
        if (rule.peers.length === 0 || rule.ports.length === 0) {
          throw new Error(`PodNetworkPolicy ${props.name}: a rule needs at least one peer and one port (an empty list would allow everything).`);
        }
        for (const port of rule.ports) {
          if (typeof port === 'object' && !(Number.isInteger(port.from) && Number.isInteger(port.to) && port.from >= 1 && port.from <= port.to && port.to <= 65535)) {
            throw new Error(`PodNetworkPolicy ${props.name}: port range ${port.from}-${port.to} must run upwards within 1-65535.`);
          }
        }
        return { peers: rule.peers.map((peer) => toPeer(peer, props.namespace)), ports: rule.ports.map((port) => toPort(port, rule.protocol ?? 'TCP')) };
      });
    this.resource = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: platformLabels(props.component) },
      spec: {
        podSelector: toSelector(props.pods, props.name),
        policyTypes: ['Ingress', 'Egress'],
        ingress: rules(props.ingress).map(({ peers, ports }) => ({ from: peers, ports })),
        egress: rules(props.egress).map(({ peers, ports }) => ({ to: peers, ports })),
      },
    });
  }
}

function toSelector(pods: PodSelection, name: string): k8s.LabelSelector {
  // An empty selector would select every pod in the namespace, and `In` with no values is rejected by the API server.
  if ('anyOf' in pods && Array.isArray(pods.anyOf)) {
    if (pods.anyOf.length === 0) throw new Error(`PodNetworkPolicy ${name}: pods.anyOf must list at least one value.`);
    return { matchExpressions: [{ key: String(pods.key), operator: 'In', values: [...pods.anyOf].sort() }] };
  }
  if (Object.keys(pods).length === 0) throw new Error(`PodNetworkPolicy ${name}: pods must name at least one label (an empty selector selects every pod).`);
  return { matchLabels: { ...(pods as Record<string, string>) } };
}

function toPeer(peer: Peer, ownNamespace: string): k8s.NetworkPolicyPeer {
  if ('cidr' in peer) return { ipBlock: { cidr: peer.cidr, ...(peer.except?.length ? { except: [...peer.except] } : {}) } };
  if ('allNamespaces' in peer) return { namespaceSelector: {} };
  // Naming the namespace even when it is our own keeps the rule correct if the policy is copied elsewhere.
  const namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace ?? ownNamespace } };
  return 'podLabels' in peer ? { namespaceSelector, podSelector: { matchLabels: { ...peer.podLabels } } } : { namespaceSelector };
}

function toPort(port: number | string | PortRange, protocol: 'TCP' | 'UDP'): k8s.NetworkPolicyPort {
  if (typeof port === 'object') return { protocol, port: k8s.IntOrString.fromNumber(port.from), endPort: port.to };
  return { protocol, port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port) };
}
