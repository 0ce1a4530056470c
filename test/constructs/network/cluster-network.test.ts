import { describe, expect, it } from '@jest/globals';
import { apiServerProblems, HOST_NAME, isCilium, outsideHostProblem, urlEgress, urlHostPort, usesFqdnEgress } from '../../../constructs/network/cluster-network.js';

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
    for (const name of ['192.168.10.5', '10.0.0.1.', 'https://api.github.com', 'api.github.com:443', 'API.github.com', '*.github.com', '', `${'a'.repeat(250)}.example`]) {
      expect(HOST_NAME.test(name)).toBe(false);
    }
  });

  describe('outsideHostProblem', () => {
    const cilium = { cni: 'cilium' } as const;
    const FIELD = 'gateway.auth.jwksCidrs';

    it('passes an internet name on every network, and an IPv4 address (it becomes an address rule)', () => {
      for (const network of [undefined, { cni: 'calico' } as const, cilium]) {
        expect(outsideHostProblem('auth.example.com', network, FIELD)).toBeUndefined();
        expect(outsideHostProblem('192.168.10.5', network, FIELD)).toBeUndefined();
      }
    });

    it('refuses a LAN name off Cilium, asking for its addresses in the field given, and passes it on Cilium', () => {
      for (const host of ['keycloak.lan', 'idp.home.arpa', 'idp.local', 'idp.corp.internal', 'idp.localdomain', 'IdP.Home.']) {
        expect(outsideHostProblem(host, { cni: 'flannel' }, FIELD)).toBe(
          `"${host}" resolves on the LAN, and without Cilium's DNS-name rules (cluster.cni "cilium") the policy can only allow internet addresses, the private ranges excluded: list the host's addresses in gateway.auth.jwksCidrs`,
        );
        expect(outsideHostProblem(host, cilium, FIELD)).toBeUndefined();
      }
      // Cilium with DNS-name rules switched off is like any other CNI
      expect(outsideHostProblem('keycloak.lan', { cni: 'cilium', fqdnEgress: false }, FIELD)).toMatch(/resolves on the LAN/);
    });

    it('refuses a Service inside the cluster on every network', () => {
      for (const host of ['keycloak.auth.svc', 'keycloak.auth.svc.cluster.local', 'keycloak.auth.svc.homelab.example', 'x.cluster.local']) {
        expect(outsideHostProblem(host, cilium, FIELD)).toBe(
          `"${host}" is a Service inside the cluster: egress is matched on the pod behind it, which neither a DNS-name nor an address rule selects; use the host's address outside the cluster`,
        );
      }
      expect(outsideHostProblem('svc.example.com', cilium, FIELD)).toBeUndefined();
    });

    it('refuses a name without a domain and an IPv6 address', () => {
      expect(outsideHostProblem('keycloak', cilium, FIELD)).toBe(
        '"keycloak" has no domain: the pod\'s DNS search path completes it to other names, so no DNS-name rule matches it; use the full name',
      );
      expect(outsideHostProblem('[fd00::5]', undefined, FIELD)).toBe('"[fd00::5]" is an IPv6 address: the platform\'s policies are IPv4; use the host\'s IPv4 address or DNS name');
    });
  });

  it('reaches a URL by its given addresses, by the address it names, or by name', () => {
    expect(urlEgress('https://auth.example.com/certs', undefined)).toEqual({ peers: [], port: 443, host: 'auth.example.com' });
    expect(urlEgress('http://192.168.10.5:8080/certs', undefined)).toEqual({ peers: [{ cidr: '192.168.10.5/32' }], port: 8080 });
    expect(urlEgress('https://keycloak.lan/certs', ['192.168.10.6/32', '192.168.10.7/32'])).toEqual({ peers: [{ cidr: '192.168.10.6/32' }, { cidr: '192.168.10.7/32' }], port: 443 });
    expect(urlEgress('https://keycloak.lan/certs', [])).toEqual({ peers: [], port: 443, host: 'keycloak.lan' });
  });
});
