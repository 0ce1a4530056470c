import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadKubeConfig } from '../../../services/discovery/src/kubernetes/kubeconfig.js';

const KUBECONFIG = `
apiVersion: v1
kind: Config
clusters:
  - name: lab
    cluster: { server: "https://lab.example:6443", insecure-skip-tls-verify: true }
users:
  - name: lab
    user: { token: abc }
contexts:
  - name: lab
    context: { cluster: lab, user: lab }
current-context: lab
`;

const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

describe('loadKubeConfig', () => {
  let home: string;
  const saved = { HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG, KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST };

  beforeEach(() => {
    // An empty home and no cluster environment, so nothing on this machine is picked up by accident.
    home = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    process.env.HOME = home;
    delete process.env.KUBECONFIG;
    delete process.env.KUBERNETES_SERVICE_HOST;
  });

  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('loads an explicit kubeconfig path', () => {
    // GIVEN a kubeconfig file
    const path = join(home, 'lab.yaml');
    writeFileSync(path, KUBECONFIG);

    // WHEN it is loaded by path
    const kubeConfig = loadKubeConfig(path);

    // THEN its current cluster is the one in the file
    expect(kubeConfig.getCurrentCluster()?.server).toBe('https://lab.example:6443');
  });

  it('honours KUBECONFIG', () => {
    // GIVEN KUBECONFIG names a file
    process.env.KUBECONFIG = join(home, 'lab.yaml');
    writeFileSync(process.env.KUBECONFIG, KUBECONFIG);

    // WHEN no path is given
    const kubeConfig = loadKubeConfig();

    // THEN that file is loaded
    expect(kubeConfig.getCurrentContext()).toBe('lab');
  });

  it('falls back to ~/.kube/config', () => {
    // GIVEN only a kubeconfig in the home folder
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), KUBECONFIG);

    // WHEN no path is given
    const kubeConfig = loadKubeConfig();

    // THEN the home folder's kubeconfig is loaded
    expect(kubeConfig.getCurrentCluster()?.server).toBe('https://lab.example:6443');
  });

  it('names the file when an explicit path cannot be read', () => {
    expect(() => loadKubeConfig('/nonexistent/kubeconfig')).toThrow(
      `kubeconfig "/nonexistent/kubeconfig" could not be read: ENOENT: no such file or directory, open '/nonexistent/kubeconfig'`,
    );
  });

  it('refuses a kubeconfig without a current context', () => {
    // GIVEN a kubeconfig whose current-context is empty
    const path = join(home, 'no-context.yaml');
    writeFileSync(path, KUBECONFIG.replace('current-context: lab', ''));

    // WHEN / THEN
    expect(() => loadKubeConfig(path)).toThrow(
      `kubeconfig "${path}" has no current context with a cluster: set current-context to a context whose cluster is defined (kubectl config use-context NAME)`,
    );
  });

  it('names every option when no configuration is found', () => {
    expect(() => loadKubeConfig()).toThrow(
      'No Kubernetes API configuration found: pass a kubeconfig path (--kubeconfig), set KUBECONFIG, ' +
        `run in a pod with a service account (KUBERNETES_SERVICE_HOST and ${TOKEN}), or create ${home}/.kube/config`,
    );
  });

  it('says when it runs in a pod without a service account token', () => {
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    expect(() => loadKubeConfig()).toThrow(
      `(KUBERNETES_SERVICE_HOST is set but ${TOKEN} is missing: is automountServiceAccountToken off?)`,
    );
  });
});
