import { describe, expect, it } from '@jest/globals';
import { containerResources } from '../../../../constructs/policy/rules/container-resources.js';
import { compliantContainer, compliantDeployment, configMap, without } from '../../../support/manifests.js';

const check = (options: Parameters<typeof compliantDeployment>[0] = {}) => containerResources.check(compliantDeployment(options), { objects: [] });

describe('container resources rule', () => {
  it('accepts a container with CPU and memory requests and a memory limit', () => {
    // GIVEN the compliant Deployment WHEN checked THEN it passes
    expect(check()).toEqual({ status: 'compliant' });
  });

  it.each([
    ['requests.cpu', { requests: { memory: '128Mi' }, limits: { memory: '256Mi' } }],
    ['requests.memory', { requests: { cpu: '100m' }, limits: { memory: '256Mi' } }],
    ['limits.memory', { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1' } }],
  ])('rejects a container without %s', (field, resources) => {
    // GIVEN a container missing one field WHEN checked
    const result = check({ container: { resources } });
    // THEN that field is named
    expect(result).toEqual({ status: 'non-compliant', reasons: [`container "app" has no ${field}`] });
  });

  it('names every missing field of a container without resources, in one reason', () => {
    // GIVEN a container with no resources at all WHEN checked
    const result = check({ container: { resources: {} } });
    // THEN all three fields are listed
    expect(result).toEqual({ status: 'non-compliant', reasons: ['container "app" has no requests.cpu, requests.memory, limits.memory'] });
  });

  it('names every field of a container with no resources key at all', () => {
    // GIVEN a container without resources WHEN checked THEN all three fields are listed
    const result = containerResources.check(compliantDeployment({ podSpec: { containers: [without(compliantContainer(), 'resources')] } }), { objects: [] });
    expect(result).toEqual({ status: 'non-compliant', reasons: ['container "app" has no requests.cpu, requests.memory, limits.memory'] });
  });

  it('checks init containers', () => {
    // GIVEN an init container without resources next to a compliant container
    const initContainers = [compliantContainer({ name: 'migrate', resources: { requests: { cpu: '50m' } } })];
    // WHEN checked
    const result = check({ podSpec: { initContainers } });
    // THEN the init container is named as such
    expect(result).toEqual({ status: 'non-compliant', reasons: ['init container "migrate" has no requests.memory, limits.memory'] });
  });

  it('exempts ephemeral containers', () => {
    // GIVEN a debug ephemeral container without resources (the API forbids setting them)
    const ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', targetContainerName: 'app' }];
    // WHEN checked THEN it passes
    expect(check({ podSpec: { ephemeralContainers } })).toEqual({ status: 'compliant' });
  });

  it('does not apply to objects without pods', () => {
    expect(containerResources.check(configMap(), { objects: [] })).toEqual({ status: 'not-applicable' });
  });
});
