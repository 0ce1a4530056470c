import { describe, expect, it } from '@jest/globals';
import { addressRange, cidrRange, ipv4ToNumber, rangeContains, rangesOverlap } from '../../../constructs/network/ipv4.js';

describe('IPv4 ranges', () => {
  it('reads dotted quads and refuses anything else, naming the value', () => {
    expect(ipv4ToNumber('10.30.0.90')).toBe(10 * 2 ** 24 + 30 * 2 ** 16 + 90);
    expect(ipv4ToNumber('255.255.255.255')).toBe(2 ** 32 - 1);
    for (const bad of ['10.30.0', '10.30.0.256', '010.30.0.1', '10.30.0.90/32', 'gateway']) {
      expect(() => ipv4ToNumber(bad)).toThrow(`"${bad}" is not an IPv4 address such as "10.30.0.90"`);
    }
  });

  it('covers a CIDR from its network to its broadcast address, whatever host bits it was written with', () => {
    expect(cidrRange('10.30.0.0/28')).toEqual({ first: ipv4ToNumber('10.30.0.0'), last: ipv4ToNumber('10.30.0.15') });
    expect(cidrRange('10.30.0.7/28')).toEqual(cidrRange('10.30.0.0/28'));
    expect(cidrRange('10.30.0.90/32')).toEqual({ first: ipv4ToNumber('10.30.0.90'), last: ipv4ToNumber('10.30.0.90') });
    expect(cidrRange('0.0.0.0/0')).toEqual({ first: 0, last: 2 ** 32 - 1 });
    expect(() => cidrRange('10.30.0.0/33')).toThrow('"10.30.0.0/33" is not an IPv4 CIDR such as "10.30.0.0/24"');
  });

  it('includes both ends of a start-stop range and refuses one that runs backwards', () => {
    const range = addressRange('10.30.0.90', '10.30.0.99');
    expect([rangeContains(range, '10.30.0.89'), rangeContains(range, '10.30.0.90'), rangeContains(range, '10.30.0.99'), rangeContains(range, '10.30.0.100')]).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(() => addressRange('10.30.0.99', '10.30.0.90')).toThrow('the range 10.30.0.99-10.30.0.90 runs backwards: stop must not be below start');
  });

  it('tells overlapping ranges from ones that only touch', () => {
    const a = addressRange('10.30.0.90', '10.30.0.99');
    expect(rangesOverlap(a, addressRange('10.30.0.99', '10.30.0.120'))).toBe(true);
    expect(rangesOverlap(a, cidrRange('10.30.0.96/28'))).toBe(true);
    expect(rangesOverlap(a, addressRange('10.30.0.100', '10.30.0.120'))).toBe(false);
    expect(rangesOverlap(addressRange('10.30.0.100', '10.30.0.120'), a)).toBe(false);
  });
});
