/**
 * What the constructs refuse while rendering a config reads like a config error: the config path (or the
 * server file), the prop and the fix, all problems in one list, no stack trace. And names that two parts
 * would both render are refused naming both.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ConfigError, parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { loadConfigFile } from '../../stacks/load-config.js';
import { MAX_FILE_NAME, objectFileName, renderPlatformInMemory, synthesize } from '../../stacks/synth.js';
import { tempDir } from '../support/files.js';

const minimal: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.1/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
};
const imageServer = (name: string, fields: Record<string, unknown> = {}) => ({ name, transport: 'streamable-http', source: { image: 'ghcr.io/acme/mcp:1.0.0' }, ...fields });
const discovery = {
  enabled: true,
  repo: 'me/platform',
  github: { auth: { token: { from: 'secret', name: 'github', key: 'token' } } },
  apiToken: { from: 'secret', name: 'discovery-api', key: 'token' },
  database: 'embedded',
} as const;

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function renderProblems(raw: PlatformConfigInput): readonly string[] {
  try {
    renderPlatformInMemory(parsePlatformConfig(raw, 'test.config.ts'), { source: 'test.config.ts' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Invalid platform config \(test\.config\.ts\):\n/);
    expect((error as Error).message).not.toMatch(/\n\s+at /);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be refused');
}

describe('problems found while rendering', () => {
  it("reports a construct's refusal under the config path it came from, with the server's name", () => {
    const kmcp = { ...imageServer('kp'), flavour: 'kmcp', transport: 'stdio', path: '/other', source: { npm: { package: 'acme-mcp', version: '1.0.0' } } } as const;
    expect(renderProblems({ ...minimal, mcpServers: [kmcp] })).toEqual(['mcpServers[0].path: kmcp serves a stdio server at "/mcp"; leave path out']);
  });

  it('lists the problems of every part at once', () => {
    const problems = renderProblems({
      ...minimal,
      mcpServers: [{ ...imageServer('kp'), flavour: 'kmcp', transport: 'stdio', path: '/other', source: { npm: { package: 'acme-mcp', version: '1.0.0' } } }],
      triageLlm: { enabled: true, model: 'acme:1b' },
    });
    expect(problems).toEqual([
      'mcpServers[0].path: kmcp serves a stdio server at "/mcp"; leave path out',
      'triageLlm.model: "acme:1b" is not in the size catalogue: set modelSizeGB (its download size) or resources, so the pod gets the memory the model needs',
    ]);
  });

  it("lists the config rules' problems and the constructs' in one list, leaving out a construct's echo of a part a rule refused", () => {
    const problems = renderProblems({
      ...minimal,
      namespace: 'default',
      gateway: { enabled: true, routes: ['missing'] },
      mcpServers: [imageServer('acme')],
      triageLlm: { enabled: true, model: 'acme:1b' },
    } as PlatformConfigInput);
    expect(problems.map((p) => p.split(':')[0])).toEqual(['namespace', 'gateway.routes[0]', 'triageLlm.model']);
  });

  it('reports a name two parts share alone, since the constructs would echo that clash in other parts', () => {
    const clash = { ...minimal, triageLlm: { enabled: true, provider: 'vllm', gpu: { memoryGiB: 24 } }, gpuInference: { enabled: true, name: 'triage-llm', gpu: { memoryGiB: 24 } } } as PlatformConfigInput;
    expect(renderProblems(clash)).toEqual([
      'gpuInference.name: "triage-llm" is the name of the triage model (triageLlm), whose objects would be rendered twice: choose another name (default "vllm")',
    ]);
  });

  it('reports a validation that spans props (a model that does not fit) by config path, without the construct name', () => {
    expect(renderProblems({ ...minimal, gpuInference: { enabled: true, model: 'Qwen/Qwen2.5-72B-Instruct' } })).toEqual([
      'gpuInference.modelShape: is required: Qwen/Qwen2.5-72B-Instruct is not in the sizing catalogue, so give its parametersBillions, layers, kvHeads, headDim, hiddenSize, vocabSize, tiedEmbeddings, weights and maxPositionEmbeddings from its config.json.',
    ]);
    // A problem of the whole fit names the model and the GPUs, under the part.
    expect(renderProblems({ ...minimal, gpuInference: { enabled: true, model: 'meta-llama/Llama-2-13b-chat-hf', maxModelLen: 4096 } })).toEqual([
      expect.stringMatching(/^gpuInference: meta-llama\/Llama-2-13b-chat-hf on 1 × 12 GiB GPU: Weights alone need 24\.3 GiB/),
    ]);
    expect(renderProblems({ ...minimal, gpuInference: { enabled: true, model: 'TheBloke/Llama-2-7B-Chat-AWQ', maxModelLen: 8192, maxNumSeqs: 1, gpu: { memoryGiB: 24 } } })).toEqual([
      'gpuInference.maxModelLen: 8192 is longer than TheBloke/Llama-2-7B-Chat-AWQ supports (4096): set it to at most 4096.',
    ]);
  });

  it('accepts an Ollama model from Hugging Face by its hf.co name, and sizes it from modelSizeGB', () => {
    const model = 'hf.co/bartowski/Qwen2.5-3B-Instruct-GGUF:Q4_K_M';
    const rendered = renderPlatformInMemory(parsePlatformConfig({ ...minimal, triageLlm: { enabled: true, model, modelSizeGB: 2 } }, 'test'));
    const deployment = rendered.apps.find((a) => a.name === 'triage-llm')!.objects.find((o) => o.manifest.kind === 'Deployment')!.manifest;
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({ name: 'OLLAMA_MODEL', value: model });
    expect(renderProblems({ ...minimal, triageLlm: { enabled: true, model: 'hf.co/a..b/c', modelSizeGB: 2 } })).toEqual([
      'triageLlm.model: "hf.co/a..b/c" must be an Ollama model tag such as "qwen2.5:3b-instruct"',
    ]);
  });

  it('names the server file of a server from the servers folder', async () => {
    const dir = tempDir();
    folders.push(dir);
    mkdirSync(join(dir, 'servers'));
    writeFileSync(join(dir, 'servers', 'kp.json'), JSON.stringify({ name: 'kp', flavour: 'kmcp', transport: 'stdio', path: '/other', source: { npm: { package: 'acme-mcp', version: '1.0.0' } } }));
    writeFileSync(join(dir, 'platform.json'), JSON.stringify(minimal));
    const config = await loadConfigFile(join(dir, 'platform.json'));
    let error: unknown;
    try {
      renderPlatformInMemory(config);
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/servers\/kp\.json: path: kmcp serves a stdio server at "\/mcp"; leave path out$/)]);
  });

  it('refuses a servers folder that is a file, naming mcp.serversDir', async () => {
    const dir = tempDir();
    folders.push(dir);
    writeFileSync(join(dir, 'platform.json'), JSON.stringify({ ...minimal, mcp: { serversDir: 'platform.json' } }));
    await expect(loadConfigFile(join(dir, 'platform.json'))).rejects.toThrow(
      `Invalid platform config (${join(dir, 'platform.json')}):\n  - mcp.serversDir: "platform.json" (${relative(process.cwd(), join(dir, 'platform.json'))}) is a file, not a folder: name the folder of one-file-per-server declarations (default "servers", next to the config)`,
    );
  });
});

describe('names two parts would both render', () => {
  it.each([
    ['gateway', { gateway: { enabled: true } }, 'NetworkPolicy mcp-system/mcp-gateway, which gateway renders too'],
    ['discovery', { discovery }, 'NetworkPolicy mcp-system/mcp-discovery, which discovery renders too, in two Argo CD applications (mcp-servers and discovery) that would each undo the other\'s sync'],
    ['inference', { gpuInference: { enabled: true, name: 'inference' } }, 'ServiceAccount mcp-system/inference, Deployment mcp-system/inference, Service mcp-system/inference, which gpuInference renders too, in two Argo CD applications (mcp-servers and gpu-inference) that would each undo the other\'s sync'],
  ])('refuses a server named %s like a platform part, under the server, once per part', (name, parts, clash) => {
    const problems = renderProblems({ ...minimal, ...parts, mcpServers: [imageServer(name)] } as PlatformConfigInput);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^mcpServers\\[0\\] \\(server "${name}"\\): renders `));
    expect(problems[0]).toContain(clash);
    expect(problems[0]).toMatch(/: give the server another name$/);
  });

  it.each([
    ['vllm', 'the vLLM deployment'],
    ['triage-llm', 'the triage model'],
    ['mcp-gateway', 'the gateway'],
    ['mcp-discovery', 'the discovery service'],
    ['database-migrations', "the database's migration job"],
  ])('refuses a server named %s, the label %s is selected by, whether or not that part is enabled', (name, part) => {
    expect(renderProblems({ ...minimal, mcpServers: [imageServer(name)] } as PlatformConfigInput)).toEqual([
      `mcpServers[0].name: "${name}" is the app.kubernetes.io/name of ${part}'s pods, which the platform's Services and NetworkPolicies select by: ` +
        `a server of that name would be selected as ${part}; choose another name (reserved: mcp-gateway, mcp-discovery, triage-llm, vllm, database-migrations)`,
    ]);
  });

  it.each([
    ['mcp-postgres-rw', 'Service'],
    ['mcp-postgres-ro', 'Service'],
    ['mcp-postgres-r', 'Service'],
    ['mcp-postgres-pooler-rw', "pooler's Service and Deployment"],
    ['mcp-postgres', 'ServiceAccount'],
  ])('refuses a server named %s, the %s CloudNativePG creates', (name, kind) => {
    expect(renderProblems({ ...minimal, database: { enabled: true, pooler: {} }, mcpServers: [imageServer(name)] } as PlatformConfigInput)).toEqual([
      `mcpServers[0].name: "${name}" is the name of the ${kind} CloudNativePG creates for the database (database.name "mcp-postgres"): objects of that name would clash with it; choose another name`,
    ]);
    // Without the database those names are free.
    expect(() => renderPlatformInMemory(parsePlatformConfig({ ...minimal, mcpServers: [imageServer(name)] } as PlatformConfigInput, 'test'))).not.toThrow();
  });

  it('renders a server named constructor, a name the constructs library keeps apart', () => {
    const rendered = renderPlatformInMemory(parsePlatformConfig({ ...minimal, mcpServers: [imageServer('constructor')] }, 'test'));
    expect(rendered.apps.find((a) => a.name === 'mcp-servers')!.objects.filter((o) => o.manifest.metadata.name === 'constructor').map((o) => o.manifest.kind).sort()).toEqual([
      'Deployment',
      'Service',
      'ServiceAccount',
    ]);
  });

  it('renders a server named gateway when the gateway is off (a name is only taken by what is rendered)', () => {
    expect(() => renderPlatformInMemory(parsePlatformConfig({ ...minimal, mcpServers: [imageServer('gateway')] }, 'test'))).not.toThrow();
  });
});

describe('configs the schema took and synth used to refuse', () => {
  const synthOf = (raw: PlatformConfigInput) => {
    const out = tempDir();
    folders.push(out);
    return synthesize(parsePlatformConfig(raw, 'test'), { manifestsDir: join(out, 'dist'), terraformDir: join(out, 'tf') });
  };
  const errorsOf = (report: ReturnType<typeof synthesize>) => [...report.schemaErrors, ...report.policy.findings.filter((f) => f.level === 'error').map((f) => f.reasons.join('; '))];

  it('renders vLLM with a 4Gi memory limit, /dev/shm then defaulting to a quarter of it', () => {
    const report = synthOf({ ...minimal, gpuInference: { enabled: true, model: 'Qwen/Qwen2.5-3B-Instruct', maxModelLen: 4096, resources: { requestsCpu: '1', requestsMemory: '4Gi', limitsMemory: '4Gi' } } });
    expect(errorsOf(report)).toEqual([]);
  });

  it('renders vLLM on an AMD GPU with its image and node labels, tolerating the AMD taint, with no policy error', () => {
    const gpu = { memoryGiB: 16, resourceName: 'amd.com/gpu', nodeSelector: { 'feature.node.kubernetes.io/amd-gpu': 'true' } };
    const rendered = renderPlatformInMemory(parsePlatformConfig({ ...minimal, gpuInference: { enabled: true, image: 'example.com/vllm-rocm:0.15.1', gpu } }, 'test'));
    const pod = rendered.apps.find((a) => a.name === 'gpu-inference')!.objects.find((o) => o.manifest.kind === 'Deployment')!.manifest.spec.template.spec;
    expect(pod.tolerations).toEqual([{ key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.nodeSelector).toEqual({ 'feature.node.kubernetes.io/amd-gpu': 'true' });
    expect(errorsOf(synthOf({ ...minimal, gpuInference: { enabled: true, image: 'example.com/vllm-rocm:0.15.1', gpu } }))).toEqual([]);
  });

  it('renders two servers that share one synced credential, with one ExternalSecret holding both keys', () => {
    const ref = (key: string) => ({ from: 'externalSecret', name: 'shared', key, store: { name: 'vault' }, remoteKey: 'mcp/shared', remoteProperty: key });
    const rendered = renderPlatformInMemory(
      parsePlatformConfig({ ...minimal, mcpServers: [imageServer('one', { secretEnv: { TOKEN: ref('token') } }), imageServer('two', { secretEnv: { TOKEN: ref('token'), USER: ref('user') } })] } as PlatformConfigInput, 'test'),
    );
    const secrets = rendered.apps.flatMap((a) => a.objects).filter((o) => o.manifest.kind === 'ExternalSecret').map((o) => o.manifest);
    expect(secrets.map((m) => m.metadata.name)).toEqual(['shared']);
    expect(secrets[0].spec.data.map((d: { secretKey: string }) => d.secretKey)).toEqual(['token', 'user']);
  });
});

describe('output names that stay unique', () => {
  it('writes the Roles of two or more watched namespaces to files of their own, named by namespace', () => {
    const out = tempDir();
    folders.push(out);
    const config = parsePlatformConfig({ ...minimal, discovery: { ...discovery, watchNamespaces: ['team-a', 'team-b', 'team'] } }, 'test');
    synthesize(config, { manifestsDir: join(out, 'dist'), terraformDir: join(out, 'tf') });
    const files = readdirSync(join(out, 'dist', 'discovery')).filter((f) => f.startsWith('role'));
    expect(files.sort()).toEqual([
      'role-team-a_mcp-discovery-read.yaml',
      'role-team-b_mcp-discovery-read.yaml',
      'role-team_mcp-discovery-read.yaml',
      'rolebinding-team-a_mcp-discovery-read.yaml',
      'rolebinding-team-b_mcp-discovery-read.yaml',
      'rolebinding-team_mcp-discovery-read.yaml',
    ]);
  });

  it('keeps <kind>-<name>.yaml in the application namespace and for cluster-scoped objects', () => {
    expect(objectFileName({ kind: 'Service', metadata: { name: 'github', namespace: 'mcp-system' } }, 'mcp-system')).toBe('service-github.yaml');
    expect(objectFileName({ kind: 'ClusterRole', metadata: { name: 'read' } }, 'mcp-system')).toBe('clusterrole-read.yaml');
    // "_" is in no name and no namespace, so these two cannot meet: ("a", "b-c") and ("a-b", "c").
    expect(objectFileName({ kind: 'Role', metadata: { name: 'b-c', namespace: 'a' } }, 'mcp-system')).toBe('role-a_b-c.yaml');
    expect(objectFileName({ kind: 'Role', metadata: { name: 'c', namespace: 'a-b' } }, 'mcp-system')).toBe('role-a-b_c.yaml');
  });

  it('cuts a file name over 128 characters, keeping it unique with a hash of the whole', () => {
    const named = (name: string) => objectFileName({ kind: 'ExternalSecret', metadata: { name, namespace: 'mcp-system' } }, 'mcp-system');
    // 'externalsecret-' (15) + name + '.yaml' (5): a name of 108 characters makes exactly 128
    expect(named('a'.repeat(108))).toBe(`externalsecret-${'a'.repeat(108)}.yaml`);
    const long = named(`${'a'.repeat(200)}-one`);
    expect(long).toHaveLength(MAX_FILE_NAME);
    expect(long).toMatch(/^externalsecret-a+-[0-9a-f]{12}\.yaml$/);
    expect(named(`${'a'.repeat(200)}-two`)).not.toBe(long);
    expect(named(`${'a'.repeat(200)}-one`)).toBe(long);
  });

  it('leaves out an application with nothing in it, and its Argo CD Application, and keeps it once it has objects', () => {
    const external = { name: 'wiki', flavour: 'external', transport: 'streamable-http', source: { service: { name: 'wiki', namespace: 'docs' } }, port: 8080 };
    const appsOf = (raw: PlatformConfigInput) => {
      const rendered = renderPlatformInMemory(parsePlatformConfig(raw, 'test'));
      const applications = rendered.apps.find((a) => a.name === 'argocd')!.objects.map((o) => o.manifest.metadata.name);
      return { apps: rendered.apps.map((a) => a.name), applications };
    };
    // GIVEN only an external server and no gateway: nothing renders into mcp-servers
    const empty = appsOf({ ...minimal, gateway: { enabled: false }, mcpServers: [external] } as PlatformConfigInput);
    expect(empty.apps).not.toContain('mcp-servers');
    expect(empty.applications).not.toContain('lab-mcp-servers');
    // AND with the gateway, which routes to it, the application is there
    const routed = appsOf({ ...minimal, gateway: { enabled: true }, mcpServers: [external] } as PlatformConfigInput);
    expect(routed.apps).toContain('mcp-servers');
    expect(routed.applications).toContain('lab-mcp-servers');
  });

  it('synthesizes a Secret of the longest name the API server takes, 253 characters', () => {
    const out = tempDir();
    folders.push(out);
    const name = 'x'.repeat(253);
    const ref = { from: 'externalSecret', name, key: 'token', store: { name: 'vault' }, remoteKey: 'mcp/token' };
    synthesize(parsePlatformConfig({ ...minimal, mcpServers: [imageServer('one', { secretEnv: { TOKEN: ref } })] } as PlatformConfigInput, 'test'), {
      manifestsDir: join(out, 'dist'),
      terraformDir: join(out, 'tf'),
    });
    const files = readdirSync(join(out, 'dist', 'mcp-servers')).filter((f) => f.startsWith('externalsecret-'));
    expect(files).toHaveLength(1);
    expect(files[0]!.length).toBeLessThanOrEqual(MAX_FILE_NAME);
  });
});
