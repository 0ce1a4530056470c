/**
 * LoadBalancer address pools as data, without constructs: the config checks the gateway's address against
 * them, and CiliumLoadBalancer renders them.
 */
import { addressRange, cidrRange, IPV4_ADDRESS, rangeContains, type Ipv4Range } from './ipv4.js';

/** Addresses of a pool: a CIDR, or a first and last address (both included). */
export type AddressBlock = { readonly cidr: string } | { readonly start: string; readonly stop: string };

export interface LoadBalancerPool {
  /** Name of the CiliumLoadBalancerIPPool (cluster-scoped, so unique in the cluster). */
  readonly name: string;
  readonly blocks: readonly AddressBlock[];
}

/** The name of the pool whose blocks hold `address`; undefined when none does (or a block is not valid). */
export function poolOf(pools: readonly LoadBalancerPool[], address: string): string | undefined {
  const ranges = pools.flatMap((pool) =>
    pool.blocks.flatMap((block) => {
      try {
        return [{ pool: pool.name, range: 'cidr' in block ? cidrRange(block.cidr) : addressRange(block.start, block.stop) }];
      } catch {
        return [];
      }
    }),
  );
  return poolContaining(ranges, address);
}

export function poolContaining(ranges: readonly { readonly pool: string; readonly range: Ipv4Range }[], address: string): string | undefined {
  if (!IPV4_ADDRESS.test(address)) return undefined;
  return ranges.find((r) => rangeContains(r.range, address))?.pool;
}
