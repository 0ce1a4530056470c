/** What every flavour of MCP server is given and what it hands back to `McpServer`. */
import type { k8s } from 'cdk8s-plus-33';
import type { ContainerResources } from '../workloads/pod-spec.js';
import type { WorkloadServerSpec } from './mcp-server-props.js';

export interface FlavourContext {
  readonly spec: WorkloadServerSpec;
  readonly namespace: string;
  /** Labels for every object (platform labels plus the server's). */
  readonly labels: Readonly<Record<string, string>>;
  /** Discovery annotations (platform prefix). */
  readonly annotations: Readonly<Record<string, string>>;
  readonly port: number;
  readonly path: string;
  /** Plain env, sorted. */
  readonly env: Readonly<Record<string, string>>;
  /** Credentials: env var name → Secret name and key. */
  readonly secretEnv: readonly { readonly env: string; readonly secretName: string; readonly key: string }[];
  /** Files from Secrets: volume, mount. */
  readonly secretFiles: readonly { readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount }[];
  readonly resources: ContainerResources;
  /** The ServiceAccount the server's pods should run as (RBAC is bound to it). */
  readonly serviceAccountName: string;
  /** The registry every container running npm or npx uses (npm_config_registry). @default npm's own, registry.npmjs.org */
  readonly npmRegistry?: string;
}

export interface FlavourResult {
  /** Labels of the pods that serve the server (for NetworkPolicies and the PDB). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The Service the gateway calls. */
  readonly serviceName: string;
  readonly servicePort: number;
  /** Ports the server's pods accept from the gateway and the discovery service. */
  readonly ingressPorts: readonly number[];
  /** Ports the server's pods accept from each other (an operator's proxy calling its server). */
  readonly internalPorts: readonly number[];
  /** The pods call the Kubernetes API themselves (an operator's proxy does). */
  readonly needsApiServer: boolean;
}
