import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { componentSelector } from '../../../constructs/labels.js';
import { McpServer, type McpServerProps } from '../../../constructs/mcp/mcp-server.js';
import type { McpServerSource } from '../../../constructs/mcp/mcp-server-props.js';
import { apiObjectsOf, checkPolicies } from '../../../constructs/policy/policy-checker.js';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { PRIVATE_IPV4_RANGES } from '../../../constructs/workloads/pod-network-policy.js';
import { only, render, testChart } from '../../support/charts.js';
import { errorOf } from '../../support/errors.js';

const EVERYTHING = { npm: { package: '@modelcontextprotocol/server-everything', version: '2026.8.31', bin: 'mcp-server-everything' } };
const IMAGE = 'ghcr.io/example/mcp-server:1.2.3';
const API_SERVER = { cidrs: ['192.168.10.5/32'], port: 6443 };
const GATEWAY = { podLabels: componentSelector('mcp-gateway') };
const DISCOVERY = { podLabels: componentSelector('mcp-discovery') };

/** What Workloads passes every server, and a stdio server from npm. */
const BASE: McpServerProps = {
  namespace: 'mcp-system',
  name: 'everything',
  flavour: 'standalone',
  transport: 'stdio',
  source: EVERYTHING,
  args: ['stdio'],
  clients: [GATEWAY, DISCOVERY],
  apiServer: API_SERVER,
};

function renderServer(props: Partial<McpServerProps> = {}) {
  const chart = testChart();
  const server = new McpServer(chart, 'server', { ...BASE, ...props });
  return { chart, server, objects: render(chart) };
}

const podSpecOf = (objects: Manifest[]): Manifest => only(objects, 'Deployment').spec.template.spec;
const mainOf = (objects: Manifest[]): Manifest => podSpecOf(objects).containers[0];
const envOf = (container: Manifest): Record<string, string> => Object.fromEntries(container.env.filter((e: Manifest) => 'value' in e).map((e: Manifest) => [e.name, e.value]));
const ipBlocks = (rule: Manifest): string[] => rule.to.map((peer: Manifest) => peer.ipBlock?.cidr);
const ports = (rule: Manifest): number[] => rule.ports.map((p: Manifest) => p.port);

/** The whole error for one problem with server `name`. */
const problem = (name: string, text: string) => `McpServer ${name}:\n  - ${text}`;

