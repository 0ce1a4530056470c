import type { Construct } from 'constructs';
import {
  McpServer as KmcpMcpServer,
  McpServerSpecDeploymentResourcesLimits,
  McpServerSpecDeploymentResourcesRequests,
  McpServerSpecTransportType,
} from '../../imports/kmcp-kagent.dev.js';
import { restrictedContainerSecurityContext } from '../workloads/pod-spec.js';
import type { FlavourContext, FlavourResult } from './flavour.js';
import { isNpmSource, npmBin } from './mcp-server-props.js';
import { platformEnv } from './container-layout.js';
import { NODE_IMAGE, NODE_UID } from './npm-runtime.js';
import { throwIfProblems } from '../validation/problems.js';

const IMAGE_UID = 10001;

/**
 * kmcp's `kagent.dev/v1alpha1 MCPServer`. kmcp runs a stdio server behind its own transport adapter
 * (agentgateway, copied into the pod) and creates the Deployment, Service (`<name>`, port "http") and
 * ServiceAccount (`<name>`); its pods carry `app.kubernetes.io/name` and `/instance` = the server name.
 *
 * kmcp 0.3 takes credentials only as whole Secrets (`secretRefs`, loaded with envFrom), so each credential's
 * env var name must equal its key in the Secret.
 */
export function renderKmcp(scope: Construct, ctx: FlavourContext): FlavourResult {
  const { spec } = ctx;
  throwIfProblems(
    `McpServer ${spec.name}`,
    ctx.secretEnv
      .filter((s) => s.env !== s.key)
      .map(
        (s) =>
          `secretEnv.${s.env}.key must be "${s.env}", not "${s.key}": kmcp loads Secrets whole (envFrom), so each env var is named like its key in the Secret (here ${s.secretName}); ` +
          'rename the key, or use flavour "toolhive" or "standalone", which map keys to env names',
      ),
  );
  const npm = isNpmSource(spec.source);
  const image = npm ? NODE_IMAGE : spec.source.image;
  const cmd = npm ? 'npx' : spec.source.command;
  // npx runs the executable named like the package; another executable is named with --package.
  const npmArgs = npm
    ? npmBin(spec.source) === spec.source.npm.package.replace(/^@[^/]+\//, '')
      ? ['--yes', `${spec.source.npm.package}@${spec.source.npm.version}`]
      : ['--yes', `--package=${spec.source.npm.package}@${spec.source.npm.version}`, npmBin(spec.source)]
    : [];
  const args = [...npmArgs, ...(spec.args ?? [])];
  const uid = npm ? NODE_UID : IMAGE_UID;
  const stdio = spec.transport === 'stdio';

  new KmcpMcpServer(scope, 'Resource', {
    metadata: { name: spec.name, namespace: ctx.namespace, labels: { ...ctx.labels }, annotations: { ...ctx.annotations } },
    spec: {
      transportType: stdio ? McpServerSpecTransportType.STDIO : McpServerSpecTransportType.HTTP,
      ...(stdio ? { stdioTransport: {} } : { httpTransport: { targetPort: ctx.port, path: ctx.path } }),
      deployment: {
        image,
        ...(cmd ? { cmd } : {}),
        args,
        port: ctx.port,
        replicas: spec.replicas ?? 1,
        env: { ...ctx.env, ...platformEnv(spec, ctx.port) },
        ...(ctx.secretEnv.length ? { secretRefs: [...new Set(ctx.secretEnv.map((s) => s.secretName))].sort().map((name) => ({ name })) } : {}),
        labels: { ...ctx.labels },
        resources: {
          requests: {
            cpu: McpServerSpecDeploymentResourcesRequests.fromString(ctx.resources.requestsCpu),
            memory: McpServerSpecDeploymentResourcesRequests.fromString(ctx.resources.requestsMemory),
          },
          limits: { memory: McpServerSpecDeploymentResourcesLimits.fromString(ctx.resources.limitsMemory) },
        },
        podSecurityContext: {
          runAsNonRoot: true,
          runAsUser: uid,
          runAsGroup: uid,
          fsGroup: uid,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        securityContext: restrictedContainerSecurityContext(),
        volumes: [{ name: 'tmp', emptyDir: {} }, ...ctx.secretFiles.map((f) => f.volume as any)],
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...ctx.secretFiles.map((f) => ({ ...f.mount }))],
      },
    },
  });

  return {
    podLabels: { 'app.kubernetes.io/name': spec.name, 'app.kubernetes.io/instance': spec.name },
    serviceName: spec.name,
    servicePort: ctx.port,
    ingressPorts: [ctx.port],
    internalPorts: [],
    needsApiServer: false,
    createsServiceAccount: false,
  };
}
