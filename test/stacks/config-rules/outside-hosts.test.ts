import { describe, expect, it } from '@jest/globals';
import { outsideHosts } from '../../../stacks/config-rules/outside-hosts.js';
import type { PlatformConfigInput } from '../../../stacks/config.js';
import { configOf, minimal } from './support.js';

const AUTH = { issuer: 'https://keycloak.lan/realms/mcp', audiences: ['mcp'], jwksUrl: 'https://keycloak.lan/realms/mcp/certs' };
const DISCOVERY = {
  enabled: true,
  database: 'embedded',
  repo: 'me/platform',
  github: { apiUrl: 'https://github.lan/api/v3', auth: { token: { from: 'secret', name: 'gh', key: 'token' } } },
  apiToken: { from: 'secret', name: 'api', key: 'token' },
} as const;
const LAN = (host: string, field: string) =>
  `"${host}" resolves on the LAN, and without Cilium's DNS-name rules (cluster.cni "cilium") the policy can only allow internet addresses, the private ranges excluded: list the host's addresses in ${field}`;
const check = (raw: Partial<PlatformConfigInput>) => outsideHosts.check(configOf({ ...minimal, ...raw }));

describe('config rule outside-hosts', () => {
  it('names the config field of each LAN host off Cilium: the JWKS URL, the GitHub API, a server upstream', () => {
    const server = { name: 'nas', transport: 'streamable-http', source: { image: 'ghcr.io/acme/nas-mcp:1.0.0' }, egress: [{ hosts: ['api.github.com', 'nas.home.arpa'], ports: [443] }] };
    expect(check({ gateway: { enabled: true, auth: AUTH }, discovery: DISCOVERY, mcpServers: [server] } as Partial<PlatformConfigInput>)).toEqual([
      { path: 'gateway.auth.jwksUrl', message: LAN('keycloak.lan', 'gateway.auth.jwksCidrs') },
      { path: 'discovery.github.apiUrl', message: LAN('github.lan', 'discovery.github.egressCidrs') },
      { path: 'mcpServers[0].egress[0].hosts[1]', message: LAN('nas.home.arpa', 'egress[0] as { cidrs: [...], ports: [...] } instead') },
    ]);
  });

  it('passes the same hosts on Cilium, or with their addresses given, or when the part is off', () => {
    expect(check({ cluster: { cni: 'cilium' }, gateway: { enabled: true, auth: AUTH }, discovery: DISCOVERY } as Partial<PlatformConfigInput>)).toEqual([]);
    expect(
      check({ gateway: { enabled: true, auth: { ...AUTH, jwksCidrs: ['192.168.10.6/32'] } }, discovery: { ...DISCOVERY, github: { ...DISCOVERY.github, egressCidrs: ['192.168.10.20/32'] } } } as Partial<PlatformConfigInput>),
    ).toEqual([]);
    expect(check({ gateway: { enabled: false, auth: AUTH }, discovery: { ...DISCOVERY, enabled: false } } as Partial<PlatformConfigInput>)).toEqual([]);
  });

  it('refuses a JWKS URL on a cluster Service without its pods, on every network, and takes it with them', () => {
    const auth = { ...AUTH, jwksUrl: 'http://keycloak.auth.svc:8080/certs' };
    for (const cni of ['cilium', 'calico'] as const) {
      expect(check({ cluster: { cni }, gateway: { enabled: true, auth } } as Partial<PlatformConfigInput>)).toEqual([
        {
          path: 'gateway.auth.jwksUrl',
          message:
            '"keycloak.auth.svc" is a Service inside the cluster: egress is matched on the pods behind it; name them in gateway.auth.jwksPods ({ namespace, podLabels, port: the port the pods listen on })',
        },
      ]);
    }
    const jwksPods = { namespace: 'auth', podLabels: { 'app.kubernetes.io/name': 'keycloak' }, port: 8080 };
    expect(check({ gateway: { enabled: true, auth: { ...auth, jwksPods } } } as Partial<PlatformConfigInput>)).toEqual([]);
  });

  it("refuses jwksPods in the platform's own namespace, where the default-deny policy shuts the identity provider in", () => {
    const auth = { ...AUTH, jwksUrl: 'http://keycloak.mcp-system.svc:8080/certs', jwksPods: { namespace: 'mcp-system', podLabels: { app: 'keycloak' }, port: 8080 } };
    expect(check({ gateway: { enabled: true, auth } } as Partial<PlatformConfigInput>)).toEqual([
      {
        path: 'gateway.auth.jwksPods.namespace',
        message:
          '"mcp-system" is the platform\'s namespace, whose default-deny policy admits only the platform\'s own parts, so the gateway would never reach the identity provider: run it in a namespace of its own, whose policy admits the gateway',
      },
    ]);
  });

  it("refuses jwksPods in another namespace than the JWKS Service's", () => {
    const auth = { ...AUTH, jwksUrl: 'http://keycloak.auth.svc.cluster.local/certs', jwksPods: { namespace: 'other', podLabels: { app: 'keycloak' }, port: 8080 } };
    expect(check({ gateway: { enabled: true, auth } } as Partial<PlatformConfigInput>)).toEqual([
      {
        path: 'gateway.auth.jwksUrl',
        message:
          '"keycloak.auth.svc.cluster.local" is a Service in namespace "auth", but gateway.auth.jwksPods.namespace is "other": a Service sends only to pods of its own namespace, so the gateway\'s egress would allow pods it never reaches; set gateway.auth.jwksPods.namespace to "auth"',
      },
    ]);
    expect(check({ gateway: { enabled: true, auth: { ...auth, jwksPods: { ...auth.jwksPods, namespace: 'auth' } } } } as Partial<PlatformConfigInput>)).toEqual([]);
  });

  it("refuses an external server whose Service is in the platform's namespace, and takes one in its own", () => {
    const external = (namespace: string) => ({ name: 'legacy', flavour: 'external' as const, transport: 'streamable-http' as const, port: 3000, source: { service: { name: 'legacy-svc', namespace } } });
    expect(check({ mcpServers: [external('mcp-system')] } as Partial<PlatformConfigInput>)).toEqual([
      {
        path: 'mcpServers[0].source.service.namespace',
        message:
          '"mcp-system" is the platform\'s namespace, whose default-deny policy admits only the platform\'s own parts, so the gateway and the discovery service would never reach the server\'s pods: run it in a namespace of its own, or let the platform deploy it (flavour "standalone", "kmcp" or "toolhive")',
      },
    ]);
    expect(check({ mcpServers: [external('legacy')] } as Partial<PlatformConfigInput>)).toEqual([]);
  });

  it('refuses jwksPods for a JWKS URL outside the cluster', () => {
    const jwksPods = { namespace: 'auth', podLabels: { app: 'keycloak' }, port: 8080 };
    expect(check({ cluster: { cni: 'cilium' }, gateway: { enabled: true, auth: { ...AUTH, jwksPods } } } as Partial<PlatformConfigInput>)).toEqual([
      {
        path: 'gateway.auth.jwksUrl',
        message: '"keycloak.lan" is not a Service inside the cluster, which is what gateway.auth.jwksPods is for: leave gateway.auth.jwksPods out (or use gateway.auth.jwksCidrs for a LAN host)',
      },
    ]);
  });
});
