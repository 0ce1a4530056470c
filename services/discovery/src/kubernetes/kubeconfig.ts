/**
 * Finds the Kubernetes API the discovery service talks to, in the order controller-runtime uses:
 * an explicit kubeconfig path, then KUBECONFIG, then the pod's service account, then ~/.kube/config.
 * Unlike KubeConfig.loadFromDefault it never falls back to http://localhost:8080 silently.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, findHomeDir } from '@kubernetes/client-node';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function loadKubeConfig(path?: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (path) {
    return loadFile(kubeConfig, path, `kubeconfig "${path}"`);
  }
  const fromEnvironment = process.env.KUBECONFIG;
  if (fromEnvironment) {
    try {
      kubeConfig.loadFromDefault();
    } catch (error) {
      throw new Error(`KUBECONFIG="${fromEnvironment}" could not be read: ${(error as Error).message}`);
    }
    return withCluster(kubeConfig, `KUBECONFIG="${fromEnvironment}"`);
  }
  const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST);
  if (inCluster && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    kubeConfig.loadFromCluster();
    return kubeConfig;
  }
  // The same home folder KubeConfig.loadFromDefault uses ($HOME first).
  const userConfig = join(findHomeDir() ?? homedir(), '.kube', 'config');
  if (existsSync(userConfig)) {
    return loadFile(kubeConfig, userConfig, userConfig);
  }
  const hint = inCluster
    ? ` (KUBERNETES_SERVICE_HOST is set but ${SERVICE_ACCOUNT_TOKEN} is missing: is automountServiceAccountToken off?)`
    : '';
  throw new Error(
    'No Kubernetes API configuration found: pass a kubeconfig path (--kubeconfig), set KUBECONFIG, ' +
      `run in a pod with a service account (KUBERNETES_SERVICE_HOST and ${SERVICE_ACCOUNT_TOKEN})${hint}, ` +
      `or create ${userConfig}`,
  );
}

function loadFile(kubeConfig: KubeConfig, path: string, source: string): KubeConfig {
  try {
    kubeConfig.loadFromFile(path);
  } catch (error) {
    throw new Error(`${source} could not be read: ${(error as Error).message}`);
  }
  return withCluster(kubeConfig, source);
}

function withCluster(kubeConfig: KubeConfig, source: string): KubeConfig {
  if (kubeConfig.getCurrentCluster() === null) {
    throw new Error(
      `${source} has no current context with a cluster: set current-context to a context whose cluster is defined (kubectl config use-context NAME)`,
    );
  }
  return kubeConfig;
}
