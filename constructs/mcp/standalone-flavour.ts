import type { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import {
  envVars,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDir,
} from '../workloads/pod-spec.js';
import { AGENTGATEWAY_PATH_ANNOTATION, mcpAppProtocol } from './discovery-metadata.js';
import { platformEnv, SCRATCH_DIR } from './container-layout.js';
import type { FlavourContext, FlavourResult } from './flavour.js';
import { isNpmSource, servedTransport } from './mcp-server-props.js';
import { APP_DIR, BRIDGE_HEALTH_PATH, NODE_IMAGE, NODE_UID, NPM_ENV, npmInstall, npmRegistryEnv, npmRun } from './npm-runtime.js';

/** uid for image-based servers, whose images may name no user of their own. */
const IMAGE_UID = 10001;

/**
 * Plain Kubernetes objects: a Deployment (an npm server installs its pinned package in an init container;
 * a stdio one runs behind the stdio-to-HTTP bridge), a Service carrying agentgateway's MCP conventions, and
 * a PodDisruptionBudget from two replicas. The ServiceAccount and NetworkPolicy come from `McpServer`.
 */
export function renderStandalone(scope: Construct, ctx: FlavourContext): FlavourResult {
  const { spec } = ctx;
  const podLabels = { 'app.kubernetes.io/name': spec.name, 'app.kubernetes.io/instance': spec.name, 'app.kubernetes.io/part-of': 'mcp-platform' };
  const replicas = spec.replicas ?? 1;
  const tmp = scratchDir('tmp', SCRATCH_DIR, { sizeLimit: '512Mi' });
  const secretEnv = ctx.secretEnv.map((s) => ({ name: s.env, valueFrom: { secretKeyRef: { name: s.secretName, key: s.key } } }));
  const container: k8s.Container = {
    name: 'mcp-server',
    image: '',
    ports: [{ name: 'mcp', containerPort: ctx.port, protocol: 'TCP' }],
    resources: resourceRequirements(ctx.resources),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [tmp.mount, ...ctx.secretFiles.map((f) => f.mount)],
  };
  const volumes: k8s.Volume[] = [tmp.volume, ...ctx.secretFiles.map((f) => f.volume)];
  const initContainers: k8s.Container[] = [];
  let main: k8s.Container;
  let uid = IMAGE_UID;

  if (isNpmSource(spec.source)) {
    uid = NODE_UID;
    const app = scratchDir('app', APP_DIR, { sizeLimit: '1Gi' });
    volumes.push(app.volume);
    const install = npmInstall(spec.source, spec.transport);
    const run = npmRun(spec.source, spec.transport, spec.args ?? [], ctx.port, ctx.path);
    initContainers.push({
      name: 'install',
      image: NODE_IMAGE,
      workingDir: APP_DIR,
      command: [...install.command],
      args: [...install.args],
      env: envVars({ ...NPM_ENV, ...npmRegistryEnv(ctx.npmRegistry) }),
      resources: resourceRequirements({ requestsCpu: '100m', requestsMemory: '256Mi', limitsMemory: '512Mi' }),
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [app.mount, tmp.mount],
    });
    main = {
      ...container,
      image: NODE_IMAGE,
      workingDir: APP_DIR,
      command: [...run.command],
      args: [...run.args],
      // The server's own npx, if it runs one, installs from the same registry.
      env: [...envVars({ ...ctx.env, ...platformEnv(spec, ctx.port), ...npmRegistryEnv(ctx.npmRegistry) }), ...secretEnv],
      volumeMounts: [...(container.volumeMounts ?? []), { ...app.mount, readOnly: true }],
    };
  } else {
    main = {
      ...container,
      image: spec.source.image,
      ...(spec.source.command ? { command: [spec.source.command] } : {}),
      ...(spec.args?.length ? { args: [...spec.args] } : {}),
      env: [...envVars({ ...ctx.env, ...platformEnv(spec, ctx.port) }), ...secretEnv],
    };
  }
  // The bridge has a health endpoint; a server speaking HTTP itself is checked by its port answering.
  const probe = (periodSeconds: number): k8s.Probe =>
    spec.transport === 'stdio'
      ? { httpGet: { path: BRIDGE_HEALTH_PATH, port: k8s.IntOrString.fromString('mcp') }, periodSeconds, timeoutSeconds: 5, failureThreshold: 3 }
      : { tcpSocket: { port: k8s.IntOrString.fromString('mcp') }, periodSeconds, timeoutSeconds: 5, failureThreshold: 3 };
  main = {
    ...main,
    // npm start-up and the server's own start can take a while on a small node.
    startupProbe: { ...probe(5), failureThreshold: 60 },
    livenessProbe: probe(20),
    readinessProbe: probe(10),
  };

  new k8s.KubeDeployment(scope, 'Deployment', {
    metadata: { name: spec.name, namespace: ctx.namespace, labels: { ...ctx.labels }, annotations: { ...ctx.annotations } },
    spec: {
      replicas,
      selector: { matchLabels: podLabels },
      template: {
        metadata: { labels: { ...ctx.labels, ...podLabels } },
        spec: {
          serviceAccountName: ctx.serviceAccountName,
          automountServiceAccountToken: spec.kubernetesAccess !== undefined,
          securityContext: restrictedPodSecurityContext(uid),
          initContainers,
          containers: [main],
          volumes,
        },
      },
    },
  });

  const transport = servedTransport(spec.transport);
  new k8s.KubeService(scope, 'Service', {
    metadata: {
      name: spec.name,
      namespace: ctx.namespace,
      labels: { ...ctx.labels },
      annotations: { ...ctx.annotations, [AGENTGATEWAY_PATH_ANNOTATION]: ctx.path },
    },
    spec: {
      type: 'ClusterIP',
      selector: podLabels,
      ports: [{ name: 'mcp', port: ctx.port, targetPort: k8s.IntOrString.fromString('mcp'), protocol: 'TCP', appProtocol: mcpAppProtocol(transport) }],
    },
  });

  return {
    podLabels,
    serviceName: spec.name,
    servicePort: ctx.port,
    ingressPorts: [ctx.port],
    internalPorts: [],
    needsApiServer: false,
  };
}
