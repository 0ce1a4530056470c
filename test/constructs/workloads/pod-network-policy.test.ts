import { describe, expect, it } from '@jest/globals';
import { PodNetworkPolicy, PRIVATE_IPV4_RANGES, type PodNetworkPolicyProps } from '../../../constructs/workloads/pod-network-policy.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, render, testChart } from '../../support/charts.js';

const APP = { 'app.kubernetes.io/name': 'mcp-discovery' };

function policy(props: Partial<PodNetworkPolicyProps> = {}) {
  const chart = testChart();
  new PodNetworkPolicy(chart, 'policy', { name: 'discovery', namespace: 'mcp-system', component: 'discovery', pods: APP, ...props });
  return only(render(chart), 'NetworkPolicy', 'discovery');
}

describe('PodNetworkPolicy', () => {
  it('selects the pods, labels the policy and always governs both directions', () => {
    // GIVEN no rules WHEN rendered THEN the pods get a deny-all policy of both types
    const rendered = policy();
    expect(rendered.metadata).toEqual({
      name: 'discovery',
      namespace: 'mcp-system',
      labels: { 'app.kubernetes.io/part-of': 'mcp-platform', 'app.kubernetes.io/managed-by': 'mcp-platform', 'app.kubernetes.io/component': 'discovery' },
    });
    expect(rendered.spec).toEqual({ podSelector: { matchLabels: APP }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] });
  });

  it('adds the given labels to both policies, the platform\'s winning', () => {
    const chart = testChart();
    const labels = { 'example.com/team': 'tools', 'app.kubernetes.io/component': 'other' };
    new PodNetworkPolicy(chart, 'policy', { name: 'discovery', namespace: 'mcp-system', component: 'discovery', pods: APP, labels, hosts: [{ names: ['api.github.com'], ports: [443] }], network: { cni: 'cilium' } });
    for (const object of render(chart)) {
      expect(object.metadata.labels).toEqual({
        'example.com/team': 'tools',
        'app.kubernetes.io/part-of': 'mcp-platform',
        'app.kubernetes.io/managed-by': 'mcp-platform',
        'app.kubernetes.io/component': 'discovery',
      });
    }
    expect(render(chart).map((o) => o.kind)).toEqual(['NetworkPolicy', 'CiliumNetworkPolicy']);
  });

  it('keeps both policy types when only ingress is given', () => {
    expect(policy({ ingress: [{ peers: [{ podLabels: { app: 'gateway' } }], ports: [8080] }] }).spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('names the policy\'s own namespace for pods in the same namespace', () => {
    const from = policy({ ingress: [{ peers: [{ podLabels: { app: 'gateway' } }], ports: [8080] }] }).spec.ingress[0].from;
    expect(from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-system' } }, podSelector: { matchLabels: { app: 'gateway' } } }]);
  });

  it('selects pods in another namespace by its name', () => {
    const to = policy({ egress: [{ peers: [{ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }], ports: [53], protocol: 'UDP' }] }).spec.egress[0];
    expect(to).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }],
    });
  });

  it('renders CIDR peers, with exceptions when given', () => {
    // GIVEN the internet minus the private ranges, and one LAN host WHEN rendered
    const egress = policy({ egress: [{ peers: [{ cidr: '0.0.0.0/0', except: PRIVATE_IPV4_RANGES }, { cidr: '192.168.10.5/32' }], ports: [443] }] }).spec.egress;
    // THEN each is an ipBlock, and an ipBlock without exceptions has no except list
    expect(egress).toEqual([
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }, { ipBlock: { cidr: '192.168.10.5/32' } }],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
  });

  it('leaves out an empty except list', () => {
    expect(policy({ egress: [{ peers: [{ cidr: '10.0.0.0/8', except: [] }], ports: [443] }] }).spec.egress[0].to).toEqual([{ ipBlock: { cidr: '10.0.0.0/8' } }]);
  });

  it('renders numbered and named ports over TCP by default', () => {
    const ports = policy({ ingress: [{ peers: [{ podLabels: { app: 'prometheus' } }], ports: [8080, 'metrics'] }] }).spec.ingress[0].ports;
    expect(ports).toEqual([{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 'metrics' }]);
  });

  it('selects every pod of a namespace, or of every namespace, for pods the platform does not label', () => {
    const egress = policy({ egress: [{ peers: [{ namespace: 'tools' }, { allNamespaces: true }], ports: [3000] }] }).spec.egress[0];
    expect(egress.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } } }, { namespaceSelector: {} }]);
  });

  it('renders a port range with endPort, and rejects one that runs backwards or out of range', () => {
    const ports = policy({ egress: [{ peers: [{ allNamespaces: true }], ports: [{ from: 1, to: 65535 }] }] }).spec.egress[0].ports;
    expect(ports).toEqual([{ protocol: 'TCP', port: 1, endPort: 65535 }]);
    expect(() => policy({ egress: [{ peers: [{ allNamespaces: true }], ports: [{ from: 9000, to: 8000 }] }] })).toThrow(
      'PodNetworkPolicy discovery: port range 9000-8000 must run upwards within 1-65535.',
    );
  });

  it('keeps rules in the order given, each with its own protocol', () => {
    const egress = policy({
      egress: [
        { peers: [{ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }], ports: [53], protocol: 'UDP' },
        { peers: [{ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }], ports: [53], protocol: 'TCP' },
      ],
    }).spec.egress;
    expect(egress.map((rule: { ports: unknown }) => rule.ports)).toEqual([[{ protocol: 'UDP', port: 53 }], [{ protocol: 'TCP', port: 53 }]]);
  });

  it('selects pods whose label has any of several values, sorted', () => {
    // GIVEN anyOf in an unsorted order WHEN rendered THEN one In expression with the values sorted
    const spec = policy({ pods: { key: 'app.kubernetes.io/name', anyOf: ['vllm', 'triage-llm', 'mcp-gateway'] } }).spec;
    expect(spec.podSelector).toEqual({ matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['mcp-gateway', 'triage-llm', 'vllm'] }] });
  });

  it.each([
    ['an ingress rule without peers', { ingress: [{ peers: [], ports: [8080] }] }],
    ['an ingress rule without ports', { ingress: [{ peers: [{ podLabels: { app: 'gateway' } }], ports: [] }] }],
    ['an egress rule without peers', { egress: [{ peers: [], ports: [443] }] }],
    ['an egress rule without ports', { egress: [{ peers: [{ cidr: '0.0.0.0/0' }], ports: [] }] }],
  ])('rejects %s, which would allow everything', (_case, rules) => {
    expect(() => policy(rules)).toThrow('PodNetworkPolicy discovery: a rule needs at least one peer and one port (an empty list would allow everything).');
  });

  it('rejects a pod selection that would select every pod, or none', () => {
    expect(() => policy({ pods: {} })).toThrow('PodNetworkPolicy discovery: pods must name at least one label (an empty selector selects every pod).');
    expect(() => policy({ pods: { key: 'app', anyOf: [] } })).toThrow('PodNetworkPolicy discovery: pods.anyOf must list at least one value.');
  });

  it('renders a policy that passes the Kubernetes schema', () => {
    const rendered = policy({
      pods: { key: 'app', anyOf: ['a', 'b'] },
      ingress: [{ peers: [{ podLabels: { app: 'gateway' } }, { namespace: 'monitoring', podLabels: { app: 'prometheus' } }], ports: [8080, 'metrics'] }],
      egress: [
        { peers: [{ cidr: '0.0.0.0/0', except: PRIVATE_IPV4_RANGES }], ports: [443] },
        { peers: [{ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }], ports: [53], protocol: 'UDP' },
        { peers: [{ namespace: 'tools' }, { allNamespaces: true }], ports: [{ from: 1024, to: 65535 }] },
      ],
    });
    expect(new SchemaValidator().validate(rendered)).toEqual([]);
  });
});

