/**
 * Values the schema once took and a cluster, git or the discovery service then refused at run time (the third
 * holdout round of issue 13): each is refused in the config now, with the field and the fix, and the values
 * just inside each limit still pass.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, gitRefProblem, parseMcpServer, parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { renderPlatformInMemory } from '../../stacks/synth.js';
import { problemsOf } from '../support/config-problems.js';

const minimal = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.1/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
};
const parse = (raw: unknown) => parsePlatformConfig(raw as PlatformConfigInput, 'test');
const withServer = (fields: Record<string, unknown>) => ({ ...minimal, mcpServers: [{ name: 'k', transport: 'streamable-http', source: { image: 'ghcr.io/a/b:1.0.0' }, ...fields }] });
const gitops = (fields: Record<string, unknown>) => ({ ...minimal, gitops: { ...minimal.gitops, ...fields } });

describe('the discovery service\'s own limits', () => {
  it.each([
    ['discovery.probe.timeoutMs', { discovery: { probe: { timeoutMs: 300_001 } } }, 'must be at most 300000 (5 minutes): the discovery service refuses a longer probe timeout, got 300001'],
    ['discovery.reconcileIntervalSeconds', { discovery: { reconcileIntervalSeconds: 86_401 } }, 'must be at most 86400 (a day): the discovery service refuses a longer interval, got 86401'],
    ['discovery.maxOpenPullRequests', { discovery: { maxOpenPullRequests: 1001 } }, 'must be at most 1000: the discovery service refuses more, got 1001'],
    ['gateway.toolBudget', { gateway: { toolBudget: 10_001 } }, 'must be at most 10000: the discovery service, which warns on it too, refuses more, got 10001'],
  ])('%s one past the limit', (field, fields, message) => {
    expect(problemsOf({ ...minimal, ...fields })).toEqual([`${field}: ${message}`]);
  });

  it('takes each at its limit', () => {
    const config = parse({ ...minimal, discovery: { probe: { timeoutMs: 300_000 }, reconcileIntervalSeconds: 86_400, maxOpenPullRequests: 1000 }, gateway: { toolBudget: 10_000 } });
    expect([config.discovery.probe.timeoutMs, config.discovery.reconcileIntervalSeconds, config.discovery.maxOpenPullRequests, config.gateway.toolBudget]).toEqual([300_000, 86_400, 1000, 10_000]);
  });

  it('refuses an empty part in a repository path (the discovery service does)', () => {
    const message = 'must be a relative path inside the repository (no leading or trailing "/", no "//", "." or ".." part)';
    expect(problemsOf({ ...minimal, discovery: { serversDir: 'stacks//servers' } })).toEqual([`discovery.serversDir: ${message}, got "stacks//servers"`]);
    expect(problemsOf(gitops({ path: 'apps//mcp' }))).toEqual([`gitops.path: ${message}, got "apps//mcp"`]);
  });
});

describe('RBAC rules the API server validates', () => {
  it('refuses a rule without an API group', () => {
    expect(problemsOf(withServer({ kubernetesAccess: { rules: [{ apiGroups: [], resources: ['pods'] }] } }))).toEqual([
      'mcpServers[0].kubernetesAccess.rules[0].apiGroups: must list at least one API group ("" is the core group: pods, services, ...); the API server refuses a resource rule without one, got []',
    ]);
  });

  it('refuses API groups and resources that are not names the API has', () => {
    expect(problemsOf(withServer({ kubernetesAccess: { rules: [{ apiGroups: ['Apps '], resources: ['Pods '] }] } }))).toEqual([
      'mcpServers[0].kubernetesAccess.rules[0].apiGroups[0]: must be an API group: "" (the core group), a DNS subdomain such as "apps", or "*", got "Apps "',
      'mcpServers[0].kubernetesAccess.rules[0].resources[0]: must be a resource as the API names it: lowercase plural such as "pods", a subresource such as "pods/log", or "*", got "Pods "',
    ]);
  });

  it('takes the core group, named groups, subresources and wildcards', () => {
    const rules = [{ apiGroups: ['', 'apps', 'metrics.k8s.io'], resources: ['pods', 'pods/log', 'deployments', 'pods/*'] }];
    expect(parse(withServer({ kubernetesAccess: { rules } })).mcpServers[0]!.kubernetesAccess!.rules).toEqual(rules);
  });
});

describe('32-bit counts and other bounds the API server or the extension enforces', () => {
  it.each([
    ['gateway.replicas', { gateway: { replicas: 2_147_483_648 } }],
    ['database.pooler.instances', { database: { enabled: true, pooler: { instances: 2_147_483_648 } } }],
  ])('%s above 2147483647', (field, fields) => {
    expect(problemsOf({ ...minimal, ...fields })).toEqual([`${field}: must be at most 2147483647: the API server stores it as a 32-bit integer, got 2147483648`]);
  });

  it('an MCP server\'s replicas above 2147483647', () => {
    expect(problemsOf(withServer({ replicas: 2_147_483_648 }))).toEqual(['mcpServers[0].replicas: must be at most 2147483647: the API server stores it as a 32-bit integer, got 2147483648']);
  });

  it('takes 2147483647 replicas (the quota or the nodes limit them, not the schema)', () => {
    expect(parse({ ...minimal, gateway: { replicas: 2_147_483_647 } }).gateway.replicas).toBe(2_147_483_647);
  });

  it('refuses a vLLM startup timeout over a day (its probe threshold would overflow)', () => {
    expect(problemsOf({ ...minimal, gpuInference: { startupTimeoutSeconds: 86_401 } })).toEqual(['gpuInference.startupTimeoutSeconds: must be at most 86400 (a day), got 86401']);
    expect(parse({ ...minimal, gpuInference: { startupTimeoutSeconds: 86_400 } }).gpuInference.startupTimeoutSeconds).toBe(86_400);
  });
});

describe('whole numbers past 2^53 - 1', () => {
  const unsafe = 'must be at most 9007199254740991: a whole number further from 0 is not exact in JavaScript or JSON';

  it.each([
    ['gateway.rateLimit.requestsPerMinute', { gateway: { rateLimit: { requestsPerMinute: 2 ** 53 } } }],
    ['guardrails.resourceQuota.pods', { guardrails: { resourceQuota: { requestsCpu: '4', requestsMemory: '8Gi', limitsMemory: '8Gi', pods: 2 ** 53 } } }],
  ])('%s says why, in the config\'s words', (field, fields) => {
    expect(problemsOf({ ...minimal, ...fields })).toEqual([`${field}: ${unsafe}, got 9007199254740992`]);
  });

  it('takes 2^53 - 1 requests a minute', () => {
    expect(parse({ ...minimal, gateway: { rateLimit: { requestsPerMinute: 2 ** 53 - 1 } } }).gateway.rateLimit).toEqual({ requestsPerMinute: 2 ** 53 - 1 });
  });

  it('says only the field\'s own bound where it has one, above and below', () => {
    expect(problemsOf({ ...minimal, gateway: { replicas: 1e300, rateLimit: { requestsPerMinute: -1e300 } } })).toEqual([
      'gateway.replicas: must be at most 2147483647: the API server stores it as a 32-bit integer, got 1e+300',
      'gateway.rateLimit.requestsPerMinute: must be more than 0, got -1e+300',
    ]);
  });

  it('does the same in a server file', () => {
    const server = { name: 'k', transport: 'streamable-http', source: { image: 'ghcr.io/a/b:1.0.0' }, replicas: 1e300 };
    expect(() => parseMcpServer(server, 'k.ts')).toThrow(new ConfigError('k.ts', ['replicas: must be at most 2147483647: the API server stores it as a 32-bit integer, got 1e+300']));
  });
});

describe('credentials and git names', () => {
  it('refuses a credential in the JWT issuer, which is rendered into a ConfigMap', () => {
    const auth = { issuer: 'https://admin:s3cret@auth.example.com/realms/x', audiences: ['mcp'], jwksUrl: 'https://auth.example.com/jwks' };
    expect(problemsOf({ ...minimal, gateway: { auth } })).toEqual([
      'gateway.auth.issuer: must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is; the issuer is only compared with the tokens\' "iss" claim: leave the credentials out',
    ]);
    expect(parse({ ...minimal, gateway: { auth: { ...auth, issuer: 'https://auth.example.com/realms/x' } } }).gateway.auth!.issuer).toBe('https://auth.example.com/realms/x');
  });

  const refMessage = 'must be a branch, tag or commit git accepts: no spaces, "..", "~^:?*[\\", "@{" or "//", no part starting with "." or ending in ".lock", e.g. "main" or "release/1.2"';

  const refused = ['release 1', 'a..b', 'x~1', 'x^', 'a:b', 'wh?', 'st*r', 'br[1]', 'back\\slash', 'a@{1}', 'a//b', '/main', 'main/', 'main.', '.hidden', 'a/.b', 'x.lock', 'a/b.lock', '@', 'tab\there', 'del\x7f'];
  const taken = ['main', 'release/1.2', 'v1.2.3', 'HEAD', '3f2c1a9e', 'feature/x-y_z', 'a.b', 'user@host'];

  it('agrees with git check-ref-format on every case below', () => {
    const gitTakes = (ref: string) => spawnSync('git', ['check-ref-format', '--allow-onelevel', ref]).status === 0;
    expect([...refused, ...taken].map((ref) => [ref, gitTakes(ref)])).toEqual([...refused, ...taken].map((ref) => [ref, gitRefProblem(ref) === undefined]));
    expect(taken.every(gitTakes) && !refused.some(gitTakes)).toBe(true);
  });

  it.each(refused)(
    'refuses the revision %j, which git does not take as a ref',
    (revision) => {
      expect(problemsOf(gitops({ revision }))).toEqual([`gitops.revision: ${refMessage}, got ${JSON.stringify(revision)}`]);
    },
  );

  it.each(taken)('takes the revision %j', (revision) => {
    expect(gitRefProblem(revision)).toBeUndefined();
    expect(parse(gitops({ revision })).gitops.revision).toBe(revision);
  });

  it('checks the discovery base branch by the same rules', () => {
    expect(problemsOf({ ...minimal, discovery: { baseBranch: 'feature/.x' } })).toEqual([`discovery.baseBranch: ${refMessage}, got "feature/.x"`]);
  });

  const urlMessage = 'must be a git URL with a host and a repository path: "https://host/owner/repo.git", "ssh://git@host/owner/repo.git" or "git@host:owner/repo.git"';

  it.each(['git@github.com', 'git@github.com:', 'https://github.com', 'https://github.com/', 'ssh://git@git.lan', 'ssh://git@git.lan/', 'http://github.com/me/gitops.git', 'github.com/me/gitops'])(
    'refuses the repository URL %j',
    (repoUrl) => {
      expect(problemsOf(gitops({ repoUrl }))).toEqual([`gitops.repoUrl: ${urlMessage}, got ${JSON.stringify(repoUrl)}`]);
    },
  );

  it.each(['https://github.com/me/gitops.git', 'https://git.lan:8443/me/gitops', 'ssh://git@git.lan:2222/me/gitops.git', 'ssh://git.lan/gitops', 'git@github.com:me/gitops.git'])('takes the repository URL %j', (repoUrl) => {
    expect(parse(gitops({ repoUrl })).gitops.repoUrl).toBe(repoUrl);
  });
});

describe('what a process can be given (holdout round 4)', () => {
  const nul = 'must not contain a NUL byte: a process cannot be given one in an argument or environment variable';

  it('refuses a NUL byte in an env value or an argument', () => {
    expect(problemsOf(withServer({ env: { A: 'a\0b' } }))).toEqual([`mcpServers[0].env.A: ${nul}`]);
    expect(problemsOf(withServer({ args: ['--x', 'a\0b'] }))).toEqual([`mcpServers[0].args[1]: ${nul}`]);
    expect(problemsOf({ ...minimal, gpuInference: { extraArgs: ['a\0b'] } })).toEqual([`gpuInference.extraArgs[0]: ${nul}`]);
  });

  it('takes "NAME=value" up to the 131072 bytes Linux passes (its NUL counted), and refuses one byte more', () => {
    // "A=" + value + NUL
    expect(parse(withServer({ env: { A: 'x'.repeat(131_069) } })).mcpServers[0]!.env!.A).toHaveLength(131_069);
    expect(problemsOf(withServer({ env: { A: 'x'.repeat(131_070) } }))).toEqual([
      'mcpServers[0].env.A: is 131073 bytes as the process gets it, more than the 131072 Linux passes to a process in one argument or variable: put long content in a file (secretFiles) instead',
    ]);
    // Bytes, not characters: "é" is two.
    expect(problemsOf(withServer({ env: { A: 'é'.repeat(65_535) } }))).toEqual([
      'mcpServers[0].env.A: is 131073 bytes as the process gets it, more than the 131072 Linux passes to a process in one argument or variable: put long content in a file (secretFiles) instead',
    ]);
  });

  it('refuses one argument of 131072 bytes, and arguments over 120000 bytes together', () => {
    expect(problemsOf(withServer({ args: ['x'.repeat(131_072)] }))).toContain(
      'mcpServers[0].args[0]: is 131073 bytes as the process gets it, more than the 131072 Linux passes to a process in one argument or variable: put long content in a file (secretFiles) instead',
    );
    expect(problemsOf(withServer({ args: Array(30_001).fill('a') }))).toEqual([
      'mcpServers[0].args: are 120004 bytes together, quoted; the stdio bridges pass the command and its arguments as one argument, which Linux caps at 131072 bytes: keep them under 120000 bytes, and put long content in a file (secretFiles)',
    ]);
    expect(parse(withServer({ args: Array(30_000).fill('a') })).mcpServers[0]!.args).toHaveLength(30_000);
  });

  it('refuses an object larger than the API server takes, under the server that renders it', () => {
    const env = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`V${i}`, 'abc def '.repeat(12_000)]));
    let problems: readonly string[] = [];
    try {
      renderPlatformInMemory(parse(withServer({ env })));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^mcpServers\[0\] \(server "k"\): renders Deployment mcp-system\/k of \d{7} bytes, more than the 1048576 the API server takes in one object: shorten the env values, args or files that make it up$/),
    ]);
  });

  it('takes env names that are also names of Object.prototype members', () => {
    const env = { hasOwnProperty: 'x', toString: 'y', valueOf: 'z', __lookupSetter__: 'w' };
    const objects = renderPlatformInMemory(parse(withServer({ env }))).apps.flatMap((a) => a.objects.map((o) => o.manifest));
    const container = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'k')!.spec.template.spec.containers[0];
    expect(container.env).toEqual(expect.arrayContaining(Object.entries(env).map(([name, value]) => ({ name, value }))));
  });

  it.each(['constructor', 'toString', 'hasOwnProperty'])('treats the embedding model %j as not in the catalogue', (model) => {
    let problems: readonly string[] = [];
    try {
      renderPlatformInMemory(parse({ ...minimal, database: { enabled: true, embedding: { model } } }));
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^database\\.embedding\\.model: "${model}" is not in the embedding model catalogue, so its vector length is unknown: set embedding\\.dimensions`))]);
  });
});

describe('names padded with spaces (holdout round 4 doubt)', () => {
  const ollama = (model: string) => ({ triageLlm: { provider: 'ollama', model } });
  const external = { from: 'externalSecret', name: 'acme', key: 'token', store: { name: 'vault' }, remoteKey: ' acme/token' };
  const infisical = { from: 'infisical', name: 'acme', key: 'TOKEN', projectSlug: 'lab ', environment: '\tprod', credentials: { name: 'mi' } };
  it.each([
    ['kubernetes.context', { kubernetes: { ...minimal.kubernetes, context: '   ' } }, 'must be a kubeconfig context', '   '],
    ['kubernetes.configPath', { kubernetes: { ...minimal.kubernetes, configPath: '~/.kube/config ' } }, 'must be the kubeconfig file', '~/.kube/config '],
    ['mcp.serversDir', { mcp: { serversDir: ' servers' } }, 'must be a folder', ' servers'],
    ['triageLlm.model', ollama('qwen2.5:3b-instruct\n'), 'must be an Ollama model name', 'qwen2.5:3b-instruct\n'],
    ['gpuInference.model', { gpuInference: { model: ' Qwen/Qwen2.5-7B-Instruct-AWQ' } }, 'must be a Hugging Face model id', ' Qwen/Qwen2.5-7B-Instruct-AWQ'],
  ])('refuses %s with spaces around it, saying what it names', (field, fields, what, value) => {
    expect(problemsOf({ ...minimal, ...fields })).toEqual([`${field}: ${what}, without spaces before or after it, got ${JSON.stringify(value)}`]);
  });

  it('refuses padded secret store keys and Infisical slugs', () => {
    expect(problemsOf(withServer({ secretEnv: { TOKEN: external } }))).toEqual([
      'mcpServers[0].secretEnv.TOKEN.remoteKey: must be the key of the secret in the store, without spaces before or after it, got " acme/token"',
    ]);
    expect(problemsOf(withServer({ secretEnv: { TOKEN: infisical } }))).toEqual([
      'mcpServers[0].secretEnv.TOKEN.projectSlug: must be the Infisical project slug, without spaces before or after it, got "lab "',
      'mcpServers[0].secretEnv.TOKEN.environment: must be the Infisical environment slug, without spaces before or after it, got "\\tprod"',
    ]);
  });

  it('still says an empty one is empty, once', () => {
    expect(problemsOf({ ...minimal, mcp: { serversDir: ['servers', ''] } })).toEqual(['mcp.serversDir[1]: must not be empty, got ""']);
  });

  it('takes spaces inside a name', () => {
    expect(parse({ ...minimal, kubernetes: { ...minimal.kubernetes, context: 'admin @ lab' } }).kubernetes.context).toBe('admin @ lab');
  });
});

describe('a gateway with nowhere to route (holdout round 4 doubt)', () => {
  it('refuses an empty gateway.routes, saying how to route to every server', () => {
    expect(problemsOf({ ...minimal, gateway: { enabled: true, routes: [] } })).toEqual([
      'gateway.routes: lists no server, so the gateway would route nowhere: leave routes out to route to every server, or set gateway.enabled to false, got []',
    ]);
  });
});

describe('backup schedules CloudNativePG parses (holdout round 5)', () => {
  const backup = (schedule: string) => ({ ...minimal, database: { enabled: true, backup: { schedule } } });
  it('refuses a field out of its range, naming the field and the range', () => {
    expect(problemsOf(backup('60 0 3 * * *'))).toEqual([
      'database.backup.schedule: field 1 (second) "60" has 60, above 59: the second runs from 0 to 59, got "60 0 3 * * *"',
    ]);
  });

  it('takes a descriptor, and keeps the default', () => {
    expect(parse(backup('@daily')).database.backup).toEqual({ schedule: '@daily' });
    expect(parse({ ...minimal, database: { enabled: true, backup: {} } }).database.backup).toEqual({ schedule: '0 0 3 * * *' });
  });
});

describe('what is wrong, said where it is wrong (holdout round 5)', () => {
  const server = (fields: Record<string, unknown>) => ({ ...minimal, mcpServers: [{ name: 'k', transport: 'streamable-http', source: { image: 'ghcr.io/a/b:1.0.0' }, ...fields }] });
  const github = (auth: unknown) => ({ ...minimal, discovery: { enabled: true, github: { auth } } });

  it('says which value a fixed field takes', () => {
    expect(problemsOf({ ...minimal, gateway: { enabled: true, auth: { kind: 'oidc', issuer: 'https://id.lan', audiences: ['mcp'], jwksUrl: 'https://id.lan/jwks' } } })).toEqual([
      'gateway.auth.kind: must be "jwt", got "oidc"',
    ]);
  });

  it('reports the field inside the one shape of a union the value has', () => {
    expect(problemsOf(github({ token: { from: 'vault', name: 'gh', key: 'token' } }))).toEqual([
      'discovery.github.auth.token.from: must be a secret reference with from: "secret", "externalSecret" or "infisical", got "vault"',
    ]);
    expect(problemsOf(server({ source: { npm: { package: null, version: '1.0.0' } } }))).toEqual(['mcpServers[0].source.npm.package: must be a string, got null']);
    expect(problemsOf(server({ egress: [{ hosts: [5], ports: [443] }] }))).toEqual(['mcpServers[0].egress[0].hosts[0]: must be a string, got 5']);
    // Half of the GitHub App's fields: the rest are named.
    expect(problemsOf(github({ appId: '12345' }))).toEqual([
      'discovery.github.auth.installationId: is required (a number)\n  - ' +
        'discovery.github.auth.privateKey: must be a secret reference with from: "secret", "externalSecret" or "infisical"',
    ]);
  });

  it('still says which shapes there are when the value has none of them', () => {
    expect(problemsOf(github({}))).toEqual(['discovery.github.auth: must be { token } or { appId, installationId, privateKey }, each secret by reference, got an object']);
  });
});

describe('the argocd-apps chart layout (holdout round 6)', () => {
  it('refuses an argocd-apps version outside 2.x, whose values take another layout', () => {
    const message = 'must be a 2.x version of argocd-apps: the platform writes its values in the 2.x layout (projects and applications keyed by name, since argocd-apps-2.0.0); 1.x takes lists, and no later major is known here';
    expect(problemsOf({ ...minimal, argocd: { appsChartVersion: '1.6.2' } })).toEqual([`argocd.appsChartVersion: ${message}, got "1.6.2"`]);
    expect(problemsOf({ ...minimal, argocd: { appsChartVersion: '3.0.0' } })).toEqual([`argocd.appsChartVersion: ${message}, got "3.0.0"`]);
    expect(parse({ ...minimal, argocd: { appsChartVersion: '2.0.5' } }).argocd.appsChartVersion).toBe('2.0.5');
  });
});
