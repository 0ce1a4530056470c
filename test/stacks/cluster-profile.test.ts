import { beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { DEFAULT_CONFIG, loadConfigFile } from '../../stacks/load-config.js';
import defaultConfig from '../../stacks/platform.config.js';
import { formatReport, renderPlatformInMemory, synthesize } from '../../stacks/synth.js';
import { tempDir } from '../support/files.js';

const parse = (raw: PlatformConfigInput) => parsePlatformConfig(raw, 'test');
/** A rendered object with the Argo CD app it belongs to. */
type Rendered = Record<string, any> & { app: string };
const manifestsOf = (raw: PlatformConfigInput): Rendered[] => renderPlatformInMemory(parse(raw)).apps.flatMap((app) => app.objects.map((o) => ({ ...o.manifest, app: app.name })));
const named = (objects: Rendered[], kind: string, name: string) => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
};

function problemsOf(raw: unknown): readonly string[] {
  try {
    parsePlatformConfig(raw, 'test.config.ts');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

/** The default platform on another CNI: Cilium's settings go with Cilium. */
/** Off Cilium the gateway reaches the hosted models' APIs by address: Anthropic's published range, a documentation range for Gemini. */
const PROVIDER_CIDRS = { anthropic: ['160.79.104.0/23'], gemini: ['192.0.2.0/24'] };
const onCni = (cni: 'calico' | 'flannel' | 'other', distribution: 'talos' | 'k3s' | 'generic' = 'talos'): PlatformConfigInput => ({
  ...defaultConfig,
  cluster: { distribution, cni },
  gateway: { ...defaultConfig.gateway, llm: { ...defaultConfig.gateway!.llm!, providerCidrs: PROVIDER_CIDRS } },
});

describe('cluster profile: the config', () => {
  it('defaults to a generic cluster on a CNI that enforces NetworkPolicies, with no Cilium settings', () => {
    const config = parse({ name: 'lab', kubernetes: { context: 'c' }, gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps' } });
    expect(config.cluster).toEqual({ distribution: 'generic', cni: 'other' });
  });

  it('ships the homelab as Talos with Cilium, egress by name on, and one LAN pool announced over ARP', () => {
    expect(parse(defaultConfig).cluster).toEqual({
      distribution: 'talos',
      cni: 'cilium',
      cilium: {
        fqdnEgress: true,
        loadBalancerIPPools: [{ name: 'homelab-lan', blocks: [{ start: '10.30.0.90', stop: '10.30.0.99' }] }],
        l2Announcements: { interfaces: ['^eth[0-9]+', '^en.+'] },
      },
    });
  });

  it('refuses Cilium settings on another CNI, and L2 announcements without pools', () => {
    expect(problemsOf({ ...defaultConfig, cluster: { ...defaultConfig.cluster, cni: 'calico' } })).toEqual([
      'cluster.cilium: renders Cilium objects, but cluster.cni is "calico": set cluster.cni to "cilium", or remove cluster.cilium',
    ]);
    expect(problemsOf({ ...defaultConfig, cluster: { cni: 'cilium', cilium: { l2Announcements: {} } }, gateway: { ...defaultConfig.gateway, service: { type: 'ClusterIP' } } })).toEqual([
      'cluster.cilium.l2Announcements: announces the addresses of cluster.cilium.loadBalancerIPPools: list the pools too',
    ]);
    expect(problemsOf({ ...defaultConfig, cluster: { cni: 'weave' } })).toEqual(['cluster.cni: must be "cilium", "calico", "flannel" or "other", got "weave"']);
    expect(problemsOf({ ...defaultConfig, cluster: { distribution: 'openshift' } })).toEqual(['cluster.distribution: must be "talos", "k3s" or "generic", got "openshift"']);
  });

  it("fails when the gateway's fixed address lies in no pool, naming the pools", () => {
    expect(problemsOf({ ...defaultConfig, gateway: { ...defaultConfig.gateway, service: { type: 'LoadBalancer', loadBalancerIP: '192.168.10.40' } } })).toEqual([
      'gateway.service.loadBalancerIP: 192.168.10.40 lies in no LoadBalancer pool, so Cilium would never assign it and the gateway would stay pending: ' +
        'use an address of homelab-lan (10.30.0.90-10.30.0.99), or add a pool that holds it',
    ]);
    // AND both ends of the pool, and any address when no pool is configured, are fine
    for (const ip of ['10.30.0.90', '10.30.0.99']) expect(() => parse({ ...defaultConfig, gateway: { ...defaultConfig.gateway, service: { type: 'LoadBalancer', loadBalancerIP: ip } } })).not.toThrow();
    expect(() => parse({ ...onCni('calico'), gateway: { ...defaultConfig.gateway, service: { type: 'LoadBalancer', loadBalancerIP: '192.168.10.40' } } })).not.toThrow();
    expect(problemsOf({ ...defaultConfig, gateway: { ...defaultConfig.gateway, service: { type: 'LoadBalancer', loadBalancerIP: 'gateway.lan' } } })).toEqual([
      'gateway.service.loadBalancerIP: must be an IPv4 address such as "10.30.0.90", got "gateway.lan"',
    ]);
  });

  it('needs no API server addresses on Cilium, and names the fix elsewhere', () => {
    const { apiServer: _apiServer, ...kubernetes } = defaultConfig.kubernetes;
    expect(() => parse({ ...defaultConfig, kubernetes })).not.toThrow();
    expect(problemsOf({ ...onCni('calico'), kubernetes })).toEqual([
      expect.stringMatching(/^kubernetes\.apiServer: is required by MCP servers kubernetes-prod \(.*\(not needed with cluster\.cni "cilium"\)$/),
      expect.stringMatching(/^kubernetes\.apiServer: is required when discovery\.enabled is true: .*\(not needed with cluster\.cni "cilium"\)$/),
      expect.stringMatching(/^kubernetes\.apiServer: is required when database\.enabled is true: .*\(not needed with cluster\.cni "cilium"\)$/),
    ]);
  });

  it('refuses the GPU operator installing the driver on Talos, by the field or by the values', () => {
    expect(problemsOf({ ...defaultConfig, operators: { ...defaultConfig.operators, nvidiaGpu: { enabled: true, driver: 'operator' } } })).toEqual([
      'operators.nvidiaGpu.driver: must be "host" on Talos: the driver and container toolkit come from the nvidia-container-toolkit and NVIDIA kernel-module system extensions, and the operator cannot install them on Talos',
    ]);
    expect(problemsOf({ ...defaultConfig, operators: { ...defaultConfig.operators, nvidiaGpu: { enabled: true, values: { toolkit: { enabled: true } } } } })).toEqual([
      expect.stringMatching(/^operators\.nvidiaGpu\.values: toolkit\.enabled: must be false on Talos: the NVIDIA container toolkit comes from a Talos system extension/),
    ]);
    expect(problemsOf({ ...defaultConfig, operators: { ...defaultConfig.operators, nvidiaGpu: { enabled: true, values: { cdi: { nriPluginEnabled: true } } } } })).toEqual([
      'operators.nvidiaGpu.values: cdi.nriPluginEnabled: must stay false while the toolkit is disabled: the chart refuses that combination (templates/validations.yaml)',
    ]);
    // AND off Talos the operator installs them by default
    expect(() => parse({ ...onCni('calico', 'generic'), operators: { ...defaultConfig.operators, nvidiaGpu: { enabled: true } } })).not.toThrow();
  });

  it("refuses operator values the pinned chart's values.schema.json refuses", () => {
    expect(problemsOf({ ...defaultConfig, operators: { ...defaultConfig.operators, cloudnativePg: { values: { config: { clusterWide: 'yes' } } } } })).toEqual([
      'operators.cloudnativePg.values: config.clusterWide: must be boolean (cloudnative-pg 0.29.0 values.schema.json)',
    ]);
    expect(problemsOf({ ...defaultConfig, operators: { ...defaultConfig.operators, kmcp: { values: ['not', 'a', 'map'] } } })).toEqual([
      'operators.kmcp.values: must be an object of Helm values, e.g. { replicaCount: 2 }',
    ]);
  });

  it('takes an MCP server upstream by DNS name, and refuses one that is not a name', () => {
    const server = (egress: unknown) => ({ ...defaultConfig, mcpServers: [{ ...defaultConfig.mcpServers![2], egress }] }) as PlatformConfigInput;
    expect(parse(server([{ hosts: ['api.github.com'], ports: [443] }])).mcpServers[0].egress).toEqual([{ hosts: ['api.github.com'], ports: [443] }]);
    expect(problemsOf(server([{ hosts: ['https://api.github.com'], ports: [443] }]))).toEqual([
      expect.stringMatching(/^mcpServers\[0\]\.egress\[0\]/),
    ]);
  });
});

describe('cluster profile: what synth renders', () => {
  // The default platform as npm run synth loads it: the config and its servers folder (the ToolHive servers live there).
  let platform: Rendered[];
  beforeAll(async () => {
    const config = await loadConfigFile(DEFAULT_CONFIG);
    platform = renderPlatformInMemory(config).apps.flatMap((app) => app.objects.map((o) => ({ ...o.manifest, app: app.name })));
  });

  it('renders, on Cilium, the API server as the kube-apiserver entity for every pod that calls it', () => {
    const entity = { toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] };
    for (const name of ['mcp-postgres', 'mcp-discovery', 'mcp-kubernetes-prod', 'mcp-adguard', 'mcp-opnsense']) {
      expect(named(platform, 'CiliumNetworkPolicy', name).spec.egress).toContainEqual(entity);
    }
  });

  it('renders GitHub and the npm registry by name on Cilium, and no internet-wide 443 rule for them', () => {
    const fqdns = (name: string) => named(platform, 'CiliumNetworkPolicy', name).spec.egress.flatMap((rule: any) => rule.toFQDNs ?? []);
    expect(fqdns('mcp-discovery')).toEqual([{ matchName: 'api.github.com' }]);
    expect(fqdns('mcp-kubernetes-prod')).toEqual([{ matchName: 'registry.npmjs.org' }]);
    expect(fqdns('mcp-github')).toEqual([{ matchName: 'api.github.com' }]);
    for (const name of ['mcp-discovery', 'mcp-kubernetes-prod', 'mcp-github']) {
      expect(JSON.stringify(named(platform, 'NetworkPolicy', name).spec.egress)).not.toContain('0.0.0.0/0');
    }
  });

  it("renders the LAN pool and its L2 announcements in their own Argo CD app, first in the sync order", () => {
    expect(named(platform, 'CiliumLoadBalancerIPPool', 'homelab-lan')).toMatchObject({ app: 'cluster-network', spec: { blocks: [{ start: '10.30.0.90', stop: '10.30.0.99' }] } });
    expect(named(platform, 'CiliumL2AnnouncementPolicy', 'homelab-l2')).toMatchObject({ app: 'cluster-network', spec: { loadBalancerIPs: true } });
    expect(named(platform, 'Service', 'mcp-gateway').spec).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: '10.30.0.90' });
    expect(named(platform, 'Application', 'homelab-cluster-network').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-20' });
  });

  it("sets the GPU operator up for Talos: the host's driver and toolkit, found under /usr/local", () => {
    const releases = renderPlatformInMemory(parse(defaultConfig)).terraform.resource.helm_release as Record<string, any>;
    const gpu = Object.values(releases).find((r) => r.chart === 'gpu-operator');
    expect(JSON.parse(gpu.values[0])).toEqual({ driver: { enabled: false }, toolkit: { enabled: false }, hostPaths: { driverInstallDir: '/usr/local' } });
    // AND the user's values merge over the platform's
    const tuned = renderPlatformInMemory(parse({ ...defaultConfig, operators: { ...defaultConfig.operators, nvidiaGpu: { enabled: true, values: { dcgmExporter: { enabled: false } } } } }));
    const tunedGpu = Object.values(tuned.terraform.resource.helm_release as Record<string, any>).find((r) => r.chart === 'gpu-operator');
    expect(JSON.parse(tunedGpu.values[0])).toEqual({ driver: { enabled: false }, toolkit: { enabled: false }, hostPaths: { driverInstallDir: '/usr/local' }, dcgmExporter: { enabled: false } });
  });

  it('renders plain NetworkPolicies only on Calico, with the API server by address and GitHub and npm as the internet on 443', () => {
    const calico = manifestsOf(onCni('calico'));
    expect(calico.filter((o) => o.apiVersion.startsWith('cilium.io/'))).toEqual([]);
    expect(calico.some((o) => o.app === 'cluster-network')).toBe(false);
    const egress = named(calico, 'NetworkPolicy', 'mcp-discovery').spec.egress;
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '192.168.10.5/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] });
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] });
    // AND the gateway reaches the model providers by their addresses on 443, not the internet
    const gateway = named(calico, 'NetworkPolicy', 'mcp-gateway').spec.egress;
    expect(gateway).toContainEqual({ to: [{ ipBlock: { cidr: '160.79.104.0/23' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(gateway).toContainEqual({ to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(JSON.stringify(gateway)).not.toContain('0.0.0.0/0');
    // AND the gateway's address needs no pool there
    expect(named(calico, 'Service', 'mcp-gateway').spec.loadBalancerIP).toBe('10.30.0.90');
  });
});

describe('cluster profile: the synth report', () => {
  const reportOf = (raw: PlatformConfigInput) => {
    const root = tempDir();
    return synthesize(parse(raw), { manifestsDir: `${root}/dist`, terraformDir: `${root}/cdktf.out` });
  };

  it('warns on flannel that the NetworkPolicies isolate nothing, and renders them all the same', () => {
    const report = reportOf(onCni('flannel'));
    expect(report.cluster.warnings).toEqual([
      expect.stringMatching(/^cluster\.cni is "flannel", which enforces no NetworkPolicy: the \d+ NetworkPolicies rendered isolate nothing there, so every pod can reach every other pod and the internet; /),
    ]);
    expect(formatReport(report)).toContain('  cluster: talos, cni flannel\n    ! cluster.cni is "flannel"');
    expect(reportOf(onCni('calico')).cluster.warnings).toEqual([]);
  });

  it('lists what the cluster must provide: the DNS proxy, L2 announcements, Talos GPU extensions', () => {
    const report = reportOf(defaultConfig);
    expect(report.cluster.profile).toBe('talos, cni cilium');
    expect(report.cluster.requirements).toEqual([
      expect.stringMatching(/^Cilium's L7 proxy \(l7Proxy: true/),
      expect.stringMatching(/^Cilium installed with l2announcements\.enabled=true and kubeProxyReplacement=true/),
      expect.stringMatching(/^on each GPU node, the Talos system extensions nvidia-container-toolkit and nonfree-kmod-nvidia/),
      expect.stringMatching(/^Argo CD's health check for Applications in argocd-cm/),
    ]);
    expect(reportOf({ ...onCni('calico', 'generic'), argocd: { ...defaultConfig.argocd, install: true } }).cluster.requirements).toEqual([]);
  });

  it('says the Argo CD it does not install must judge Applications\' health, or the sync waves do not wait', () => {
    expect(reportOf(onCni('calico', 'generic')).cluster.requirements).toEqual([
      'Argo CD\'s health check for Applications in argocd-cm (key resource.customizations.health.argoproj.io_Application, as in Argo CD\'s "Resource Health" docs): ' +
        'without it the root Application starts every sync wave at once, so the servers may sync before the network and the database they use are up; ' +
        'the platform adds it itself only when argocd.install is true',
    ]);
  });

  it('says DNS must come from outside the platform when guardrails.allowDnsEgress is false', () => {
    const raw = { ...onCni('calico', 'generic'), guardrails: { ...defaultConfig.guardrails, allowDnsEgress: false } };
    expect(reportOf(raw).cluster.requirements.slice(0, 1)).toEqual([
      `DNS for the pods of namespace mcp-system from a policy outside the platform (UDP and TCP 53 to kube-dns): guardrails.allowDnsEgress is false, ` +
        "so no rendered policy allows it, and every part resolves names (the gateway its servers' Services, npm servers the registry, the migration Job the database)",
    ]);
  });

  it('warns that values for a chart with no vendored schema go to Helm unchecked', () => {
    const report = reportOf({ ...defaultConfig, operators: { ...defaultConfig.operators, kmcp: { values: { controller: { replicaCount: 2 } } } } });
    expect(report.cluster.warnings).toEqual([
      'operators.kmcp.values go to chart kmcp 0.3.0 unchecked: that chart version ships no values.schema.json here (imports/charts), so only Helm judges them',
    ]);
  });
});
