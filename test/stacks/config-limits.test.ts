/**
 * Each limit of the config schema on its own (just inside and just outside it), each choice it offers, each
 * documented default (`@default` in stacks/config.ts) and the cross-field rules, with the exact message a wrong
 * value gets. A test here tells which guard fired: the value breaks one limit and nothing else.
 */
import { describe, expect, it } from '@jest/globals';
import { ciliumSettings, clusterNetwork, ConfigError, parseMcpServer, parsePlatformConfig, type PlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { problemsOf } from '../support/config-problems.js';

const minimal = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.1/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
};
const image = { image: 'ghcr.io/acme/mcp:1.0.0' };
const npm = (version: string) => ({ npm: { package: '@acme/mcp', version } });

type Json = Record<string, unknown>;

/** `base` with `value` at the dotted `path`, the objects on the way merged rather than replaced. */
function withValue(base: Json, path: string, value: unknown): Json {
  const [head, ...rest] = path.split('.');
  const inner = (base[head!] ?? {}) as Json;
  return { ...base, [head!]: rest.length ? withValue(inner, rest.join('.'), value) : value };
}

/** The minimal config with one MCP server of these fields. */
const server = (fields: Json = {}): Json => ({ ...minimal, mcpServers: [{ name: 'acme', transport: 'streamable-http', source: image, ...fields }] });

const parse = (raw: unknown): PlatformConfig => parsePlatformConfig(raw as PlatformConfigInput, 'test');

/** The value at the dotted path of a parsed config. */
function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Json)[key], config);
}

const secretRef = { from: 'secret', name: 'creds', key: 'token' };
const external = { provider: 'external', address: '10.0.0.9', port: 8000, model: 'm' };

describe('numeric limits, each on its own', () => {
  // [path, value just outside the limit, its message, values just inside]
  const cases: [string, number, string, number[]][] = [
    ['kubernetes.apiServer.port', 0, 'must be a port number (1-65535)', [1, 443]],
    ['kubernetes.apiServer.port', 65536, 'must be a port number (1-65535)', [65535]],
    ['gpuInference.gpuMemoryUtilization', 0, 'must be above 0 and at most 1', [0.01, 0.5]],
    ['gpuInference.gpuMemoryUtilization', 1.01, 'must be above 0 and at most 1', [1]],
    ['gpuInference.startupTimeoutSeconds', 59, 'must be at least 60', [60, 61]],
    ['gpuInference.maxModelLen', 0, 'must be more than 0', [1]],
    ['gpuInference.maxNumSeqs', 0, 'must be more than 0', [1]],
    ['gpuInference.tensorParallelSize', 0, 'must be more than 0', [2]],
    ['gpuInference.gpu.memoryGiB', 0, 'must be more than 0', [0.5]],
    ['discovery.probe.timeoutMs', 99, 'must be at least 100', [100, 101]],
    ['discovery.probe.concurrency', 0, 'must be at least 1', [1, 2]],
    ['discovery.probe.concurrency', 65, 'must be at most 64', [64, 63]],
    ['discovery.maxOpenPullRequests', 0, 'must be more than 0', [1]],
    ['discovery.reconcileIntervalSeconds', 9, 'must be at least 10', [10, 11]],
    ['database.instances', 0, 'must be at least 1', [1, 2]],
    ['database.instances', 10, 'must be at most 9', [9, 8]],
    ['database.pooler.instances', 0, 'must be at least 1', [1, 3]],
    ['triageLlm.contextLength', 511, 'must be at least 512', [512, 513]],
    ['triageLlm.modelSizeGB', 0, 'must be more than 0', [0.5]],
    ['gateway.replicas', 0, 'must be more than 0', [1]],
    ['gateway.toolBudget', 0, 'must be more than 0', [1]],
    ['gateway.rateLimit.requestsPerMinute', 0, 'must be more than 0', [1]],
    ['monitoring.alerts.llmLatencySeconds', 0, 'must be more than 0', [0.5]],
    ['monitoring.alerts.databaseDiskFreeRatio', 0, 'must be more than 0', [0.01]],
    ['monitoring.alerts.databaseDiskFreeRatio', 1, 'must be less than 1', [0.99]],
    ['monitoring.alerts.dailyCostLimit', -1, 'must be at least 0', [0, 1]],
    ['monitoring.alerts.promptTokenPricePerMillion', -0.01, 'must be at least 0', [0]],
    ['monitoring.alerts.completionTokenPricePerMillion', -0.01, 'must be at least 0', [0]],
    ['guardrails.resourceQuota.pods', 0, 'must be more than 0', [1]],
    ['database.embedding.dimensions', 0, 'must be more than 0', [768]],
  ];
  const baseFor = (path: string): Json => {
    const quota = { requestsCpu: '1', requestsMemory: '1Gi', limitsMemory: '2Gi' };
    if (path.startsWith('guardrails.resourceQuota')) return withValue(minimal, 'guardrails.resourceQuota', quota);
    return minimal;
  };

  it.each(cases)('%s: refuses %p, naming the limit', (path, outside, message) => {
    expect(problemsOf(withValue(baseFor(path), path, outside))).toEqual([`${path}: ${message}, got ${outside}`]);
  });

  it.each(cases)('%s: takes the values just inside the limit past %p', (path, _outside, _message, inside) => {
    for (const value of inside) expect(valueAt(parse(withValue(baseFor(path), path, value)), path)).toBe(value);
  });

  it('refuses a port out of range wherever a port is taken', () => {
    const message = 'must be a port number (1-65535)';
    expect(problemsOf(server({ port: 65536 }))).toEqual([`mcpServers[0].port: ${message}, got 65536`]);
    expect(problemsOf(server({ egress: [{ cidrs: ['10.0.0.2/32'], ports: [0] }] }))).toEqual([`mcpServers[0].egress[0].ports[0]: ${message}, got 0`]);
    expect(problemsOf({ ...minimal, triageLlm: { ...external, port: 0 } })).toEqual([`triageLlm.port: ${message}, got 0`]);
    expect(problemsOf({ ...minimal, mcp: { packageRegistry: { url: 'http://10.0.0.3:4873/', cidrs: ['10.0.0.3/32'], port: 65536 } } })).toEqual([`mcp.packageRegistry.port: ${message}, got 65536`]);
    expect(parse({ ...minimal, triageLlm: { ...external, port: 65535 } }).triageLlm).toMatchObject({ port: 65535 });
    expect(parse({ ...minimal, mcp: { packageRegistry: { url: 'http://10.0.0.3:1/', cidrs: ['10.0.0.3/32'], port: 1 } } }).mcp.packageRegistry).toEqual({ url: 'http://10.0.0.3:1/', cidrs: ['10.0.0.3/32'], port: 1 });
  });

  it('refuses a fractional number where a whole one is needed', () => {
    expect(problemsOf(withValue(minimal, 'database.instances', 1.5))).toEqual(['database.instances: must be an int, got 1.5']);
  });

  it('refuses a privileged port an image server cannot bind, and takes the first unprivileged one', () => {
    expect(problemsOf(server({ port: 1023 }))).toEqual(['mcpServers[0].port: must be 1024-65535 (the server runs as non-root), got 1023']);
    expect(problemsOf(server({ port: 1 }))).toEqual(['mcpServers[0].port: must be 1024-65535 (the server runs as non-root), got 1']);
    expect(parse(server({ port: 1024 })).mcpServers[0]!.port).toBe(1024);
  });
});

