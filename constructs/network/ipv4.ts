/** IPv4 addresses and ranges, for the checks that an address lies in a pool or a CIDR. */

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/** A dotted-quad IPv4 address with no leading zeros ("10.30.0.90"). */
export const IPV4_ADDRESS = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

/** An IPv4 CIDR ("10.30.0.0/24"). */
export const IPV4_CIDR = new RegExp(`^${OCTET}(\\.${OCTET}){3}/(3[0-2]|[12]?\\d)$`);

/** The address as an unsigned 32-bit number; throws on anything that is not an IPv4 address. */
export function ipv4ToNumber(address: string): number {
  if (!IPV4_ADDRESS.test(address)) throw new Error(`"${address}" is not an IPv4 address such as "10.30.0.90"`);
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** An inclusive range of addresses, as numbers. */
export interface Ipv4Range {
  readonly first: number;
  readonly last: number;
}

/** The addresses a CIDR covers, network and broadcast addresses included. */
export function cidrRange(cidr: string): Ipv4Range {
  if (!IPV4_CIDR.test(cidr)) throw new Error(`"${cidr}" is not an IPv4 CIDR such as "10.30.0.0/24"`);
  const [address, prefix] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  const first = Math.floor(ipv4ToNumber(address) / size) * size;
  return { first, last: first + size - 1 };
}

/** The addresses from `start` to `stop`, both included; throws when the range runs backwards. */
export function addressRange(start: string, stop: string): Ipv4Range {
  const first = ipv4ToNumber(start);
  const last = ipv4ToNumber(stop);
  if (last < first) throw new Error(`the range ${start}-${stop} runs backwards: stop must not be below start`);
  return { first, last };
}

export function rangeContains(range: Ipv4Range, address: string): boolean {
  const n = ipv4ToNumber(address);
  return n >= range.first && n <= range.last;
}

export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}