describe('PodNetworkPolicy on the cluster network', () => {
  /** Every object the policy renders: the NetworkPolicy and, on Cilium, the CiliumNetworkPolicy beside it. */
  function rendered(props: Partial<PodNetworkPolicyProps>) {
    const chart = testChart();
    new PodNetworkPolicy(chart, 'policy', { name: 'discovery', namespace: 'mcp-system', component: 'discovery', pods: APP, ...props });
    return render(chart);
  }
  const INTERNET_443 = { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_IPV4_RANGES] } }], ports: [{ protocol: 'TCP', port: 443 }] };
  const API_SERVER_ENTITY = { toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] };
  const DNS_PROXY = {
    toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }],
    toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }], rules: { dns: [{ matchPattern: '*' }] } }],
  };

  it('elsewhere reaches the API server by its addresses and named hosts as the internet on their ports, with no Cilium object', () => {
    for (const cni of [undefined, 'calico', 'flannel', 'other'] as const) {
      const objects = rendered({ apiServer: { cidrs: ['192.168.10.5/32'] }, hosts: [{ names: ['api.github.com'], ports: [443] }], network: cni ? { cni } : undefined });
      expect(objects.map((o) => o.kind)).toEqual(['NetworkPolicy']);
      expect(objects[0].spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '192.168.10.5/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }, INTERNET_443]);
    }
  });

  it('on Cilium adds the kube-apiserver entity on the API server\'s own port, keeping the ipBlock beside it', () => {
    const objects = rendered({ apiServer: { cidrs: ['192.168.10.5/32'], port: 6443 }, network: { cni: 'cilium' } });
    expect(only(objects, 'NetworkPolicy').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '192.168.10.5/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
    const cilium = only(objects, 'CiliumNetworkPolicy', 'discovery');
    expect(cilium.apiVersion).toBe('cilium.io/v2');
    expect(cilium.metadata).toEqual({ name: 'discovery', namespace: 'mcp-system', labels: expect.objectContaining({ 'app.kubernetes.io/component': 'discovery' }) });
    expect(cilium.spec).toEqual({ endpointSelector: { matchLabels: APP }, egress: [API_SERVER_ENTITY] });
    // AND without addresses only the entity
    const entityOnly = rendered({ apiServer: {}, network: { cni: 'cilium' } });
    expect(only(entityOnly, 'NetworkPolicy').spec.egress).toEqual([]);
    expect(only(entityOnly, 'CiliumNetworkPolicy').spec.egress).toEqual([API_SERVER_ENTITY]);
  });

  it('on Cilium reaches named hosts exactly, through the DNS proxy, and drops the internet rule', () => {
    const objects = rendered({ hosts: [{ names: ['registry.npmjs.org', 'api.github.com'], ports: [443, 8443, 443] }], network: { cni: 'cilium' } });
    expect(only(objects, 'NetworkPolicy').spec.egress).toEqual([]);
    expect(only(objects, 'CiliumNetworkPolicy').spec.egress).toEqual([
      DNS_PROXY,
      {
        toFQDNs: [{ matchName: 'api.github.com' }, { matchName: 'registry.npmjs.org' }],
        toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '8443', protocol: 'TCP' }] }],
      },
    ]);
  });

  it('on Cilium with fqdnEgress off keeps the internet rule and renders the entity only', () => {
    const objects = rendered({ apiServer: {}, hosts: [{ names: ['api.github.com'], ports: [443] }], network: { cni: 'cilium', fqdnEgress: false } });
    expect(only(objects, 'NetworkPolicy').spec.egress).toEqual([INTERNET_443]);
    expect(only(objects, 'CiliumNetworkPolicy').spec.egress).toEqual([API_SERVER_ENTITY]);
  });

  it('finds the cluster DNS where it is told to', () => {
    const objects = rendered({ hosts: [{ names: ['api.github.com'], ports: [443] }], network: { cni: 'cilium', dns: { namespace: 'dns', podLabels: { app: 'coredns' } } } });
    expect(only(objects, 'CiliumNetworkPolicy').spec.egress[0].toEndpoints).toEqual([{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'dns', 'k8s:app': 'coredns' } }]);
  });

  it('renders no Cilium object on Cilium when the pods call neither the API server nor a named host', () => {
    expect(rendered({ egress: [{ peers: [{ cidr: '10.0.0.0/8' }], ports: [5432] }], network: { cni: 'cilium' } }).map((o) => o.kind)).toEqual(['NetworkPolicy']);
  });

  it('refuses an API server without addresses off Cilium, and a host that is not a DNS name', () => {
    expect(() => rendered({ apiServer: {} })).toThrow(
      'PodNetworkPolicy discovery: apiServer.cidrs must name the API server\'s addresses (a Kubernetes NetworkPolicy reaches it only by ipBlock), or network.cni must be "cilium" (which reaches it as the kube-apiserver entity).',
    );
    expect(() => rendered({ hosts: [{ names: ['https://api.github.com'], ports: [443] }] })).toThrow(
      'PodNetworkPolicy discovery: hosts need at least one DNS name such as "api.github.com" and one port, got "https://api.github.com".',
    );
    expect(() => rendered({ hosts: [{ names: ['api.github.com'], ports: [] }] })).toThrow('PodNetworkPolicy discovery: hosts need at least one DNS name such as "api.github.com" and one port.');
  });

  it("passes Cilium's CRD schema, with a multi-value pod selection too", () => {
    const validator = new SchemaValidator();
    const objects = rendered({
      pods: { key: 'app', anyOf: ['a', 'b'] },
      apiServer: { cidrs: ['192.168.10.5/32'] },
      hosts: [{ names: ['api.github.com'], ports: [443] }],
      network: { cni: 'cilium' },
    });
    expect(only(objects, 'CiliumNetworkPolicy').spec.endpointSelector).toEqual({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] });
    expect(objects.flatMap((o) => validator.validate(o))).toEqual([]);
  });
});