describe('name lengths and other string limits', () => {
  it.each([
    ['namespace', 63, 'must be at most 63 characters (a DNS-1123 label): the platform namespace'],
    ['argocd.namespace', 63, 'must be at most 63 characters (a DNS-1123 label): the Argo CD namespace'],
    ['monitoring.namespace', 63, 'must be at most 63 characters (a DNS-1123 label): the monitoring namespace'],
    ['operators.kmcp.namespace', 63, 'must be at most 63 characters (a DNS-1123 label): the operator namespace'],
    ['database.name', 50, 'must be at most 50 characters: CloudNativePG names Secrets and Services such as <name>-replication after it, and those must stay DNS-1123 labels of at most 63'],
  ])('%s: takes %p characters and refuses one more', (path, limit, message) => {
    const name = (length: number) => 'a'.repeat(length);
    expect(valueAt(parse(withValue(minimal, path, name(limit))), path)).toBe(name(limit));
    expect(problemsOf(withValue(minimal, path, name(limit + 1)))).toEqual([`${path}: ${message}, got "${name(limit + 1)}"`]);
  });

  it('refuses a database cluster or vLLM name that does not start with a letter, since each names Services', () => {
    expect(problemsOf(withValue(minimal, 'database.name', '1db'))).toEqual([
      'database.name: must start with a letter: CloudNativePG names the Services <name>-rw, -ro and -r after it, and a Service name is a DNS-1035 label, got "1db"',
    ]);
    expect(problemsOf(withValue(minimal, 'gpuInference.name', '1vllm'))).toEqual(['gpuInference.name: must start with a letter: it names the Service, and a Service name is a DNS-1035 label, got "1vllm"']);
    expect(parse(withValue(minimal, 'gpuInference.name', 'qwen-7b')).gpuInference.name).toBe('qwen-7b');
  });

  it('takes an MCP server name of 50 characters and refuses 51', () => {
    expect(parse(server({ name: 'a'.repeat(50) })).mcpServers[0]!.name).toBe('a'.repeat(50));
    expect(problemsOf(server({ name: 'a'.repeat(51) }))).toEqual([`mcpServers[0].name: must be at most 50 characters: the MCP server name, got "${'a'.repeat(51)}"`]);
  });

  it('takes a platform name of 35 characters and a one-letter one', () => {
    expect(parse({ ...minimal, name: 'a'.repeat(35) }).name).toBe('a'.repeat(35));
    expect(parse({ ...minimal, name: 'a' }).name).toBe('a');
  });

  it('says a DNS label field must be a string, naming the field', () => {
    expect(problemsOf({ ...minimal, namespace: 5 })).toEqual(['namespace: must be a string: the platform namespace']);
  });

  it('says a missing DNS label field is required, naming what it is', () => {
    const { name: _, ...nameless } = minimal as Record<string, unknown>;
    expect(problemsOf(nameless)).toEqual(['name: is required: the platform name']);
  });

  it('refuses a Secret name of 253 characters that is no DNS subdomain by its form, not its length', () => {
    const ref = (name: string) => server({ secretEnv: { TOKEN: { from: 'secret', name, key: 'token' } } });
    const name = `A${'a'.repeat(252)}`;
    expect(problemsOf(ref(name))).toEqual([
      `mcpServers[0].secretEnv.TOKEN.name: must be a Secret name: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit), got "${name}"`,
    ]);
    expect(parse(ref('a'.repeat(253))).mcpServers[0]!.secretEnv?.TOKEN).toEqual({ from: 'secret', name: 'a'.repeat(253), key: 'token' });
  });

  it('takes a discovery repo whose owner has 39 characters and whose name has 100, and refuses one more of either', () => {
    const repo = (value: string) => withValue(minimal, 'discovery.repo', value);
    const message = (value: string) => [`discovery.repo: must be "owner/name", e.g. "homelab/platform", got "${value}"`];
    const [owner, name] = ['o'.repeat(39), 'n'.repeat(100)];
    expect(parse(repo(`${owner}/${name}`)).discovery.repo).toBe(`${owner}/${name}`);
    expect(parse(repo('a/b.c_d-e')).discovery.repo).toBe('a/b.c_d-e');
    expect(parse(repo('A-9/x')).discovery.repo).toBe('A-9/x');
    for (const wrong of [`o${owner}/${name}`, `${owner}/n${name}`, '-a/b', 'a/', '/b', 'a/b/c', 'a/b c', ' a/b']) expect(problemsOf(repo(wrong))).toEqual(message(wrong));
  });

  it.each([
    ['kubernetes.configPath'],
    ['discovery.baseBranch'],
    ['mcp.serversDir'],
    ['gpuInference.model'],
    ['gpuInference.servedModelName'],
    ['triageLlm.model'],
    ['database.embedding.model'],
  ])('%s: refuses an empty text and takes a longer one', (path) => {
    expect(problemsOf(withValue(minimal, path, ''))).toEqual([`${path}: must not be empty, got ""`]);
    expect(valueAt(parse(withValue(minimal, path, 'some-value')), path)).toBe('some-value');
  });

  it('says an empty kubeconfig context is required, naming an example', () => {
    expect(problemsOf(withValue(minimal, 'kubernetes.context', ''))).toEqual(['kubernetes.context: is required: the kubeconfig context of the target cluster, e.g. "admin@homelab", got ""']);
  });

  it('refuses an empty npm package, bin, command or external-secret key, and takes a longer one', () => {
    expect(problemsOf(server({ source: { npm: { package: '', version: '1.0.0' } } }))).toEqual(['mcpServers[0].source.npm.package: must not be empty, got ""']);
    expect(problemsOf(server({ source: { npm: { package: 'x', version: '1.0.0', bin: '' } } }))).toEqual(['mcpServers[0].source.npm.bin: must not be empty, got ""']);
    expect(parse(server({ source: { npm: { package: '@a/b', version: '1.0.0', bin: 'serve' } } })).mcpServers[0]!.source).toEqual({ npm: { package: '@a/b', version: '1.0.0', bin: 'serve' } });
    expect(parse(server({ source: { ...image, command: '/server/run' } })).mcpServers[0]!.source).toEqual({ ...image, command: '/server/run' });
    const es = (fields: Json) => server({ secretEnv: { TOKEN: { from: 'externalSecret', name: 'creds', key: 'token', store: { name: 'vault' }, remoteKey: 'path/to', ...fields } } });
    expect(problemsOf(es({ remoteKey: '' }))).toEqual(['mcpServers[0].secretEnv.TOKEN.remoteKey: must not be empty, got ""']);
    expect(problemsOf(es({ remoteProperty: '' }))).toEqual(['mcpServers[0].secretEnv.TOKEN.remoteProperty: must not be empty, got ""']);
    expect(problemsOf(es({ remoteProperty: ' password' }))).toEqual([
      'mcpServers[0].secretEnv.TOKEN.remoteProperty: must be a property of the secret in the store, without spaces before or after it, got " password"',
    ]);
    expect(parse(es({ remoteProperty: 'password' })).mcpServers[0]!.secretEnv?.TOKEN).toMatchObject({ remoteKey: 'path/to', remoteProperty: 'password' });
  });
});

describe('the exact-version rules', () => {
  const version = (value: string) => server({ source: npm(value) });
  const npmMessage = (value: string) => [`mcpServers[0].source.npm.version: must be an exact version such as "1.2.3", got "${value}"`];

  it.each(['1.2.3', '10.20.30', '0.0.0', '1.2.3-beta.1', '1.2.3-rc-2', '1.2.3-A9'])('takes the npm version %p', (value) => {
    expect(parse(version(value)).mcpServers[0]!.source).toEqual(npm(value));
  });

  it.each(['^1.2.3', '~1.2.3', '1.2', '1.2.x', '1.2.3.4', 'v1.2.3', '1.2.3-', '1.2.3-rc_1', ' 1.2.3', '1.2.3 ', 'latest', 'a.b.c', '1..3'])('refuses the npm version %p', (value) => {
    expect(problemsOf(version(value))).toEqual(npmMessage(value));
  });

  it('takes an exact chart version with or without "v" and refuses a range', () => {
    expect(parse(withValue(minimal, 'operators.nvidiaGpu.version', 'v26.7.0')).operators.nvidiaGpu.version).toBe('v26.7.0');
    expect(parse(withValue(minimal, 'argocd.version', '10.9.3')).argocd.version).toBe('10.9.3');
    expect(parse(withValue(minimal, 'argocd.appsChartVersion', '2.0.5')).argocd.appsChartVersion).toBe('2.0.5');
    const message = 'must be an exact chart version such as "0.29.0" or "v26.7.0" (no ranges, so every install is reproducible)';
    expect(problemsOf(withValue(minimal, 'argocd.appsChartVersion', '2.x'))).toEqual([`argocd.appsChartVersion: ${message}, got "2.x"`]);
  });
});

describe('choices: every allowed value is taken, another is refused with the list', () => {
  it.each([
    ['cluster.distribution', ['talos', 'k3s', 'generic'], 'must be "talos", "k3s" or "generic"'],
    ['cluster.cni', ['cilium', 'calico', 'flannel', 'other'], 'must be "cilium", "calico", "flannel" or "other"'],
    ['discovery.database', ['platform', 'embedded'], 'must be "platform" or "embedded"'],
    ['gpuInference.dtype', ['auto', 'float16', 'bfloat16', 'float32'], 'must be one of "auto", "float16", "bfloat16", "float32"'],
    ['gpuInference.kvCacheDtype', ['auto', 'fp8'], 'must be one of "auto", "fp8"'],
    ['database.pooler.poolMode', ['session', 'transaction'], 'must be one of "session", "transaction"'],
  ])('%s takes %p', (path, values, message) => {
    for (const value of values) expect(valueAt(parse(withValue(minimal, path, value)), path)).toBe(value);
    expect(problemsOf(withValue(minimal, path, 'nope'))).toEqual([`${path}: ${message}, got "nope"`]);
  });

  it('takes every driver source of the GPU operator', () => {
    for (const driver of ['operator', 'host']) expect(parse(withValue(minimal, 'operators.nvidiaGpu.driver', driver)).operators.nvidiaGpu.driver).toBe(driver);
    expect(problemsOf(withValue(minimal, 'operators.nvidiaGpu.driver', 'none'))).toEqual(['operators.nvidiaGpu.driver: must be "operator" or "host", got "none"']);
  });

  it('takes every flavour, transport, preflight check and ToolHive permission profile of an MCP server', () => {
    for (const flavour of ['kmcp', 'toolhive', 'standalone']) expect(parse(server({ flavour })).mcpServers[0]!.flavour).toBe(flavour);
    expect(problemsOf(server({ flavour: 'helm' }))).toEqual(['mcpServers[0].flavour: must be "kmcp", "toolhive", "standalone" or "external", got "helm"']);
    for (const transport of ['stdio', 'streamable-http', 'sse']) expect(parse(server({ transport, source: npm('1.0.0') })).mcpServers[0]!.transport).toBe(transport);
    expect(problemsOf(server({ transport: 'ws' }))).toEqual(['mcpServers[0].transport: must be "stdio", "streamable-http" or "sse", got "ws"']);
    for (const profile of ['none', 'network']) expect(parse(server({ flavour: 'toolhive', toolhivePermissionProfile: profile })).mcpServers[0]!.toolhivePermissionProfile).toBe(profile);
    expect(parse(server({ source: npm('1.0.0'), preflight: { check: 'startup', reason: 'lists its tools once it reaches its upstream' } })).mcpServers[0]!.preflight?.check).toBe('startup');
    expect(parse(server({ source: npm('1.0.0'), preflight: { upstream: 'kubernetes-stub' } })).mcpServers[0]!.preflight).toEqual({ check: 'full', upstream: 'kubernetes-stub' });
    expect(problemsOf(server({ preflight: { upstream: 'postgres' } }))).toEqual(['mcpServers[0].preflight.upstream: must be "kubernetes-stub" (the only stand-in preflight has), got "postgres"']);
  });

  it.each(['float32', 'bfloat16', 'float16', 'fp8', 'int8', 'awq', 'gptq-int4', 'gptq-int8'])('takes a model shape with weights %p', (weights) => {
    const modelShape = { parametersBillions: 7, layers: 28, kvHeads: 4, headDim: 128, hiddenSize: 3584, vocabSize: 152064, tiedEmbeddings: false, weights, maxPositionEmbeddings: 32768 };
    expect(parse({ ...minimal, gpuInference: { model: 'acme/model', modelShape } }).gpuInference.modelShape).toEqual(modelShape);
  });

  it('takes each store kind of an ExternalSecret', () => {
    for (const kind of ['SecretStore', 'ClusterSecretStore']) {
      const ref = { from: 'externalSecret', name: 'creds', key: 'token', store: { name: 'vault', kind }, remoteKey: 'k' };
      expect(parse(server({ secretEnv: { TOKEN: ref } })).mcpServers[0]!.secretEnv?.TOKEN).toEqual({ ...ref, refreshInterval: '1h' });
    }
  });
});

