import { Construct } from 'constructs';
import {
  CiliumL2AnnouncementPolicy,
  CiliumLoadBalancerIpPool,
} from '../../imports/cilium-cilium.io.js';
import { DNS_LABEL } from '../formats.js';
import { platformLabels } from '../labels.js';
import { throwIfProblems } from '../validation/problems.js';
import { rangesOverlap, type Ipv4Range } from './ipv4.js';
import { blockRange, poolContaining, type LoadBalancerPool } from './load-balancer-pools.js';

export type { AddressBlock, LoadBalancerPool } from './load-balancer-pools.js';

export interface L2Announcements {
  /** Name of the CiliumL2AnnouncementPolicy. */
  readonly name: string;
  /** Node interfaces to announce on, as Go regular expressions, e.g. ["^eth[0-9]+"]. @default every interface Cilium manages */
  readonly interfaces?: readonly string[];
  /** Nodes that may announce, by labels. @default every node */
  readonly nodeLabels?: Readonly<Record<string, string>>;
}

export interface CiliumLoadBalancerProps {
  /** Pools LoadBalancer Services get addresses from (Cilium's LB IPAM). */
  readonly pools: readonly LoadBalancerPool[];
  /** Answer ARP for the LoadBalancer addresses from the nodes, so the LAN reaches them without BGP. @default none */
  readonly l2Announcements?: L2Announcements;
}

/**
 * LoadBalancer addresses on a Cilium cluster without a cloud load balancer: CiliumLoadBalancerIPPools that
 * Cilium's LB IPAM assigns from (it honours a Service's `spec.loadBalancerIP`), and optionally a
 * CiliumL2AnnouncementPolicy that makes the nodes answer ARP for them.
 *
 * Both kinds are cluster-scoped. Overlapping pools are refused here: Cilium would mark the younger pool
 * "Conflicting" and allocate nothing from it (Documentation/network/lb-ipam.rst, "Conflicts"). L2
 * announcements only work when Cilium runs with `l2announcements.enabled=true` and kube-proxy replacement
 * (Documentation/network/l2-announcements.rst); nothing in the rendered objects can switch that on.
 */
export class CiliumLoadBalancer extends Construct {
  readonly pools: readonly CiliumLoadBalancerIpPool[];
  readonly l2AnnouncementPolicy?: CiliumL2AnnouncementPolicy;
  private readonly ranges: readonly { readonly pool: string; readonly range: Ipv4Range }[];

  constructor(scope: Construct, id: string, props: CiliumLoadBalancerProps) {
    super(scope, id);
    const problems: string[] = [];
    const ranges: { pool: string; range: Ipv4Range }[] = [];
    if (props.pools.length === 0) problems.push('pools must list at least one pool');
    props.pools.forEach((pool, p) => {
      if (!DNS_LABEL.test(pool.name) || pool.name.length > 63) problems.push(`pools[${p}].name ${JSON.stringify(pool.name)} must be a DNS-1123 label`);
      if (pool.blocks.length === 0) problems.push(`pools[${p}].blocks must list at least one block of addresses`);
      pool.blocks.forEach((block, b) => {
        const where = `pools[${p}].blocks[${b}]`;
        try {
          ranges.push({ pool: pool.name, range: blockRange(block) });
        } catch (error) {
          problems.push(`${where}: ${(error as Error).message}`);
        }
      });
    });
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        if (rangesOverlap(ranges[i].range, ranges[j].range)) {
          problems.push(
            `pools ${ranges[i].pool} and ${ranges[j].pool} overlap: Cilium would mark the younger one Conflicting and assign nothing from it; give each pool its own addresses`,
          );
        }
      }
    }
    const names = props.pools.map((p) => p.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) problems.push(`pools: two pools are named ${JSON.stringify(duplicate)}`);
    throwIfProblems(`CiliumLoadBalancer ${id}`, [...new Set(problems)]);
    this.ranges = ranges;

    const labels = platformLabels('load-balancer');
    this.pools = props.pools.map(
      (pool) =>
        new CiliumLoadBalancerIpPool(this, pool.name, {
          metadata: { name: pool.name, labels },
          spec: { blocks: pool.blocks.map((block) => ('cidr' in block ? { cidr: block.cidr } : { start: block.start, stop: block.stop })) },
        }),
    );
    const l2 = props.l2Announcements;
    if (l2) {
      this.l2AnnouncementPolicy = new CiliumL2AnnouncementPolicy(this, 'L2Announcements', {
        metadata: { name: l2.name, labels },
        spec: {
          // Both default to false, and a policy that announces neither does nothing (l2-announcements.rst).
          loadBalancerIPs: true,
          externalIPs: false,
          ...(l2.interfaces?.length ? { interfaces: [...l2.interfaces] } : {}),
          ...(l2.nodeLabels && Object.keys(l2.nodeLabels).length ? { nodeSelector: { matchLabels: { ...l2.nodeLabels } } } : {}),
        },
      });
    }
  }

  /** The pool whose blocks hold `address`, if any. */
  poolOf(address: string): string | undefined {
    return poolContaining(this.ranges, address);
  }
}
