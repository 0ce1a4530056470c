/**
 * Each flavour's render on its own (`renderKmcp`, `renderToolhive`, `renderStandalone`), from a
 * FlavourContext whose every value differs from the others (namespace, ServiceAccount, server name, port,
 * labels), so that each rendered field can be told apart: the whole kmcp MCPServer, ToolHive MCPServer and
 * standalone Deployment and Service, what each flavour hands back to McpServer, and that the objects still
 * pass the operators' CRDs and the Kubernetes schema.
 */
import { describe, expect, it } from '@jest/globals';
import type { k8s } from 'cdk8s-plus-33';
import type { FlavourContext, FlavourResult } from '../../../constructs/mcp/flavour.js';
import { renderKmcp } from '../../../constructs/mcp/kmcp-flavour.js';
import type { WorkloadServerSpec } from '../../../constructs/mcp/mcp-server-props.js';
import { renderStandalone } from '../../../constructs/mcp/standalone-flavour.js';
import { renderToolhive } from '../../../constructs/mcp/toolhive-flavour.js';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, render, testChart } from '../../support/charts.js';
import { errorOf } from '../../support/errors.js';

const NPM = { npm: { package: '@modelcontextprotocol/server-everything', version: '2026.8.31', bin: 'mcp-server-everything' } };
const IMAGE = 'ghcr.io/example/mcp-server:1.2.3';
const NODE_IMAGE = 'node:24.19.0-alpine3.24';
const LABELS = { 'app.kubernetes.io/part-of': 'mcp-platform', 'mcp-platform.dev/server': 'srv', 'example.com/team': 'blue' };
const ANNOTATIONS = { 'mcp-platform.dev/enabled': 'true', 'example.com/note': 'n' };
const RESOURCES = { requestsCpu: '120m', requestsMemory: '130Mi', limitsMemory: '140Mi' };
const SECRET_FILE = {
  volume: { name: 'secret-file-0', secret: { secretName: 'kubeconfig', items: [{ key: 'config', path: 'config' }], defaultMode: 0o440 } } as k8s.Volume,
  mount: { name: 'secret-file-0', mountPath: '/secrets/config', subPath: 'config', readOnly: true } as k8s.VolumeMount,
};
const RESTRICTED = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
const NPM_ENV = { HOME: '/tmp/home', NODE_ENV: 'production', npm_config_cache: '/tmp/npm-cache', npm_config_update_notifier: 'false' };

type SpecProps = Partial<Omit<WorkloadServerSpec, 'name' | 'flavour'>>;

/** A context whose values are all distinct: server "srv" in "tools-ns", ServiceAccount "srv-sa", port 9100 at /rpc. */
function context(flavour: WorkloadServerSpec['flavour'], spec: SpecProps = {}, overrides: Partial<FlavourContext> = {}): FlavourContext {
  return {
    spec: { name: 'srv', flavour, transport: 'stdio', source: NPM, ...spec } as WorkloadServerSpec,
    namespace: 'tools-ns',
    labels: LABELS,
    annotations: ANNOTATIONS,
    port: 9100,
    path: '/rpc',
    env: { ZED: 'last', ALPHA: 'first' },
    secretEnv: [],
    secretFiles: [],
    resources: RESOURCES,
    serviceAccountName: 'srv-sa',
    ...overrides,
  };
}

const validator = new SchemaValidator();

