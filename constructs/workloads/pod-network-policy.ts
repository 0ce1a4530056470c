import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { CiliumNetworkPolicy, CiliumNetworkPolicySpecEgressToEntities } from '../../imports/cilium-cilium.io.js';
import { platformLabels } from '../labels.js';
import {
  CLUSTER_DNS,
  DEFAULT_API_SERVER_PORT,
  HOST_NAME,
  isCilium,
  usesFqdnEgress,
  type ApiServerEndpoint,
  type ClusterNetwork,
} from '../network/cluster-network.js';

/** Pods, by labels, in this namespace or (with `namespace`) in another one. */
export interface PodPeer {
  /** Labels the pods carry, all of which must match. */
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

/** Outside hosts by DNS name, and the ports the pods call them on. */
export interface HostPorts {
  /** Exact DNS names, e.g. "api.github.com". */
  readonly names: readonly string[];
  /** TCP ports. */
  readonly ports: readonly number[];
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
  /** The pods call the Kubernetes API server: by its addresses, and on Cilium also as its entity. @default no */
  readonly apiServer?: ApiServerEndpoint;
  /**
   * Outside hosts the pods call, by name: on Cilium (with `fqdnEgress`) exactly those names, through its DNS
   * proxy; on any other CNI, which cannot match names, every internet address on those ports. @default none
   */
  readonly hosts?: readonly HostPorts[];
  /** The cluster's network. @default { cni: "other" } */
  readonly network?: ClusterNetwork;
  /** `app.kubernetes.io/component` of the policy. */
  readonly component: string;
  /** Labels of the policy objects, over which the platform's win (a server's own labels). @default only the platform's */
  readonly labels?: Readonly<Record<string, string>>;
}


/** The private IPv4 ranges, to keep "the internet" from meaning "the whole LAN". */
export const PRIVATE_IPV4_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * An allow-list NetworkPolicy on top of the namespace's default deny. Every policy the platform renders
 * goes through here, so peers are written one way: pods by labels (and namespace), or CIDRs.
 */
export class PodNetworkPolicy extends Construct {
  readonly resource: k8s.KubeNetworkPolicy;
  /** The CiliumNetworkPolicy beside it, on Cilium, when the pods call the API server or hosts by name. */
  readonly ciliumPolicy?: CiliumNetworkPolicy;

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
    const cilium = isCilium(props.network);
    const byName = usesFqdnEgress(props.network);
    const hosts = (props.hosts ?? []).filter((h) => h.names.length || h.ports.length);
    for (const host of hosts) {
      const bad = host.names.find((name) => !HOST_NAME.test(name));
      if (bad !== undefined || host.names.length === 0 || host.ports.length === 0) {
        throw new Error(`PodNetworkPolicy ${props.name}: hosts need at least one DNS name such as "api.github.com" and one port${bad !== undefined ? `, got ${JSON.stringify(bad)}` : ''}.`);
      }
    }
    const apiServerPort = props.apiServer?.port ?? DEFAULT_API_SERVER_PORT;
    const apiServerCidrs = props.apiServer?.cidrs ?? [];
    if (props.apiServer && !cilium && apiServerCidrs.length === 0) {
      throw new Error(
        `PodNetworkPolicy ${props.name}: apiServer.cidrs must name the API server's addresses (a Kubernetes NetworkPolicy reaches it only by ipBlock), ` +
          'or network.cni must be "cilium" (which reaches it as the kube-apiserver entity).',
      );
    }
    // Beside the entity on Cilium too: it is what lets the pods through if the agent matches nodes by CIDR, or the CNI changes.
    const apiServerRule: PeerPorts[] = props.apiServer && apiServerCidrs.length ? [{ peers: apiServerCidrs.map((cidr) => ({ cidr })), ports: [apiServerPort] }] : [];
    // Without names to match, the best a NetworkPolicy can do is the internet (not the LAN) on those ports.
    const hostRules: PeerPorts[] = byName ? [] : hosts.map((h) => ({ peers: [{ cidr: '0.0.0.0/0', except: PRIVATE_IPV4_RANGES }], ports: [...h.ports] }));

    const labels = { ...(props.labels ?? {}), ...platformLabels(props.component) };
    this.resource = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: {
        podSelector: toSelector(props.pods, props.name),
        policyTypes: ['Ingress', 'Egress'],
        ingress: rules(props.ingress).map(({ peers, ports }) => ({ from: peers, ports })),
        egress: rules([...apiServerRule, ...(props.egress ?? []), ...hostRules]).map(({ peers, ports }) => ({ to: peers, ports })),
      },
    });

    const ciliumEgress = [
      ...(cilium && props.apiServer ? [apiServerEntityRule(apiServerPort)] : []),
      ...(byName && hosts.length ? [dnsProxyRule(props.network!), ...hosts.map(fqdnRule)] : []),
    ];
    if (ciliumEgress.length) {
      this.ciliumPolicy = new CiliumNetworkPolicy(this, 'Cilium', {
        metadata: { name: props.name, namespace: props.namespace, labels },
        spec: { endpointSelector: toSelector(props.pods, props.name) as any, egress: ciliumEgress },
      });
    }
  }
}

/**
 * The API server as Cilium's `kube-apiserver` entity (the backends of the default/kubernetes Service). Policy is
 * applied after service translation, so the port is the API server's own (6443), not the Service's 443.
 */
function apiServerEntityRule(port: number) {
  return { toEntities: [CiliumNetworkPolicySpecEgressToEntities.KUBE_HYPHEN_APISERVER], toPorts: [{ ports: [{ port: String(port), protocol: 'TCP' as any }] }] };
}

/**
 * DNS to the cluster DNS through Cilium's DNS proxy: `toFQDNs` learns a name's addresses only from answers the
 * proxy saw. The namespace's own DNS NetworkPolicy allows the same ports without L7 rules; Cilium merges the two
 * with the proxy redirect taking precedence (pkg/policy/types/entry.go, MapStateEntry.Merge), so names still resolve.
 */
function dnsProxyRule(network: ClusterNetwork) {
  const dns = { ...CLUSTER_DNS, ...network.dns };
  return {
    toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': dns.namespace, ...prefixed(dns.podLabels) } }],
    toPorts: [
      {
        ports: [
          { port: '53', protocol: 'UDP' as any },
          { port: '53', protocol: 'TCP' as any },
        ],
        rules: { dns: [{ matchPattern: '*' }] },
      },
    ],
  };
}

function fqdnRule(host: HostPorts) {
  return {
    toFqdNs: [...new Set(host.names)].sort().map((matchName) => ({ matchName })),
    toPorts: [{ ports: [...new Set(host.ports)].sort((a, b) => a - b).map((port) => ({ port: String(port), protocol: 'TCP' as any })) }],
  };
}

/** Pod labels as Cilium writes Kubernetes-sourced labels in selectors of other namespaces' endpoints. */
function prefixed(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([key, value]) => [`k8s:${key}`, value]));
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
