import type { Construct } from 'constructs';
import {
  McpServerV1Beta1,
  McpServerV1Beta1SpecPermissionProfileType,
  McpServerV1Beta1SpecProxyMode,
  McpServerV1Beta1SpecTransport,
} from '../../imports/toolhive-toolhive.stacklok.dev.js';
import { restrictedContainerSecurityContext } from '../workloads/pod-spec.js';
import type { FlavourContext, FlavourResult } from './flavour.js';
import { isNpmSource, npmBin } from './mcp-server-props.js';
import { platformEnv } from './container-layout.js';
import { NODE_IMAGE, NODE_UID, npmRegistryEnv } from './npm-runtime.js';

/** ToolHive's proxy port (the Service `mcp-<name>-proxy`). */
export const TOOLHIVE_PROXY_PORT = 8080;
const IMAGE_UID = 10001;
/**
 * The proxy container's resources. ToolHive v0.44.0 puts `spec.resources` on the proxy (the `toolhive`
 * container of Deployment <name>, cmd/thv-operator/controllers/mcpserver_controller.go), and the MCP server's
 * own container gets resources only through `podTemplateSpec`. The size is the one ToolHive's own examples
 * give (examples/operator/mcp-servers/mcpserver_fetch.yaml at v0.44.0), without a CPU limit like every
 * platform container; it is not measured here.
 */
export const TOOLHIVE_PROXY_RESOURCES = { requestsCpu: '50m', requestsMemory: '64Mi', limitsMemory: '128Mi' } as const;

/**
 * ToolHive's `toolhive.stacklok.dev/v1beta1 MCPServer`. The operator runs a proxy (Deployment and Service
 * `mcp-<name>-proxy` on `proxyPort`, as the operator's own ServiceAccount `<name>-proxy-runner`) that starts
 * the server as a StatefulSet and, for stdio, attaches to it through the Kubernetes API; both pods carry
 * `toolhive-name: <name>` (the proxy's from the operator's labelsForMCPServer, the server's from the run
 * config's standard labels; v0.44.0). `replicas` scales the proxy; the server itself runs once
 * (`backendReplicas` unset: several backends would need ToolHive's session storage). The permission profile
 * is recorded but ToolHive does not apply it on Kubernetes (pkg/container/kubernetes/client.go, "TODO:
 * Implement permission profile support for Kubernetes"): the NetworkPolicy is what limits egress. Credentials go in `secrets` as
 * ToolHive wants them (Secret name, key, target env var); the container is hardened through `podTemplateSpec`.
 */
export function renderToolhive(scope: Construct, ctx: FlavourContext): FlavourResult {
  const { spec } = ctx;
  const npm = isNpmSource(spec.source);
  // The node image's entrypoint runs its arguments as a command: npx fetches and runs the pinned package.
  const args = npm
    ? ['npx', '--yes', `--package=${spec.source.npm.package}@${spec.source.npm.version}`, npmBin(spec.source), ...(spec.args ?? [])]
    : [...(spec.args ?? [])];
  const transport = {
    stdio: McpServerV1Beta1SpecTransport.STDIO,
    'streamable-http': McpServerV1Beta1SpecTransport.STREAMABLE_HYPHEN_HTTP,
    sse: McpServerV1Beta1SpecTransport.SSE,
  }[spec.transport];
  const profile = spec.toolhivePermissionProfile ?? (spec.egress?.length || npm ? 'network' : 'none');
  const uid = npm ? NODE_UID : IMAGE_UID;

  new McpServerV1Beta1(scope, 'Resource', {
    metadata: { name: spec.name, namespace: ctx.namespace, labels: { ...ctx.labels }, annotations: { ...ctx.annotations } },
    spec: {
      image: npm ? NODE_IMAGE : spec.source.image,
      transport,
      // A stdio server is served to clients over Streamable HTTP, like every other flavour's.
      ...(spec.transport === 'stdio' ? { proxyMode: McpServerV1Beta1SpecProxyMode.STREAMABLE_HYPHEN_HTTP } : { mcpPort: ctx.port }),
      proxyPort: TOOLHIVE_PROXY_PORT,
      ...(args.length ? { args } : {}),
      env: Object.entries({ ...ctx.env, ...platformEnv(spec, ctx.port), ...npmRegistryEnv(ctx.npmRegistry) })
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      ...(ctx.secretEnv.length ? { secrets: ctx.secretEnv.map((s) => ({ name: s.secretName, key: s.key, targetEnvName: s.env })) } : {}),
      permissionProfile: { type: McpServerV1Beta1SpecPermissionProfileType.BUILTIN, name: profile },
      serviceAccount: ctx.serviceAccountName,
      replicas: spec.replicas ?? 1,
      resources: {
        requests: { cpu: TOOLHIVE_PROXY_RESOURCES.requestsCpu, memory: TOOLHIVE_PROXY_RESOURCES.requestsMemory },
        limits: { memory: TOOLHIVE_PROXY_RESOURCES.limitsMemory },
      },
      podTemplateSpec: {
        metadata: { labels: { ...ctx.labels } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'mcp',
              // Plain values: podTemplateSpec is passed through as JSON, so no cdk8s Quantity objects.
              resources: { requests: { cpu: ctx.resources.requestsCpu, memory: ctx.resources.requestsMemory }, limits: { memory: ctx.resources.limitsMemory } },
              // The user and group too: ToolHive fills each container field left unset with its own (1000:1000,
              // pkg/container/kubernetes/security.go at v0.44.0), and a container's value beats the pod's.
              securityContext: { ...restrictedContainerSecurityContext(), runAsUser: uid, runAsGroup: uid },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...ctx.secretFiles.map((f) => ({ ...f.mount }))],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }, ...ctx.secretFiles.map((f) => ({ ...f.volume }))],
        },
      },
    },
  });

  return {
    podLabels: { 'toolhive-name': spec.name },
    serviceName: `mcp-${spec.name}-proxy`,
    servicePort: TOOLHIVE_PROXY_PORT,
    ingressPorts: [TOOLHIVE_PROXY_PORT],
    internalPorts: spec.transport === 'stdio' ? [] : [ctx.port],
    needsApiServer: true,
  };
}