/** Renders one flavour; every object must pass its schema or CRD. */
function renderWith(renderer: (scope: any, ctx: FlavourContext) => FlavourResult, ctx: FlavourContext): { result: FlavourResult; objects: Manifest[] } {
  const chart = testChart('tools-ns');
  const result = renderer(chart, ctx);
  const objects = render(chart);
  expect(objects.flatMap((o) => validator.validate(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`))).toEqual([]);
  return { result, objects };
}

describe('renderKmcp', () => {
  const kmcp = (spec: SpecProps = {}, overrides: Partial<FlavourContext> = {}) => renderWith(renderKmcp, context('kmcp', spec, overrides));

  it('renders a stdio npm server as a whole MCPServer: npx, the adapter init container, credentials, files, hardening', () => {
    const { result, objects } = kmcp(
      { args: ['stdio', '--verbose'] },
      {
        secretEnv: [
          { env: 'B_TOKEN', secretName: 'zeta', key: 'B_TOKEN' },
          { env: 'A_TOKEN', secretName: 'alpha', key: 'A_TOKEN' },
          { env: 'C_TOKEN', secretName: 'zeta', key: 'C_TOKEN' },
        ],
        secretFiles: [SECRET_FILE],
      },
    );
    expect(objects).toHaveLength(1);
    expect(only(objects, 'MCPServer')).toEqual({
      apiVersion: 'kagent.dev/v1alpha1',
      kind: 'MCPServer',
      metadata: { name: 'srv', namespace: 'tools-ns', labels: LABELS, annotations: ANNOTATIONS },
      spec: {
        transportType: 'stdio',
        stdioTransport: {},
        deployment: {
          image: NODE_IMAGE,
          cmd: 'npx',
          args: ['--yes', '--package=@modelcontextprotocol/server-everything@2026.8.31', 'mcp-server-everything', 'stdio', '--verbose'],
          port: 9100,
          replicas: 1,
          serviceAccountName: 'srv-sa',
          initContainer: {
            resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
            securityContext: RESTRICTED,
          },
          // kmcp sets the port itself: no PORT
          env: { ALPHA: 'first', ZED: 'last', ...NPM_ENV },
          secretRefs: [{ name: 'alpha' }, { name: 'zeta' }],
          labels: LABELS,
          resources: { requests: { cpu: '120m', memory: '130Mi' }, limits: { memory: '140Mi' } },
          podSecurityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          securityContext: RESTRICTED,
          volumes: [{ name: 'tmp', emptyDir: {} }, SECRET_FILE.volume],
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, SECRET_FILE.mount],
        },
      },
    });
    expect(result).toEqual({
      podLabels: { 'app.kubernetes.io/name': 'srv', 'app.kubernetes.io/instance': 'srv' },
      serviceName: 'srv',
      servicePort: 9100,
      ingressPorts: [9100],
      internalPorts: [],
      needsApiServer: false,
    });
  });

  it('renders an HTTP image without a command as an MCPServer with no cmd, no init container, no secretRefs, on its port and path', () => {
    const { result, objects } = kmcp({ transport: 'streamable-http', source: { image: IMAGE }, replicas: 3 });
    expect(only(objects, 'MCPServer').spec).toEqual({
      transportType: 'http',
      httpTransport: { targetPort: 9100, path: '/rpc' },
      deployment: {
        image: IMAGE,
        args: [],
        port: 9100,
        replicas: 3,
        serviceAccountName: 'srv-sa',
        env: { ALPHA: 'first', ZED: 'last', HOME: '/tmp' },
        labels: LABELS,
        resources: { requests: { cpu: '120m', memory: '130Mi' }, limits: { memory: '140Mi' } },
        podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
        securityContext: RESTRICTED,
        volumes: [{ name: 'tmp', emptyDir: {} }],
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    });
    expect(result).toEqual({
      podLabels: { 'app.kubernetes.io/name': 'srv', 'app.kubernetes.io/instance': 'srv' },
      serviceName: 'srv',
      servicePort: 9100,
      ingressPorts: [9100],
      internalPorts: [],
      needsApiServer: false,
    });
  });

  it('runs a stdio image with its own command and args', () => {
    const deployment = only(kmcp({ source: { image: IMAGE, command: '/server' }, args: ['stdio'] }).objects, 'MCPServer').spec.deployment;
    expect([deployment.image, deployment.cmd, deployment.args]).toEqual([IMAGE, '/server', ['stdio']]);
  });

  it.each([
    ['a scoped package whose bin is its name without the scope', { package: '@scope/tool', version: '1.0.0', bin: 'tool' }, ['--yes', '@scope/tool@1.0.0']],
    ['a scoped package without a bin', { package: '@scope/tool', version: '1.0.0' }, ['--yes', '@scope/tool@1.0.0']],
    ['a package whose bin is its name', { package: 'tool', version: '1.0.0', bin: 'tool' }, ['--yes', 'tool@1.0.0']],
    ['a scoped package whose bin is its full name', { package: '@scope/tool', version: '1.0.0', bin: 'scope-tool' }, ['--yes', '--package=@scope/tool@1.0.0', 'scope-tool']],
    ['a package with another bin', { package: 'tool', version: '2.0.0', bin: 'tool-cli' }, ['--yes', '--package=tool@2.0.0', 'tool-cli']],
  ])('runs %s with npx %j', (_case, npm, args) => {
    expect(only(kmcp({ source: { npm } }).objects, 'MCPServer').spec.deployment.args).toEqual(args);
  });

  it('refuses each credential whose env var name is not its key, listing them all, and accepts the ones that match', () => {
    const secretEnv = [
      { env: 'A_TOKEN', secretName: 'alpha', key: 'token' },
      { env: 'B_TOKEN', secretName: 'beta', key: 'B_TOKEN' },
      { env: 'C_KEY', secretName: 'gamma', key: 'key' },
    ];
    const fix = 'rename the key, or use flavour "toolhive" or "standalone", which map keys to env names';
    expect(errorOf(() => kmcp({}, { secretEnv }))).toBe(
      'McpServer srv:\n' +
        `  - secretEnv.A_TOKEN.key must be "A_TOKEN", not "token": kmcp loads Secrets whole (envFrom), so each env var is named like its key in the Secret (here alpha); ${fix}\n` +
        `  - secretEnv.C_KEY.key must be "C_KEY", not "key": kmcp loads Secrets whole (envFrom), so each env var is named like its key in the Secret (here gamma); ${fix}`,
    );
    expect(only(kmcp({}, { secretEnv: [secretEnv[1]!] }).objects, 'MCPServer').spec.deployment.secretRefs).toEqual([{ name: 'beta' }]);
  });
});

describe('renderToolhive', () => {
  const toolhive = (spec: SpecProps = {}, overrides: Partial<FlavourContext> = {}) => renderWith(renderToolhive, context('toolhive', spec, overrides));
  const securityContext = (uid: number) => ({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } });

  it('runs an npm server without args as npx and the package\'s bin alone, and an image without args with none', () => {
    expect(only(toolhive({ args: undefined }).objects, 'MCPServer').spec.args).toEqual(['npx', '--yes', '--package=@modelcontextprotocol/server-everything@2026.8.31', 'mcp-server-everything']);
    expect(only(toolhive({ transport: 'streamable-http', source: { image: IMAGE }, args: undefined }).objects, 'MCPServer').spec.args ?? []).toEqual([]);
  });

  it('renders a stdio npm server as a whole MCPServer: npx in the node image behind the proxy, credentials, files, hardening', () => {
    const { result, objects } = toolhive(
      { args: ['stdio'] },
      {
        secretEnv: [
          { env: 'B_TOKEN', secretName: 'zeta', key: 'b' },
          { env: 'A_TOKEN', secretName: 'alpha', key: 'a' },
        ],
        secretFiles: [SECRET_FILE],
      },
    );
    expect(objects).toHaveLength(1);
    expect(only(objects, 'MCPServer')).toEqual({
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      kind: 'MCPServer',
      metadata: { name: 'srv', namespace: 'tools-ns', labels: LABELS, annotations: ANNOTATIONS },
      spec: {
        image: NODE_IMAGE,
        transport: 'stdio',
        proxyMode: 'streamable-http',
        proxyPort: 8080,
        args: ['npx', '--yes', '--package=@modelcontextprotocol/server-everything@2026.8.31', 'mcp-server-everything', 'stdio'],
        // sorted by name; ToolHive sets the port itself: no PORT
        env: [
          { name: 'ALPHA', value: 'first' },
          { name: 'HOME', value: '/tmp/home' },
          { name: 'NODE_ENV', value: 'production' },
          { name: 'npm_config_cache', value: '/tmp/npm-cache' },
          { name: 'npm_config_update_notifier', value: 'false' },
          { name: 'ZED', value: 'last' },
        ],
        // in the order given
        secrets: [
          { name: 'zeta', key: 'b', targetEnvName: 'B_TOKEN' },
          { name: 'alpha', key: 'a', targetEnvName: 'A_TOKEN' },
        ],
        permissionProfile: { type: 'builtin', name: 'network' },
        serviceAccount: 'srv-sa',
        replicas: 1,
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        podTemplateSpec: {
          metadata: { labels: LABELS },
          spec: {
            securityContext: securityContext(1000),
            containers: [
              {
                name: 'mcp',
                resources: { requests: { cpu: '120m', memory: '130Mi' }, limits: { memory: '140Mi' } },
                securityContext: { ...RESTRICTED, runAsUser: 1000, runAsGroup: 1000 },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, SECRET_FILE.mount],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }, SECRET_FILE.volume],
          },
        },
      },
    });
    expect(result).toEqual({
      podLabels: { 'toolhive-name': 'srv' },
      serviceName: 'mcp-srv-proxy',
      servicePort: 8080,
      ingressPorts: [8080],
      internalPorts: [],
      needsApiServer: true,
    });
  });

  it.each([
    ['streamable-http', 'streamable-http'],
    ['sse', 'sse'],
  ] as const)('renders a %s image without args on its own port behind the proxy, which reaches it there', (transport, expected) => {
    const { result, objects } = toolhive({ transport, source: { image: IMAGE }, replicas: 2 });
    expect(only(objects, 'MCPServer').spec).toEqual({
      image: IMAGE,
      transport: expected,
      mcpPort: 9100,
      proxyPort: 8080,
      env: [
        { name: 'ALPHA', value: 'first' },
        { name: 'HOME', value: '/tmp' },
        { name: 'ZED', value: 'last' },
      ],
      permissionProfile: { type: 'builtin', name: 'none' },
      serviceAccount: 'srv-sa',
      replicas: 2,
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      podTemplateSpec: {
        metadata: { labels: LABELS },
        spec: {
          securityContext: securityContext(10001),
          containers: [
            {
              name: 'mcp',
              resources: { requests: { cpu: '120m', memory: '130Mi' }, limits: { memory: '140Mi' } },
              securityContext: { ...RESTRICTED, runAsUser: 10001, runAsGroup: 10001 },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    });
    expect(result).toEqual({
      podLabels: { 'toolhive-name': 'srv' },
      serviceName: 'mcp-srv-proxy',
      servicePort: 8080,
      ingressPorts: [8080],
      internalPorts: [9100],
      needsApiServer: true,
    });
  });

  it('passes an image server its args as they are', () => {
    expect(only(toolhive({ transport: 'streamable-http', source: { image: IMAGE }, args: ['serve', '--port=9100'] }).objects, 'MCPServer').spec.args).toEqual(['serve', '--port=9100']);
  });

  it.each([
    ['an image without egress', { source: { image: IMAGE } }, 'none'],
    ['an image with an empty egress list', { source: { image: IMAGE }, egress: [] }, 'none'],
    ['an image with egress', { source: { image: IMAGE }, egress: [{ cidrs: ['192.168.10.3/32'], ports: [3000] }] }, 'network'],
    ['an npm server without egress', {}, 'network'],
    ['an image with profile "network" given', { source: { image: IMAGE }, toolhivePermissionProfile: 'network' }, 'network'],
    ['an npm server with profile "none" given', { toolhivePermissionProfile: 'none' }, 'none'],
  ] as [string, SpecProps, string][])('gives %s the builtin profile %s', (_case, spec, name) => {
    expect(only(toolhive({ transport: 'streamable-http', ...spec }).objects, 'MCPServer').spec.permissionProfile).toEqual({ type: 'builtin', name });
  });
});

describe('renderStandalone', () => {
  const standalone = (spec: SpecProps = {}, overrides: Partial<FlavourContext> = {}) => renderWith(renderStandalone, context('standalone', spec, overrides));
  const POD_LABELS = { 'app.kubernetes.io/name': 'srv', 'app.kubernetes.io/instance': 'srv', 'app.kubernetes.io/part-of': 'mcp-platform' };
  const env = (base: Record<string, string>) =>
    Object.entries({ ALPHA: 'first', ZED: 'last', ...base, PORT: '9100' })
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => ({ name, value }));

  it('renders a stdio npm server as a whole Deployment: the install init container, the bridge, probes, credentials, files, hardening', () => {
    const { objects } = standalone(
      { args: ['stdio'] },
      { secretEnv: [{ env: 'API_TOKEN', secretName: 'upstream', key: 'token' }], secretFiles: [SECRET_FILE] },
    );
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'Service']);
    const bridgeProbe = (periodSeconds: number, failureThreshold = 3) => ({ httpGet: { path: '/healthz', port: 'mcp' }, periodSeconds, timeoutSeconds: 5, failureThreshold });
    expect(only(objects, 'Deployment')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'srv', namespace: 'tools-ns', labels: LABELS, annotations: ANNOTATIONS },
      spec: {
        replicas: 1,
        selector: { matchLabels: POD_LABELS },
        template: {
          metadata: { labels: { ...LABELS, ...POD_LABELS } },
          spec: {
            serviceAccountName: 'srv-sa',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
            initContainers: [
              {
                name: 'install',
                image: NODE_IMAGE,
                workingDir: '/app',
                command: ['npm'],
                args: [
                  'install', '--prefix', '.', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev',
                  '@modelcontextprotocol/server-everything@2026.8.31', 'supergateway@4.0.0',
                ],
                env: Object.entries(NPM_ENV).map(([name, value]) => ({ name, value })),
                resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
                securityContext: RESTRICTED,
                volumeMounts: [
                  { name: 'app', mountPath: '/app' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            containers: [
              {
                name: 'mcp-server',
                image: NODE_IMAGE,
                workingDir: '/app',
                command: ['node', 'node_modules/.bin/supergateway'],
                args: [
                  '--stdio', 'node_modules/.bin/mcp-server-everything stdio',
                  '--outputTransport', 'streamableHttp',
                  '--port', '9100',
                  '--streamableHttpPath', '/rpc',
                  '--stateful',
                  '--sessionTimeout', '600000',
                  '--healthEndpoint', '/healthz',
                  '--logLevel', 'info',
                ],
                ports: [{ name: 'mcp', containerPort: 9100, protocol: 'TCP' }],
                env: [...env(NPM_ENV), { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'upstream', key: 'token' } } }],
                resources: { requests: { cpu: '120m', memory: '130Mi' }, limits: { memory: '140Mi' } },
                securityContext: RESTRICTED,
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  SECRET_FILE.mount,
                  { name: 'app', mountPath: '/app', readOnly: true },
                ],
                startupProbe: bridgeProbe(5, 60),
                livenessProbe: bridgeProbe(20),
                readinessProbe: bridgeProbe(10),
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: '512Mi' } },
              SECRET_FILE.volume,
              { name: 'app', emptyDir: { sizeLimit: '1Gi' } },
            ],
          },
        },
      },
    });
  });

  it('renders its Service: ClusterIP selecting the server pods, the MCP port by name, the MCP appProtocol and path annotation', () => {
    const { result, objects } = standalone();
    expect(only(objects, 'Service')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'srv', namespace: 'tools-ns', labels: LABELS, annotations: { ...ANNOTATIONS, 'agentgateway.dev/mcp-path': '/rpc' } },
      spec: {
        type: 'ClusterIP',
        selector: POD_LABELS,
        ports: [{ name: 'mcp', port: 9100, targetPort: 'mcp', protocol: 'TCP', appProtocol: 'agentgateway.dev/mcp' }],
      },
    });
    expect(result).toEqual({ podLabels: POD_LABELS, serviceName: 'srv', servicePort: 9100, ingressPorts: [9100], internalPorts: [], needsApiServer: false });
  });

  it('renders an SSE image with its command and args as the only container, probed on its port, with a token when it reads the cluster', () => {
    const { objects } = standalone({ transport: 'sse', source: { image: IMAGE, command: '/server' }, args: ['--sse'], replicas: 2, kubernetesAccess: { rules: [{ apiGroups: [''], resources: ['pods'] }] } });
    const deployment = only(objects, 'Deployment');
    const tcpProbe = (periodSeconds: number, failureThreshold = 3) => ({ tcpSocket: { port: 'mcp' }, periodSeconds, timeoutSeconds: 5, failureThreshold });
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec).toEqual({
      serviceAccountName: 'srv-sa',
      automountServiceAccountToken: true,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [],
      containers: [
        {
          name: 'mcp-server',
          image: IMAGE,
          command: ['/server'],
          args: ['--sse'],
          ports: [{ name: 'mcp', containerPort: 9100, protocol: 'TCP' }],
          env: env({ HOME: '/tmp' }),
          resources: { requests: { cpu: '120m', memory: '130Mi' }, limits: { memory: '140Mi' } },
          securityContext: RESTRICTED,
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          startupProbe: tcpProbe(5, 60),
          livenessProbe: tcpProbe(20),
          readinessProbe: tcpProbe(10),
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '512Mi' } }],
    });
    expect(only(objects, 'Service').spec.ports).toEqual([{ name: 'mcp', port: 9100, targetPort: 'mcp', protocol: 'TCP', appProtocol: 'agentgateway.dev/mcp-sse' }]);
  });

  it('gives an image with neither command nor args neither field, and empty args none either', () => {
    for (const args of [undefined, []]) {
      const main = only(standalone({ transport: 'streamable-http', source: { image: IMAGE }, ...(args ? { args } : {}) }).objects, 'Deployment').spec.template.spec.containers[0];
      expect(main).not.toHaveProperty('command');
      expect(main).not.toHaveProperty('args');
    }
  });

  it('runs an HTTP npm server directly, without the bridge, installing only its package', () => {
    const pod = only(standalone({ transport: 'streamable-http', args: ['streamableHttp'] }).objects, 'Deployment').spec.template.spec;
    expect(pod.initContainers[0].args.slice(-1)).toEqual(['@modelcontextprotocol/server-everything@2026.8.31']);
    expect(pod.containers[0]).toMatchObject({ command: ['node', 'node_modules/.bin/mcp-server-everything'], args: ['streamableHttp'] });
    expect(pod.containers[0].readinessProbe).toEqual({ tcpSocket: { port: 'mcp' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
  });
});
