import { IPV4_CIDR } from '../network/ipv4.js';
import { isServiceHost, outsideHostProblem, urlEgress, urlHostPort, type ClusterNetwork } from '../network/cluster-network.js';
import { LABEL_KEY, LABEL_VALUE } from '../formats.js';
import type { PeerPorts } from '../workloads/pod-network-policy.js';

/**
 * The identity provider's pods, when `auth.jwksUrl` is a Service inside the cluster: a NetworkPolicy matches
 * egress after the Service has forwarded to a pod, so the rule names those pods and the port they listen on
 * (the Service's targetPort, not its port).
 */
export interface JwksPods {
  /** The identity provider's namespace. */
  readonly namespace: string;
  /** Labels of its pods (the Service's selector). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The port the pods listen on. */
  readonly port: number;
}

/** How the gateway reaches the JWKS endpoint: the addresses, the pods, or the name. */
export interface JwksEgressProps {
  readonly jwksUrl: string;
  readonly jwksCidrs?: readonly string[];
  readonly jwksPods?: JwksPods;
}

/** The gateway's egress rule for the JWKS endpoint: peers and port, or a host name to allow by name. */
export function jwksEgress(p: JwksEgressProps): { rules: PeerPorts[]; hosts: { names: string[]; ports: number[] }[] } {
  if (p.jwksPods) return { rules: [{ peers: [{ namespace: p.jwksPods.namespace, podLabels: p.jwksPods.podLabels }], ports: [p.jwksPods.port] }], hosts: [] };
  const { peers, port, host } = urlEgress(p.jwksUrl, p.jwksCidrs);
  return { rules: peers.length ? [{ peers, ports: [port] }] : [], hosts: host ? [{ names: [host], ports: [port] }] : [] };
}

/**
 * Why the JWKS URL's host cannot be reached as configured, or undefined: a Service needs `jwksPods`, `jwksPods`
 * is only for a Service, and any other host must be one the policy can allow (`outsideHostProblem`).
 * `fields` names the options as the caller's user knows them.
 */
export function jwksHostProblem(p: JwksEgressProps, network: ClusterNetwork | undefined, fields: { cidrs: string; pods: string }): string | undefined {
  if (!URL.canParse(p.jwksUrl)) return undefined;
  const { host } = urlHostPort(p.jwksUrl);
  if (p.jwksPods) {
    if (!isServiceHost(host)) return `"${host}" is not a Service inside the cluster, which is what ${fields.pods} is for: leave ${fields.pods} out (or use ${fields.cidrs} for a LAN host)`;
    // <service>.<namespace>.svc[.<domain>]: the Service only sends to pods of its own namespace.
    const namespace = /^[^.]+\.([^.]+)\.svc(?:\.|$)/.exec(host.toLowerCase())?.[1];
    if (namespace !== undefined && p.jwksPods.namespace !== namespace) {
      return `"${host}" is a Service in namespace "${namespace}", but ${fields.pods}.namespace is "${p.jwksPods.namespace}": a Service sends only to pods of its own namespace, so the gateway's egress would allow pods it never reaches; set ${fields.pods}.namespace to "${namespace}"`;
    }
    return undefined;
  }
  if (p.jwksCidrs?.length) return undefined;
  if (isServiceHost(host)) {
    return `"${host}" is a Service inside the cluster: egress is matched on the pods behind it; name them in ${fields.pods} ({ namespace, podLabels, port: the port the pods listen on })`;
  }
  return outsideHostProblem(host, network, fields.cidrs);
}

/** The problems of the JWKS egress options themselves, by prop name. */
export function jwksOptionProblems(p: Partial<JwksEgressProps>, hasAuth: boolean): string[] {
  const problems = (p.jwksCidrs ?? []).filter((cidr) => !IPV4_CIDR.test(cidr)).map((cidr) => `jwksCidrs: ${JSON.stringify(cidr)} is not an IPv4 CIDR such as "192.168.10.5/32"`);
  if (p.jwksCidrs !== undefined && !hasAuth) problems.push('jwksCidrs is set without auth: the addresses are those of auth.jwksUrl\'s host; set auth or leave jwksCidrs out');
  const pods = p.jwksPods;
  if (pods === undefined) return problems;
  if (!hasAuth) problems.push('jwksPods is set without auth: the pods are those behind auth.jwksUrl\'s Service; set auth or leave jwksPods out');
  if (p.jwksCidrs !== undefined) problems.push('jwksPods and jwksCidrs are both set: a Service inside the cluster is reached by its pods, a LAN host by its addresses; keep one');
  const labels = Object.entries(pods.podLabels ?? {});
  if (labels.length === 0) problems.push('jwksPods.podLabels must name at least one label of the identity provider\'s pods (the Service\'s selector): an empty selector would allow every pod of the namespace');
  for (const [key, value] of labels) {
    if (!LABEL_KEY.test(key) || typeof value !== 'string' || !LABEL_VALUE.test(value)) problems.push(`jwksPods.podLabels ${JSON.stringify(key)}: ${JSON.stringify(value)} is not a label key and value`);
  }
  if (!Number.isInteger(pods.port) || pods.port < 1 || pods.port > 65535) problems.push(`jwksPods.port must be a port number (1-65535), got ${pods.port}`);
  return problems;
}
