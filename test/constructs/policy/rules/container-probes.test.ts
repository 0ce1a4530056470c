import { describe, expect, it } from '@jest/globals';
import { containerProbes } from '../../../../constructs/policy/rules/container-probes.js';
import { compliantContainer, compliantDeployment, compliantPod, compliantWorkload, configMap, without } from '../../../support/manifests.js';

const noProbes = (name = 'app') => without(compliantContainer({ name }), 'livenessProbe', 'readinessProbe');
const check = (manifest: Parameters<typeof containerProbes.check>[0]) => containerProbes.check(manifest, { objects: [] });

describe('container probes rule', () => {
  it('accepts a Deployment whose container has liveness and readiness probes', () => {
    // GIVEN the compliant Deployment WHEN checked THEN it passes
    expect(check(compliantDeployment())).toEqual({ status: 'compliant' });
  });

  it('rejects a Deployment whose container has no probes', () => {
    // GIVEN a Deployment container without probes
    const deployment = compliantDeployment({ podSpec: { containers: [noProbes()] } });
    // WHEN checked
    const result = check(deployment);
    // THEN both missing probes are named
    expect(result).toEqual({ status: 'non-compliant', reasons: ['container "app" has no livenessProbe or readinessProbe'] });
  });

  it('names only the missing probe', () => {
    // GIVEN a container with a liveness probe only WHEN checked THEN only the readiness probe is missing
    const deployment = compliantDeployment({ podSpec: { containers: [without(compliantContainer(), 'readinessProbe')] } });
    expect(check(deployment)).toEqual({ status: 'non-compliant', reasons: ['container "app" has no readinessProbe'] });
  });

  it('names only the missing liveness probe', () => {
    // GIVEN a container with a readiness probe only WHEN checked THEN only the liveness probe is missing
    const deployment = compliantDeployment({ podSpec: { containers: [without(compliantContainer(), 'livenessProbe')] } });
    expect(check(deployment)).toEqual({ status: 'non-compliant', reasons: ['container "app" has no livenessProbe'] });
  });

  it('exempts ephemeral containers', () => {
    // GIVEN a debug ephemeral container without probes (the API forbids them) WHEN checked THEN it passes
    expect(check(compliantDeployment({ podSpec: { ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36', targetContainerName: 'app' }] } }))).toEqual({
      status: 'compliant',
    });
  });

  it('requires probes on a sidecar (an init container with restartPolicy Always)', () => {
    // GIVEN a sidecar init container without probes
    const sidecar = { ...noProbes('proxy'), restartPolicy: 'Always' };
    // WHEN checked
    const result = check(compliantDeployment({ podSpec: { initContainers: [sidecar] } }));
    // THEN the sidecar is reported
    expect(result).toEqual({ status: 'non-compliant', reasons: ['init container "proxy" has no livenessProbe or readinessProbe'] });
  });

  it('does not require probes on a plain init container', () => {
    // GIVEN an init container that runs to completion, without probes WHEN checked THEN it passes
    expect(check(compliantDeployment({ podSpec: { initContainers: [noProbes('migrate')] } }))).toEqual({ status: 'compliant' });
  });

  it.each(['Job', 'CronJob'] as const)('does not apply to a %s', (kind) => {
    // GIVEN a run-to-completion workload without probes WHEN checked THEN the rule does not apply
    expect(check(compliantWorkload(kind, { podSpec: { containers: [noProbes()] } }))).toEqual({ status: 'not-applicable' });
  });

  it('does not apply to a bare Pod with restartPolicy Never', () => {
    // GIVEN a one-shot Pod without probes WHEN checked THEN the rule does not apply
    expect(check(compliantPod({ podSpec: { restartPolicy: 'Never', containers: [noProbes()] } }))).toEqual({ status: 'not-applicable' });
  });

  it('checks a bare Pod that restarts its containers', () => {
    // GIVEN a Pod with the default restartPolicy (Always) and no probes WHEN checked THEN it is rejected
    const result = check(compliantPod({ podSpec: { containers: [noProbes()] } }));
    expect(result).toEqual({ status: 'non-compliant', reasons: ['container "app" has no livenessProbe or readinessProbe'] });
  });

  it('does not apply to objects without pods', () => {
    expect(check(configMap())).toEqual({ status: 'not-applicable' });
  });
});