describe('McpServer, standalone', () => {
  it('applies every documented default', () => {
    // GIVEN a stdio server from npm with nothing optional WHEN rendered
    const { server, objects } = renderServer({ args: undefined });
    const deployment = only(objects, 'Deployment', 'everything');
    // THEN one replica on port 8080 at /mcp, npm-sized resources, no args, "tools" as the capability, no PDB
    expect(deployment.spec.replicas).toBe(1);
    expect(mainOf(objects).ports).toEqual([{ name: 'mcp', containerPort: 8080, protocol: 'TCP' }]);
    expect(mainOf(objects).args.slice(0, 2)).toEqual(['--stdio', 'node_modules/.bin/mcp-server-everything']);
    expect(mainOf(objects).resources).toEqual({ requests: { cpu: '50m', memory: '192Mi' }, limits: { memory: '512Mi' } });
    expect(deployment.metadata.annotations['mcp-platform.dev/capabilities']).toBe('tools');
    expect(server.endpoint).toEqual({ serviceName: 'everything', namespace: 'mcp-system', port: 8080, path: '/mcp', transport: 'streamable-http' });
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  it('gives an image server the smaller default resources and runs it as uid 10001', () => {
    const { objects } = renderServer({ transport: 'streamable-http', source: { image: IMAGE } });
    expect(mainOf(objects).resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(podSpecOf(objects).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
  });

  it('installs the pinned package and the pinned bridge, then serves the stdio server through the bridge', () => {
    // GIVEN a stdio server from npm on port 9000 at /rpc WHEN rendered
    const { objects } = renderServer({ port: 9000, path: '/rpc' });
    const pod = podSpecOf(objects);
    // THEN the init container installs exactly the two pinned packages into the shared folder
    expect(pod.initContainers).toHaveLength(1);
    expect(pod.initContainers[0]).toMatchObject({ name: 'install', image: 'node:24.19.0-alpine3.24', workingDir: '/app', command: ['npm'] });
    expect(pod.initContainers[0].args).toEqual([
      'install', '--prefix', '.', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev',
      '@modelcontextprotocol/server-everything@2026.8.31',
      'supergateway@4.0.0',
    ]);
    // AND the server container runs the installed bridge with the server's command line, port and path
    const main = pod.containers[0];
    expect(main).toMatchObject({ name: 'mcp-server', image: 'node:24.19.0-alpine3.24', workingDir: '/app', command: ['node', 'node_modules/.bin/supergateway'] });
    expect(main.args).toEqual([
      '--stdio', 'node_modules/.bin/mcp-server-everything stdio',
      '--outputTransport', 'streamableHttp',
      '--port', '9000',
      '--streamableHttpPath', '/rpc',
      '--stateful',
      '--sessionTimeout', '600000',
      '--healthEndpoint', '/healthz',
      '--logLevel', 'info',
    ]);
    expect(main.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'mcp' });
    // the installed folder is read-only to the server
    expect(main.volumeMounts).toContainEqual({ name: 'app', mountPath: '/app', readOnly: true });
    expect(envOf(main)).toMatchObject({ PORT: '9000', HOME: '/tmp/home', npm_config_cache: '/tmp/npm-cache' });
  });

  it('installs no bridge for an npm server that speaks HTTP itself, and runs its bin directly', () => {
    const { objects } = renderServer({ transport: 'streamable-http', args: ['streamableHttp'] });
    const pod = podSpecOf(objects);
    expect(pod.initContainers[0].args.slice(-1)).toEqual(['@modelcontextprotocol/server-everything@2026.8.31']);
    expect(pod.initContainers[0].args.join(' ')).not.toContain('supergateway');
    expect(pod.containers[0].command).toEqual(['node', 'node_modules/.bin/mcp-server-everything']);
    expect(pod.containers[0].args).toEqual(['streamableHttp']);
    // no bridge, no /healthz: the port answering is the probe
    expect(pod.containers[0].readinessProbe.tcpSocket).toEqual({ port: 'mcp' });
  });

  it('shell-quotes the server command line so every argument reaches the server as one word, unexpanded', () => {
    // GIVEN arguments with spaces, quotes and shell syntax
    const args = ['stdio', 'two words', "it's", '"double"', '$HOME', '`id`', 'a;b|c&&d', '*', '', '--flag=x y'];
    const { objects } = renderServer({ args });
    const commandLine: string = mainOf(objects).args[1];
    // WHEN the bridge's shell splits the command line (supergateway runs it with a shell)
    const split = spawnSync('sh', ['-c', `printf '%s\\n' ${commandLine}`], { encoding: 'utf8' });
    // THEN the words are exactly the bin and the arguments
    expect(split.status).toBe(0);
    expect(split.stdout.split('\n').slice(0, -1)).toEqual(['node_modules/.bin/mcp-server-everything', ...args]);
  });

  it('runs an HTTP server from an image with its own command and args, without an init container', () => {
    const { objects } = renderServer({ transport: 'streamable-http', source: { image: IMAGE, command: '/server' }, args: ['--listen', ':8080'], env: { LOG_LEVEL: 'debug' } });
    const pod = podSpecOf(objects);
    expect(pod.initContainers).toEqual([]);
    expect(pod.containers[0]).toMatchObject({ image: IMAGE, command: ['/server'], args: ['--listen', ':8080'] });
    expect(envOf(pod.containers[0])).toEqual({ HOME: '/tmp', LOG_LEVEL: 'debug', PORT: '8080' });
  });

  it('renders a Service with agentgateway MCP conventions and the platform annotations', () => {
    // GIVEN a stdio server on 9000 with two capabilities WHEN rendered
    const { objects } = renderServer({ port: 9000, capabilities: ['tools', 'prompts'] });
    const service = only(objects, 'Service', 'everything');
    // THEN the port speaks MCP over Streamable HTTP (the bridge) at the annotated path
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([{ name: 'mcp', port: 9000, targetPort: 'mcp', protocol: 'TCP', appProtocol: 'agentgateway.dev/mcp' }]);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'everything', 'app.kubernetes.io/instance': 'everything', 'app.kubernetes.io/part-of': 'mcp-platform' });
    expect(service.metadata.annotations).toEqual({
      'agentgateway.dev/mcp-path': '/mcp',
      'mcp-platform.dev/enabled': 'true',
      'mcp-platform.dev/type': 'standalone',
      'mcp-platform.dev/transport': 'streamable-http',
      'mcp-platform.dev/path': '/mcp',
      'mcp-platform.dev/port': '9000',
      'mcp-platform.dev/capabilities': 'prompts,tools',
      'mcp-platform.dev/declared-by': 'mcp-platform',
    });
  });

  it('marks an SSE server with the -sse appProtocol and /sse path', () => {
    const { server, objects } = renderServer({ transport: 'sse', source: { image: IMAGE } });
    const service = only(objects, 'Service');
    expect(service.spec.ports[0].appProtocol).toBe('agentgateway.dev/mcp-sse');
    expect(service.metadata.annotations['agentgateway.dev/mcp-path']).toBe('/sse');
    expect(service.metadata.annotations['mcp-platform.dev/transport']).toBe('sse');
    expect(server.endpoint).toMatchObject({ path: '/sse', transport: 'sse' });
  });

  it('puts the platform annotations under a custom prefix', () => {
    const { objects } = renderServer({ annotationPrefix: 'discovery.example.com' });
    const keys = Object.keys(only(objects, 'Service').metadata.annotations).sort();
    expect(keys).toEqual([
      'agentgateway.dev/mcp-path',
      'discovery.example.com/capabilities',
      'discovery.example.com/declared-by',
      'discovery.example.com/enabled',
      'discovery.example.com/path',
      'discovery.example.com/port',
      'discovery.example.com/transport',
      'discovery.example.com/type',
    ]);
    expect(Object.keys(only(objects, 'Deployment').metadata.annotations).every((k) => k.startsWith('discovery.example.com/'))).toBe(true);
  });

  it('takes credentials as secretKeyRefs, never as values', () => {
    const { objects } = renderServer({ secretEnv: { API_TOKEN: { from: 'secret', name: 'upstream', key: 'token' } } });
    expect(mainOf(objects).env).toContainEqual({ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'upstream', key: 'token' } } });
  });
});

