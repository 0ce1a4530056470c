import { describe, expect, it } from '@jest/globals';
import { readOnlyRootFilesystem } from '../../../../constructs/policy/rules/read-only-root-filesystem.js';
import { compliantContainer, compliantDeployment, configMap, without } from '../../../support/manifests.js';

const securityContext = compliantContainer().securityContext;
const check = (options: Parameters<typeof compliantDeployment>[0] = {}) => readOnlyRootFilesystem.check(compliantDeployment(options), { objects: [] });

describe('read-only root filesystem rule', () => {
  it('accepts a container with readOnlyRootFilesystem: true', () => {
    // GIVEN the compliant Deployment WHEN checked THEN it passes
    expect(check()).toEqual({ status: 'compliant' });
  });

  it('rejects a container with a writable root filesystem', () => {
    // GIVEN a container that sets readOnlyRootFilesystem: false
    const options = { container: { securityContext: { ...securityContext, readOnlyRootFilesystem: false } } };
    // WHEN checked
    const result = check(options);
    // THEN it is named
    expect(result).toEqual({ status: 'non-compliant', reasons: ['container "app" must set readOnlyRootFilesystem: true'] });
  });

  it('rejects a container that leaves readOnlyRootFilesystem unset', () => {
    // GIVEN a container without the field (the default is writable) WHEN checked THEN it is rejected
    const result = check({ container: { securityContext: without(securityContext, 'readOnlyRootFilesystem') } });
    expect(result).toEqual({ status: 'non-compliant', reasons: ['container "app" must set readOnlyRootFilesystem: true'] });
  });

  it('checks init containers', () => {
    // GIVEN an init container without a securityContext WHEN checked THEN it is named as an init container
    const result = check({ podSpec: { initContainers: [without(compliantContainer({ name: 'migrate' }), 'securityContext')] } });
    expect(result).toEqual({ status: 'non-compliant', reasons: ['init container "migrate" must set readOnlyRootFilesystem: true'] });
  });

  it('names every container that fails, in order', () => {
    const writable = { securityContext: { ...securityContext, readOnlyRootFilesystem: false } };
    const containers = [compliantContainer({ name: 'a', ...writable }), compliantContainer({ name: 'b' }), compliantContainer({ name: 'c', ...writable })];
    expect(check({ podSpec: { containers } })).toEqual({
      status: 'non-compliant',
      reasons: ['container "a" must set readOnlyRootFilesystem: true', 'container "c" must set readOnlyRootFilesystem: true'],
    });
  });

  it('exempts ephemeral containers', () => {
    // GIVEN a debug ephemeral container with a writable root filesystem WHEN checked THEN it passes
    const ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', targetContainerName: 'app' }];
    expect(check({ podSpec: { ephemeralContainers } })).toEqual({ status: 'compliant' });
  });

  it('does not apply to objects without pods', () => {
    expect(readOnlyRootFilesystem.check(configMap(), { objects: [] })).toEqual({ status: 'not-applicable' });
  });
});