describe('documented defaults', () => {
  it('of the cluster, the gateway, the database extras and the shared MCP settings', () => {
    const config = parse(minimal);
    expect(config.cluster).toEqual({ distribution: 'generic', cni: 'other' });
    expect(config.gateway).toEqual({ enabled: false, replicas: 2, service: { type: 'ClusterIP' }, toolBudget: 40 });
    expect(config.mcp).toEqual({ annotationPrefix: 'mcp-platform.dev', serversDir: 'servers' });
    expect(config.discovery.image).toBeUndefined();
    expect(config.kubernetes.apiServer).toEqual({ cidrs: ['10.0.0.1/32'], port: 6443 });
    const database = parse({ ...minimal, database: { pooler: {}, backup: {} } }).database;
    expect(database.pooler).toEqual({ instances: 2, poolMode: 'transaction' });
    expect(database.backup).toEqual({ schedule: '0 0 3 * * *' });
    expect(database.storage).toEqual({ size: '10Gi' });
    expect(parse({ ...minimal, cluster: { cni: 'cilium', cilium: {} } }).cluster.cilium).toEqual({ fqdnEgress: true });
  });

  it('of vLLM, as the GPU inference and as the triage provider', () => {
    const vllm = {
      model: 'Qwen/Qwen2.5-7B-Instruct-AWQ',
      dtype: 'auto',
      kvCacheDtype: 'auto',
      maxModelLen: 8192,
      maxNumSeqs: 4,
      gpuMemoryUtilization: 0.9,
      tensorParallelSize: 1,
      gpu: { memoryGiB: 12, resourceName: 'nvidia.com/gpu' },
      cache: { size: '50Gi' },
      startupTimeoutSeconds: 1800,
      download: true,
      extraArgs: [],
    };
    expect(parse(minimal).gpuInference).toEqual({ enabled: false, name: 'vllm', ...vllm });
    expect(parse({ ...minimal, triageLlm: { provider: 'vllm' } }).triageLlm).toEqual({ enabled: false, provider: 'vllm', ...vllm });
    expect(parse({ ...minimal, triageLlm: { enabled: true, provider: 'vllm' } }).triageLlm.provider).toBe('vllm');
    expect(parse({ ...minimal, triageLlm: external }).triageLlm).toEqual({ enabled: false, ...external });
  });

  it('of an MCP server and its preflight', () => {
    expect(parse(server()).mcpServers[0]).toEqual({ name: 'acme', flavour: 'standalone', transport: 'streamable-http', source: image });
    expect(parse(server({ source: npm('1.0.0'), preflight: {} })).mcpServers[0]!.preflight).toEqual({ check: 'full' });
  });

  it('of the gateway auth and of a secret reference of each kind', () => {
    const auth = { issuer: 'https://idp', audiences: ['mcp'], jwksUrl: 'https://idp/certs' };
    expect(parse({ ...minimal, gateway: { auth } }).gateway.auth).toEqual({ kind: 'jwt', ...auth });
    const es = { from: 'externalSecret', name: 'creds', key: 'token', store: { name: 'vault' }, remoteKey: 'k' };
    expect(parse(server({ secretEnv: { TOKEN: es } })).mcpServers[0]!.secretEnv?.TOKEN).toEqual({ ...es, store: { name: 'vault', kind: 'ClusterSecretStore' }, refreshInterval: '1h' });
    const inf = { from: 'infisical', name: 'creds', key: 'TOKEN', projectSlug: 'p', environment: 'prod', credentials: { name: 'machine' } };
    expect(parse(server({ secretEnv: { TOKEN: inf } })).mcpServers[0]!.secretEnv?.TOKEN).toEqual({ ...inf, path: '/', resyncInterval: 60 });
    expect(parse(server({ secretEnv: { TOKEN: { ...inf, path: '/team', resyncInterval: 30 } } })).mcpServers[0]!.secretEnv?.TOKEN).toMatchObject({ path: '/team', resyncInterval: 30 });
  });
});

describe('secret-reference settings', () => {
  const ref = (value: unknown) => server({ secretEnv: { TOKEN: value } });
  const inf = { from: 'infisical', name: 'creds', key: 'TOKEN', projectSlug: 'p', environment: 'prod', credentials: { name: 'machine' } };

  it.each(['value', 'stringValue', 'data'])('refuses a secret value given as %p', (key) => {
    const [problem] = problemsOf(ref({ [key]: 'hunter2' }));
    expect(problem).toBe(
      'mcpServers[0].secretEnv.TOKEN: secret values are never accepted (the config and the rendered output are committed to git): reference an existing Secret ({ from: "secret", name, key }), an ExternalSecret ({ from: "externalSecret", ... }) or an InfisicalSecret ({ from: "infisical", ... })',
    );
  });

  it('says a reference given as a string is the secret itself, which is never accepted, and one that is no object must be one of the three kinds', () => {
    expect(problemsOf(ref('hunter2'))).toEqual([
      'mcpServers[0].secretEnv.TOKEN: secret values are never accepted (the config and the rendered output are committed to git): reference an existing Secret ({ from: "secret", name, key }), an ExternalSecret ({ from: "externalSecret", ... }) or an InfisicalSecret ({ from: "infisical", ... })',
    ]);
    expect(problemsOf(ref(42))).toEqual(['mcpServers[0].secretEnv.TOKEN: must be a secret reference with from: "secret", "externalSecret" or "infisical"']);
  });

  it('refuses an Infisical path not starting with "/", a resync interval of 0 and a credentials namespace that is no label', () => {
    expect(problemsOf(ref({ ...inf, path: 'team' }))).toEqual(['mcpServers[0].secretEnv.TOKEN.path: must start with "/", got "team"']);
    expect(problemsOf(ref({ ...inf, resyncInterval: 0 }))).toEqual(['mcpServers[0].secretEnv.TOKEN.resyncInterval: must be more than 0, got 0']);
    expect(problemsOf(ref({ ...inf, credentials: { name: 'machine', namespace: 'Auth' } }))).toEqual(['mcpServers[0].secretEnv.TOKEN.credentials.namespace: must be a namespace name: a DNS-1123 label, got "Auth"']);
    expect(parse(ref({ ...inf, credentials: { name: 'machine', namespace: 'auth' } })).mcpServers[0]!.secretEnv?.TOKEN).toMatchObject({ credentials: { name: 'machine', namespace: 'auth' } });
  });

  it('suggests a remoteName for a key Infisical cannot read: every other character as "_", a leading digit after one', () => {
    expect(problemsOf(ref({ ...inf, key: '1st.api-key' }))).toEqual([
      'mcpServers[0].secretEnv.TOKEN.remoteName: is required: the key "1st.api-key" is not an Infisical secret name (letters, digits and "_"), so name the secret in Infisical, e.g. remoteName: "_1st_api_key"',
    ]);
    expect(parse(ref({ ...inf, key: '1st.api-key', remoteName: 'FIRST' })).mcpServers[0]!.secretEnv?.TOKEN).toMatchObject({ key: '1st.api-key', remoteName: 'FIRST' });
    expect(parse(ref({ ...inf, key: '_x9' })).mcpServers[0]!.secretEnv?.TOKEN).toMatchObject({ key: '_x9' });
  });

  it('refuses a credential in the Infisical API URL and takes a self-hosted one', () => {
    expect(problemsOf(ref({ ...inf, hostApi: 'https://me:pw@infisical.lan/api' }))).toEqual([
      'mcpServers[0].secretEnv.TOKEN.hostApi: must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is; the operator signs in with the machine identity in credentials',
    ]);
    expect(parse(ref({ ...inf, hostApi: 'http://infisical.lan/api' })).mcpServers[0]!.secretEnv?.TOKEN).toMatchObject({ hostApi: 'http://infisical.lan/api' });
  });

  it('takes an Infisical secret name of letters, digits and "_" and refuses one starting with a digit', () => {
    for (const remoteName of ['_A1', 'a', 'TOKEN_2']) expect(parse(ref({ ...inf, remoteName })).mcpServers[0]!.secretEnv?.TOKEN).toMatchObject({ remoteName });
    for (const remoteName of ['1A', 'A-B', 'A B']) {
      expect(problemsOf(ref({ ...inf, remoteName }))).toEqual([
        `mcpServers[0].secretEnv.TOKEN.remoteName: must be an Infisical secret name (letters, digits and "_", not starting with a digit): it is read through the template {{ .NAME.Value }}, got "${remoteName}"`,
      ]);
    }
  });
});

