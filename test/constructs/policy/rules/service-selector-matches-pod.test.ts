import { describe, expect, it } from '@jest/globals';
import type { Manifest } from '../../../../constructs/policy/rule.js';
import { serviceSelectorMatchesPod } from '../../../../constructs/policy/rules/service-selector-matches-pod.js';
import { compliantDeployment, inNamespace, service } from '../../../support/manifests.js';

/** Checks `svc` rendered with `neighbours` (the compliant Deployment, labels app=demo and port "http", unless given). */
const check = (svc: Manifest, neighbours: Manifest[] = [compliantDeployment()]) =>
  serviceSelectorMatchesPod.check(svc, { objects: [svc, ...neighbours] });

describe('service selector matches pod rule', () => {
  it('accepts a Service that selects a rendered pod and targets a port it names', () => {
    // GIVEN a Service selecting app=demo on port "http" WHEN checked THEN it passes
    expect(check(service())).toEqual({ status: 'compliant' });
  });

  it('rejects a Service whose selector matches no rendered pod', () => {
    // GIVEN a Service selecting app=other
    const svc = service({ app: 'other' });
    // WHEN checked
    const result = check(svc);
    // THEN the selector is quoted
    expect(result).toEqual({ status: 'non-compliant', reasons: ['selector {"app":"other"} matches no rendered pod'] });
  });

  it('does not count a matching pod in another namespace', () => {
    // GIVEN the only app=demo pod in namespace "other" WHEN checked THEN the Service selects nothing
    expect(check(service(), [inNamespace(compliantDeployment(), 'other')])).toEqual({
      status: 'non-compliant',
      reasons: ['selector {"app":"demo"} matches no rendered pod'],
    });
  });

  it('rejects a named targetPort no selected container declares', () => {
    // GIVEN a Service targeting "metrics" while the container only names "http"
    const svc = service({ app: 'demo' }, 'metrics');
    // WHEN checked THEN the port is named
    expect(check(svc)).toEqual({ status: 'non-compliant', reasons: ['port 80 targets "metrics" (TCP), which no selected container declares'] });
  });

  it('accepts a numeric targetPort, declared or not', () => {
    // GIVEN a Service targeting port 9090, which no container declares WHEN checked THEN it passes
    expect(check(service({ app: 'demo' }, 9090))).toEqual({ status: 'compliant' });
  });

  it('does not apply to a Service without a selector', () => {
    // GIVEN a Service backed by manually managed endpoints WHEN checked THEN the rule does not apply
    const svc = { ...service(), spec: { ports: [{ port: 80, targetPort: 8080 }] } };
    expect(check(svc, [])).toEqual({ status: 'not-applicable' });
  });

  it('does not apply to an ExternalName Service', () => {
    // GIVEN an ExternalName Service (with a stray selector) WHEN checked THEN the rule does not apply
    const svc = { ...service({ app: 'other' }), spec: { type: 'ExternalName', externalName: 'db.example.com', selector: { app: 'other' } } };
    expect(check(svc, [])).toEqual({ status: 'not-applicable' });
  });

  it('does not apply to objects other than Services', () => {
    expect(check(compliantDeployment(), [])).toEqual({ status: 'not-applicable' });
  });

  it('does not apply to a Service without a spec', () => {
    expect(check({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo', namespace: 'mcp-system' } }, [])).toEqual({ status: 'not-applicable' });
  });

  it('accepts a Service with a selector and no ports', () => {
    const svc = { ...service(), spec: { selector: { app: 'demo' } } };
    expect(check(svc)).toEqual({ status: 'compliant' });
  });

  it('accepts a named UDP port that a container declares as UDP', () => {
    const svc = service({ app: 'demo' }, 'dns');
    svc.spec.ports = [{ port: 53, targetPort: 'dns', protocol: 'UDP' }];
    const deployment = compliantDeployment({ container: { ports: [{ name: 'dns', containerPort: 5353, protocol: 'UDP' }] } });
    expect(check(svc, [deployment])).toEqual({ status: 'compliant' });
  });

  it('finds a named port on any selected pod, past pods without containers or ports', () => {
    // GIVEN a selected bare Pod without containers, one whose container has no ports, and the Deployment naming "http"
    const empty = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'empty', namespace: 'mcp-system', labels: { app: 'demo' } }, spec: {} };
    const portless = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'portless', namespace: 'mcp-system', labels: { app: 'demo' } }, spec: { containers: [{ name: 'c' }] } };
    // WHEN checked THEN the port is found
    expect(check(service(), [empty, portless, compliantDeployment()])).toEqual({ status: 'compliant' });
    // and without the Deployment it is not
    expect(check(service(), [empty, portless])).toEqual({ status: 'non-compliant', reasons: ['port 80 targets "http" (TCP), which no selected container declares'] });
  });

  it('looks only at the pods its selector selects for named ports', () => {
    // GIVEN a pod app=other naming "metrics", and the selected app=demo pod naming only "http"
    const other = compliantDeployment({ labels: { app: 'other' }, container: { ports: [{ name: 'metrics', containerPort: 9090 }] } });
    expect(check(service({ app: 'demo' }, 'metrics'), [other, compliantDeployment()])).toEqual({
      status: 'non-compliant',
      reasons: ['port 80 targets "metrics" (TCP), which no selected container declares'],
    });
  });

  it('selects pods of a namespace that rendered several, and pods of objects without a namespace for a Service without one', () => {
    const svc = { ...service(), metadata: { name: 'demo' } };
    const deployment = { ...compliantDeployment(), metadata: { name: 'demo' } };
    expect(check(svc, [compliantDeployment({ labels: { app: 'x' } }), deployment])).toEqual({ status: 'compliant' });
    expect(check(service(), [compliantDeployment({ labels: { app: 'x' } }), compliantDeployment()])).toEqual({ status: 'compliant' });
  });

  it('rejects a named target port whose protocol differs from the container port', () => {
    // GIVEN a UDP Service port aimed at the container's TCP port "http"
    const svc = service();
    svc.spec.ports = [{ port: 80, targetPort: 'http', protocol: 'UDP' }];
    // WHEN checked THEN it has no endpoints, so it is rejected
    expect(check(svc)).toEqual({ status: 'non-compliant', reasons: ['port 80 targets "http" (UDP), which no selected container declares'] });
  });
});
