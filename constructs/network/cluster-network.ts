import { IPV4_ADDRESS } from './ipv4.js';

/**
 * What a policy needs to know about the cluster's network to isolate pods in a way that actually holds
 * there. Kubernetes NetworkPolicies are the base everywhere; on Cilium, two kinds of egress need a
 * CiliumNetworkPolicy beside them (cilium/cilium, Documentation/security/policy/layer3.rst at v1.20):
 *
 * - the API server: Cilium gives node addresses (where a Talos API server listens) the host or
 *   remote-node identity and strips their CIDR labels, so an `ipBlock` never matches them unless the
 *   agent runs with `policy-cidr-match-mode: nodes`; the `kube-apiserver` entity does;
 * - hosts by DNS name (`toFQDNs`), instead of every internet address on 443.
 */

/** The CNI of the cluster. */
export type Cni = 'cilium' | 'calico' | 'flannel' | 'other';

/** The cluster DNS pods, by namespace and labels. */
export interface DnsSelector {
  /** @default "kube-system" */
  readonly namespace?: string;
  /** @default { "k8s-app": "kube-dns" } */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** CoreDNS as kubeadm, k3s and Talos deploy it (Talos: k8stemplates/coredns.go labels its pods k8s-app=kube-dns). */
export const CLUSTER_DNS: Required<DnsSelector> = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };

/** The cluster's network, as far as NetworkPolicies depend on it: the CNI, and on Cilium how hosts are reached. */
export interface ClusterNetwork {
  /** @default "other" (a CNI that enforces Kubernetes NetworkPolicies, nothing more assumed) */
  readonly cni?: Cni;
  /** On Cilium, reach outside hosts by DNS name through its DNS proxy (`toFQDNs`). @default true */
  readonly fqdnEgress?: boolean;
  /** Where the cluster DNS runs, for the DNS-proxy rule that `toFQDNs` needs. @default CLUSTER_DNS */
  readonly dns?: DnsSelector;
}

/** How pods reach the Kubernetes API server. */
export interface ApiServerEndpoint {
  /** Its addresses (control-plane node IPs or a VIP), for Kubernetes NetworkPolicies' ipBlock. @default none */
  readonly cidrs?: readonly string[];
  /** The port the API server itself listens on (after the `kubernetes` Service's 443 is translated). @default 6443 */
  readonly port?: number;
}

export const DEFAULT_API_SERVER_PORT = 6443;

/**
 * A lowercase DNS name that Cilium's `toFQDNs.matchName` accepts (its CRD pattern at v1.20, at most 255
 * characters), and not an IPv4 address: `matchName` matches names the DNS proxy sees answered, never an address.
 */
export const HOST_NAME = /^(?=.{1,255}$)(?![\d.]+$)([-a-z0-9_]+\.?)+$/;

/** Name suffixes that resolve on a LAN, never on the internet (RFC 6762 .local, RFC 8375 .home.arpa, ICANN's .internal, common router defaults). */
const LAN_SUFFIXES = ['.local', '.lan', '.home.arpa', '.internal', '.localdomain', '.home'];

/** True when the cluster runs Cilium: API-server and DNS-name egress then go through a CiliumNetworkPolicy. */
export function isCilium(network: ClusterNetwork | undefined): boolean {
  return network?.cni === 'cilium';
}

/** True when outside hosts are reached by DNS name (Cilium with `fqdnEgress`), not by every internet address. */
export function usesFqdnEgress(network: ClusterNetwork | undefined): boolean {
  return isCilium(network) && network?.fqdnEgress !== false;
}

/**
 * What is wrong with an API-server endpoint on this network, as `apiServer...` problems for the caller's
 * message: without Cilium's entity, only its addresses can let the pods through the default deny.
 */
export function apiServerProblems(apiServer: ApiServerEndpoint | undefined, network: ClusterNetwork | undefined, why: string): string[] {
  if (isCilium(network) || apiServer?.cidrs?.length) return [];
  return [
    `apiServer.cidrs must name the API server's addresses: ${why} through the namespace's default deny, and a Kubernetes NetworkPolicy ` +
      'reaches it only by ipBlock (on Cilium, network.cni "cilium", cluster.cni in the platform config, reaches it as the kube-apiserver entity instead)',
  ];
}

/** Whether a host names a Service inside the cluster ("idp.auth.svc", "idp.auth.svc.cluster.local"). */
export function isServiceHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return /\.svc(\.|$)/.test(name) || name.endsWith('.cluster.local');
}

/**
 * Why pods on this network cannot reach an outside host as named, or undefined. `cidrsField` is where the
 * caller's config takes the host's addresses instead.
 *
 * - A Service name: egress is matched after the Service has forwarded to a pod, so neither a DNS-name rule nor
 *   an address rule lets the traffic through (a pod selector would, which these options do not take).
 * - A name without a domain: the pod's DNS search path completes it ("idp.mcp-system.svc.cluster.local", ...),
 *   so the name a DNS-name rule would match is never the one asked.
 * - A LAN name off Cilium's DNS-name rules: a Kubernetes NetworkPolicy cannot match names, so the rule is "the
 *   internet on this port" with the private ranges excluded, and a LAN host's address is in them.
 */
export function outsideHostProblem(host: string, network: ClusterNetwork | undefined, cidrsField: string): string | undefined {
  if (host.startsWith('[')) return `"${host}" is an IPv6 address: the platform's policies are IPv4; use the host's IPv4 address or DNS name`;
  if (IPV4_ADDRESS.test(host)) return undefined;
  const name = host.toLowerCase().replace(/\.$/, '');
  if (isServiceHost(name)) {
    return `"${host}" is a Service inside the cluster: egress is matched on the pod behind it, which neither a DNS-name nor an address rule selects; use the host's address outside the cluster`;
  }
  if (!name.includes('.')) return `"${host}" has no domain: the pod's DNS search path completes it to other names, so no DNS-name rule matches it; use the full name`;
  if (!usesFqdnEgress(network) && LAN_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
    return (
      `"${host}" resolves on the LAN, and without Cilium's DNS-name rules (cluster.cni "cilium") the policy can only allow internet addresses, ` +
      `the private ranges excluded: list the host's addresses in ${cidrsField}`
    );
  }
  return undefined;
}

/** The host and port of an https URL, for egress to it by name (e.g. a JWKS endpoint or GitHub Enterprise). */
export function urlHostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : parsed.protocol === 'http:' ? 80 : 443 };
}

/**
 * How a pod's policy lets it call an outside URL: by the given addresses, by the address the URL names (a
 * DNS-name rule never matches an address), or by name.
 */
export function urlEgress(url: string, cidrs: readonly string[] | undefined): { peers: { cidr: string }[]; port: number; host?: string } {
  const { host, port } = urlHostPort(url);
  if (cidrs?.length) return { peers: cidrs.map((cidr) => ({ cidr })), port };
  if (IPV4_ADDRESS.test(host)) return { peers: [{ cidr: `${host}/32` }], port };
  return { peers: [], port, host };
}