describe('MCP server fields', () => {
  it('takes an environment variable name of letters, digits and "_" not starting with a digit, in env and secretEnv', () => {
    for (const name of ['_A1', 'a', 'API_HOST']) {
      expect(parse(server({ env: { [name]: 'x' } })).mcpServers[0]!.env).toEqual({ [name]: 'x' });
      expect(parse(server({ secretEnv: { [name]: secretRef } })).mcpServers[0]!.secretEnv).toEqual({ [name]: secretRef });
    }
    for (const name of ['1A', 'A-B', 'A B']) {
      expect(problemsOf(server({ env: { [name]: 'x' } }))).toEqual([`mcpServers[0].env[${JSON.stringify(name)}]: the key ${JSON.stringify(name)} must be an environment variable name`]);
      expect(problemsOf(server({ secretEnv: { [name]: secretRef } }))).toEqual([`mcpServers[0].secretEnv[${JSON.stringify(name)}]: the key ${JSON.stringify(name)} must be an environment variable name`]);
    }
  });

  it('refuses "constructor" as a key, which cdk8s cannot render, in env, secretEnv and labels', () => {
    const message = 'is one cdk8s cannot render (it reads an object\'s "constructor" key as its class): use another key';
    expect(problemsOf(server({ env: { constructor: 'x' } }))).toEqual([`mcpServers[0].env.constructor: the key "constructor" ${message}`]);
    expect(problemsOf(server({ secretEnv: { constructor: secretRef } }))).toEqual([`mcpServers[0].secretEnv.constructor: the key "constructor" ${message}`]);
    expect(problemsOf(server({ labels: { constructor: 'x' } }))).toEqual([`mcpServers[0].labels.constructor: the key "constructor" ${message}`]);
  });

  it('takes API groups with one-letter labels and resources with subresources, and refuses resources the API does not name', () => {
    const rules = [{ apiGroups: ['x.k8s.io', 'apps.a'], resources: ['pods', 'pods/log', 'pods/*', '*/scale'] }];
    expect(parse(server({ kubernetesAccess: { rules, wildcardReason: 'reads every workload' } })).mcpServers[0]!.kubernetesAccess!.rules).toEqual(rules);
    const resource = 'must be a resource as the API names it: lowercase plural such as "pods", a subresource such as "pods/log", or "*"';
    for (const bad of ['Pods', 'pods.', '*/Scale', 'pods/log/x']) {
      expect(problemsOf(server({ kubernetesAccess: { rules: [{ apiGroups: [''], resources: [bad] }] } }))).toEqual([`mcpServers[0].kubernetesAccess.rules[0].resources[0]: ${resource}, got ${JSON.stringify(bad)}`]);
    }
  });

  it('refuses an empty capability list, an unknown capability, an empty access rule and empty egress lists', () => {
    expect(problemsOf(server({ capabilities: [] }))).toEqual(['mcpServers[0].capabilities: must list at least one MCP capability, or be left out for the default ["tools"], got []']);
    expect(parse(server({ capabilities: ['tools', 'prompts'] })).mcpServers[0]!.capabilities).toEqual(['tools', 'prompts']);
    expect(problemsOf(server({ kubernetesAccess: { rules: [] } }))).toEqual(['mcpServers[0].kubernetesAccess.rules: must list at least one entry, got []']);
    expect(problemsOf(server({ kubernetesAccess: { rules: [{ apiGroups: [''], resources: [] }] } }))).toEqual(['mcpServers[0].kubernetesAccess.rules[0].resources: must list at least one entry, got []']);
    expect(problemsOf(server({ egress: [{ cidrs: [], ports: [443] }] }))).toEqual(['mcpServers[0].egress[0].cidrs: must list at least one entry, got []']);
    expect(problemsOf(server({ egress: [{ hosts: ['api.github.com'], ports: [] }] }))).toEqual(['mcpServers[0].egress[0].ports: must list at least one entry, got []']);
    expect(problemsOf(server({ egress: [{ ports: [443] }] }))).toEqual(['mcpServers[0].egress[0]: must be { cidrs: ["192.168.1.10/32"], ports: [443] } or { hosts: ["api.github.com"], ports: [443] }, got an object']);
    const egress = [{ cidrs: ['10.0.0.2/32'], ports: [443] }, { hosts: ['api.github.com'], ports: [443, 8443] }];
    expect(parse(server({ egress })).mcpServers[0]!.egress).toEqual(egress);
  });

  it('refuses a relative URL path and an empty command, naming each', () => {
    expect(problemsOf(server({ path: 'mcp' }))).toEqual(['mcpServers[0].path: must start with "/", got "mcp"']);
    expect(parse(server({ path: '/mcp' })).mcpServers[0]!.path).toBe('/mcp');
    expect(problemsOf(server({ source: { ...image, command: '' } }))).toEqual([
      'mcpServers[0].source.command: must not be empty, got ""',
      'mcpServers[0].source.command: must be one executable path without spaces, such as "/server/run": put its arguments in args (the container runtime looks for a file of this whole name), got ""',
    ]);
  });
});

describe('the rule that kubernetesAccess or ToolHive needs kubernetes.apiServer', () => {
  const noApi = { ...minimal, kubernetes: { context: 'admin@lab' } };
  const access = { kubernetesAccess: { rules: [{ apiGroups: [''], resources: ['pods'] }] } };
  const servers = (...list: Json[]) => list.map((fields, i) => ({ name: `s${i}`, transport: 'streamable-http', source: image, ...fields }));
  const message = (names: string) =>
    `kubernetes.apiServer: is required by MCP servers ${names} (kubernetesAccess, or ToolHive's proxy, calls the API server through the default deny): set kubernetes.apiServer.cidrs (not needed with cluster.cni "cilium")`;

  it('names every server that needs it, and no other', () => {
    expect(problemsOf({ ...noApi, mcpServers: servers(access, {}, { flavour: 'toolhive' }, { flavour: 'kmcp' }) })).toEqual([message('s0, s2')]);
    expect(problemsOf({ ...noApi, mcpServers: servers({ flavour: 'toolhive' }) })).toEqual([message('s0')]);
  });

  it('counts an apiServer with a port and no addresses as unknown', () => {
    expect(problemsOf({ ...noApi, kubernetes: { context: 'admin@lab', apiServer: { port: 6443 } }, mcpServers: servers(access) })).toEqual([message('s0')]);
  });

  it('needs no addresses with the API server addresses given, on Cilium, or with no server that calls it', () => {
    expect(parse({ ...minimal, mcpServers: servers(access, { flavour: 'toolhive' }) }).mcpServers).toHaveLength(2);
    expect(parse({ ...noApi, cluster: { cni: 'cilium' }, mcpServers: servers(access, { flavour: 'toolhive' }) }).mcpServers).toHaveLength(2);
    expect(parse({ ...noApi, mcpServers: servers({}, { flavour: 'kmcp' }) }).mcpServers).toHaveLength(2);
    expect(parse({ ...noApi, cluster: { cni: 'cilium' }, discovery: { enabled: true, repo: 'a/b', github: { auth: { token: secretRef } }, apiToken: secretRef, database: 'embedded' } }).discovery.enabled).toBe(true);
    expect(parse({ ...noApi, cluster: { cni: 'cilium' }, database: { enabled: true } }).database.enabled).toBe(true);
  });

  it('needs the addresses for the database on every CNI but Cilium', () => {
    for (const cni of ['calico', 'flannel', 'other']) {
      expect(problemsOf({ ...noApi, cluster: { cni }, database: { enabled: true } })).toEqual([
        'kubernetes.apiServer: is required when database.enabled is true: the PostgreSQL pods talk to the API server through the namespace\'s default-deny egress; set kubernetes.apiServer.cidrs to the control-plane addresses, e.g. ["192.168.10.5/32"] (not needed with cluster.cni "cilium")',
      ]);
    }
  });

  it('refuses an empty list of API server addresses', () => {
    expect(problemsOf({ ...minimal, kubernetes: { context: 'admin@lab', apiServer: { cidrs: [] } } })).toEqual(['kubernetes.apiServer.cidrs: must list at least one CIDR: the control-plane addresses, got []']);
  });
});

describe('discovery settings', () => {
  it('refuses an empty or duplicated watch list, a non-numeric App id and a path outside the repository', () => {
    expect(problemsOf(withValue(minimal, 'discovery.watchNamespaces', []))).toEqual(['discovery.watchNamespaces: must name at least one namespace; leave it out to watch all of them, got []']);
    expect(problemsOf(withValue(minimal, 'discovery.watchNamespaces', ['a', 'b', 'a', 'b']))).toEqual([
      'discovery.watchNamespaces[2]: "a" is listed twice: list each namespace once',
      'discovery.watchNamespaces[3]: "b" is listed twice: list each namespace once',
    ]);
    expect(parse(withValue(minimal, 'discovery.watchNamespaces', ['a', 'b'])).discovery.watchNamespaces).toEqual(['a', 'b']);
    const app = (appId: string) => withValue(minimal, 'discovery.github', { auth: { appId, installationId: 1, privateKey: secretRef } });
    expect(parse(app('123456')).discovery.github?.auth).toEqual({ appId: '123456', installationId: 1, privateKey: secretRef });
    expect(problemsOf(withValue(minimal, 'discovery.github', { auth: { token: secretRef }, egressCidrs: [] }))).toEqual(['discovery.github.egressCidrs: must list at least one entry, got []']);
    expect(problemsOf(withValue(minimal, 'discovery.serversDir', '/abs'))).toEqual(['discovery.serversDir: must be a relative path inside the repository (no leading or trailing "/", no "//", "." or ".." part), got "/abs"']);
    expect(parse(withValue(minimal, 'discovery.serversDir', 'platform/servers')).discovery.serversDir).toBe('platform/servers');
    expect(problemsOf(withValue(minimal, 'discovery.serverFileImport', 'servers.ts'))).toEqual(['discovery.serverFileImport: must be a relative module path ending in ".js", such as "../servers.js" (leading "./" or "../" only), or "@mcp-platform/constructs/servers" when the platform is an installed package, got "servers.ts"']);
    expect(problemsOf(withValue(minimal, 'discovery.serverFileImport', '@mcp-platform/other/servers'))).toEqual(['discovery.serverFileImport: must be a relative module path ending in ".js", such as "../servers.js" (leading "./" or "../" only), or "@mcp-platform/constructs/servers" when the platform is an installed package, got "@mcp-platform/other/servers"']);
    expect(parse(withValue(minimal, 'discovery.serverFileImport', '@mcp-platform/constructs/servers')).discovery.serverFileImport).toBe('@mcp-platform/constructs/servers');
    expect(parse(withValue(minimal, 'discovery.serverFileImport', '../../stacks/servers.js')).discovery.serverFileImport).toBe('../../stacks/servers.js');
    expect(parse(minimal).discovery.serverFileImport).toBeUndefined();
  });
});