describe('McpServer, kmcp', () => {
  const kmcp = (props: Partial<McpServerProps> = {}) => renderServer({ flavour: 'kmcp', ...props });

  it('runs a stdio npm server with npx naming the pinned package and its bin', () => {
    // GIVEN a stdio server whose bin differs from its package name WHEN rendered as kmcp
    const { server, objects } = kmcp();
    const resource = only(objects, 'MCPServer', 'everything');
    // THEN a kagent.dev MCPServer runs npx with the exact package and the bin through kmcp's stdio adapter
    expect(resource.apiVersion).toBe('kagent.dev/v1alpha1');
    expect(resource.spec.transportType).toBe('stdio');
    expect(resource.spec.stdioTransport).toEqual({});
    expect(resource.spec.deployment).toMatchObject({
      image: 'node:24.19.0-alpine3.24',
      cmd: 'npx',
      args: ['--yes', '--package=@modelcontextprotocol/server-everything@2026.8.31', 'mcp-server-everything', 'stdio'],
      port: 8080,
      replicas: 1,
      serviceAccountName: 'everything',
    });
    // kmcp gives the adapter's init container no resources and no securityContext of its own
    expect(resource.spec.deployment.initContainer).toEqual({
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(resource.metadata.annotations['mcp-platform.dev/type']).toBe('kmcp');
    // kmcp makes the Service named after the server; the ServiceAccount is the platform's, without a token
    expect(server.endpoint).toEqual({ serviceName: 'everything', namespace: 'mcp-system', port: 8080, path: '/mcp', transport: 'streamable-http' });
    expect(objects.map((o) => o.kind).sort()).toEqual(['MCPServer', 'NetworkPolicy', 'ServiceAccount']);
    expect(only(objects, 'ServiceAccount')).toMatchObject({ metadata: { name: 'everything' }, automountServiceAccountToken: false });
  });

  it('gives a kmcp HTTP server no adapter init container, and keeps a stdio server off the adapter\'s ports and mounts', () => {
    expect(only(kmcp({ transport: 'streamable-http', source: { image: IMAGE } }).objects, 'MCPServer').spec.deployment.initContainer).toBeUndefined();
    for (const port of [15000, 15020, 15021]) {
      expect(errorOf(() => kmcp({ port }))).toBe(
        problem('everything', `port ${port} is taken by kmcp's transport adapter, which also listens on 15000, 15020, 15021 in the server's container; use another port such as 8080`),
      );
    }
    expect(() => kmcp({ transport: 'streamable-http', source: { image: IMAGE }, port: 15020 })).not.toThrow();
    expect(errorOf(() => kmcp({ secretFiles: [{ path: '/config/token', secret: { from: 'secret', name: 'gh', key: 'token' } }] }))).toBe(
      problem('everything', 'secretFiles[0].path "/config/token" is inside /config, where kmcp mounts its transport adapter\'s config (a ConfigMap): mount the file at a path of its own, such as "/secrets/token"'),
    );
    expect(errorOf(() => kmcp({ secretFiles: [{ path: '/adapterbin', secret: { from: 'secret', name: 'gh', key: 'token' } }] }))).toBe(
      problem('everything', 'secretFiles[0].path "/adapterbin" is where kmcp copies its transport adapter\'s binary: mount the file at a path of its own, such as "/secrets/adapterbin"'),
    );
  });

  it('runs a package whose bin is its name as npx <package>@<version>', () => {
    const { objects } = kmcp({ source: { npm: { package: 'kubernetes-mcp-server', version: '0.0.67' } }, args: ['--read-only'] });
    expect(only(objects, 'MCPServer').spec.deployment.args).toEqual(['--yes', 'kubernetes-mcp-server@0.0.67', '--read-only']);
  });

  it('requires the command of a stdio image, which kmcp must start itself', () => {
    const message = errorOf(() => kmcp({ name: 'github', source: { image: IMAGE } }));
    expect(message).toBe(
      problem(
        'github',
        'source.command is required for a kmcp stdio server from an image: kmcp starts it as a child of its transport adapter, ' +
          "which replaces the image's entrypoint (e.g. \"/server/github-mcp-server\")",
      ),
    );
  });

  it('runs a stdio image with its command and an HTTP image on its own port and path', () => {
    const stdio = only(kmcp({ source: { image: IMAGE, command: '/server' }, args: ['stdio'] }).objects, 'MCPServer').spec;
    expect(stdio.deployment).toMatchObject({ image: IMAGE, cmd: '/server', args: ['stdio'] });
    expect(stdio.deployment.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });

    const { server, objects } = kmcp({ transport: 'streamable-http', source: { image: IMAGE }, args: [], port: 3000, path: '/api/mcp' });
    const http = only(objects, 'MCPServer').spec;
    expect(http.transportType).toBe('http');
    expect(http.httpTransport).toEqual({ targetPort: 3000, path: '/api/mcp' });
    expect(http.deployment).not.toHaveProperty('cmd');
    expect(server.endpoint).toMatchObject({ serviceName: 'everything', port: 3000, path: '/api/mcp' });
  });

  it('serves a stdio server at /mcp and rejects another path', () => {
    expect(errorOf(() => kmcp({ path: '/rpc' }))).toBe(problem('everything', 'path: kmcp serves a stdio server at "/mcp"; leave path out'));
  });

  it('loads credentials as whole Secrets through secretRefs', () => {
    const { objects } = kmcp({
      secretEnv: {
        GITHUB_TOKEN: { from: 'secret', name: 'github', key: 'GITHUB_TOKEN' },
        GITHUB_HOST: { from: 'secret', name: 'github', key: 'GITHUB_HOST' },
        OTHER_KEY: { from: 'secret', name: 'another', key: 'OTHER_KEY' },
      },
    });
    expect(only(objects, 'MCPServer').spec.deployment.secretRefs).toEqual([{ name: 'another' }, { name: 'github' }]);
  });

  it('rejects a credential whose env var name differs from its key in the Secret', () => {
    const message = errorOf(() => kmcp({ secretEnv: { GITHUB_TOKEN: { from: 'secret', name: 'github', key: 'token' } } }));
    expect(message).toBe(
      'McpServer everything:\n  - secretEnv.GITHUB_TOKEN.key must be "GITHUB_TOKEN", not "token": kmcp loads Secrets whole (envFrom), so each env var is named like its key in the Secret (here github); ' +
        'rename the key, or use flavour "toolhive" or "standalone", which map keys to env names',
    );
  });
});

describe('McpServer, ToolHive', () => {
  const toolhive = (props: Partial<McpServerProps> = {}) => renderServer({ flavour: 'toolhive', ...props });

  it('runs a stdio npm server with npx in the node image, proxied over Streamable HTTP', () => {
    const { server, objects } = toolhive();
    const resource = only(objects, 'MCPServer', 'everything');
    expect(resource.apiVersion).toBe('toolhive.stacklok.dev/v1beta1');
    expect(resource.spec).toMatchObject({
      image: 'node:24.19.0-alpine3.24',
      transport: 'stdio',
      proxyMode: 'streamable-http',
      proxyPort: 8080,
      args: ['npx', '--yes', '--package=@modelcontextprotocol/server-everything@2026.8.31', 'mcp-server-everything', 'stdio'],
      serviceAccount: 'everything',
      replicas: 1,
    });
    expect(resource.spec).not.toHaveProperty('mcpPort');
    // npx downloads the package: the network profile
    expect(resource.spec.permissionProfile).toEqual({ type: 'builtin', name: 'network' });
    expect(server.endpoint).toEqual({ serviceName: 'mcp-everything-proxy', namespace: 'mcp-system', port: 8080, path: '/mcp', transport: 'streamable-http' });
  });

  it('serves an HTTP image through the proxy on 8080 whatever the server port', () => {
    const { server, objects } = toolhive({ transport: 'streamable-http', source: { image: IMAGE }, args: ['serve'], port: 3000 });
    const spec = only(objects, 'MCPServer').spec;
    expect(spec).toMatchObject({ image: IMAGE, transport: 'streamable-http', mcpPort: 3000, proxyPort: 8080, args: ['serve'] });
    expect(server.endpoint).toMatchObject({ serviceName: 'mcp-everything-proxy', port: 8080 });
  });

  it('maps each credential to its Secret, key and env var', () => {
    const { objects } = toolhive({
      source: { image: IMAGE },
      secretEnv: { ADGUARD_PASSWORD: { from: 'secret', name: 'adguard', key: 'password' }, ADGUARD_USERNAME: { from: 'secret', name: 'adguard', key: 'username' } },
    });
    expect(only(objects, 'MCPServer').spec.secrets).toEqual([
      { name: 'adguard', key: 'password', targetEnvName: 'ADGUARD_PASSWORD' },
      { name: 'adguard', key: 'username', targetEnvName: 'ADGUARD_USERNAME' },
    ]);
  });

  it('chooses the permission profile: none for an image without egress, network with egress, or as given', () => {
    const profile = (props: Partial<McpServerProps>) => only(toolhive({ source: { image: IMAGE }, ...props }).objects, 'MCPServer').spec.permissionProfile;
    expect(profile({})).toEqual({ type: 'builtin', name: 'none' });
    expect(profile({ egress: [{ cidrs: ['192.168.10.3/32'], ports: [3000] }] })).toEqual({ type: 'builtin', name: 'network' });
    expect(profile({ egress: [{ cidrs: ['192.168.10.3/32'], ports: [3000] }], toolhivePermissionProfile: 'none' })).toEqual({ type: 'builtin', name: 'none' });
  });

  it('hardens the server container through podTemplateSpec', () => {
    const template = only(toolhive({ source: { image: IMAGE } }).objects, 'MCPServer').spec.podTemplateSpec;
    expect(template.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(template.spec.containers).toEqual([
      {
        name: 'mcp',
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        // The user and group on the container too, or ToolHive fills in its own 1000:1000 there.
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          runAsUser: 10001,
          runAsGroup: 10001,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    ]);
    expect(template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    // AND an npm server runs as the node image's user in both places
    const npm = only(toolhive().objects, 'MCPServer').spec.podTemplateSpec.spec;
    expect([npm.securityContext.runAsUser, npm.containers[0].securityContext.runAsUser, npm.containers[0].securityContext.runAsGroup]).toEqual([1000, 1000, 1000]);
  });

  it("sizes the server's own container through podTemplateSpec and the proxy through spec.resources, where ToolHive v0.44.0 puts each", () => {
    const resources = { requestsCpu: '200m', requestsMemory: '300Mi', limitsMemory: '600Mi' };
    const spec = only(toolhive({ source: { image: IMAGE }, resources }).objects, 'MCPServer').spec;
    expect(spec.podTemplateSpec.spec.containers[0].resources).toEqual({ requests: { cpu: '200m', memory: '300Mi' }, limits: { memory: '600Mi' } });
    expect(spec.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } });
  });

  it('renders the server\'s ServiceAccount without a token unless the server reads the cluster (the proxy runs as the operator\'s <name>-proxy-runner)', () => {
    expect(only(toolhive().objects, 'ServiceAccount', 'everything').automountServiceAccountToken).toBe(false);
    const reader = toolhive({ kubernetesAccess: { rules: [{ apiGroups: [''], resources: ['pods'] }] } });
    expect(only(reader.objects, 'ServiceAccount', 'everything').automountServiceAccountToken).toBe(true);
    expect(only(reader.objects, 'MCPServer').spec.serviceAccount).toBe('everything');
  });

  it('scales the proxy with replicas, and refuses more than one for a stdio server or the name mcpserver', () => {
    expect(only(toolhive({ transport: 'streamable-http', source: { image: IMAGE }, replicas: 3 }).objects, 'MCPServer').spec).toMatchObject({ replicas: 3 });
    expect(only(toolhive({ transport: 'streamable-http', source: { image: IMAGE }, replicas: 3 }).objects, 'MCPServer').spec.backendReplicas).toBeUndefined();
    expect(errorOf(() => toolhive({ replicas: 2 }))).toBe(
      problem(
        'everything',
        'replicas 2 is more than ToolHive runs for a stdio server: its one proxy attaches to the one server process (v0.44.0 caps replicas at 1 and reports StdioReplicaCapped); leave replicas at 1, or serve the server over HTTP',
      ),
    );
    expect(errorOf(() => toolhive({ name: 'mcpserver' }))).toBe(
      problem(
        'mcpserver',
        'name "mcpserver" cannot be a ToolHive server: ToolHive labels every proxy pod app=mcpserver and selects the server\'s own pods by app=<name>, so the server\'s Service would also send to proxies; use another name',
      ),
    );
    expect(() => renderServer({ name: 'mcpserver' })).not.toThrow();
  });
});

describe('McpServer NetworkPolicy', () => {
  const policyOf = (objects: Manifest[]) => only(objects, 'NetworkPolicy', 'mcp-everything').spec;

  it.each([
    ['standalone', { 'app.kubernetes.io/name': 'everything', 'app.kubernetes.io/instance': 'everything', 'app.kubernetes.io/part-of': 'mcp-platform' }],
    ['kmcp', { 'app.kubernetes.io/name': 'everything', 'app.kubernetes.io/instance': 'everything' }],
    ['toolhive', { 'toolhive-name': 'everything' }],
  ] as const)('selects the pods %s runs the server in', (flavour, labels) => {
    const { server, objects } = renderServer({ flavour });
    expect(policyOf(objects).podSelector).toEqual({ matchLabels: labels });
    expect(server.podLabels).toEqual(labels);
  });

  it('admits only the clients, on the serving port', () => {
    // GIVEN a standalone server on 9000 WHEN rendered
    const ingress = policyOf(renderServer({ port: 9000 }).objects).ingress;
    // THEN the gateway and the discovery service, in the server's namespace, on 9000 only
    expect(ingress).toEqual([
      {
        from: [GATEWAY, DISCOVERY].map((c) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-system' } }, podSelector: { matchLabels: c.podLabels } })),
        ports: [{ protocol: 'TCP', port: 9000 }],
      },
    ]);
    // ToolHive's clients reach the proxy port, not the server's
    expect(policyOf(renderServer({ flavour: 'toolhive', transport: 'streamable-http', port: 9000 }).objects).ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
    // no clients: nothing is admitted
    expect(policyOf(renderServer({ clients: [] }).objects).ingress).toEqual([]);
  });

  it('lets an image server reach only its declared upstream', () => {
    const { objects } = renderServer({ transport: 'streamable-http', source: { image: IMAGE }, egress: [{ cidrs: ['192.168.10.3/32', '192.168.10.4/32'], ports: [3000, 3001] }] });
    expect(policyOf(objects).egress).toEqual([
      { to: [{ ipBlock: { cidr: '192.168.10.3/32' } }, { ipBlock: { cidr: '192.168.10.4/32' } }], ports: [{ protocol: 'TCP', port: 3000 }, { protocol: 'TCP', port: 3001 }] },
    ]);
  });

  it('lets an npm server reach the public registry on 443, but not the private ranges', () => {
    const egress = policyOf(renderServer({ egress: [{ cidrs: ['192.168.10.3/32'], ports: [3000] }] }).objects).egress;
    expect(egress).toEqual([
      { to: [{ ipBlock: { cidr: '192.168.10.3/32' } }], ports: [{ protocol: 'TCP', port: 3000 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_IPV4_RANGES] } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  it('on Cilium lets an npm server reach registry.npmjs.org by name, and an upstream given by host name', () => {
    const { objects } = renderServer({ egress: [{ hosts: ['api.github.com'], ports: [443] }], network: { cni: 'cilium' } });
    expect(policyOf(objects).egress).toEqual([]);
    const fqdns = only(objects, 'CiliumNetworkPolicy').spec.egress.filter((r: Manifest) => r.toFQDNs).map((r: Manifest) => r.toFQDNs);
    expect(fqdns).toEqual([[{ matchName: 'api.github.com' }], [{ matchName: 'registry.npmjs.org' }]]);
    // AND elsewhere a host becomes the internet on its ports
    expect(policyOf(renderServer({ transport: 'streamable-http', source: { image: IMAGE }, egress: [{ hosts: ['api.github.com'], ports: [8443] }] }).objects).egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_IPV4_RANGES] } }], ports: [{ protocol: 'TCP', port: 8443 }] },
    ]);
  });

  it('puts its labels on every object, and refuses a label the platform sets or one the API server refuses', () => {
    const { objects } = renderServer({ labels: { 'example.com/team': 'tools' } });
    expect(objects.filter((o) => o.metadata.labels?.['example.com/team'] !== 'tools').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    expect(only(objects, 'Deployment').spec.template.metadata.labels['example.com/team']).toBe('tools');
    for (const key of ['app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/component', 'mcp-platform.dev/server', 'app.kubernetes.io/name', 'app.kubernetes.io/instance']) {
      expect(errorOf(() => renderServer({ labels: { [key]: 'x' } }))).toBe(
        problem('everything', `labels ${JSON.stringify(key)} is set by the platform: its Services, NetworkPolicies and monitors select on it; use a key of your own, e.g. "example.com/team"`),
      );
    }
    expect(errorOf(() => renderServer({ labels: { app: 't1' } }))).toBe(
      problem('everything', 'labels "app" is the label ToolHive selects a server\'s pods by (app=<server name>): a pod labelled app="t1" would receive the traffic of a ToolHive server of that name; use a key of your own, e.g. "example.com/app"'),
    );
    for (const key of ['toolhive-name', 'toolhive']) {
      expect(errorOf(() => renderServer({ labels: { [key]: 'th1' } }))).toBe(
        problem(
          'everything',
          `labels ${JSON.stringify(key)} is a ToolHive label: ToolHive's Services and the platform's NetworkPolicies select a ToolHive server's pods by toolhive-name=<server name>, so this server would get that server's egress and traffic; use a key of your own, e.g. "example.com/team"`,
        ),
      );
    }
    for (const key of ['cnpg.io/cluster', 'cnpg.io/instanceRole', 'cnpg.io/podRole']) {
      expect(errorOf(() => renderServer({ labels: { [key]: 'mcp-postgres' } }))).toBe(
        problem('everything', `labels ${JSON.stringify(key)} is a CloudNativePG label: its Services and the database's NetworkPolicy select pods on cnpg.io/ labels, so this server would be sent database traffic; use a key of your own, e.g. "example.com/team"`),
      );
    }
    expect(errorOf(() => renderServer({ labels: { 'a b': 'x' } }))).toBe(
      problem('everything', 'labels "a b" is not a label key: an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or "."'),
    );
    expect(errorOf(() => renderServer({ labels: { team: 'c d' } }))).toBe(
      problem('everything', 'labels "team" has the value "c d", which is not a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit'),
    );
  });

  it('refuses a blank or repeated expected tool, which would inflate the gateway\'s tool budget', () => {
    expect(errorOf(() => renderServer({ tools: ['get', 'get', ' '] }))).toBe(
      `${problem('everything', 'tools[1] "get" is also tools[0]: list each tool once, as each counts against the gateway\'s tool budget')}\n  - tools[2] " " is not a tool name: give the name the server lists (tools/list), without surrounding spaces`,
    );
    expect(() => renderServer({ tools: ['get', 'set'] })).not.toThrow();
  });

  it('advertises its capabilities sorted for discovery, tools by default, and refuses an empty list or an unknown one', () => {
    const annotation = (objects: Manifest[]) => only(objects, 'Service').metadata.annotations['mcp-platform.dev/capabilities'];
    expect(annotation(renderServer().objects)).toBe('tools');
    expect(annotation(renderServer({ capabilities: ['tools', 'prompts'] }).objects)).toBe('prompts,tools');
    expect(errorOf(() => renderServer({ capabilities: [] }))).toBe(
      problem('everything', 'capabilities is empty: list at least one MCP capability, or leave it out for the default ["tools"]'),
    );
    expect(errorOf(() => renderServer({ capabilities: ['tools', 'shell'] }))).toBe(
      problem('everything', 'capabilities[1] "shell" is not an MCP capability: tools, resources, prompts, logging, completions, sampling, elicitation, roots'),
    );
  });

  it('refuses an upstream with both addresses and names, neither, or a name that is not one', () => {
    expect(errorOf(() => renderServer({ egress: [{ cidrs: ['10.0.0.1/32'], hosts: ['a.example'], ports: [443] }] }))).toBe(
      problem('everything', 'egress[0] names both cidrs and hosts: give each upstream its own entry'),
    );
    expect(errorOf(() => renderServer({ egress: [{ ports: [443] }] }))).toBe(problem('everything', 'egress[0] needs at least one CIDR or host name, and one port'));
    expect(errorOf(() => renderServer({ egress: [{ cidrs: ['10.0.0.1'], ports: [443] }] }))).toBe(
      problem('everything', 'egress[0].cidrs: "10.0.0.1" is not an IPv4 CIDR such as "192.168.1.10/32"'),
    );
    expect(errorOf(() => renderServer({ egress: [{ hosts: ['https://a.example'], ports: [443] }] }))).toBe(
      problem('everything', 'egress[0].hosts: "https://a.example" is not a DNS name such as "api.github.com"'),
    );
  });

  it('refuses an upstream host its policy cannot allow: an address, a LAN name off Cilium, a Service name', () => {
    expect(errorOf(() => renderServer({ egress: [{ hosts: ['192.168.10.3'], ports: [443] }] }))).toBe(
      problem('everything', 'egress[0].hosts: "192.168.10.3" is an address, which a DNS-name rule never matches: put it in cidrs as "192.168.10.3/32"'),
    );
    expect(errorOf(() => renderServer({ egress: [{ hosts: ['nas.lan'], ports: [443] }] }))).toBe(
      problem(
        'everything',
        'egress[0].hosts: "nas.lan" resolves on the LAN, and without Cilium\'s DNS-name rules (cluster.cni "cilium") the policy can only allow internet addresses, the private ranges excluded: list the host\'s addresses in egress[0] as { cidrs: [...], ports: [...] } instead',
      ),
    );
    expect(() => renderServer({ egress: [{ hosts: ['nas.lan'], ports: [443] }], network: { cni: 'cilium' } })).not.toThrow();
    expect(errorOf(() => renderServer({ egress: [{ hosts: ['api.tools.svc.cluster.local'], ports: [443] }], network: { cni: 'cilium' } }))).toMatch(
      /egress\[0\]\.hosts: "api\.tools\.svc\.cluster\.local" is a Service inside the cluster/,
    );
  });

  it('lets an npm server reach a private registry mirror instead, when one is given', () => {
    const egress = policyOf(renderServer({ packageRegistry: { url: 'http://192.168.10.8:4873/', cidrs: ['192.168.10.8/32'], port: 4873 } }).objects).egress;
    expect(egress).toEqual([{ to: [{ ipBlock: { cidr: '192.168.10.8/32' } }], ports: [{ protocol: 'TCP', port: 4873 }] }]);
  });

  it('opens the API server only for a server with kubernetesAccess or a ToolHive proxy', () => {
    const apiRule = (props: Partial<McpServerProps>) =>
      policyOf(renderServer({ transport: 'streamable-http', source: { image: IMAGE }, ...props }).objects).egress.filter((r: Manifest) => ipBlocks(r).includes('192.168.10.5/32'));
    expect(apiRule({})).toEqual([]);
    expect(apiRule({ flavour: 'kmcp' })).toEqual([]);
    const kubernetesAccess = { rules: [{ apiGroups: [''], resources: ['pods'] }] };
    expect(apiRule({ kubernetesAccess })).toEqual([{ to: [{ ipBlock: { cidr: '192.168.10.5/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
    expect(apiRule({ flavour: 'toolhive' }).map(ports)).toEqual([[6443]]);
    // the port defaults to 6443
    expect(apiRule({ kubernetesAccess, apiServer: { cidrs: ['192.168.10.5/32'] } }).map(ports)).toEqual([[6443]]);
  });

  it('lets the ToolHive proxy and its HTTP server reach each other on the server port', () => {
    const policy = policyOf(renderServer({ flavour: 'toolhive', transport: 'streamable-http', source: { image: IMAGE }, port: 3000 }).objects);
    const internal = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-system' } }, podSelector: { matchLabels: { 'toolhive-name': 'everything' } } };
    expect(policy.ingress).toContainEqual({ from: [internal], ports: [{ protocol: 'TCP', port: 3000 }] });
    expect(policy.egress).toContainEqual({ to: [internal], ports: [{ protocol: 'TCP', port: 3000 }] });
  });

  it('requires the API server address when the server or its proxy calls the API', () => {
    const kubernetesAccess = { rules: [{ apiGroups: [''], resources: ['pods'] }] };
    const because = (who: string) =>
      `apiServer.cidrs must name the API server's addresses: ${who} calls the Kubernetes API through the namespace's default deny, ` +
      'and a Kubernetes NetworkPolicy reaches it only by ipBlock (on Cilium, network.cni "cilium", cluster.cni in the platform config, reaches it as the kube-apiserver entity instead)';
    expect(errorOf(() => renderServer({ kubernetesAccess, apiServer: undefined }))).toBe(problem('everything', because('kubernetesAccess')));
    expect(errorOf(() => renderServer({ flavour: 'toolhive', apiServer: { cidrs: [] } }))).toBe(problem('everything', because("ToolHive's proxy")));
    expect(() => renderServer({ kubernetesAccess, apiServer: undefined, network: { cni: 'cilium' } })).not.toThrow();
  });
});

describe('McpServer read-only Kubernetes access', () => {
  const kubernetesAccess = {
    rules: [
      { apiGroups: [''], resources: ['pods', 'services'] },
      { apiGroups: ['apps'], resources: ['deployments'] },
    ],
  };

  it('grants get, list and watch on the listed resources to the server ServiceAccount, cluster-wide', () => {
    const { objects } = renderServer({ kubernetesAccess });
    expect(only(objects, 'ClusterRole', 'mcp-everything-read').rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = only(objects, 'ClusterRoleBinding', 'mcp-everything-read');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mcp-everything-read' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'everything', namespace: 'mcp-system' }]);
    expect(podSpecOf(objects).serviceAccountName).toBe('everything');
    // Both cluster-scoped: rendered without the chart's namespace.
    expect(only(objects, 'ClusterRole', 'mcp-everything-read').metadata).not.toHaveProperty('namespace');
    expect(binding.metadata).not.toHaveProperty('namespace');
  });

  it('refuses a rule without an API group, which the API server would refuse', () => {
    expect(errorOf(() => renderServer({ kubernetesAccess: { rules: [{ apiGroups: [], resources: ['pods'] }] } }))).toContain(
      '  - kubernetesAccess.rules[0].apiGroups must not be empty: list at least one API group ("" is the core group: pods, services, ...)',
    );
  });

  it('binds the ServiceAccount it names in the kmcp MCPServer, which then gets a token', () => {
    const { objects } = renderServer({ flavour: 'kmcp', kubernetesAccess });
    expect(only(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'everything', namespace: 'mcp-system' }]);
    expect(only(objects, 'MCPServer').spec.deployment.serviceAccountName).toBe('everything');
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(true);
  });

  it('reads Secrets only when kubernetesAccess.secrets says so', () => {
    const withSecrets = { rules: [{ apiGroups: [''], resources: ['pods', 'secrets'] }] };
    expect(errorOf(() => renderServer({ kubernetesAccess: withSecrets }))).toBe(
      problem('everything', 'kubernetesAccess.rules[0] names secrets: set kubernetesAccess.secrets to true to let the server read Secrets'),
    );
    const { objects } = renderServer({ kubernetesAccess: { ...withSecrets, secrets: true } });
    expect(only(objects, 'ClusterRole').rules[0].resources).toEqual(['pods', 'secrets']);
  });

  it('counts "*" over the core group as reading Secrets', () => {
    const everything = { rules: [{ apiGroups: [''], resources: ['*'] }], wildcardReason: 'it inspects every core resource kind' };
    expect(errorOf(() => renderServer({ kubernetesAccess: everything }))).toBe(
      problem('everything', 'kubernetesAccess.rules[0] covers every core resource, Secrets included: list the resources, or set kubernetesAccess.secrets to true'),
    );
    const { objects } = renderServer({ kubernetesAccess: { ...everything, secrets: true } });
    expect(only(objects, 'ClusterRole').rules[0].resources).toEqual(['*']);
  });

  it('allows "*" only with a reason of at least 20 characters', () => {
    const wildcard = { rules: [{ apiGroups: ['*'], resources: ['pods'] }] };
    const expected = problem(
      'everything',
      'kubernetesAccess.rules[0] uses "*": list the resources, or give kubernetesAccess.wildcardReason (at least 20 characters) saying why the server needs all of them',
    );
    expect(errorOf(() => renderServer({ kubernetesAccess: wildcard }))).toBe(expected);
    // A reason that is too short is named as such.
    expect(errorOf(() => renderServer({ kubernetesAccess: { ...wildcard, wildcardReason: 'because' } }))).toBe(
      problem('everything', 'kubernetesAccess.wildcardReason is 7 characters: rules[0] uses "*", so say in at least 20 why the server needs all of them, or list the resources'),
    );
    const { objects } = renderServer({ kubernetesAccess: { ...wildcard, wildcardReason: 'reads pods in every API group it finds' } });
    expect(only(objects, 'ClusterRole').rules).toEqual([{ apiGroups: ['*'], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
  });

  it('mounts a ServiceAccount token only for a server that calls the API', () => {
    const token = (objects: Manifest[]) => [only(objects, 'ServiceAccount').automountServiceAccountToken, podSpecOf(objects).automountServiceAccountToken];
    expect(token(renderServer().objects)).toEqual([false, false]);
    expect(token(renderServer({ kubernetesAccess }).objects)).toEqual([true, true]);
    // no access, no ClusterRole
    expect(renderServer().objects.filter((o) => o.kind.startsWith('ClusterRole'))).toEqual([]);
  });
});

describe('McpServer PodDisruptionBudget', () => {
  it.each(['standalone', 'kmcp', 'toolhive'] as const)('is rendered for %s from two replicas, selecting the server pods', (flavour) => {
    // ToolHive runs one proxy for a stdio server, so its servers here serve HTTP.
    const http = flavour === 'toolhive' ? { transport: 'streamable-http' as const, source: { image: IMAGE } } : {};
    expect(renderServer({ flavour, ...http, replicas: 1 }).objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    const { server, objects } = renderServer({ flavour, ...http, replicas: 2 });
    expect(only(objects, 'PodDisruptionBudget', 'mcp-everything').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { ...server.podLabels } } });
  });
});

describe('McpServer validation', () => {
  it.each([
    ['a name that is not a DNS label', { name: 'Proxmox_1' }, 'Proxmox_1', 'name "Proxmox_1" must be a DNS-1123 label of at most 50 characters (it names the Service and the gateway route)'],
    [
      'a version range',
      { source: { npm: { package: 'kubernetes-mcp-server', version: '^1.2.3' } } },
      'everything',
      'source.npm.version "^1.2.3" must be an exact version such as "1.2.3" (no ranges or tags, so every pod runs the same code)',
    ],
    ['an unpinned image', { transport: 'streamable-http', source: { image: 'ghcr.io/example/mcp-server:latest' } }, 'everything', 'source.image "ghcr.io/example/mcp-server:latest" must not use the latest tag: pin a version so every node runs the same code'],
    ['an image kubelet cannot parse', { transport: 'streamable-http', source: { image: 'GHCR.io/X/Y:1.0.0' } }, 'everything', `source.image "GHCR.io/X/Y:1.0.0" is not an image reference kubelet accepts: an optional registry host, then a lowercase repository path (letters a-z, digits, ".", "_" and "-"), then ":tag" or "@sha256:<digest>", e.g. "ghcr.io/org/app:1.2.0"`],
    [
      'a standalone stdio server from an image',
      { source: { image: IMAGE } },
      'everything',
      'source: a standalone stdio server must come from an npm package: the bridge that serves it over HTTP runs with node in the same container. ' +
        'Use flavour "kmcp" or "toolhive" (their operators bridge any image), or an image that serves HTTP',
    ],
    ['a privileged port', { port: 80 }, 'everything', 'port must be 1024-65535 (the server runs as non-root), got 80'],
    [
      'a credential in plain env',
      { env: { API_TOKEN: 'abc123' } },
      'everything',
      'env.API_TOKEN is a credential by its name (…_TOKEN): pass it by reference in secretEnv ({ from: "secret" | "externalSecret" | "infisical", name, key, ... }), not as a value in env (the config is committed to git)',
    ],
    [
      'a URL with a password in plain env',
      { env: { DATABASE_URL: 'postgres://u:pw@h/db' } },
      'everything',
      'env.DATABASE_URL holds a URL with a password (scheme://user:password@host): pass it by reference in secretEnv ({ from: "secret" | "externalSecret" | "infisical", name, key, ... }), not as a value in env (the config is committed to git)',
    ],
    [
      'a storage key in plain env',
      { env: { AZURE_STORAGE_KEY: 'c3RvcmFnZQ==' } },
      'everything',
      'env.AZURE_STORAGE_KEY is a credential by its name (…_KEY): pass it by reference in secretEnv ({ from: "secret" | "externalSecret" | "infisical", name, key, ... }), not as a value in env (the config is committed to git)',
    ],
    [
      'a key content in plain env',
      { env: { OCI_CLI_KEY_CONTENT: 'MIIEvQIBADANBg' } },
      'everything',
      'env.OCI_CLI_KEY_CONTENT is a credential by its name (…_KEY_CONTENT): pass it by reference in secretEnv ({ from: "secret" | "externalSecret" | "infisical", name, key, ... }), not as a value in env (the config is committed to git)',
    ],
    [
      'a bearer in plain env',
      { env: { API_BEARER: 'abc123' } },
      'everything',
      'env.API_BEARER is a credential by its name (…_BEARER): pass it by reference in secretEnv ({ from: "secret" | "externalSecret" | "infisical", name, key, ... }), not as a value in env (the config is committed to git)',
    ],
    [
      'a credential in preflight env',
      { preflight: { env: { UPSTREAM_TOKEN: 'dummy' } } },
      'everything',
      'preflight.env.UPSTREAM_TOKEN is a credential by its name (…_TOKEN): preflight runs without credentials, so leave it out (a server that cannot start without one takes preflight check "startup")',
    ],
    [
      'a startup-only preflight without a reason',
      { preflight: { check: 'startup' } },
      'everything',
      'preflight.reason is required with check "startup": say why the server cannot list its tools here (e.g. "needs the Proxmox API token")',
    ],
  ] as [string, Partial<McpServerProps>, string, string][])('rejects %s, naming the field and the fix', (_, props, name, text) => {
    expect(errorOf(() => renderServer(props))).toBe(problem(name, text));
  });

  it('accepts plain settings that are only about a credential, and an empty credential', () => {
    // GIVEN env that names where a token comes from, the name of a Secret, a count of tokens and an empty key WHEN rendered THEN it passes
    const env = { OAUTH_TOKEN_URL: 'https://auth.example.com/token', DB_SECRET_NAME: 'mcp-postgres-app', MAX_TOKENS: '4096', API_KEY: '' };
    expect(envOf(mainOf(renderServer({ env }).objects))).toMatchObject(env);
  });

  it('lists every problem at once', () => {
    const message = errorOf(() => renderServer({ port: 80, env: { DB_PASSWORD: 'x' } }));
    expect(message.split('\n')).toHaveLength(3);
  });
});

describe('McpServer output', () => {
  const validator = new SchemaValidator();
  const sources: [string, McpServerSource][] = [
    ['npm', EVERYTHING],
    ['image', { image: IMAGE, command: '/server' }],
  ];
  const cases = (['standalone', 'kmcp', 'toolhive'] as const).flatMap((flavour) =>
    sources.flatMap(([kind, source]) =>
      (['stdio', 'streamable-http'] as const)
        .filter((transport) => !(flavour === 'standalone' && kind === 'image' && transport === 'stdio'))
        .map((transport) => [flavour, kind, transport, source] as const),
    ),
  );

  it.each(cases)('%s from %s over %s passes its schema and every policy rule', (flavour, _kind, transport, source) => {
    // GIVEN a server like the default platform's: two replicas (one for ToolHive's stdio proxy), an upstream, a credential, read access to the cluster
    const { chart, objects } = renderServer({
      flavour,
      transport,
      source,
      replicas: flavour === 'toolhive' && transport === 'stdio' ? 1 : 2,
      egress: [{ cidrs: ['192.168.10.3/32'], ports: [8006] }],
      secretEnv: { API_TOKEN: { from: 'secret', name: 'upstream', key: 'API_TOKEN' } },
      kubernetesAccess: { rules: [{ apiGroups: [''], resources: ['nodes'] }] },
    });
    // THEN every object is valid for its schema or CRD and no policy rule finds anything
    expect(objects.flatMap((o) => validator.validate(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`))).toEqual([]);
    expect(checkPolicies(apiObjectsOf(chart)).findings).toEqual([]);
  });
});
