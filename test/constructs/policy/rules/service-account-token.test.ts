import { describe, expect, it } from '@jest/globals';
import type { Manifest } from '../../../../constructs/policy/rule.js';
import { serviceAccountToken } from '../../../../constructs/policy/rules/service-account-token.js';
import { compliantDeployment, configMap, inNamespace, serviceAccount, without } from '../../../support/manifests.js';

/** A Deployment whose pod names no ServiceAccount and leaves automountServiceAccountToken unset, then sets `podSpec`. */
function onDefaultAccount(podSpec: Manifest = {}): Manifest {
  const deployment = compliantDeployment();
  const template = deployment.spec.template;
  template.spec = { ...without(template.spec, 'serviceAccountName', 'automountServiceAccountToken'), ...podSpec };
  return deployment;
}

const TOKEN_MOUNTED = { status: 'non-compliant', reasons: ['pod runs as the default ServiceAccount with its token mounted'] };

describe('service account token rule', () => {
  it('accepts a pod with its own ServiceAccount, token mounted or not', () => {
    // GIVEN a pod running as its own ServiceAccount with the token mounted
    const deployment = compliantDeployment({ podSpec: { automountServiceAccountToken: true } });
    // WHEN checked THEN it passes
    expect(serviceAccountToken.check(deployment, { objects: [deployment] })).toEqual({ status: 'compliant' });
  });

  it('rejects a pod on the default ServiceAccount with its token mounted', () => {
    // GIVEN a pod that names no ServiceAccount and leaves the token mounted
    const deployment = onDefaultAccount();
    // WHEN checked
    const result = serviceAccountToken.check(deployment, { objects: [deployment] });
    // THEN it is rejected
    expect(result).toEqual(TOKEN_MOUNTED);
  });

  it('rejects a pod that names the default ServiceAccount and mounts its token', () => {
    // GIVEN serviceAccountName: default and automountServiceAccountToken: true WHEN checked THEN it is rejected
    const deployment = onDefaultAccount({ serviceAccountName: 'default', automountServiceAccountToken: true });
    expect(serviceAccountToken.check(deployment, { objects: [deployment] })).toEqual(TOKEN_MOUNTED);
  });

  it('accepts the default ServiceAccount when the pod sets automountServiceAccountToken: false', () => {
    // GIVEN the default ServiceAccount with the pod opting out of the token WHEN checked THEN it passes
    const deployment = onDefaultAccount({ automountServiceAccountToken: false });
    expect(serviceAccountToken.check(deployment, { objects: [deployment] })).toEqual({ status: 'compliant' });
  });

  it('accepts the default ServiceAccount when the rendered default ServiceAccount does not automount', () => {
    // GIVEN a rendered ServiceAccount "default" in the pod's namespace with automountServiceAccountToken: false
    const deployment = onDefaultAccount();
    const account = serviceAccount('default', { automountServiceAccountToken: false });
    // WHEN checked THEN it passes
    expect(serviceAccountToken.check(deployment, { objects: [deployment, account] })).toEqual({ status: 'compliant' });
  });

  it('ignores other ServiceAccounts and other kinds named default', () => {
    // GIVEN non-automounting objects that are not the namespace's default ServiceAccount (one without metadata)
    const deployment = onDefaultAccount();
    const objects = [
      deployment,
      serviceAccount('demo', { automountServiceAccountToken: false }),
      { apiVersion: 'v1', kind: 'ServiceAccount', automountServiceAccountToken: false },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'default', namespace: 'mcp-system' }, automountServiceAccountToken: false },
    ];
    // WHEN checked THEN the token is still mounted
    expect(serviceAccountToken.check(deployment, { objects })).toEqual(TOKEN_MOUNTED);
  });

  it('follows a rendered default ServiceAccount that automounts explicitly', () => {
    const deployment = onDefaultAccount();
    expect(serviceAccountToken.check(deployment, { objects: [deployment, serviceAccount('default', { automountServiceAccountToken: true })] })).toEqual(TOKEN_MOUNTED);
  });

  it('ignores a default ServiceAccount in another namespace', () => {
    // GIVEN the non-automounting default ServiceAccount rendered for another namespace
    const deployment = onDefaultAccount();
    const account = inNamespace(serviceAccount('default', { automountServiceAccountToken: false }), 'other');
    // WHEN checked THEN the pod's own namespace default still mounts the token
    expect(serviceAccountToken.check(deployment, { objects: [deployment, account] })).toEqual(TOKEN_MOUNTED);
  });

  it('lets the pod override a non-automounting default ServiceAccount', () => {
    // GIVEN the default ServiceAccount opts out but the pod sets automountServiceAccountToken: true
    const deployment = onDefaultAccount({ automountServiceAccountToken: true });
    const account = serviceAccount('default', { automountServiceAccountToken: false });
    // WHEN checked THEN the pod's setting wins and it is rejected
    expect(serviceAccountToken.check(deployment, { objects: [deployment, account] })).toEqual(TOKEN_MOUNTED);
  });

  it('does not apply to objects without pods', () => {
    expect(serviceAccountToken.check(configMap(), { objects: [] })).toEqual({ status: 'not-applicable' });
  });
});