describe('how a problem is worded', () => {
  it('names a missing section or text and what it must be', () => {
    const { gitops: _gitops, ...withoutGitops } = minimal;
    expect(problemsOf(withoutGitops)).toEqual(['gitops: is required (an object)']);
    expect(problemsOf({ ...minimal, triageLlm: { provider: 'external', address: '10.0.0.9', port: 8000 } })).toEqual(['triageLlm.model: is required (a string)']);
    expect(problemsOf({ ...minimal, gitops: { path: 'apps/mcp' } })).toEqual(['gitops.repoUrl: is required: the Argo CD repository URL, e.g. "https://github.com/me/homelab-gitops.git"']);
    expect(problemsOf({ ...minimal, gitops: { repoUrl: minimal.gitops.repoUrl } })).toEqual(['gitops.path: is required: the folder in the GitOps repository that holds dist/, e.g. "clusters/homelab/mcp-platform"']);
  });

  it('describes the wrong value it got: null, a number, an empty list, a list, an object', () => {
    expect(problemsOf({ ...minimal, gateway: null })).toEqual(['gateway: must be an object, got null']);
    expect(problemsOf(withValue(minimal, 'gateway.enabled', 1))).toEqual(['gateway.enabled: must be a boolean, got 1']);
    expect(problemsOf(withValue(minimal, 'gateway.routes', 'all'))).toEqual(['gateway.routes: must be an array, got "all"']);
    expect(problemsOf(withValue(minimal, 'gateway.replicas', []))).toEqual(['gateway.replicas: must be a number, got []']);
    expect(problemsOf(withValue(minimal, 'gateway.replicas', [1]))).toEqual(['gateway.replicas: must be a number, got an array']);
    expect(problemsOf(withValue(minimal, 'gateway.replicas', {}))).toEqual(['gateway.replicas: must be a number, got an object']);
  });

  it('names an unknown field at the top level without a path, and suggests only a close name', () => {
    const allowed = 'allowed: name, namespace, kubernetes, cluster, gitops, argocd, operators, guardrails, database, gateway, triageLlm, gpuInference, monitoring, discovery, mcpServers, terraform, mcp';
    // Two edits from "namespace" is close for a short word, three is not.
    expect(problemsOf({ ...minimal, nmespce: 'x' })).toEqual([`nmespce: unknown field (did you mean "namespace"?); ${allowed}`]);
    expect(problemsOf({ ...minimal, nmspce: 'x' })).toEqual([`nmspce: unknown field; ${allowed}`]);
    // Case does not count; a longer word may be a third of its length away.
    expect(problemsOf({ ...minimal, NAMESPACE: 'x' })).toEqual([`NAMESPACE: unknown field (did you mean "namespace"?); ${allowed}`]);
    expect(problemsOf(withValue(minimal, 'gateway.toolBudgetabcd', 1))).toEqual([
      'gateway.toolBudgetabcd: unknown field (did you mean "toolBudget"?); allowed: enabled, image, replicas, routes, service, allowFrom, auth, rateLimit, toolBudget, llm',
    ]);
    // Unknown fields of one object are one problem, a line each.
    expect(problemsOf({ ...minimal, zzzz: 1, yyyy: 2 })).toEqual([`zzzz: unknown field; ${allowed}\n  - yyyy: unknown field; ${allowed}`]);
  });

  it('lists the fields of the secret reference chosen for an unknown field in a map of them', () => {
    const inf = { from: 'infisical', name: 'creds', key: 'TOKEN', projectSlug: 'p', environment: 'prod', credentials: { name: 'machine' } };
    expect(problemsOf(server({ source: npm('1.0.0'), secretEnv: { TOKEN: { ...inf, refrsh: 1 } } }))).toEqual([
      'mcpServers[0].secretEnv.TOKEN.refrsh: unknown field; allowed: from, name, key, projectSlug, environment, path, remoteName, credentials, hostApi, resyncInterval',
    ]);
    expect(problemsOf(server({ source: npm('1.0.0'), secretEnv: { TOKEN: { ...secretRef, kye: 'x' } } }))).toEqual([
      'mcpServers[0].secretEnv.TOKEN.kye: unknown field (did you mean "key"?); allowed: from, name, key',
    ]);
  });

  it('puts each problem on a line of the error, under the source', () => {
    const error = (() => {
      try {
        parsePlatformConfig({ ...minimal, name: '', namespace: 'A' }, 'my.config.ts');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected the config to be rejected');
    })();
    expect(error.name).toBe('ConfigError');
    expect(error.source).toBe('my.config.ts');
    expect(error.message).toBe(`Invalid platform config (my.config.ts):\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    expect(error.problems).toHaveLength(2);
  });

  it('words a server file\'s problems without the mcpServers prefix', () => {
    const read = (raw: unknown) => {
      try {
        parseMcpServer(raw, 'servers/acme.ts');
      } catch (error) {
        return (error as ConfigError).problems;
      }
      throw new Error('expected the server to be rejected');
    };
    expect(read({ name: 'acme', transport: 'streamable-http', source: image, port: 0 })).toEqual(['port: must be a port number (1-65535), got 0']);
    expect(read(null)).toEqual(['(server): must be an object, got null']);
    const allowed = 'allowed: name, flavour, transport, source, args, port, path, env, secretEnv, secretFiles, resources, replicas, kubernetesAccess, egress, tools, capabilities, labels, preflight, toolhivePermissionProfile';
    expect(read({ name: 'acme', transport: 'stdio', source: npm('1.0.0'), bogus: 1, other: 2 })).toEqual([`bogus: unknown field; ${allowed}\n  - other: unknown field; ${allowed}`]);
    expect(parseMcpServer({ name: 'acme', transport: 'streamable-http', source: image }, 'servers/acme.ts')).toEqual({ name: 'acme', flavour: 'standalone', transport: 'streamable-http', source: image });
  });
});

describe("the construct's checks the field schemas already make are reported once, by the field", () => {
  // Each value is wrong for the field's own schema and for the construct's check: only the field's message is kept.
  it.each<[string, Json, string[]]>([
    ['an invalid name', { name: 'Bad' }, [
      "mcpServers[0].name: must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit): the MCP server name, got \"Bad\"",
      'mcpServers[0].name: must start with a letter: it names the server\'s Service, and a Service name is a DNS-1035 label (e.g. "onepassword" for 1Password), got "Bad"',
    ]],
    ['an unknown flavour', { flavour: 'helm' }, ['mcpServers[0].flavour: must be "kmcp", "toolhive", "standalone" or "external", got "helm"']],
    ['an unknown transport', { transport: 'ws' }, ['mcpServers[0].transport: must be "stdio", "streamable-http" or "sse", got "ws"']],
    ['a relative path', { path: 'mcp' }, ['mcpServers[0].path: must start with "/", got "mcp"']],
    ['a version range', { source: npm('^1') }, ['mcpServers[0].source.npm.version: must be an exact version such as "1.2.3", got "^1"']],
    ['the latest tag', { source: { image: 'x:latest' } }, ['mcpServers[0].source.image: must not use the latest tag: pin a version so every node runs the same code, got "x:latest"']],
    ['no source', { source: {} }, ['mcpServers[0].source: must be { npm: { package, version } }, { image } or, for an external server, { service: { name, namespace } }, got an object']],
    ['no replicas', { replicas: 0 }, ['mcpServers[0].replicas: must be more than 0, got 0']],
    ['an unknown capability', { capabilities: ['nope'] }, ['mcpServers[0].capabilities[0]: must be an MCP capability: tools, resources, prompts, logging, completions, sampling, elicitation, roots, got "nope"']],
    ['no capability', { capabilities: [] }, ['mcpServers[0].capabilities: must list at least one MCP capability, or be left out for the default ["tools"], got []']],
    ['a bad label key', { labels: { 'a b': 'x' } }, ['mcpServers[0].labels["a b"]: the key "a b" must be a label key: an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit']],
    ['a bad label value', { labels: { a: 'b c' } }, ['mcpServers[0].labels.a: must be a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty), got "b c"']],
    ['a bad env name', { env: { '1A': 'x' } }, ['mcpServers[0].env["1A"]: the key "1A" must be an environment variable name']],
    ['a bad secretEnv name', { secretEnv: { '1-A': secretRef } }, ['mcpServers[0].secretEnv["1-A"]: the key "1-A" must be an environment variable name']],
    ['a relative secret file path', { secretFiles: [{ secret: secretRef, path: 'rel' }] }, ['mcpServers[0].secretFiles[0].path: must start with "/", got "rel"']],
    ['a bad egress CIDR', { egress: [{ cidrs: ['x'], ports: [1] }] }, ['mcpServers[0].egress[0].cidrs[0]: must be an IPv4 CIDR such as "192.168.10.5/32", got "x"']],
    ['an empty access rule', { kubernetesAccess: { rules: [{ apiGroups: [''], resources: [] }] } }, ['mcpServers[0].kubernetesAccess.rules[0].resources: must list at least one entry, got []']],
    ['a list of capabilities that is no list', { capabilities: null }, ['mcpServers[0].capabilities: must be an array, got null']],
    ['a Service source on a deployed server', { source: { service: { name: 'a', namespace: 'b' } } }, [
      'mcpServers[0].source: must be { npm: { package, version } } or { image } for flavour "standalone": { service } is only for flavour "external" (a server deployed by something else)',
    ]],
    ['port 0', { port: 0 }, ['mcpServers[0].port: must be a port number (1-65535), got 0']],
    ['a privileged port', { port: 80 }, ['mcpServers[0].port: must be 1024-65535 (the server runs as non-root), got 80']],
  ])('%s', (_what, fields, expected) => {
    expect(problemsOf(server(fields))).toEqual(expected);
  });
});

describe('an external server', () => {
  const externalServer = (fields: Json) => ({ ...minimal, mcpServers: [{ name: 'acme', flavour: 'external', transport: 'streamable-http', ...fields }] });

  it("reports its rules by the field they are about: the Service source and the Service's port", () => {
    expect(problemsOf(externalServer({ source: image }))).toEqual([
      'mcpServers[0].source: must be { service: { name, namespace } } for an external server: the Service that already serves it',
      'mcpServers[0].port: is required for an external server: the port of its Service that clients call',
    ]);
    expect(problemsOf(externalServer({ source: { service: { name: 'A', namespace: 'b' } }, port: 8080 }))).toEqual([
      "mcpServers[0].source.service.name: must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit), got \"A\"",
    ]);
    expect(problemsOf(externalServer({ source: { service: { name: '1svc', namespace: 'b' } }, port: 8080 }))).toEqual([
      'mcpServers[0].source.service.name: must start with a letter: a Service name is a DNS-1035 label, so no Service "1svc" can exist',
    ]);
  });

  it('refuses a blank, space-padded or repeated expected tool, once each, on every flavour', () => {
    const tools = ['a', 'a', '', ' b', 'c'];
    const expected = [
      "mcpServers[0].tools[1]: is also tools[0]: list each tool once, as each counts against the gateway's tool budget, got \"a\"",
      'mcpServers[0].tools[2]: is not a tool name: give the name the server lists (tools/list), without surrounding spaces, got ""',
      'mcpServers[0].tools[3]: is not a tool name: give the name the server lists (tools/list), without surrounding spaces, got " b"',
    ];
    expect(problemsOf(externalServer({ source: { service: { name: 'acme', namespace: 'b' } }, port: 8080, tools }))).toEqual(expected);
    expect(problemsOf({ ...minimal, mcpServers: [{ name: 'acme', transport: 'streamable-http', source: { image: 'ghcr.io/acme/mcp:1.0.0' }, tools }] })).toEqual(expected);
  });

  it('says a port out of range once, though the schema and the external-server rule both bound it', () => {
    expect(problemsOf(externalServer({ source: { service: { name: 'acme', namespace: 'tools' } }, port: 70000 }))).toEqual(['mcpServers[0].port: must be a port number (1-65535), got 70000']);
  });

  it('takes a privileged Service port, which no pod of the platform binds', () => {
    const service = { name: 'acme', namespace: 'tools' };
    expect(parse(externalServer({ source: { service }, port: 80 })).mcpServers[0]).toEqual({ name: 'acme', flavour: 'external', transport: 'streamable-http', source: { service }, port: 80 });
  });
});

describe('other single-field and cross-field rules', () => {
  it('refuses a triage section that is no object instead of taking the default provider', () => {
    expect(problemsOf({ ...minimal, triageLlm: null })).toEqual(['triageLlm: must be an object, { provider: "ollama" | "vllm" | "external", ... }, got null']);
    // A list is no object either (spread, [] would have read as {} and so as the defaults).
    expect(problemsOf({ ...minimal, triageLlm: [] })).toEqual(['triageLlm: must be an object, { provider: "ollama" | "vllm" | "external", ... }, got a list']);
  });

  it('refuses a triage section given as a provider name', () => {
    expect(problemsOf({ ...minimal, triageLlm: 'ollama' })).toEqual(['triageLlm: must be an object, { provider: "ollama" | "vllm" | "external", ... }, got "ollama"']);
    expect(problemsOf({ ...minimal, triageLlm: { provider: 'llama.cpp' } })).toEqual(['triageLlm.provider: must be "ollama", "vllm" or "external", got "llama.cpp"']);
  });

  it('takes a GitHub API over http and an App id of digits only', () => {
    const github = (fields: Json) => withValue(minimal, 'discovery.github', { auth: { token: secretRef }, ...fields });
    expect(parse(github({ apiUrl: 'http://github.lan/api/v3' })).discovery.github?.apiUrl).toBe('http://github.lan/api/v3');
    // @octokit/endpoint joins base URL and route as text: "…/api/v3?x=1/repos/…".
    for (const apiUrl of ['https://ghe.example.com/api/v3?x=1', 'https://ghe.example.com/api/v3#top']) {
      expect(problemsOf(github({ apiUrl }))).toEqual([
        `discovery.github.apiUrl: must have no query ("?") or fragment ("#"): the client adds each request's path after the URL, e.g. "https://github.example.com/api/v3", got "${apiUrl}"`,
      ]);
    }
    expect(parse(github({ apiUrl: 'https://github.lan/api/v3' })).discovery.github?.apiUrl).toBe('https://github.lan/api/v3');
    const app = (appId: string) => withValue(minimal, 'discovery.github', { auth: { appId, installationId: 7, privateKey: secretRef } });
    for (const appId of ['12a', 'a12', '']) expect(problemsOf(app(appId))[0]).toBe(`discovery.github.auth.appId: must be the App's numeric id, e.g. "123456", got "${appId}"`);
    expect(problemsOf(withValue(minimal, 'discovery.github', { auth: { appId: '1', installationId: 0, privateKey: secretRef } }))).toEqual(['discovery.github.auth.installationId: must be more than 0, got 0']);
  });

  it('reports an unreadable storage size once, as no quantity', () => {
    expect(problemsOf(withValue(minimal, 'database.storage.size', 'lots'))).toEqual(['database.storage.size: must be a Kubernetes quantity such as "500m", "2", "512Mi" or "4Gi", got "lots"']);
    expect(parse(withValue(minimal, 'database.storage.size', '1')).database.storage.size).toBe('1');
    expect(parse(withValue(minimal, 'database.storage', { storageClass: 'fast' })).database.storage).toEqual({ size: '10Gi', storageClass: 'fast' });
  });

  it('takes a memory request equal to its limit, and reports an unreadable one once', () => {
    const resources = (requestsMemory: string, limitsMemory: string) => withValue(minimal, 'gpuInference.resources', { requestsCpu: '1', requestsMemory, limitsMemory });
    expect(parse(resources('1Gi', '1Gi')).gpuInference.resources).toEqual({ requestsCpu: '1', requestsMemory: '1Gi', limitsMemory: '1Gi' });
    expect(problemsOf(resources('1Gi', 'x'))).toEqual(['gpuInference.resources.limitsMemory: must be a Kubernetes quantity such as "500m", "2", "512Mi" or "4Gi", got "x"']);
    expect(problemsOf(resources('x', '1Gi'))).toEqual(['gpuInference.resources.requestsMemory: must be a Kubernetes quantity such as "500m", "2", "512Mi" or "4Gi", got "x"']);
    const limitRange = (defaultRequestMemory: string) => withValue(minimal, 'guardrails.limitRange', { defaultRequestCpu: '50m', defaultRequestMemory, defaultLimitMemory: '256Mi' });
    expect(parse(limitRange('256Mi')).guardrails.limitRange?.defaultRequestMemory).toBe('256Mi');
  });

  it('takes an external triage server by DNS name', () => {
    expect(parse({ ...minimal, triageLlm: { ...external, address: 'llm.lan', egressCidrs: ['10.0.0.9/32'] } }).triageLlm).toMatchObject({ address: 'llm.lan', egressCidrs: ['10.0.0.9/32'] });
    expect(problemsOf({ ...minimal, triageLlm: { ...external, address: '' } })).toEqual(['triageLlm.address: must not be empty, got ""']);
    // Only an address of digits and dots must be IPv4: a DNS name may end or start with digits.
    for (const address of ['llm.10', '10.lan', 'a1.2']) expect(parse({ ...minimal, triageLlm: { ...external, address } }).triageLlm).toMatchObject({ address });
    expect(problemsOf({ ...minimal, triageLlm: { ...external, address: '10.0.0.256' } })).toEqual(['triageLlm.address: must be an IPv4 address (four numbers of 0-255) or a DNS name, got "10.0.0.256"']);
  });

  it('refuses an empty pool list, a pool without blocks, a block of neither form and an empty interface list', () => {
    const cilium = (fields: Json) => ({ ...minimal, cluster: { cni: 'cilium', cilium: fields } });
    expect(problemsOf(cilium({ loadBalancerIPPools: [] }))).toEqual(['cluster.cilium.loadBalancerIPPools: must list at least one pool; leave it out when Cilium does not assign LoadBalancer addresses, got []']);
    expect(problemsOf(cilium({ loadBalancerIPPools: [{ name: 'lan', blocks: [] }] }))).toEqual(['cluster.cilium.loadBalancerIPPools[0].blocks: must list at least one block of addresses, got []']);
    expect(problemsOf(cilium({ loadBalancerIPPools: [{ name: 'lan', blocks: [{ first: '10.0.0.1' }] }] }))).toEqual([
      'cluster.cilium.loadBalancerIPPools[0].blocks[0]: must be { cidr: "10.30.0.0/28" } or { start: "10.30.0.90", stop: "10.30.0.99" }, got an object',
    ]);
    expect(problemsOf(cilium({ loadBalancerIPPools: [{ name: 'lan', blocks: [{ start: '10.0.0.1', stop: '10.0.0' }] }] }))).toEqual([
      'cluster.cilium.loadBalancerIPPools[0].blocks[0].stop: must be an IPv4 address such as "10.30.0.90", got "10.0.0"',
    ]);
    const pools = [{ name: 'lan', blocks: [{ start: '10.0.0.90', stop: '10.0.0.99' }] }];
    expect(problemsOf(cilium({ loadBalancerIPPools: pools, l2Announcements: { interfaces: [] } }))).toEqual(['cluster.cilium.l2Announcements.interfaces: must list at least one entry, got []']);
    expect(parse(cilium({ fqdnEgress: false, loadBalancerIPPools: pools, l2Announcements: { interfaces: ['^eth[0-9]+'] } })).cluster.cilium).toEqual({
      fqdnEgress: false,
      loadBalancerIPPools: pools,
      l2Announcements: { interfaces: ['^eth[0-9]+'] },
    });
  });

  it('reports Cilium settings on another CNI once, not also their L2 announcements without pools', () => {
    expect(problemsOf({ ...minimal, cluster: { cni: 'calico', cilium: { l2Announcements: {} } } })).toEqual([
      'cluster.cilium: renders Cilium objects, but cluster.cni is "calico": set cluster.cni to "cilium", or remove cluster.cilium',
    ]);
  });

  it('checks a fixed gateway address against the pools only when the gateway is enabled and the cluster runs Cilium', () => {
    const pools = [{ name: 'lan', blocks: [{ start: '10.0.0.90', stop: '10.0.0.99' }] }, { name: 'dmz', blocks: [{ cidr: '10.1.0.0/28' }] }];
    const gateway = (enabled: boolean, loadBalancerIP: string) => ({ ...minimal, cluster: { cni: 'cilium', cilium: { loadBalancerIPPools: pools } }, gateway: { enabled, service: { type: 'LoadBalancer', loadBalancerIP } } });
    expect(problemsOf(gateway(true, '10.2.0.1'))).toEqual([
      'gateway.service.loadBalancerIP: 10.2.0.1 lies in no LoadBalancer pool, so Cilium would never assign it and the gateway would stay pending: use an address of lan (10.0.0.90-10.0.0.99); dmz (10.1.0.0/28), or add a pool that holds it',
    ]);
    expect(parse(gateway(false, '10.2.0.1')).gateway.service).toEqual({ type: 'LoadBalancer', loadBalancerIP: '10.2.0.1' });
    expect(parse(gateway(true, '10.0.0.95')).gateway.enabled).toBe(true);
    expect(parse(gateway(true, '10.1.0.3')).gateway.enabled).toBe(true);
    expect(parse({ ...minimal, gateway: { enabled: true, service: { type: 'LoadBalancer', loadBalancerIP: '10.2.0.1' } } }).gateway.enabled).toBe(true);
    expect(parse({ ...minimal, cluster: { cni: 'cilium', cilium: { loadBalancerIPPools: pools } }, gateway: { enabled: true, service: { type: 'LoadBalancer' } } }).gateway.enabled).toBe(true);
  });

  it('takes a pool whose serviceLabels the gateway Service carries', () => {
    const pools = [{ name: 'lan', blocks: [{ cidr: '10.1.0.0/28' }], serviceLabels: { 'app.kubernetes.io/component': 'mcp-gateway', 'app.kubernetes.io/part-of': 'mcp-platform' } }];
    expect(parse({ ...minimal, cluster: { cni: 'cilium', cilium: { loadBalancerIPPools: pools } }, gateway: { enabled: true, service: { type: 'LoadBalancer', loadBalancerIP: '10.1.0.3' } } }).cluster.cilium?.loadBalancerIPPools).toEqual(pools);
  });

  it('refuses the host driver on Talos only when the GPU operator is enabled, and only on Talos', () => {
    const gpu = (distribution: string, nvidiaGpu: Json) => ({ ...minimal, cluster: { distribution }, operators: { nvidiaGpu } });
    expect(parse(gpu('talos', { enabled: false, driver: 'operator' })).operators.nvidiaGpu.driver).toBe('operator');
    expect(parse(gpu('k3s', { enabled: true, driver: 'operator' })).operators.nvidiaGpu.driver).toBe('operator');
    expect(parse(gpu('talos', { enabled: true, driver: 'host', driverInstallDir: '/usr/local' })).operators.nvidiaGpu.driverInstallDir).toBe('/usr/local');
    expect(problemsOf(gpu('generic', { driverInstallDir: 'usr/local' }))).toEqual(['operators.nvidiaGpu.driverInstallDir: must be an absolute path such as "/usr/local", got "usr/local"']);
  });

  it('refuses a Helm values field that is no object', () => {
    expect(problemsOf(withValue(minimal, 'argocd.values', 'replicaCount=2'))).toEqual(['argocd.values: must be an object of Helm values, e.g. { replicaCount: 2 }']);
    expect(parse(withValue(minimal, 'argocd.values', { replicaCount: 2 })).argocd.values).toEqual({ replicaCount: 2 });
  });

  it('names the first of two servers of one name, for each repeat', () => {
    const servers = ['a', 'b', 'a', 'a'].map((name) => ({ name, transport: 'streamable-http', source: image }));
    expect(problemsOf({ ...minimal, mcpServers: servers })).toEqual([
      'mcpServers[2].name: "a" is also the name of mcpServers[0]: names must be unique',
      'mcpServers[3].name: "a" is also the name of mcpServers[0]: names must be unique',
    ]);
  });

  it('needs the discovery fields only when discovery is enabled, and the platform database only for a platform store', () => {
    expect(parse(withValue(minimal, 'discovery.enabled', false)).discovery.enabled).toBe(false);
    const discovery = { enabled: true, repo: 'a/b', github: { auth: { token: secretRef } }, apiToken: secretRef };
    expect(parse({ ...minimal, database: { enabled: true }, discovery }).discovery.database).toBe('platform');
    expect(problemsOf({ ...minimal, discovery: { ...discovery, repo: undefined } })).toEqual([
      'discovery.repo: is required when discovery.enabled is true: the platform repository pull requests go to, "owner/name", e.g. "homelab/platform"',
      'discovery.database: is "platform" but database.enabled is false: enable the database, or set discovery.database to "embedded" (PGlite in the pod, rebuilt from the cluster after a restart)',
    ]);
  });
});

