import { describe, expect, it } from '@jest/globals';
import { apiServerProblems, HOST_NAME, isCilium, urlHostPort, usesFqdnEgress } from '../../../constructs/network/cluster-network.js';

describe('cluster network', () => {
  it('treats only Cilium as Cilium, and egress by name as on unless switched off', () => {
    expect([isCilium(undefined), isCilium({}), isCilium({ cni: 'calico' }), isCilium({ cni: 'cilium' })]).toEqual([false, false, false, true]);
    expect(usesFqdnEgress({ cni: 'cilium' })).toBe(true);
    expect(usesFqdnEgress({ cni: 'cilium', fqdnEgress: false })).toBe(false);
    expect(usesFqdnEgress({ cni: 'calico', fqdnEgress: true })).toBe(false);
  });

  it('needs the API server addresses except on Cilium, and says why and what else would do', () => {
    expect(apiServerProblems(undefined, undefined, 'the service watches it')).toEqual([
      "apiServer.cidrs must name the API server's addresses: the service watches it through the namespace's default deny, and a Kubernetes NetworkPolicy " +
        'reaches it only by ipBlock (on Cilium, network.cni "cilium", cluster.cni in the platform config, reaches it as the kube-apiserver entity instead)',
    ]);
    expect(apiServerProblems({ cidrs: [] }, { cni: 'flannel' }, 'x')).toHaveLength(1);
    expect(apiServerProblems({ cidrs: ['10.0.0.1/32'] }, undefined, 'x')).toEqual([]);
    expect(apiServerProblems(undefined, { cni: 'cilium' }, 'x')).toEqual([]);
  });

  it('reads the host and port of a URL, 443 for https and 80 for http by default', () => {
    expect(urlHostPort('https://api.github.com')).toEqual({ host: 'api.github.com', port: 443 });
    expect(urlHostPort('https://github.lan:8443/api/v3')).toEqual({ host: 'github.lan', port: 8443 });
    expect(urlHostPort('http://keycloak.lan/realms/homelab/certs')).toEqual({ host: 'keycloak.lan', port: 80 });
  });

  it('accepts the DNS names Cilium can match, and nothing with a scheme, a port, upper case or a wildcard', () => {
    for (const name of ['api.github.com', 'registry.npmjs.org', 'github.lan', 'a_b.example.']) expect(HOST_NAME.test(name)).toBe(true);
    for (const name of ['https://api.github.com', 'api.github.com:443', 'API.github.com', '*.github.com', '', `${'a'.repeat(250)}.example`]) {
      expect(HOST_NAME.test(name)).toBe(false);
    }
  });
});
