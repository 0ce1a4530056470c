/**
 * Values the schema used to accept and the API server, Helm or a construct then refused (issue 13): each is
 * now refused when the config loads, naming the field and the fix, or accepted and rendered.
 */
import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseMcpServer, parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { renderPlatformInMemory } from '../../stacks/synth.js';

const minimal: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.1/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
};
const image = { image: 'ghcr.io/acme/mcp:1.0.0' };
const server = (fields: Record<string, unknown>) => ({ ...minimal, mcpServers: [{ name: 'acme', transport: 'streamable-http', source: image, ...fields }] }) as PlatformConfigInput;

function problemsOf(raw: unknown): readonly string[] {
  try {
    parsePlatformConfig(raw, 'test.config.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toMatch(/\n\s+at /);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('config fields the cluster would refuse', () => {
  it('refuses an MCP server name that is no DNS-1035 label, since the server names its Service', () => {
    expect(problemsOf(server({ name: '1password' }))).toEqual([
      'mcpServers[0].name: must start with a letter: it names the server\'s Service, and a Service name is a DNS-1035 label (e.g. "onepassword" for 1Password), got "1password"',
    ]);
    expect(parsePlatformConfig(server({ name: 'onepassword' }), 'test').mcpServers[0].name).toBe('onepassword');
  });

  it('refuses a platform name over 35 characters, which would make the root Helm release name too long', () => {
    expect(problemsOf({ ...minimal, name: 'a'.repeat(36) })).toEqual([
      `name: must be at most 35 characters: the Argo CD root is the Helm release "<name>-mcp-platform-root", and Helm refuses release names over 53 characters, got "${'a'.repeat(36)}"`,
    ]);
    // 35 + "-mcp-platform-root" is 53, Helm's limit; the rendered release is named so.
    const config = parsePlatformConfig({ ...minimal, name: 'a'.repeat(35) }, 'test');
    const releases = Object.values(renderPlatformInMemory(config).terraform.resource.helm_release as Record<string, { name: string }>).map((r) => r.name);
    expect(releases).toContain(`${'a'.repeat(35)}-mcp-platform-root`);
    expect(Math.max(...releases.map((r) => r.length))).toBe(53);
  });

  it('refuses label keys and values the API server refuses, quoting the key in the path', () => {
    expect(problemsOf(server({ labels: { 'a b': 'ok' } }))).toEqual([
      'mcpServers[0].labels["a b"]: the key "a b" must be a label key: an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
    ]);
    expect(problemsOf(server({ labels: { team: 'c d' } }))).toEqual([
      'mcpServers[0].labels.team: must be a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty), got "c d"',
    ]);
    expect(problemsOf(server({ labels: { team: 'x'.repeat(64) } }))).toHaveLength(1);
    expect(problemsOf(server({ labels: { [`${'p'.repeat(254)}/name`]: 'v' } }))).toHaveLength(1);
    const accepted = parsePlatformConfig(server({ labels: { 'example.com/team': 'platform_1.a', empty: '' } }), 'test');
    expect(accepted.mcpServers[0].labels).toEqual({ 'example.com/team': 'platform_1.a', empty: '' });
  });

  it('refuses jwksPods beside jwksCidrs and without a pod label, naming the field', () => {
    const gateway = (auth: Record<string, unknown>) =>
      ({ ...minimal, gateway: { enabled: true, auth: { issuer: 'https://idp', audiences: ['mcp'], jwksUrl: 'http://idp.auth.svc:8080/certs', ...auth } } }) as PlatformConfigInput;
    const pods = { namespace: 'auth', podLabels: { app: 'idp' }, port: 8080 };
    expect(problemsOf(gateway({ jwksPods: pods, jwksCidrs: ['192.168.10.6/32'] }))).toEqual([
      'gateway.auth.jwksPods: and jwksCidrs are both set: a Service inside the cluster is reached by its pods, a LAN host by its addresses; keep one',
    ]);
    expect(problemsOf(gateway({ jwksPods: { ...pods, podLabels: {} } }))).toEqual([
      "gateway.auth.jwksPods.podLabels: must name at least one label of the identity provider's pods (the Service's selector), got an object",
    ]);
    expect(parsePlatformConfig(gateway({ jwksPods: pods }), 'test').gateway.auth?.jwksPods).toEqual(pods);
  });

  it('refuses a blank audience when the config loads, naming its index', () => {
    const gateway = { enabled: true, auth: { issuer: 'https://idp.example.com', audiences: ['mcp', ' '], jwksUrl: 'https://idp.example.com/certs' } };
    expect(problemsOf({ ...minimal, gateway } as PlatformConfigInput)).toEqual(['gateway.auth.audiences[1]: must be an audience, the "aud" value tokens carry: not blank, got " "']);
  });

  it('refuses a database every instance has and an owner PostgreSQL or CloudNativePG keeps', () => {
    const database = (fields: Record<string, unknown>) => ({ ...minimal, database: { enabled: true, ...fields } }) as PlatformConfigInput;
    expect(problemsOf(database({ database: 'template1', owner: 'pg_mcp' }))).toEqual([
      'database.database: is a database every PostgreSQL instance already has: CloudNativePG would not create it for the owner, who then could not create the registry\'s tables in it; use a database of its own such as "mcp", got "template1"',
      'database.owner: starts with "pg_", which PostgreSQL reserves (CREATE ROLE refuses it); use a role of its own such as "mcp", got "pg_mcp"',
    ]);
    expect(problemsOf(database({ owner: 'MCP' }))).toEqual(['database.owner: must be a lowercase SQL identifier (letters, digits, "_"; not starting with a digit), got "MCP"']);
  });

  it("says what a bounded number, a list, a choice or a required text must be, in the config's words", () => {
    const one = (raw: Record<string, unknown>) => problemsOf({ ...minimal, ...raw } as PlatformConfigInput);
    expect(one({ gateway: { enabled: true, replicas: 0 } })).toEqual(['gateway.replicas: must be more than 0, got 0']);
    expect(one({ database: { enabled: true, instances: 10 } })).toEqual(['database.instances: must be at most 9, got 10']);
    expect(one({ gateway: { enabled: true, service: { type: 'NodePort' } } })).toEqual(['gateway.service.type: must be one of "ClusterIP", "LoadBalancer", got "NodePort"']);
    expect(one({ database: { enabled: true, pooler: { poolMode: 'statement' } } })).toEqual(['database.pooler.poolMode: must be one of "session", "transaction", got "statement"']);
    expect(one({ gitops: { ...minimal.gitops, revision: '' } })).toEqual(['gitops.revision: must not be empty, got ""']);
    expect(one({ gateway: { enabled: true, auth: { issuer: 'https://idp', audiences: [], jwksUrl: 'https://idp/certs' } } })).toEqual([
      'gateway.auth.audiences: must list at least one entry, got []',
    ]);
  });

  it('takes every quantity form the API server takes: decimal exponents, a trailing dot, n and u', () => {
    const quotas = (memory: string) => ({ ...minimal, mcpServers: [{ name: 'acme', transport: 'streamable-http', source: image, resources: { requestsCpu: '100m', requestsMemory: memory, limitsMemory: '1Gi' } }] }) as PlatformConfigInput;
    for (const memory of ['1e8', '128M', '2.', '134217728']) expect(parsePlatformConfig(quotas(memory), 'test').mcpServers[0].resources?.requestsMemory).toBe(memory);
    expect(problemsOf(quotas('1e8Mi'))).toEqual(['mcpServers[0].resources.requestsMemory: must be a Kubernetes quantity such as "500m", "2", "512Mi" or "4Gi", got "1e8Mi"']);
  });

  it('refuses a credential in a URL field, naming it and where the credential goes', () => {
    const cred = 'must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is';
    expect(problemsOf({ ...minimal, gitops: { ...minimal.gitops, repoUrl: 'https://me:ghp_abc@github.com/me/gitops.git' } })).toEqual([
      `gitops.repoUrl: ${cred}; Argo CD reads the repository's credentials from its repository Secret, and the publish workflow from GITOPS_TOKEN`,
    ]);
    const auth = { issuer: 'https://idp', audiences: ['mcp'], jwksUrl: 'https://u:p@auth.example.com/certs' };
    expect(problemsOf({ ...minimal, gateway: { enabled: true, auth } } as PlatformConfigInput)).toEqual([`gateway.auth.jwksUrl: ${cred}; a key set is public: leave the credentials out`]);
    const discovery = {
      enabled: true,
      database: 'embedded',
      repo: 'me/platform',
      github: { apiUrl: 'https://tok@github.example.com/api/v3', auth: { token: { from: 'secret', name: 'gh', key: 'token' } }, egressCidrs: ['192.168.10.20/32'] },
      apiToken: { from: 'secret', name: 'api', key: 'token' },
    };
    expect(problemsOf({ ...minimal, discovery } as PlatformConfigInput)).toEqual([`discovery.github.apiUrl: ${cred}; the discovery service signs in with github.auth, by reference`]);
    expect(parsePlatformConfig({ ...minimal, gitops: { ...minimal.gitops, repoUrl: 'ssh://git@github.com/me/gitops.git' } }, 'test').gitops.repoUrl).toBe('ssh://git@github.com/me/gitops.git');
  });

  it('refuses Argo CD\'s own default project as the platform\'s project', () => {
    expect(problemsOf({ ...minimal, argocd: { ...(minimal as any).argocd, project: 'default' } })).toEqual([
      'argocd.project: must not be "default": that is Argo CD\'s own project, which every Application without a project uses; the platform would narrow it to its one repository and namespaces, and it cannot be deleted. Use a name of its own such as "mcp-platform", got "default"',
    ]);
  });

  it('reports a server name that is no DNS label once, and ToolHive\'s reserved name from the construct', () => {
    // (the construct's own message for it, "... (it names the Service and the gateway route)", is left to the schema's)
    expect(problemsOf(server({ name: 'My Server' })).filter((p) => p.includes('gateway route'))).toEqual([]);
    expect(problemsOf(server({ name: 'mcpserver', flavour: 'toolhive' }))).toContain(
      'mcpServers[0].name: "mcpserver" cannot be a ToolHive server: ToolHive labels every proxy pod app=mcpserver and selects the server\'s own pods by app=<name>, so the server\'s Service would also send to proxies; use another name',
    );
  });

  it('refuses a server label the platform sets, naming the server\'s labels', () => {
    expect(problemsOf(server({ labels: { 'app.kubernetes.io/component': 'x' } }))).toEqual([
      'mcpServers[0].labels: "app.kubernetes.io/component" is set by the platform: its Services, NetworkPolicies and monitors select on it; use a key of your own, e.g. "example.com/team"',
    ]);
    expect(problemsOf(server({ labels: { 'mcp-platform.dev/server': 'other' } }))).toHaveLength(1);
  });

  it('refuses names of parts that become Service names and do not start with a letter, and a server named default', () => {
    expect(problemsOf({ ...minimal, gpuInference: { name: '8b' } })).toEqual(['gpuInference.name: must start with a letter: it names the Service, and a Service name is a DNS-1035 label, got "8b"']);
    expect(problemsOf({ ...minimal, database: { name: '7db' } })).toEqual([
      'database.name: must start with a letter: CloudNativePG names the Services <name>-rw, -ro and -r after it, and a Service name is a DNS-1035 label, got "7db"',
    ]);
    expect(problemsOf({ ...minimal, database: { name: `d${'b'.repeat(50)}` } })).toEqual([
      `database.name: must be at most 50 characters: CloudNativePG names Secrets and Services such as <name>-replication after it, and those must stay DNS-1123 labels of at most 63, got "d${'b'.repeat(50)}"`,
    ]);
    expect(() => parsePlatformConfig({ ...minimal, database: { name: `d${'b'.repeat(49)}` } }, 'test')).not.toThrow();
    expect(problemsOf(server({ name: 'default' }))).toEqual([
      'mcpServers[0].name: must not be "default": it names the server\'s ServiceAccount, and "default" is the namespace\'s own, which every pod without one uses, got "default"',
    ]);
  });

  it('refuses LimitRange defaults whose memory request is above the limit, and two secret files at one path', () => {
    expect(problemsOf({ ...minimal, guardrails: { limitRange: { defaultRequestCpu: '50m', defaultRequestMemory: '512Mi', defaultLimitMemory: '256Mi' } } })).toEqual([
      'guardrails.limitRange.defaultRequestMemory: 512Mi is above defaultLimitMemory 256Mi: a container that sets neither would get a request above its limit, which the API server refuses',
    ]);
    const file = (path: string) => ({ secret: { from: 'secret', name: 'cfg', key: 'config' }, path });
    expect(problemsOf(server({ secretFiles: [file('/etc/mcp/a'), file('/etc/mcp/a')] }))).toEqual([
      'mcpServers[0].secretFiles[1].path: "/etc/mcp/a" is also the path of secretFiles[0]: two files cannot be mounted at one path',
    ]);
  });

  it('refuses a namespace watched twice and URLs that are not http(s)', () => {
    const discovery = { enabled: true, repo: 'me/platform', github: { auth: { token: { from: 'secret', name: 'gh', key: 't' } } }, apiToken: { from: 'secret', name: 'api', key: 't' }, database: 'embedded' };
    expect(problemsOf({ ...minimal, discovery: { ...discovery, watchNamespaces: ['a', 'a'] } })).toEqual(['discovery.watchNamespaces[1]: "a" is listed twice: list each namespace once']);
    expect(problemsOf({ ...minimal, discovery: { ...discovery, github: { ...discovery.github, apiUrl: 'ftp://github.example.com' } } })).toEqual([
      'discovery.github.apiUrl: must be an http(s) URL such as "https://github.example.com/api/v3", got "ftp://github.example.com"',
    ]);
    expect(problemsOf({ ...minimal, gateway: { auth: { issuer: 'i', audiences: ['a'], jwksUrl: 'file:///keys.json' } } })).toEqual([
      'gateway.auth.jwksUrl: must be an http(s) URL of the issuer\'s JSON Web Key Set, got "file:///keys.json"',
    ]);
  });

  it('refuses a fixed gateway address in a pool that does not select the gateway Service', () => {
    const cluster = { cni: 'cilium', cilium: { loadBalancerIPPools: [{ name: 'lan', blocks: [{ cidr: '10.99.0.0/28' }], serviceLabels: { 'lb-pool': 'other' } }] } };
    expect(problemsOf({ ...minimal, cluster, gateway: { enabled: true, service: { type: 'LoadBalancer', loadBalancerIP: '10.99.0.5' } } })).toEqual([
      'gateway.service.loadBalancerIP: 10.99.0.5 lies in pool lan, whose serviceLabels (lb-pool=other) the gateway\'s Service does not carry, so Cilium would never assign it: ' +
        'use an address of a pool that selects the gateway (its labels: app.kubernetes.io/part-of=mcp-platform, app.kubernetes.io/managed-by=mcp-platform, app.kubernetes.io/component=mcp-gateway, app.kubernetes.io/name=mcp-gateway), or widen that pool\'s serviceLabels',
    ]);
    const selecting = { ...cluster, cilium: { loadBalancerIPPools: [{ ...cluster.cilium.loadBalancerIPPools[0], serviceLabels: { 'app.kubernetes.io/name': 'mcp-gateway' } }] } };
    expect(parsePlatformConfig({ ...minimal, cluster: selecting, gateway: { enabled: true, service: { type: 'LoadBalancer', loadBalancerIP: '10.99.0.5' } } } as PlatformConfigInput, 'test').gateway.enabled).toBe(true);
  });

  it('refuses a memory request above its limit, for every resources field', () => {
    const over = { requestsCpu: '1', requestsMemory: '2Gi', limitsMemory: '1Gi' };
    const message = '2Gi is above limitsMemory 1Gi, which the API server refuses: request at most the limit';
    expect(problemsOf(server({ resources: over }))).toEqual([`mcpServers[0].resources.requestsMemory: ${message}`]);
    expect(problemsOf({ ...minimal, database: { enabled: true, resources: over } })).toEqual([`database.resources.requestsMemory: ${message}`]);
    expect(problemsOf({ ...minimal, gpuInference: { resources: over } })).toEqual([`gpuInference.resources.requestsMemory: ${message}`]);
    // Equal is fine (Guaranteed QoS), and units compare by value.
    expect(parsePlatformConfig(server({ resources: { requestsCpu: '1', requestsMemory: '1024Mi', limitsMemory: '1Gi' } }), 'test').mcpServers).toHaveLength(1);
  });

  it('refuses an external triage address that is neither an IPv4 address nor a DNS name', () => {
    const triage = (address: string) => ({ ...minimal, triageLlm: { enabled: true, provider: 'external', address, port: 8000, model: 'qwen' } }) as PlatformConfigInput;
    expect(problemsOf(triage('999.1.1.1'))).toEqual(['triageLlm.address: must be an IPv4 address (four numbers of 0-255) or a DNS name, got "999.1.1.1"']);
    expect(problemsOf(triage('10.0.0'))).toHaveLength(1);
    expect(parsePlatformConfig(triage('192.168.1.50'), 'test').triageLlm).toMatchObject({ address: '192.168.1.50' });
  });

  it('refuses a capability the discovery service would reject', () => {
    expect(problemsOf(server({ capabilities: ['tools', 'bogus'] }))).toEqual([
      'mcpServers[0].capabilities[1]: must be an MCP capability: tools, resources, prompts, logging, completions, sampling, elicitation, roots, got "bogus"',
    ]);
    expect(parsePlatformConfig(server({ capabilities: ['tools', 'prompts'] }), 'test').mcpServers[0].capabilities).toEqual(['tools', 'prompts']);
    expect(problemsOf(server({ capabilities: [] }))).toEqual(['mcpServers[0].capabilities: must list at least one MCP capability, or be left out for the default ["tools"], got []']);
  });

  it("refuses an alert currency that would break the alert's template, and takes a code or a symbol", () => {
    const withCurrency = (currency: string) => ({ ...minimal, monitoring: { alerts: { currency } } });
    for (const currency of ['EUR {{', '{{ end }}', 'US Dollar', '']) {
      expect(problemsOf(withCurrency(currency))).toEqual([
        `monitoring.alerts.currency: must be a currency code or symbol such as "USD" or "€" (at most 12 characters, no spaces or braces: it is written into the alert's description, a template Prometheus parses), got ${JSON.stringify(currency)}`,
      ]);
    }
    expect(parsePlatformConfig(withCurrency('€'), 'test').monitoring.alerts.currency).toBe('€');
    expect(parsePlatformConfig(minimal, 'test').monitoring.alerts.currency).toBe('USD');
  });

  it("refuses a Secret name over 253 characters at the reference, not as the server's name", () => {
    const long = 'b'.repeat(254);
    expect(problemsOf(server({ secretEnv: { TOKEN: { from: 'secret', name: long, key: 'token' } } }))).toEqual([
      `mcpServers[0].secretEnv.TOKEN.name: must be a Secret name of at most 253 characters (a DNS-1123 subdomain), got "${long}"`,
    ]);
  });

  it('asks for remoteName when an Infisical key cannot be read through its template', () => {
    const ref = { from: 'infisical', name: 'acme', key: 'api-key', projectSlug: 'lab', environment: 'prod', credentials: { name: 'identity' } };
    expect(problemsOf(server({ secretEnv: { API_KEY: ref } }))).toEqual([
      'mcpServers[0].secretEnv.API_KEY.remoteName: is required: the key "api-key" is not an Infisical secret name (letters, digits and "_"), so name the secret in Infisical, e.g. remoteName: "api_key"',
    ]);
    // Only a leading digit gets the "_" in front: a digit later in the key stays as it is.
    expect(problemsOf(server({ secretEnv: { API_KEY: { ...ref, key: 'api-key2' } } }))).toEqual([
      'mcpServers[0].secretEnv.API_KEY.remoteName: is required: the key "api-key2" is not an Infisical secret name (letters, digits and "_"), so name the secret in Infisical, e.g. remoteName: "api_key2"',
    ]);
    expect(problemsOf(server({ secretEnv: { API_KEY: { ...ref, remoteName: 'api-key' } } }))).toEqual([
      'mcpServers[0].secretEnv.API_KEY.remoteName: must be an Infisical secret name (letters, digits and "_", not starting with a digit): it is read through the template {{ .NAME.Value }}, got "api-key"',
    ]);
    expect(parsePlatformConfig(server({ secretEnv: { API_KEY: { ...ref, remoteName: 'ACME_API_KEY' } } }), 'test').mcpServers).toHaveLength(1);
  });

  it("refuses a server's cross-field mistakes when the config loads, each once", () => {
    expect(problemsOf(server({ port: 80 }))).toEqual(['mcpServers[0].port: must be 1024-65535 (the server runs as non-root), got 80']);
    // A port outside 1-65535 is the field's own error, not also the non-root one.
    expect(problemsOf(server({ port: 0 }))).toEqual(['mcpServers[0].port: must be a port number (1-65535), got 0']);
    expect(problemsOf(server({ env: { A: '1' }, secretEnv: { A: { from: 'secret', name: 's', key: 'k' } } }))).toEqual(['mcpServers[0].secretEnv.A: is also set in env: keep one of the two']);
    expect(problemsOf(server({ kubernetesAccess: { rules: [{ apiGroups: ['apps'], resources: ['*'] }] } }))).toEqual([
      'mcpServers[0].kubernetesAccess.rules[0]: uses "*": list the resources, or give kubernetesAccess.wildcardReason (at least 20 characters) saying why the server needs all of them',
    ]);
  });

  it('refuses a literal credential in env whatever it is called, with how to pass a reference', () => {
    for (const [name, value] of [
      ['DATABASE_URL', 'postgres://app:hunter2@db:5432/app'],
      ['AZURE_STORAGE_KEY', 'bm90LWEta2V5'],
      ['OCI_CLI_KEY_CONTENT', 'abc'],
      ['API_BEARER', 'abc'],
    ]) {
      const problems = problemsOf(server({ env: { [name]: value } }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^mcpServers\\[0\\]\\.env\\.${name}: .*: pass it by reference in secretEnv \\(\\{ from: "secret" \\| "externalSecret" \\| "infisical", name, key, \\.\\.\\. \\}\\)`));
      expect(problems[0]).not.toContain(value);
    }
  });

  it('refuses Secret keys the API server refuses: "." and "..", a leading "..", over 253 characters', () => {
    const ref = (key: string) => server({ secretEnv: { TOKEN: { from: 'secret', name: 'acme', key } } });
    expect(problemsOf(ref('.'))).toEqual([
      'mcpServers[0].secretEnv.TOKEN.key: must not be "." or "..", nor start with ".." (the key is a file name where the Secret is mounted) (a Secret key), got "."',
    ]);
    expect(problemsOf(ref('..'))).toHaveLength(1);
    expect(problemsOf(ref('..token'))).toHaveLength(1);
    expect(problemsOf(ref('k'.repeat(254)))).toEqual([`mcpServers[0].secretEnv.TOKEN.key: must be 1 to 253 characters (a Secret key), got "${'k'.repeat(254)}"`]);
    expect(problemsOf(ref('a b'))).toEqual(['mcpServers[0].secretEnv.TOKEN.key: must contain only letters, digits, "-", "_" and "." (a Secret key), got "a b"']);
    expect(parsePlatformConfig(ref(`.hidden_${'k'.repeat(245)}`), 'test').mcpServers[0].secretEnv?.TOKEN.key).toHaveLength(253);
  });

  it('refuses Secret names that are not DNS-1123 subdomains, such as "a..b" and "a.-b"', () => {
    for (const name of ['a..b', 'a.-b', 'a-.b', '.a']) {
      expect(problemsOf(server({ secretEnv: { TOKEN: { from: 'secret', name, key: 'token' } } }))).toEqual([
        `mcpServers[0].secretEnv.TOKEN.name: must be a Secret name: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit), got ${JSON.stringify(name)}`,
      ]);
    }
    expect(parsePlatformConfig(server({ secretEnv: { TOKEN: { from: 'secret', name: 'acme.api-1', key: 'token' } } }), 'test').mcpServers).toHaveLength(1);
  });

  it('refuses an annotation prefix with an empty label, a label not ending in a letter or digit, or over 253 characters', () => {
    for (const annotationPrefix of ['mcp..dev', 'mcp.-dev', 'mcp.dev.', `${'a.'.repeat(127)}dev`]) {
      expect(problemsOf({ ...minimal, mcp: { annotationPrefix } })).toEqual([
        `mcp.annotationPrefix: must be a DNS subdomain such as "mcp-platform.dev" (dot-separated DNS-1123 labels, at most 253 characters): it is the prefix of annotation keys, got ${JSON.stringify(annotationPrefix)}`,
      ]);
    }
    expect(parsePlatformConfig({ ...minimal, mcp: { annotationPrefix: 'mcp.example.dev' } }, 'test').mcp.annotationPrefix).toBe('mcp.example.dev');
  });

  it('refuses storage class, snapshot class and RuntimeClass names that are not object names', () => {
    expect(problemsOf({ ...minimal, database: { storage: { storageClass: 'Fast SSD' } } })).toEqual([
      'database.storage.storageClass: must be the name of a StorageClass: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters), got "Fast SSD"',
    ]);
    expect(problemsOf({ ...minimal, database: { backup: { snapshotClass: 'csi_snap' } } })).toEqual([
      'database.backup.snapshotClass: must be the name of a VolumeSnapshotClass: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters), got "csi_snap"',
    ]);
    expect(problemsOf({ ...minimal, gpuInference: { gpu: { runtimeClassName: 'NVIDIA' } } })).toEqual([
      'gpuInference.gpu.runtimeClassName: must be the name of a RuntimeClass: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters), got "NVIDIA"',
    ]);
    const accepted = parsePlatformConfig({ ...minimal, triageLlm: { storage: { storageClass: 'local-path' } }, gpuInference: { gpu: { runtimeClassName: 'nvidia' } } }, 'test');
    expect(accepted.gpuInference.gpu.runtimeClassName).toBe('nvidia');
  });

  it('refuses a GPU resource name that is not an extended resource with a vendor domain', () => {
    const gpu = (resourceName: string) => problemsOf({ ...minimal, gpuInference: { gpu: { resourceName } } });
    for (const name of ['gpu', 'cpu', 'nvidia.com/', 'nvidia com/gpu']) {
      expect(gpu(name)).toEqual([`gpuInference.gpu.resourceName: must be an extended resource name with the vendor's domain, such as "nvidia.com/gpu" or "amd.com/gpu", got ${JSON.stringify(name)}`]);
    }
    expect(gpu('kubernetes.io/gpu')[0]).toMatch(/^gpuInference\.gpu\.resourceName: must not be a kubernetes\.io\/ name: /);
    expect(gpu('node.kubernetes.io/gpu')[0]).toMatch(/must not be a kubernetes\.io\/ name/);
    expect(gpu('requests.nvidia.com/gpu')[0]).toMatch(/^gpuInference\.gpu\.resourceName: must not start with "requests\."/);
    expect(parsePlatformConfig({ ...minimal, gpuInference: { gpu: { resourceName: 'nvidia.com/mig-3g.20gb' } } }, 'test').gpuInference.gpu.resourceName).toBe('nvidia.com/mig-3g.20gb');
  });

  it("refuses L2 announcement interfaces that are not regular expressions Cilium's Go regexp compiles", () => {
    const l2 = (interfaces: string[]) => ({
      ...minimal,
      cluster: { cni: 'cilium', cilium: { loadBalancerIPPools: [{ name: 'lan', blocks: [{ cidr: '10.30.0.0/28' }] }], l2Announcements: { interfaces } } },
    }) as PlatformConfigInput;
    expect(problemsOf(l2(['eth[0-9'])).map((p) => p.replace(/: .*?: /, ': ')).length).toBe(1);
    expect(problemsOf(l2(['eth[0-9']))).toEqual([
      'cluster.cilium.l2Announcements.interfaces[0]: must be a regular expression Cilium (Go\'s regexp) compiles, such as "^eth[0-9]+": error parsing regexp: missing closing ]: `[0-9`, got "eth[0-9"',
    ]);
    // What Go refuses and JavaScript takes, and Go's own syntax JavaScript refuses.
    expect(problemsOf(l2(['\\cA']))).toEqual([
      'cluster.cilium.l2Announcements.interfaces[0]: must be a regular expression Cilium (Go\'s regexp) compiles, such as "^eth[0-9]+": error parsing regexp: invalid escape sequence: `\\c`, got "\\\\cA"',
    ]);
    expect(parsePlatformConfig(l2(['(?i)^ETH[0-9]+', '^(?P<kind>eth|en)[0-9]+', '[[:alpha:]]+0']), 'test').cluster.cilium?.l2Announcements?.interfaces).toHaveLength(3);
    expect(problemsOf(l2(['']))[0]).toMatch(/^cluster\.cilium\.l2Announcements\.interfaces\[0\]: must be a regular expression such as "\^eth\[0-9\]\+" \(an empty one matches every interface/);
    for (const pattern of ['^(?!lo)', '(?<=e)th0', '(a)\\1']) {
      expect(problemsOf(l2([pattern]))).toEqual([
        `cluster.cilium.l2Announcements.interfaces[0]: uses lookaround or a backreference, which Cilium's regular expressions (Go, RE2 syntax) do not have: use a plain expression such as "^eth[0-9]+", got ${JSON.stringify(pattern)}`,
      ]);
    }
    expect(parsePlatformConfig(l2(['^eth[0-9]+', '^enp\\d+s0$']), 'test').cluster.cilium?.l2Announcements?.interfaces).toEqual(['^eth[0-9]+', '^enp\\d+s0$']);
  });

  it("refuses a secret file over the server's own mounts and env vars the platform sets, when the config loads", () => {
    const ref = { from: 'secret', name: 'kubeconfig', key: 'config' };
    expect(problemsOf(server({ secretFiles: [{ secret: ref, path: '/tmp' }], env: { HOME: '/home/me' } }))).toEqual([
      'mcpServers[0].secretFiles[0].path: "/tmp" is the server\'s scratch directory (an emptyDir: the only writable place on its read-only root filesystem): mount the file at a path of its own, such as "/secrets/tmp"',
      "mcpServers[0].env.HOME: is set by the platform in this server's container (HOME=/tmp), so yours would be dropped: leave it out",
    ]);
    expect(parsePlatformConfig(server({ secretFiles: [{ secret: ref, path: '/tmp/kubeconfig' }] }), 'test').mcpServers[0].secretFiles).toHaveLength(1);
  });

  it('refuses a secret file path not written plainly when the config loads, once per path', () => {
    const ref = { from: 'secret', name: 'kubeconfig', key: 'config' };
    expect(problemsOf(server({ secretFiles: [{ secret: ref, path: '//tmp/f' }, { secret: ref, path: '/etc/a/./b' }, { secret: ref, path: 'rel' }] }))).toEqual([
      'mcpServers[0].secretFiles[0].path: must be an absolute file path written plainly, such as "/tmp/f": no empty, "." or ".." segments and no "/" at the end, got "//tmp/f"',
      'mcpServers[0].secretFiles[1].path: must be an absolute file path written plainly, such as "/etc/a/b": no empty, "." or ".." segments and no "/" at the end, got "/etc/a/./b"',
      'mcpServers[0].secretFiles[2].path: must start with "/", got "rel"',
    ]);
  });

  it('refuses a literal credential in args or source.command, with how to pass it from secretEnv', () => {
    expect(problemsOf(server({ args: ['--read-only', '--api-key', 'abcdefgh1234'] }))).toEqual([
      'mcpServers[0].args[2]: is a credential by its flag (--api-key): pass it by reference in secretEnv and write "$(NAME)" in its place (Kubernetes puts the variable\'s value there), not as a literal (the config is committed to git)',
    ]);
    expect(problemsOf(server({ flavour: 'kmcp', transport: 'stdio', source: { image: 'ghcr.io/acme/mcp:1.0.0', command: 'https://a:pw@get.example/run' } }))).toEqual([
      'mcpServers[0].source.command: holds a URL with a password (scheme://user:password@host): pass it by reference in secretEnv and write "$(NAME)" in args (Kubernetes puts the variable\'s value there), not as a literal (the config is committed to git)',
    ]);
    expect(parsePlatformConfig(server({ args: ['--api-key', '$(API_KEY)'], secretEnv: { API_KEY: { from: 'secret', name: 'acme', key: 'api-key' } } }), 'test').mcpServers[0].args).toEqual(['--api-key', '$(API_KEY)']);
  });

  it('refuses an empty gateway.allowFrom, naming the field and both fixes', () => {
    expect(problemsOf({ ...minimal, gateway: { enabled: true, allowFrom: [] } })).toEqual([
      'gateway.allowFrom: must list at least one CIDR: a gateway nobody may call serves nothing (leave it out for the private IPv4 ranges, or disable the gateway), got []',
    ]);
  });

  it('refuses a "__proto__" key from a JSON config or server file instead of dropping the entry', () => {
    const raw = JSON.parse(JSON.stringify(server({ env: { LOG_LEVEL: 'debug' } })).replace('"LOG_LEVEL"', '"__proto__"'));
    expect(problemsOf(raw)).toEqual([
      'mcpServers[0].env: the key "__proto__" cannot be used: JavaScript reads it as the object\'s prototype, so the entry would be lost; rename it',
    ]);
    const values = JSON.parse('{"operators": {"kmcp": {"values": {"__proto__": {"replicaCount": 2}}}}}');
    expect(problemsOf({ ...minimal, ...values })).toEqual([
      'operators.kmcp.values: the key "__proto__" cannot be used: JavaScript reads it as the object\'s prototype, so the entry would be lost; rename it',
    ]);
    expect(() => parseMcpServer(JSON.parse('{"name": "acme", "transport": "stdio", "source": {"npm": {"package": "x", "version": "1.0.0"}}, "secretEnv": {"__proto__": {}}}'), 'acme.json')).toThrow(
      'Invalid platform config (acme.json):\n  - secretEnv: the key "__proto__" cannot be used',
    );
  });

  it('refuses an object that contains itself (a .ts or .mjs config can build one) instead of recursing without end; an object used twice is fine', () => {
    const values: Record<string, unknown> = { replicaCount: 2 };
    values.loop = { again: values };
    const config: Record<string, unknown> = { ...minimal, operators: { kmcp: { values } } };
    config.self = config;
    expect(problemsOf(config)).toEqual([
      'operators.kmcp.values.loop.again: refers back to operators.kmcp.values, which contains it (a cycle): a config is data; give a copy of the object instead',
      'self: refers back to the whole config, which contains it (a cycle): a config is data; give a copy of the object instead',
    ]);
    const shared = { replicaCount: 2 };
    expect(parsePlatformConfig({ ...minimal, operators: { kmcp: { values: { a: shared, b: shared } } } }, 'test').operators.kmcp.values).toEqual({ a: shared, b: shared });
    const env: Record<string, unknown> = {};
    env.LOOP = env;
    expect(() => parseMcpServer({ name: 'acme', transport: 'stdio', source: { npm: { package: 'x', version: '1.0.0' } }, env }, 'acme.mjs')).toThrow(
      'Invalid platform config (acme.mjs):\n  - env.LOOP: refers back to env, which contains it (a cycle)',
    );
  });

  it('refuses a storage size of 0, a command with arguments in it, and a secret file inside another', () => {
    expect(problemsOf({ ...minimal, database: { storage: { size: '0' } } })).toEqual([
      'database.storage.size: must be above 0: the API server refuses a PersistentVolumeClaim that requests no storage, got "0"',
    ]);
    expect(problemsOf(server({ source: { image: 'ghcr.io/acme/mcp:1.0.0', command: 'node server.js' } }))).toEqual([
      'mcpServers[0].source.command: must be one executable path without spaces, such as "/server/run": put its arguments in args (the container runtime looks for a file of this whole name), got "node server.js"',
    ]);
    const ref = { from: 'secret', name: 'files', key: 'a' };
    expect(problemsOf(server({ secretFiles: [{ secret: ref, path: '/etc/x' }, { secret: ref, path: '/etc/x/b' }] }))).toEqual([
      'mcpServers[0].secretFiles[1].path: "/etc/x/b" is inside "/etc/x", the file of secretFiles[0]: a file cannot be mounted inside another file; give it a path of its own',
    ]);
    expect(parsePlatformConfig(server({ secretFiles: [{ secret: ref, path: '/etc/x' }, { secret: ref, path: '/etc/xy' }] }), 'test').mcpServers[0].secretFiles).toHaveLength(2);
  });

  it('refuses an image reference kubelet would refuse as InvalidImageName, and takes a registry host in capitals', () => {
    expect(problemsOf(server({ source: { image: 'GHCR.io/X/Y:1.0.0' } }))).toEqual([
      'mcpServers[0].source.image: is not an image reference kubelet accepts: an optional registry host, then a lowercase repository path (letters a-z, digits, ".", "_" and "-"), then ":tag" or "@sha256:<digest>", e.g. "ghcr.io/org/app:1.2.0", got "GHCR.io/X/Y:1.0.0"',
    ]);
    expect(problemsOf({ ...minimal, discovery: { image: 'ghcr.io/mcp-platform/mcp-discovery$:0.1.0' } })[0]).toMatch(/^discovery\.image: is not an image reference kubelet accepts/);
    expect(parsePlatformConfig(server({ source: { image: 'GHCR.io/x/y:1.0.0' } }), 'test').mcpServers[0].source).toEqual({ image: 'GHCR.io/x/y:1.0.0' });
  });

  it('refuses an address among egress hosts (a DNS-name rule never matches one), and a LAN JWKS host off Cilium, naming the field', () => {
    expect(problemsOf(server({ egress: [{ hosts: ['192.168.10.3'], ports: [443] }] }))).toEqual([
      'mcpServers[0].egress[0].hosts[0]: is an address, which a DNS-name rule never matches: list it as { cidrs: ["<address>/32"], ports } instead, got "192.168.10.3"',
    ]);
    const auth = { issuer: 'https://keycloak.lan/realms/mcp', audiences: ['mcp'], jwksUrl: 'https://keycloak.lan/realms/mcp/certs' };
    const config = parsePlatformConfig({ ...minimal, gateway: { enabled: true, auth } }, 'test');
    expect(() => renderPlatformInMemory(config)).toThrow(
      'gateway.auth.jwksUrl: "keycloak.lan" resolves on the LAN, and without Cilium\'s DNS-name rules (cluster.cni "cilium") the policy can only allow internet addresses, the private ranges excluded: list the host\'s addresses in gateway.auth.jwksCidrs',
    );
    // AND with its addresses the gateway's policy allows exactly them on the URL's port
    const withCidrs = parsePlatformConfig({ ...minimal, gateway: { enabled: true, auth: { ...auth, jwksCidrs: ['192.168.10.6/32'] } } }, 'test');
    const policy = renderPlatformInMemory(withCidrs)
      .apps.flatMap((app) => app.objects.map((o) => o.manifest))
      .find((m) => m.kind === 'NetworkPolicy' && m.metadata?.name === 'mcp-gateway');
    expect(policy?.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '192.168.10.6/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  it('refuses secret-reference settings the operators cannot read: store name, refresh interval, Infisical credentials and API URL', () => {
    const external = { from: 'externalSecret', name: 'acme', key: 'token', store: { name: 'vault' }, remoteKey: 'acme/token' };
    const infisical = { from: 'infisical', name: 'acme', key: 'TOKEN', projectSlug: 'lab', environment: 'prod', credentials: { name: 'mi' } };
    const withToken = (ref: Record<string, unknown>) => server({ secretEnv: { ACME_TOKEN: ref } });
    expect(problemsOf(withToken({ ...external, store: { name: 'Vault' } }))).toEqual([
      'mcpServers[0].secretEnv.ACME_TOKEN.store.name: must be the name of a SecretStore or ClusterSecretStore: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters), got "Vault"',
    ]);
    expect(problemsOf(withToken({ ...external, refreshInterval: 'hourly' }))).toEqual([
      'mcpServers[0].secretEnv.ACME_TOKEN.refreshInterval: must be a Go duration such as "1h", "2h30m" or "10s" ("0": sync once), got "hourly"',
    ]);
    expect(problemsOf(withToken({ ...infisical, credentials: { name: 'MI', namespace: 'Infisical' } }))).toEqual([
      'mcpServers[0].secretEnv.ACME_TOKEN.credentials.name: must be a Secret name: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit), got "MI"',
      'mcpServers[0].secretEnv.ACME_TOKEN.credentials.namespace: must be a namespace name: a DNS-1123 label, got "Infisical"',
    ]);
    expect(problemsOf(withToken({ ...infisical, hostApi: 'ftp://infisical.lan/api' }))).toEqual([
      'mcpServers[0].secretEnv.ACME_TOKEN.hostApi: must be an http(s) URL of the Infisical API, e.g. "https://infisical.example.com/api", got "ftp://infisical.lan/api"',
    ]);
    // The scheme whole: neither one that ends in "http(s)" nor one that starts with it.
    for (const hostApi of ['xhttps://infisical.lan/api', 'httpsx://infisical.lan/api']) {
      expect(problemsOf(withToken({ ...infisical, hostApi }))).toEqual([
        `mcpServers[0].secretEnv.ACME_TOKEN.hostApi: must be an http(s) URL of the Infisical API, e.g. "https://infisical.example.com/api", got "${hostApi}"`,
      ]);
    }
  });

  it('refuses a key read from an existing Secret that an ExternalSecret of the same name owns, naming the server', () => {
    const config = parsePlatformConfig(
      {
        ...minimal,
        mcpServers: [
          { name: 'acme', transport: 'streamable-http', source: image, secretEnv: { ACME_TOKEN: { from: 'externalSecret', name: 'shared', key: 'token', store: { name: 'vault' }, remoteKey: 'acme/token' } } },
          { name: 'other', transport: 'streamable-http', source: image, secretEnv: { OTHER_TOKEN: { from: 'secret', name: 'shared', key: 'other' } } },
        ],
      } as PlatformConfigInput,
      'test',
    );
    expect(() => renderPlatformInMemory(config)).toThrow(
      '  - mcpServers[1] (server "other"): Secret "shared" is written by an ExternalSecret (mcpServers[0] (server "acme")), which owns the whole Secret and writes only the keys it syncs ("token"); ' +
        'key "other", referenced here as an existing Secret (from "secret"), would be missing: reference it with from "externalSecret" and its remote key, or name another Secret',
    );
  });

  it("refuses syncing a Secret CloudNativePG writes for the database, naming the server, whichever part is made first", () => {
    const sync = { from: 'externalSecret', name: 'mcp-postgres-app', key: 'uri', store: { name: 'vault' }, remoteKey: 'db' };
    const config = parsePlatformConfig(
      { ...minimal, database: { enabled: true }, mcpServers: [{ name: 'acme', transport: 'streamable-http', source: image, secretEnv: { DB_URI: sync } }] } as PlatformConfigInput,
      'test',
    );
    expect(() => renderPlatformInMemory(config)).toThrow(
      '  - mcpServers[0] (server "acme"): Secret "mcp-postgres-app" is written by CloudNativePG for the database cluster "mcp-postgres"; an ExternalSecret would be a second writer, ' +
        'taking the Secret over and dropping the keys the operator writes: reference its key with from "secret" instead, or sync a Secret of another name',
    );
    // AND reading its key as an existing Secret is what works
    const plain = parsePlatformConfig(
      { ...minimal, database: { enabled: true }, mcpServers: [{ name: 'acme', transport: 'streamable-http', source: image, secretEnv: { DB_URI: { from: 'secret', name: 'mcp-postgres-app', key: 'uri' } } }] } as PlatformConfigInput,
      'test',
    );
    expect(() => renderPlatformInMemory(plain)).not.toThrow();
  });
});

describe('monitoring labels', () => {
  const monitoring = (fields: object) => ({ ...minimal, monitoring: { prometheusOperator: true, ...fields } }) as PlatformConfigInput;

  it('refuses empty Prometheus pod labels, which would admit every pod of the monitoring namespace', () => {
    expect(problemsOf(monitoring({ prometheusPodLabels: {} }))).toEqual([
      'monitoring.prometheusPodLabels: must name at least one label of the Prometheus pods: an empty selector lets every pod of the monitoring namespace through to the metrics ports, got an object',
    ]);
    expect(parsePlatformConfig(monitoring({}), 'test').monitoring.prometheusPodLabels).toEqual({ 'app.kubernetes.io/name': 'prometheus' });
  });

  it("refuses selector labels that would replace the platform's own labels on its monitors, and takes others", () => {
    const platformSet = (key: string, value: string) =>
      `monitoring.selectorLabels["${key}"]: is set by the platform on its monitors and rules (${key}=${value}), so yours would replace it: use the label your Prometheus selects monitors by, e.g. { release: "kube-prometheus-stack" }`;
    expect(problemsOf(monitoring({ selectorLabels: { 'app.kubernetes.io/part-of': 'kps', 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/component': 'x', release: 'kps' } }))).toEqual([
      platformSet('app.kubernetes.io/part-of', 'mcp-platform'),
      platformSet('app.kubernetes.io/managed-by', 'mcp-platform'),
      platformSet('app.kubernetes.io/component', 'monitoring'),
    ]);
    expect(parsePlatformConfig(monitoring({ selectorLabels: { release: 'kps', 'app.kubernetes.io/name': 'x' } }), 'test').monitoring.selectorLabels).toEqual({ release: 'kps', 'app.kubernetes.io/name': 'x' });
  });
});