describe('paths, values and field lists in a message', () => {
  it('quotes a path key that is no identifier, and leaves one of letters, digits and "_" bare', () => {
    expect(problemsOf(withValue(minimal, 'monitoring.prometheusPodLabels', { 'app.kubernetes.io/name': 'a b' }))).toEqual([
      'monitoring.prometheusPodLabels["app.kubernetes.io/name"]: must be a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty), got "a b"',
    ]);
    expect(problemsOf(server({ env: { _A1: 1 } }))).toEqual(['mcpServers[0].env._A1: must be a string, got 1']);
    expect(problemsOf(server({ labels: { team1: 'a b' } }))[0]).toMatch(/^mcpServers\[0\]\.labels\.team1: must be a label value/);
    expect(problemsOf(withValue(minimal, 'gateway.enabled', 'yes'))).toEqual(['gateway.enabled: must be a boolean, got "yes"']);
    expect(problemsOf(withValue(minimal, 'gateway.replicas', true))).toEqual(['gateway.replicas: must be a number, got true']);
  });

  it('lists the fields of the variant a nested unknown field is in', () => {
    expect(problemsOf({ ...minimal, triageLlm: { provider: 'vllm', gpu: { memoryGB: 1 } } })).toEqual([
      'triageLlm.gpu.memoryGB: unknown field (did you mean "memoryGiB"?); allowed: memoryGiB, nodeSelector, runtimeClassName, resourceName',
    ]);
    expect(problemsOf({ ...minimal, triageLlm: { storage: { sise: '1Gi' } } })).toEqual(['triageLlm.storage.sise: unknown field (did you mean "size"?); allowed: size, storageClass']);
    const app = { appId: '1', installationId: 1, privateKey: { ...secretRef, kye: 'x' } };
    expect(problemsOf(withValue(minimal, 'discovery.github', { auth: app }))).toEqual([
      'discovery.github.auth.privateKey.kye: unknown field (did you mean "key"?); allowed: from, name, key',
    ]);
    expect(problemsOf(server({ egress: [{ cidrs: ['10.0.0.2/32'], ports: [443] }], secretFiles: [{ secret: secretRef, path: '/a', mode: 1 }] }))).toEqual([
      'mcpServers[0].secretFiles[0].mode: unknown field; allowed: secret, path',
    ]);
  });

  it('puts a "__proto__" key of a JSON config first, before the other problems, with the array index as one', () => {
    const raw = JSON.parse(JSON.stringify({ ...server({ env: { LOG_LEVEL: 'debug' } }), namespace: 'A' }).replace('"LOG_LEVEL"', '"__proto__"'));
    expect(problemsOf(raw)).toEqual([
      'mcpServers[0].env: the key "__proto__" cannot be used: JavaScript reads it as the object\'s prototype, so the entry would be lost; rename it',
      "namespace: must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit): the platform namespace, got \"A\"",
    ]);
    expect(problemsOf(JSON.parse(JSON.stringify(minimal).replace('{', '{"__proto__": {},')))).toEqual([
      '(config): the key "__proto__" cannot be used: JavaScript reads it as the object\'s prototype, so the entry would be lost; rename it',
      '__proto__: unknown field; allowed: name, namespace, kubernetes, cluster, gitops, argocd, operators, guardrails, database, gateway, triageLlm, gpuInference, monitoring, discovery, mcpServers, terraform, mcp',
    ]);
  });

  it('reports only the "__proto__" key of a server file, and names the file itself "(server)"', () => {
    const read = (raw: unknown) => {
      try {
        parseMcpServer(raw, 'acme.json');
      } catch (error) {
        return (error as ConfigError).problems;
      }
      throw new Error('expected the server to be rejected');
    };
    expect(read(JSON.parse('{"__proto__": {}, "name": "acme", "transport": "stdio", "source": {"npm": {"package": "x", "version": "1"}}}'))).toEqual([
      '(server): the key "__proto__" cannot be used: JavaScript reads it as the object\'s prototype, so the entry would be lost; rename it',
    ]);
  });
});

