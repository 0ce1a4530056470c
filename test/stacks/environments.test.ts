import { describe, expect, it } from '@jest/globals';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isInCluster } from '../../constructs/argocd/argocd-application.js';
import { ConfigError, parsePlatformConfig, type PlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import {
  definePlatformEnvironments,
  environmentNameProblem,
  environmentProblems,
  extendPlatformConfig,
  isPlatformEnvironments,
  stackName,
  type Environment,
} from '../../stacks/environments.js';
import { loadConfigFile, loadEnvironments } from '../../stacks/load-config.js';
import { errorOf } from '../support/errors.js';
import { tempDir } from '../support/files.js';

const image = { image: 'ghcr.io/acme/mcp:1.0.0' };
const base: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.1/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'clusters/lab/mcp' },
  gateway: { replicas: 2, service: { type: 'ClusterIP' } },
  mcpServers: [
    { name: 'alpha', transport: 'streamable-http', source: image, env: { A: '1' }, replicas: 1 },
    { name: 'beta', transport: 'streamable-http', source: { npm: { package: '@acme/beta', version: '1.0.0' } }, flavour: 'standalone' },
  ],
};

const problemsOfExtend = (override: Parameters<typeof extendPlatformConfig>[1]) => {
  try {
    // The override's own faults are reported when its config is parsed (under the environment's name, when loaded).
    parsePlatformConfig(extendPlatformConfig(base, override), 'test');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the override to be refused');
};

describe('extendPlatformConfig', () => {
  it('merges objects field by field and leaves both inputs as they were', () => {
    const before = JSON.stringify(base);
    const merged = extendPlatformConfig(base, { gateway: { replicas: 3 }, kubernetes: { context: 'admin@prod' } });
    expect(merged.gateway).toEqual({ replicas: 3, service: { type: 'ClusterIP' } });
    expect(merged.kubernetes).toEqual({ context: 'admin@prod', apiServer: { cidrs: ['10.0.0.1/32'] } });
    expect(merged.name).toBe('lab');
    expect(JSON.stringify(base)).toBe(before);
  });

  it('replaces lists whole', () => {
    const merged = extendPlatformConfig(base, { kubernetes: { apiServer: { cidrs: ['10.9.0.1/32', '10.9.0.2/32'] } } });
    expect(merged.kubernetes!.apiServer!.cidrs).toEqual(['10.9.0.1/32', '10.9.0.2/32']);
  });

  it('drops a field the override sets to undefined', () => {
    expect(extendPlatformConfig(base, { gateway: { service: undefined } }).gateway).toEqual({ replicas: 2 });
  });

  it('replaces an object of another variant instead of mixing the two', () => {
    const infisical = { from: 'infisical', name: 'gh', key: 'TOKEN', projectSlug: 'lab', environment: 'prod', path: '/', credentials: { name: 'id' } } as const;
    const withSecret = extendPlatformConfig(base, { mcpServers: [{ name: 'alpha', secretEnv: { TOKEN: { from: 'secret', name: 'gh', key: 'token' } } }] });
    const merged = extendPlatformConfig(withSecret, { mcpServers: [{ name: 'alpha', secretEnv: { TOKEN: infisical } }] });
    expect(merged.mcpServers![0]!.secretEnv).toEqual({ TOKEN: infisical });
    // terraform.backend by its type
    const s3 = extendPlatformConfig({ ...base, terraform: { backend: { type: 'local', path: 'state/lab.tfstate' } } }, { terraform: { backend: { type: 's3', bucket: 'states', region: 'us-east-1' } } });
    expect(s3.terraform!.backend).toEqual({ type: 's3', bucket: 'states', region: 'us-east-1' });
  });

  it("replaces a server's source of another kind, and merges one of the same kind", () => {
    const merged = extendPlatformConfig(base, {
      mcpServers: [
        { name: 'beta', source: image },
        { name: 'alpha', source: { image: 'ghcr.io/acme/mcp:2.0.0' } },
      ],
    });
    expect(merged.mcpServers![1]!.source).toEqual(image);
    expect(merged.mcpServers![0]!.source).toEqual({ image: 'ghcr.io/acme/mcp:2.0.0' });
  });

  it('merges servers by name, adds new ones at the end and removes those marked remove', () => {
    const merged = extendPlatformConfig(base, {
      mcpServers: [
        { name: 'gamma', transport: 'streamable-http', source: image },
        { name: 'alpha', env: { B: '2' }, replicas: 3 },
        { name: 'beta', remove: true },
      ],
    });
    expect(merged.mcpServers!.map((s) => s.name)).toEqual(['alpha', 'gamma']);
    expect(merged.mcpServers![0]).toEqual({ name: 'alpha', transport: 'streamable-http', source: image, env: { A: '1', B: '2' }, replicas: 3 });
    expect(merged.mcp).toBeUndefined();
    expect(() => parsePlatformConfig(merged, 'merged')).not.toThrow();
  });

  it("removes a server the base does not list through mcp.excludeServers (one of its servers folders')", () => {
    const merged = extendPlatformConfig({ ...base, mcp: { excludeServers: ['delta'] } }, { mcpServers: [{ name: 'epsilon', remove: true }, { name: 'delta', remove: true }] });
    expect(merged.mcp!.excludeServers).toEqual(['delta', 'epsilon']);
    expect(merged.mcpServers!.map((s) => s.name)).toEqual(['alpha', 'beta']);
  });

  it('keeps the override\'s own excludeServers beside the removals of servers the configs do not list', () => {
    const merged = extendPlatformConfig({ ...base, mcp: { excludeServers: ['caddy'] } }, { mcp: { excludeServers: ['adguard'] }, mcpServers: [{ name: 'unifi', remove: true }] });
    expect(merged.mcp?.excludeServers).toEqual(['adguard', 'unifi']);
    // Without a list of its own, the base's stays, and the removal joins it.
    expect(extendPlatformConfig({ ...base, mcp: { excludeServers: ['caddy'] } }, { mcpServers: [{ name: 'unifi', remove: true }] }).mcp?.excludeServers).toEqual(['caddy', 'unifi']);
  });

  it('refuses a server override without a name, and a remove that is not alone or not true', () => {
    expect(problemsOfExtend({ mcpServers: [{ replicas: 2 } as never, { name: 'alpha', remove: true, replicas: 2 } as never, { name: 'beta', remove: false } as never] })).toEqual([
      'the override\'s mcpServers[0]: an override names the server it changes, adds or removes: { name: "github", ... }, or { name: "github", remove: true }',
      'the override\'s mcpServers[1] (server "alpha"): remove must be true and stand alone: { name: "alpha", remove: true }',
      'the override\'s mcpServers[2] (server "beta"): remove must be true and stand alone: { name: "beta", remove: true }',
    ]);
    expect(problemsOfExtend({ mcpServers: [{ name: 'alpha', replicas: 2 }, { name: 'alpha', remove: true }] })).toEqual([
      'the override\'s mcpServers[1] (server "alpha"): mcpServers[0] of the override names it already: give each server one entry',
    ]);
  });
});

describe('definePlatformEnvironments and environment names', () => {
  it('marks its result as environments, and nothing else', () => {
    expect(isPlatformEnvironments(definePlatformEnvironments({ prod: base }))).toBe(true);
    expect(isPlatformEnvironments(base)).toBe(false);
    expect(isPlatformEnvironments({ environments: { prod: base } })).toBe(false);
  });

  it('takes DNS labels of up to 30 characters', () => {
    expect(environmentNameProblem('a'.repeat(30))).toBeUndefined();
    const message = (name: string) =>
      `environment "${name}": its name must be a DNS-1123 label of at most 30 characters (lowercase letters, digits and "-"): it names the folder dist/<env>/ and the stack bootstrap-<env>`;
    for (const name of ['a'.repeat(31), 'Prod', 'prod_1', '-prod', '']) expect(environmentNameProblem(name)).toBe(message(name));
  });

  it('names the stacks bootstrap and bootstrap-<env>', () => {
    expect([stackName(undefined), stackName('prod')]).toEqual(['bootstrap', 'bootstrap-prod']);
  });
});

describe('what environments must not share', () => {
  const env = (name: string, override: Parameters<typeof extendPlatformConfig>[1] = {}): Environment => ({
    name,
    stack: stackName(name),
    config: parsePlatformConfig(extendPlatformConfig(base, override), name),
  });
  const apart = (name: string) => ({ name, gitops: { path: `clusters/${name}/mcp` }, kubernetes: { context: `admin@${name}` }, argocd: { project: `mcp-${name}` } });

  it('finds nothing in environments kept apart, with the default local state of each', () => {
    expect(environmentProblems([env('prod', apart('prod')), env('staging', apart('staging'))])).toEqual([]);
  });

  it('refuses two environments with one Terraform state, naming both and the state', () => {
    const state = { terraform: { backend: { type: 'local' as const, path: 'terraform.shared.tfstate' } } };
    expect(environmentProblems([env('prod', { ...apart('prod'), ...state }), env('staging', { ...apart('staging'), ...state })])).toEqual([
      'environments "prod" and "staging" share one Terraform state (local state file terraform.shared.tfstate): each apply would destroy what the other created; give each its own terraform.backend (a local path, secretSuffix, key or prefix of its own, or leave it to the default, which includes the environment\'s name)',
    ]);
  });

  it('refuses one GitOps folder, one AppProject or one platform name in one Argo CD, and one namespace of one cluster', () => {
    const prod = env('prod');
    const staging = env('staging', { kubernetes: { context: 'admin@staging' } });
    expect(environmentProblems([prod, staging])).toEqual([
      'environments "prod" and "staging" publish to one GitOps folder (gitops.repoUrl, revision and path): each publish would overwrite the other\'s manifests; give each its own gitops.path, e.g. "clusters/staging/mcp-platform"',
    ]);
    // Argo CD of prod manages staging: its AppProject and Application names must differ.
    const managed = env('staging', { gitops: { path: 'clusters/staging/mcp' }, argocd: { destination: { name: 'staging' }, kubernetes: { context: 'admin@lab' } } });
    expect(environmentProblems([prod, managed])).toEqual([
      'environments "prod" and "staging" install one AppProject (argocd.project) into the same Argo CD: the second Helm release would fail on an object the first owns; give each its own argocd.project, e.g. "mcp-platform-staging"',
      'environments "prod" and "staging" name their Argo CD Applications after one platform name (name) in the same Argo CD: each would overwrite the other\'s; give each its own name, e.g. "staging"',
      'environments "prod" and "staging" deploy into one namespace (namespace) of one cluster (kubernetes.context): the two platforms would fight over its objects; give each its own cluster or namespace',
      ...['cloudnativePg', 'kmcp', 'toolhive'].map((op) => sharedOperator('prod', 'staging', `operators.${op}`, `operators.${op}.enabled: false`)),
    ]);
  });

  const sharedOperator = (a: string, b: string, field: string, fix: string) =>
    `environments "${a}" and "${b}" both install ${field} into one cluster (kubernetes context "admin@lab" of ~/.kube/config): the second apply would fail on the namespace and Helm release the first created, and destroying either would remove the other's; install it from one environment only (${fix} in "${b}")`;

  it('refuses an operator, or Argo CD, that two environments of one cluster both install; one installing it is fine', () => {
    const oneCluster = (name: string, override: Parameters<typeof extendPlatformConfig>[1] = {}) =>
      env(name, { ...apart(name), kubernetes: { context: 'admin@lab' }, namespace: `mcp-${name}`, ...override });
    const installed = (config: PlatformConfig) => Object.entries(config.operators).filter(([, o]) => o.enabled).map(([name]) => name);
    const one = oneCluster('one', { argocd: { project: 'mcp-one', install: true } });
    const two = oneCluster('two', { argocd: { project: 'mcp-two', install: true } });
    expect(environmentProblems([one, two])).toEqual([
      ...installed(one.config).map((op) => sharedOperator('one', 'two', `operators.${op}`, `operators.${op}.enabled: false`)),
      sharedOperator('one', 'two', 'argocd.install', 'argocd.install: false'),
    ]);
    expect(installed(one.config).length).toBeGreaterThan(0);
    const off = Object.fromEntries(installed(one.config).map((op) => [op, { enabled: false }]));
    expect(environmentProblems([one, oneCluster('two', { operators: off })])).toEqual([]);
  });

  it('takes two spellings of one repository, or one path spelt two ways, for one GitOps folder', () => {
    const folder = (name: string, repoUrl: string) => env(name, { ...apart(name), gitops: { repoUrl, path: 'clusters/shared' } });
    expect(environmentProblems([folder('prod', 'https://github.com/homelab/gitops.git'), folder('staging', 'https://github.com/HomeLab/gitops')])).toEqual([
      'environments "prod" and "staging" publish to one GitOps folder (gitops.repoUrl, revision and path): each publish would overwrite the other\'s manifests; give each its own gitops.path, e.g. "clusters/staging/mcp-platform"',
    ]);
    // The ssh and scp-like URLs of that repository too: publish-manifests writes both into its one checkout.
    for (const other of ['git@github.com:homelab/gitops.git', 'ssh://git@github.com/homelab/gitops', 'ssh://git@github.com:22/homelab/gitops.git']) {
      expect(environmentProblems([folder('prod', 'https://github.com/homelab/gitops.git'), folder('staging', other)])).toHaveLength(1);
    }
    expect(environmentProblems([folder('prod', 'https://github.com/homelab/gitops.git'), folder('staging', 'https://github.com/homelab/gitops-staging.git')])).toEqual([]);
    expect(environmentProblems([folder('prod', 'https://github.com/homelab/gitops.git'), folder('staging', 'https://git.lan/homelab/gitops.git')])).toEqual([]);
    expect(() => env('staging', { gitops: { path: './clusters/shared' } })).toThrow('gitops.path: must be a relative path inside the repository (no leading or trailing "/", no "//", "." or ".." part), got "./clusters/shared"');
  });

  it('refuses a GitOps folder inside another environment\'s, which the outer publish would delete', () => {
    const at = (name: string, path: string) => env(name, { ...apart(name), gitops: { path } });
    expect(environmentProblems([at('inner', 'clusters/x/inner'), at('outer', 'clusters/x')])).toEqual([
      'environments "inner" and "outer" publish to nested GitOps folders (clusters/x/inner inside clusters/x): publishing "outer" replaces its whole folder and deletes "inner"\'s manifests; give each a folder outside the other\'s, e.g. "clusters/outer/mcp-platform" and "clusters/inner/mcp-platform"',
    ]);
    // A folder whose name merely starts with the other's is beside it, not in it; another revision is another tree.
    expect(environmentProblems([at('a', 'clusters/x2'), at('b', 'clusters/x')])).toEqual([]);
    expect(environmentProblems([env('a', { ...apart('a'), gitops: { path: 'clusters/x/a', revision: 'edge' } }), at('b', 'clusters/x')])).toEqual([]);
  });

  it('refuses two platform names that make one Application name in one Argo CD', () => {
    const prod = env('prod', { ...apart('prod'), name: 'a-mcp' });
    const edge = env('edge', { ...apart('edge'), name: 'a', argocd: { project: 'mcp-edge', destination: { name: 'edge' }, kubernetes: { context: 'admin@prod' } } });
    expect(environmentProblems([prod, edge])).toEqual([
      'environments "prod" and "edge" both make the Argo CD Application "a-mcp-platform" in the same Argo CD (from the platform names "a-mcp" and "a"): one would overwrite the other\'s; give one a name that is not the other\'s followed by "-<folder>"',
    ]);
    // In two Argo CDs the names never meet.
    expect(environmentProblems([prod, env('edge', { ...apart('edge'), name: 'a' })])).toEqual([]);
  });

  it("refuses the kubernetes backend's default suffix for a stack ending in -<number>, which Terraform refuses", () => {
    const kubernetes = { terraform: { backend: { type: 'kubernetes' as const } } };
    expect(environmentProblems([env('eu-1', { ...apart('eu-1'), ...kubernetes }), env('eu-2', { ...apart('eu-2'), ...kubernetes, terraform: { backend: { type: 'kubernetes', secretSuffix: 'eu2' } } })])).toEqual([
      'environment "eu-1": terraform.backend.secretSuffix: the default, the stack "bootstrap-eu-1", ends in "-<number>", which Terraform adds itself when it splits a large state: set secretSuffix, e.g. "bootstrap-eu1"',
    ]);
  });

  it('tells the cluster Argo CD runs in from another, as Argo CD names them', () => {
    expect(isInCluster(env('a').config.argocd.destination)).toBe(true);
    expect(isInCluster(env('a', { argocd: { destination: { name: 'in-cluster' } } }).config.argocd.destination)).toBe(true);
    expect(isInCluster(env('a', { argocd: { destination: { server: 'https://kubernetes.default.svc' } } }).config.argocd.destination)).toBe(true);
    expect(isInCluster(env('a', { argocd: { destination: { server: 'https://10.0.0.5:6443' }, kubernetes: { context: 'admin@lab' } } }).config.argocd.destination)).toBe(false);
  });
});

describe('an Argo CD destination in another cluster', () => {
  const parseWith = (argocd: Record<string, unknown>) => parsePlatformConfig({ ...base, argocd } as PlatformConfigInput, 'test');
  it('needs the kubeconfig context of the cluster Argo CD runs in, and Argo CD not installed here', () => {
    expect(errorOf(() => parseWith({ destination: { name: 'monitoring' }, install: true }))).toBe(
      [
        'Invalid platform config (test):',
        '  - argocd.kubernetes: is required when argocd.destination is another cluster (monitoring): the kubeconfig context of the cluster Argo CD runs in, where the bootstrap installs the AppProject and the root Application, e.g. { context: "admin@production" }',
        "  - argocd.install: must be false when argocd.destination is another cluster: that cluster's Argo CD runs elsewhere (argocd.kubernetes); install Argo CD in the environment of the cluster it runs in",
      ].join('\n'),
    );
    expect(parseWith({ destination: { name: 'monitoring' }, kubernetes: { context: 'admin@prod' } }).argocd.kubernetes).toEqual({ context: 'admin@prod' });
  });

  it('refuses a destination that is neither a registered name nor an https URL', () => {
    expect(errorOf(() => parseWith({ destination: { server: 'http://10.0.0.5:6443' }, kubernetes: { context: 'x' } }))).toContain(
      'argocd.destination.server: must be the https:// URL of a cluster registered in Argo CD, as `argocd cluster list` shows it',
    );
    expect(errorOf(() => parseWith({ destination: { name: 'Monitoring' }, kubernetes: { context: 'x' } }))).toContain(
      'argocd.destination.name: must be the name of a cluster registered in Argo CD (a DNS-1123 subdomain, as `argocd cluster list` shows it)',
    );
    expect(errorOf(() => parseWith({ destination: { cluster: 'x' } }))).toContain('argocd.destination: must be { name: "<cluster in Argo CD>" } or { server: "https://<API server>" }');
  });
});

describe('loading an environments file', () => {
  const dir = tempDir('mcp-platform-environments-');
  const write = (file: string, text: string) => {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  const config = JSON.stringify({ ...base, mcpServers: [] });
  const server = (name: string, tag: string) => JSON.stringify({ name, transport: 'streamable-http', source: { image: `ghcr.io/acme/${name}:${tag}` } });
  write('shared/one.json', server('one', '1.0.0'));
  write('shared/two.json', server('two', '1.0.0'));
  write('prod/servers/two.json', server('two', '2.0.0'));
  const environmentsModule = new URL('../../stacks/environments.ts', import.meta.url).pathname;
  write(
    'platform.environments.mjs',
    `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(environmentsModule)};
const base = ${config};
export default definePlatformEnvironments({
  prod: extendPlatformConfig(base, { gitops: { path: 'clusters/prod' }, mcp: { serversDir: ['shared', 'prod/servers'] } }),
  lab: extendPlatformConfig(base, { kubernetes: { context: 'admin@other' }, gitops: { path: 'clusters/lab' }, mcp: { serversDir: 'shared' }, mcpServers: [{ name: 'one', remove: true }] }),
});
`,
  );
  const file = join(dir, 'platform.environments.mjs');

  it('loads each environment with its servers folders layered, later over earlier, and removals applied', async () => {
    const environments = await loadEnvironments(file);
    expect(environments.map((e) => [e.name, e.stack])).toEqual([
      ['prod', 'bootstrap-prod'],
      ['lab', 'bootstrap-lab'],
    ]);
    const images = (e: Environment) => e.config.mcpServers.map((s) => `${s.name} ${(s.source as { image: string }).image}`);
    expect(images(environments[0]!)).toEqual(['one ghcr.io/acme/one:1.0.0', 'two ghcr.io/acme/two:2.0.0']);
    expect(images(environments[1]!)).toEqual(['two ghcr.io/acme/two:1.0.0']);
  });

  it('refuses an unknown --env and --env with a plain config, and a plain load of an environments file', async () => {
    await expect(loadEnvironments(file, 'staging')).rejects.toThrow(`Invalid platform config (${file}):\n  - has no environment "staging": --env takes one of "prod", "lab"`);
    write('plain.json', config);
    await expect(loadEnvironments(join(dir, 'plain.json'), 'prod')).rejects.toThrow('defines one platform, not environments: leave out --env prod');
    await expect(loadConfigFile(file)).rejects.toThrow('defines environments (prod, lab): name one with --env <name>');
    const plain = await loadEnvironments(join(dir, 'plain.json'));
    expect(plain.map((e) => [e.name, e.stack])).toEqual([[undefined, 'bootstrap']]);
    // The one-platform commands (diff, preflight, verify-pins) take one environment with --env.
    expect((await loadConfigFile(file, 'lab')).kubernetes.context).toBe('admin@other');
    await expect(loadConfigFile(join(dir, 'plain.json'), 'lab')).rejects.toThrow('defines one platform, not environments: leave out --env lab');
  });

  it('refuses changing a servers-folder server field by field, naming the entry of the override and how to do it', async () => {
    write('partial.mjs', `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(environmentsModule)};
export default definePlatformEnvironments({ prod: extendPlatformConfig(${config}, { mcp: { serversDir: 'shared' }, mcpServers: [{ name: 'one', remove: true }, { name: 'two', replicas: 2 }] }) });
`);
    const error = await loadEnvironments(join(dir, 'partial.mjs')).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).source).toBe(`${join(dir, 'partial.mjs')} (environment "prod")`);
    expect((error as ConfigError).problems).toEqual([
      'the override\'s mcpServers[1].transport (server "two"): must be "stdio", "streamable-http" or "sse"',
      'the override\'s mcpServers[1].source (server "two"): must be { npm: { package, version } }, { image } or, for an external server, { service: { name, namespace } }',
      'the override\'s mcpServers[1] (server "two"): an override changes only servers the base config lists in mcpServers; to change "two" of a servers folder, give this environment a folder of its own after the shared one (mcp.serversDir: ["servers", "<env>/servers"]) holding its own two.ts',
    ]);
  });

  it('says a field the override\'s entry does not set came from the base, and how to drop it there', async () => {
    const standalone = { name: 's1', transport: 'streamable-http', source: { image: 'ghcr.io/acme/s1:1.0.0' }, replicas: 2, env: { A: 'b' } };
    const external = { name: 's1', flavour: 'external', source: { service: { name: 'svc', namespace: 'tools' } }, port: 80, env: { A: 'b' } };
    write('flavour.mjs', `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(environmentsModule)};
export default definePlatformEnvironments({ prod: extendPlatformConfig({ ...${config}, mcpServers: [${JSON.stringify(standalone)}] }, { mcp: { serversDir: 'shared' }, mcpServers: [${JSON.stringify(external)}] }) });
`);
    const error = await loadEnvironments(join(dir, 'flavour.mjs')).then(() => undefined, (e: unknown) => e);
    const notApplying = 'does not apply: an external server is deployed by something else, and the platform renders no workload for it';
    expect((error as ConfigError).problems).toEqual([
      // env is in the entry: removing it there is the fix; replicas is not.
      `the override's mcpServers[0].env (server "s1"): ${notApplying}; remove it`,
      `the override's mcpServers[0].replicas (server "s1", kept from the base config): ${notApplying}; the entry does not set replicas: give replicas: undefined in it to drop the base's in this environment`,
    ]);
    // AND the fix it names works
    write('flavour-fixed.mjs', `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(environmentsModule)};
export default definePlatformEnvironments({ prod: extendPlatformConfig({ ...${config}, mcpServers: [${JSON.stringify(standalone)}] }, { mcp: { serversDir: 'shared' }, mcpServers: [{ ...${JSON.stringify(external)}, env: undefined, replicas: undefined }] }) });
`);
    const [fixed] = await loadEnvironments(join(dir, 'flavour-fixed.mjs'));
    expect(fixed!.config.mcpServers.find((s) => s.name === 's1')).toMatchObject({ flavour: 'external', port: 80 });
    expect(fixed!.config.mcpServers.find((s) => s.name === 's1')).not.toHaveProperty('replicas');
  });

  it('names a whole server an override adds by its entry, with no word about servers folders, and leaves base problems as they are', async () => {
    const added = JSON.stringify({ name: 'three', transport: 'streamable-http', source: { image: 'ghcr.io/acme/three:1.0.0' }, port: 70000 });
    write('added.mjs', `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(environmentsModule)};
export default definePlatformEnvironments({ prod: extendPlatformConfig({ ...${config}, namespace: 'Bad' }, { mcp: { serversDir: 'shared' }, mcpServers: [${added}] }) });
`);
    const error = await loadEnvironments(join(dir, 'added.mjs')).then(() => undefined, (e: unknown) => e);
    expect((error as ConfigError).problems.filter((p) => p.includes('mcpServers'))).toEqual([expect.stringMatching(/^the override's mcpServers\[0\]\.port \(server "three"\): /)]);
    expect((error as ConfigError).problems.some((p) => p.startsWith('namespace: '))).toBe(true);
  });

  it('refuses a servers folder the config names that does not exist, each by its place in the list; the default folder may be absent', async () => {
    write('missing.mjs', `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(environmentsModule)};
export default definePlatformEnvironments({ prod: extendPlatformConfig(${config}, { mcp: { serversDir: ['shared', 'prod/sevrers'] } }) });
`);
    const shown = relative(process.cwd(), join(dir, 'prod', 'sevrers'));
    await expect(loadEnvironments(join(dir, 'missing.mjs'))).rejects.toThrow(
      `  - mcp.serversDir[1]: folder "prod/sevrers" (${shown}) does not exist: create it (a .gitkeep keeps an empty one in git), or correct the path, which is relative to the config file`,
    );
    write('missing.json', JSON.stringify({ ...base, mcpServers: [], mcp: { serversDir: 'sevrers' } }));
    await expect(loadConfigFile(join(dir, 'missing.json'))).rejects.toThrow(`  - mcp.serversDir: folder "sevrers" (${relative(process.cwd(), join(dir, 'sevrers'))}) does not exist`);
    const absent = tempDir('mcp-platform-no-servers-');
    writeFileSync(join(absent, 'platform.json'), JSON.stringify({ ...base, mcpServers: [] }));
    expect((await loadConfigFile(join(absent, 'platform.json'))).mcpServers).toEqual([]);
  });

  it('refuses removing a server no folder declares, and a badly named environment', async () => {
    write('typo.mjs', `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(environmentsModule)};
export default definePlatformEnvironments({ prod: extendPlatformConfig(${config}, { mcp: { serversDir: 'shared' }, mcpServers: [{ name: 'tow', remove: true }] }) });
`);
    await expect(loadEnvironments(join(dir, 'typo.mjs'))).rejects.toThrow(
      'Invalid platform config (' + join(dir, 'typo.mjs') + ' (environment "prod")):\n  - the override\'s mcpServers[0] (server "tow"): removes a server that neither the base config\'s mcpServers nor the servers folders ("shared") declare: correct the name, or leave the entry out',
    );
    write('named.mjs', `import { definePlatformEnvironments } from ${JSON.stringify(environmentsModule)};
export default definePlatformEnvironments({ Prod: ${config} });
`);
    await expect(loadEnvironments(join(dir, 'named.mjs'))).rejects.toThrow('environment "Prod": its name must be a DNS-1123 label');
  });

  it("reports a malformed override under its environment's name, with every environment's problems in one list", async () => {
    write('bad-override.mjs', `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(environmentsModule)};
export default definePlatformEnvironments({ prod: extendPlatformConfig(${config}, { mcpServers: [{ replicas: 2 }] }) });
`);
    const bad = join(dir, 'bad-override.mjs');
    await expect(loadEnvironments(bad)).rejects.toThrow(
      `Invalid platform config (${bad} (environment "prod")):\n  - the override's mcpServers[0]: an override names the server it changes, adds or removes: { name: "github", ... }, or { name: "github", remove: true }`,
    );
    write('two-bad.mjs', `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(environmentsModule)};
export default definePlatformEnvironments({
  prod: extendPlatformConfig(${config}, { mcpServers: [{ name: 'tool', remove: 'yes' }] }),
  lab: extendPlatformConfig(${config}, { mcp: { serversDir: ['shared', 'nope'] } }),
});
`);
    const error = await loadEnvironments(join(dir, 'two-bad.mjs')).then(() => undefined, (e: unknown) => e);
    expect((error as ConfigError).source).toBe(join(dir, 'two-bad.mjs'));
    expect((error as ConfigError).problems).toEqual([
      'environment "prod": the override\'s mcpServers[0] (server "tool"): remove must be true and stand alone: { name: "tool", remove: true }',
      `environment "lab": mcp.serversDir[1]: folder "nope" (${relative(process.cwd(), join(dir, 'nope'))}) does not exist: create it (a .gitkeep keeps an empty one in git), or correct the path, which is relative to the config file`,
    ]);
  });
});
