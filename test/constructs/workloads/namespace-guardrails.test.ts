import { describe, expect, it } from '@jest/globals';
import { NamespaceGuardrails } from '../../../constructs/workloads/namespace-guardrails.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, render, testChart } from '../../support/charts.js';

describe('NamespaceGuardrails', () => {
  it('denies all ingress and egress to every pod and allows DNS by default', () => {
    const chart = testChart();
    new NamespaceGuardrails(chart, 'guardrails', { namespace: 'mcp-system' });
    const objects = render(chart);
    expect(only(objects, 'NetworkPolicy', 'default-deny-all').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = only(objects, 'NetworkPolicy', 'allow-dns-egress').spec.egress[0];
    expect(dns.to[0]).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } });
    expect(dns.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });

  it('renders no quota, no limit range and no DNS allowance unless asked', () => {
    const chart = testChart();
    new NamespaceGuardrails(chart, 'guardrails', { namespace: 'mcp-system', allowDnsEgress: false });
    expect(render(chart).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['NetworkPolicy/default-deny-all']);
  });

  it('points the DNS allowance at a custom DNS deployment', () => {
    const chart = testChart();
    new NamespaceGuardrails(chart, 'guardrails', { namespace: 'mcp-system', dns: { namespace: 'dns', podLabels: { app: 'coredns' } } });
    const to = only(render(chart), 'NetworkPolicy', 'allow-dns-egress').spec.egress[0].to[0];
    expect(to).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } });
  });

  it('renders a valid quota and container defaults when given', () => {
    const chart = testChart();
    new NamespaceGuardrails(chart, 'guardrails', {
      namespace: 'mcp-system',
      resourceQuota: { requestsCpu: '4', requestsMemory: '8Gi', limitsMemory: '16Gi', pods: 30 },
      containerDefaults: { defaultRequestCpu: '50m', defaultRequestMemory: '64Mi', defaultLimitMemory: '256Mi' },
    });
    const objects = render(chart);
    expect(only(objects, 'ResourceQuota').spec.hard).toEqual({ 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.memory': '16Gi', pods: 30 });
    expect(only(objects, 'LimitRange').spec.limits[0]).toEqual({ type: 'Container', defaultRequest: { cpu: '50m', memory: '64Mi' }, default: { memory: '256Mi' } });
    const validator = new SchemaValidator();
    expect(objects.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  it('rejects a pod quota that is not a positive whole number', () => {
    expect(
      () => new NamespaceGuardrails(testChart(), 'guardrails', { namespace: 'mcp-system', resourceQuota: { requestsCpu: '1', requestsMemory: '1Gi', limitsMemory: '1Gi', pods: 0 } }),
    ).toThrow('NamespaceGuardrails guardrails: resourceQuota.pods must be a positive whole number, got 0.');
  });
});
