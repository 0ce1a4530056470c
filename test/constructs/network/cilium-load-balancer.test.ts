import { describe, expect, it } from '@jest/globals';
import { Chart } from 'cdk8s';
import { CiliumLoadBalancer, type CiliumLoadBalancerProps } from '../../../constructs/network/cilium-load-balancer.js';
import { poolOf } from '../../../constructs/network/load-balancer-pools.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, testApp } from '../../support/charts.js';

const LAN = { name: 'homelab-lan', blocks: [{ start: '10.30.0.90', stop: '10.30.0.99' }] };

function build(props: Partial<CiliumLoadBalancerProps> = {}) {
  // Cluster-scoped objects: a chart with no namespace, as the platform's cluster-network app.
  const chart = new Chart(testApp(), 'test', { disableResourceNameHashes: true });
  const lb = new CiliumLoadBalancer(chart, 'lb', { pools: [LAN], ...props });
  return { lb, objects: chart.toJson() };
}

describe('CiliumLoadBalancer', () => {
  it('renders one cluster-scoped cilium.io/v2 pool per pool, with its blocks as given', () => {
    const { objects } = build({ pools: [LAN, { name: 'services', blocks: [{ cidr: '10.30.1.0/28' }] }] });
    const lan = only(objects, 'CiliumLoadBalancerIPPool', 'homelab-lan');
    expect(lan.apiVersion).toBe('cilium.io/v2');
    expect(lan.metadata.namespace).toBeUndefined();
    expect(lan.spec).toEqual({ blocks: [{ start: '10.30.0.90', stop: '10.30.0.99' }] });
    expect(only(objects, 'CiliumLoadBalancerIPPool', 'services').spec).toEqual({ blocks: [{ cidr: '10.30.1.0/28' }] });
  });

  it('renders no L2 announcement policy unless asked', () => {
    expect(build().objects.filter((o) => o.kind === 'CiliumL2AnnouncementPolicy')).toEqual([]);
  });

  it('announces LoadBalancer addresses (not external IPs) on the given interfaces and nodes', () => {
    const { objects } = build({ l2Announcements: { name: 'homelab-l2', interfaces: ['^eth[0-9]+'], nodeLabels: { 'node-role.kubernetes.io/worker': '' } } });
    const policy = only(objects, 'CiliumL2AnnouncementPolicy', 'homelab-l2');
    expect(policy.apiVersion).toBe('cilium.io/v2alpha1');
    // Both booleans default to false in Cilium, and a policy that announces neither does nothing.
    expect(policy.spec).toEqual({
      loadBalancerIPs: true,
      externalIPs: false,
      interfaces: ['^eth[0-9]+'],
      nodeSelector: { matchLabels: { 'node-role.kubernetes.io/worker': '' } },
    });
    // AND every interface and node by default
    expect(only(build({ l2Announcements: { name: 'l2' } }).objects, 'CiliumL2AnnouncementPolicy').spec).toEqual({ loadBalancerIPs: true, externalIPs: false });
  });

  it("passes Cilium's CRD schemas", () => {
    const validator = new SchemaValidator();
    const { objects } = build({ pools: [LAN, { name: 'cidr', blocks: [{ cidr: '10.30.1.0/28' }] }], l2Announcements: { name: 'l2', interfaces: ['^eth0$'] } });
    expect(objects.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  it('refuses overlapping pools, which Cilium would mark Conflicting', () => {
    expect(() => build({ pools: [LAN, { name: 'other', blocks: [{ cidr: '10.30.0.96/28' }] }] })).toThrow(
      'CiliumLoadBalancer lb:\n  - pools homelab-lan and other overlap: Cilium would mark the younger one Conflicting and assign nothing from it; give each pool its own addresses',
    );
  });

  it('names each bad block, and a pool name used twice', () => {
    expect(() =>
      build({
        pools: [
          { name: 'a', blocks: [{ start: '10.30.0.99', stop: '10.30.0.90' }, { cidr: '10.30.0.0/40' }] },
          { name: 'a', blocks: [{ start: '10.30.2.1', stop: 'ten' }] },
        ],
      }),
    ).toThrow(
      [
        'CiliumLoadBalancer lb:',
        '  - pools[0].blocks[0]: the range 10.30.0.99-10.30.0.90 runs backwards: stop must not be below start',
        '  - pools[0].blocks[1]: cidr "10.30.0.0/40" must be an IPv4 CIDR such as "10.30.0.0/28"',
        '  - pools[1].blocks[0]: stop "ten" must be an IPv4 address such as "10.30.0.90"',
        '  - pools: two pools are named "a"',
      ].join('\n'),
    );
    expect(() => build({ pools: [] })).toThrow('CiliumLoadBalancer lb:\n  - pools must list at least one pool');
    expect(() => build({ pools: [{ name: 'Bad_Name', blocks: [] }] })).toThrow(
      'CiliumLoadBalancer lb:\n  - pools[0].name "Bad_Name" must be a DNS-1123 label\n  - pools[0].blocks must list at least one block of addresses',
    );
  });

  it('tells which pool holds an address', () => {
    const pools = [LAN, { name: 'services', blocks: [{ cidr: '10.30.1.0/28' }] }];
    expect(build({ pools }).lb.poolOf('10.30.1.15')).toBe('services');
    expect(poolOf(pools, '10.30.0.90')).toBe('homelab-lan');
    expect(poolOf(pools, '10.30.0.100')).toBeUndefined();
    expect(poolOf(pools, 'not-an-address')).toBeUndefined();
  });
});