describe('the cluster profile as the constructs take it', () => {
  it('has egress by name on unless Cilium settings turn it off, and Cilium settings only on Cilium', () => {
    expect(clusterNetwork(parse(minimal))).toEqual({ cni: 'other', fqdnEgress: true });
    expect(clusterNetwork(parse({ ...minimal, cluster: { cni: 'cilium' } }))).toEqual({ cni: 'cilium', fqdnEgress: true });
    expect(clusterNetwork(parse({ ...minimal, cluster: { cni: 'cilium', cilium: { fqdnEgress: false } } }))).toEqual({ cni: 'cilium', fqdnEgress: false });
    expect(ciliumSettings(parse({ ...minimal, cluster: { cni: 'cilium', cilium: { fqdnEgress: false } } }))).toEqual({ fqdnEgress: false });
    expect(ciliumSettings({ cluster: { distribution: 'generic', cni: 'calico', cilium: { fqdnEgress: true } } })).toBeUndefined();
  });
});

describe('repository URLs, paths and interface patterns', () => {
  it.each(['https://github.com/me/gitops.git', 'ssh://git@github.com/me/gitops.git', 'git@github.com:me/gitops.git'])('takes the git URL %p', (repoUrl) => {
    expect(parse(withValue(minimal, 'gitops.repoUrl', repoUrl)).gitops.repoUrl).toBe(repoUrl);
  });

  it.each(['http://github.com/me/gitops.git', 'https://', 'https://github.com/me/git ops.git', ' https://github.com/me/gitops.git', 'github.com/me/gitops.git', 'file:///srv/gitops'])('refuses the git URL %p', (repoUrl) => {
    expect(problemsOf(withValue(minimal, 'gitops.repoUrl', repoUrl))).toEqual([`gitops.repoUrl: must be a git URL with a host and a repository path: "https://host/owner/repo.git", "ssh://git@host/owner/repo.git" or "git@host:owner/repo.git", got "${repoUrl}"`]);
  });

  it.each(['apps', 'apps/mcp', 'clusters/home-lab/mcp_platform.v2', 'a..b/c', '..a/b', 'a/b..', '.apps/a.', 'a/.b'])('takes the repository path %p', (path) => {
    expect(parse(withValue(minimal, 'gitops.path', path)).gitops.path).toBe(path);
  });

  // "./apps" and "apps/." are "apps" spelt another way: two environments could share the folder unseen.
  it.each(['/apps', 'apps/', '..', '../apps', 'apps/..', 'apps/../mcp', 'apps mcp', 'apps/mcp!', '.', './apps', 'apps/.', 'apps/./mcp'])('refuses the repository path %p', (path) => {
    expect(problemsOf(withValue(minimal, 'gitops.path', path))).toEqual([`gitops.path: must be a relative path inside the repository (no leading or trailing "/", no "//", "." or ".." part), got "${path}"`]);
  });

  const l2 = (interfaces: string[]) => ({
    ...minimal,
    cluster: { cni: 'cilium', cilium: { loadBalancerIPPools: [{ name: 'lan', blocks: [{ cidr: '10.30.0.0/28' }] }], l2Announcements: { interfaces } } },
  });
  const lookaround = (pattern: string) =>
    `cluster.cilium.l2Announcements.interfaces[0]: uses lookaround or a backreference, which Cilium's regular expressions (Go, RE2 syntax) do not have: use a plain expression such as "^eth[0-9]+", got ${JSON.stringify(pattern)}`;

  it.each(['(?=eth)', '(?!lo)', '(?<=e)th0', '(?<!v)eth', '(a)\\9', '(?<n>a)\\k<n>'])('refuses the interface pattern %p, which RE2 lacks', (pattern) => {
    expect(problemsOf(l2([pattern]))).toEqual([lookaround(pattern)]);
  });

  it('takes interface patterns RE2 has, and says what is wrong with a malformed or empty one', () => {
    const patterns = ['(?:eth|enp)[0-9]+', '^eth\\d$', 'a\\0', 'ETH'];
    expect(parse(l2(patterns)).cluster.cilium?.l2Announcements?.interfaces).toEqual(patterns);
    expect(problemsOf(l2(['eth[0-9']))).toEqual(['cluster.cilium.l2Announcements.interfaces[0]: must be a regular expression Cilium (Go\'s regexp) compiles, such as "^eth[0-9]+": error parsing regexp: missing closing ]: `[0-9`, got "eth[0-9"']);
    expect(problemsOf(l2(['']))).toEqual([
      'cluster.cilium.l2Announcements.interfaces[0]: must be a regular expression such as "^eth[0-9]+" (an empty one matches every interface: leave interfaces out instead), got ""',
    ]);
  });
});

