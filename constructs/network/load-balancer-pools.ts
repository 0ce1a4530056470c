/**
 * LoadBalancer address pools as data, without constructs: the config checks the gateway's address against
 * them, and CiliumLoadBalancer renders them.
 */
import { addressRange, cidrRange, IPV4_ADDRESS, IPV4_CIDR, rangeContains, type Ipv4Range } from './ipv4.js';

/** Addresses of a pool: a CIDR, or a first and last address (both included). */
export type AddressBlock = { readonly cidr: string } | { readonly start: string; readonly stop: string };

export interface LoadBalancerPool {
  /** Name of the CiliumLoadBalancerIPPool (cluster-scoped, so unique in the cluster). */
  readonly name: string;
  readonly blocks: readonly AddressBlock[];
}

/** The addresses of a block; throws, naming the field, when it is not an IPv4 CIDR or an upward range. */
export function blockRange(block: AddressBlock): Ipv4Range {
  if ('cidr' in block) {
    if (!IPV4_CIDR.test(block.cidr)) throw new Error(`cidr ${JSON.stringify(block.cidr)} must be an IPv4 CIDR such as "10.30.0.0/28"`);
    return cidrRange(block.cidr);
  }
  for (const field of ['start', 'stop'] as const) {
    if (!IPV4_ADDRESS.test(block[field])) throw new Error(`${field} ${JSON.stringify(block[field])} must be an IPv4 address such as "10.30.0.90"`);
  }
  return addressRange(block.start, block.stop);
}

/** The name of the pool whose blocks hold `address`; undefined when none does (or a block is not valid). */
export function poolOf(pools: readonly LoadBalancerPool[], address: string): string | undefined {
  const ranges = pools.flatMap((pool) =>
    pool.blocks.flatMap((block) => {
      try {
        return [{ pool: pool.name, range: blockRange(block) }];
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
