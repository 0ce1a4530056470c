/**
 * Stand-ins for what a server needs to start (`preflight.upstream` in the config), started on 127.0.0.1 for
 * one preflight run: each gives the server the env and files that point it at the stand-in.
 */
import type { McpServerConfig } from '../config.js';
import { KubernetesApiStub } from './kubernetes-api-stub.js';

export type PreflightUpstream = NonNullable<NonNullable<McpServerConfig['preflight']>['upstream']>;

export interface RunningUpstream {
  /** Env for the server process (paths as in the pod: they name the stand-in files). */
  readonly env: Readonly<Record<string, string>>;
  /** Files in place of the pod's, by their path in the pod. */
  readonly files: Readonly<Record<string, string>>;
  /** What the server ran against, for the result's note. */
  readonly description: string;
  stop(): Promise<void>;
}

/**
 * "kubernetes-stub": a Kubernetes API stub, and a kubeconfig for it as KUBECONFIG (where the pod would use
 * its ServiceAccount) and in place of each of the server's `secretFiles` (where the pod mounts a kubeconfig).
 */
export async function startUpstream(upstream: PreflightUpstream, server: McpServerConfig): Promise<RunningUpstream> {
  switch (upstream) {
    case 'kubernetes-stub': {
      const stub = await KubernetesApiStub.start();
      const kubeconfig = stub.kubeconfig();
      const kubeconfigPath = '/var/run/mcp-preflight/kubeconfig';
      return {
        env: { KUBECONFIG: kubeconfigPath },
        files: { [kubeconfigPath]: kubeconfig, ...Object.fromEntries((server.secretFiles ?? []).map((file) => [file.path, kubeconfig])) },
        description: 'the local Kubernetes API stub',
        stop: () => stub.stop(),
      };
    }
  }
}