describe('lists that must not be empty take more than one entry', () => {
  const two = ['10.0.0.1/32', '10.0.0.2/32'];

  it('in the API server, the gateway, the package registry and GitHub', () => {
    expect(parse(withValue(minimal, 'kubernetes.apiServer.cidrs', two)).kubernetes.apiServer?.cidrs).toEqual(two);
    expect(parse(withValue(minimal, 'gateway.allowFrom', two)).gateway.allowFrom).toEqual(two);
    const auth = { issuer: 'https://idp', audiences: ['mcp', 'cli'], jwksUrl: 'https://idp/certs', jwksCidrs: two };
    expect(parse(withValue(minimal, 'gateway.auth', auth)).gateway.auth).toEqual({ kind: 'jwt', ...auth });
    expect(problemsOf(withValue(minimal, 'gateway.auth', { ...auth, jwksCidrs: [] }))).toEqual(['gateway.auth.jwksCidrs: must list at least one entry, got []']);
    expect(problemsOf(withValue(minimal, 'gateway.auth', { ...auth, issuer: '' }))).toEqual(['gateway.auth.issuer: must not be empty, got ""']);
    expect(parse(withValue(minimal, 'mcp.packageRegistry', { url: 'http://10.0.0.1:4873/', cidrs: two, port: 4873 })).mcp.packageRegistry).toEqual({ url: 'http://10.0.0.1:4873/', cidrs: two, port: 4873 });
    expect(problemsOf(withValue(minimal, 'mcp.packageRegistry', { url: 'http://10.0.0.1:4873/', cidrs: [], port: 4873 }))).toEqual(['mcp.packageRegistry.cidrs: must list at least one entry, got []']);
    expect(parse(withValue(minimal, 'discovery.github', { auth: { token: secretRef }, egressCidrs: two })).discovery.github?.egressCidrs).toEqual(two);
  });

  it("in an MCP server's access rules and egress", () => {
    const rules = [{ apiGroups: [''], resources: ['pods', 'services'] }, { apiGroups: ['apps'], resources: ['deployments'] }];
    expect(parse(server({ kubernetesAccess: { rules } })).mcpServers[0]!.kubernetesAccess).toEqual({ rules });
    const egress = [{ cidrs: two, ports: [443] }, { hosts: ['api.github.com', 'uploads.github.com'], ports: [443] }];
    expect(parse(server({ egress })).mcpServers[0]!.egress).toEqual(egress);
    expect(problemsOf(server({ egress: [{ hosts: [], ports: [443] }] }))).toEqual(['mcpServers[0].egress[0].hosts: must list at least one entry, got []']);
  });

  it('in a load-balancer pool', () => {
    const pools = [{ name: 'lan', blocks: [{ cidr: '10.30.0.0/28' }, { start: '10.30.0.90', stop: '10.30.0.99' }] }];
    expect(parse({ ...minimal, cluster: { cni: 'cilium', cilium: { loadBalancerIPPools: pools } } }).cluster.cilium?.loadBalancerIPPools).toEqual(pools);
  });
});

describe('texts that must not be empty', () => {
  it('in an Infisical reference', () => {
    const inf = { from: 'infisical', name: 'creds', key: 'TOKEN', projectSlug: 'platform', environment: 'prod', credentials: { name: 'machine' } };
    const ref = (fields: Json) => server({ secretEnv: { TOKEN: { ...inf, ...fields } } });
    expect(parse(ref({})).mcpServers[0]!.secretEnv?.TOKEN).toMatchObject({ projectSlug: 'platform', environment: 'prod' });
    expect(problemsOf(ref({ projectSlug: '' }))).toEqual(['mcpServers[0].secretEnv.TOKEN.projectSlug: must not be empty, got ""']);
    expect(problemsOf(ref({ environment: '' }))).toEqual(['mcpServers[0].secretEnv.TOKEN.environment: must not be empty, got ""']);
  });

  it('takes a database and owner of their own', () => {
    expect(parse({ ...minimal, database: { database: 'registry', owner: 'registry_owner' } }).database).toMatchObject({ database: 'registry', owner: 'registry_owner' });
  });

  it('says a config that is no object must be one', () => {
    expect(problemsOf(null)).toEqual(['(config): must be an object, got null']);
  });
});
