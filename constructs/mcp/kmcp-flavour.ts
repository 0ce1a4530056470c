import type { Construct } from 'constructs';
import {
  McpServer as KmcpMcpServer,
  McpServerSpecDeploymentInitContainerResourcesLimits,
  McpServerSpecDeploymentInitContainerResourcesRequests,
  McpServerSpecDeploymentResourcesLimits,
  McpServerSpecDeploymentResourcesRequests,
  McpServerSpecTransportType,
} from '../../imports/kmcp-kagent.dev.js';
import { restrictedContainerSecurityContext } from '../workloads/pod-spec.js';
import type { FlavourContext, FlavourResult } from './flavour.js';
import { isNpmSource, npmBin } from './mcp-server-props.js';
import { platformEnv } from './container-layout.js';
import { NODE_IMAGE, NODE_UID, npmRegistryEnv } from './npm-runtime.js';
import { throwIfProblems } from '../validation/problems.js';

const IMAGE_UID = 10001;

/**
 * The transport adapter's init container (`copy-binary`, which copies agentgateway into the pod): kmcp gives
 * it no resources of its own, and a pod with a container without limits is refused in a namespace whose
 * ResourceQuota sets them. It only copies one binary.
 */
export const KMCP_ADAPTER_COPY_RESOURCES = { requestsCpu: '10m', requestsMemory: '32Mi', limitsMemory: '128Mi' } as const;

/**
 * kmcp's `kagent.dev/v1alpha1 MCPServer`, as kmcp v0.3.0 (1cec647) translates it
 * (pkg/controller/transportadapter/transportadapter_translator.go):
 * - it creates a Deployment, a Service (port "http") and a ConfigMap (the adapter's `local.yaml`), all named
 *   after the server, and a ServiceAccount of that name unless `serviceAccountName` is set. It sets no
 *   automountServiceAccountToken, so the platform renders the ServiceAccount itself (token only with
 *   kubernetesAccess, like the other flavours) and names it;
 * - pods carry `app.kubernetes.io/name` and `/instance` = the server name (the selectors), with
 *   `deployment.labels` merged over them: so a server's labels may not set those two keys;
 * - a stdio server runs behind agentgateway in the server's own container (`/adapterbin/agentgateway -f
 *   /config/local.yaml`), copied there by the init container `copy-binary`, which gets the container
 *   securityContext and `initContainer.resources`; the adapter serves `/mcp` (and `/sse`) on the port;
 * - an HTTP server's `httpTransport.path` only goes into the unused adapter config: the server itself must
 *   serve the path on the port, which it does, since the gateway routes to the same path.
 *
 * kmcp takes credentials only as whole Secrets (`secretRefs`, loaded with envFrom), so each credential's
 * env var name must equal its key in the Secret. A stdio server's `env` is also written into the ConfigMap,
 * which is fine: credentials never go in `env`.
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
        serviceAccountName: ctx.serviceAccountName,
        ...(stdio
          ? {
              initContainer: {
                resources: {
                  requests: {
                    cpu: McpServerSpecDeploymentInitContainerResourcesRequests.fromString(KMCP_ADAPTER_COPY_RESOURCES.requestsCpu),
                    memory: McpServerSpecDeploymentInitContainerResourcesRequests.fromString(KMCP_ADAPTER_COPY_RESOURCES.requestsMemory),
                  },
                  limits: { memory: McpServerSpecDeploymentInitContainerResourcesLimits.fromString(KMCP_ADAPTER_COPY_RESOURCES.limitsMemory) },
                },
                securityContext: restrictedContainerSecurityContext(),
              },
            }
          : {}),
        env: { ...ctx.env, ...platformEnv(spec, ctx.port), ...npmRegistryEnv(ctx.npmRegistry) },
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
  };
}
