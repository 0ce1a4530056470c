/**
 * `findCandidates` at its limits: each annotation's and field's check on its own, with the exact rejection
 * it gives, the value on each side of every bound, each default, and the port and host a candidate gets.
 */
import { describe, expect, it } from '@jest/globals';
import { findCandidates } from '../../../services/discovery/src/candidates.js';
import type { Candidate, ClusterObjects, KubeObject, WatchedKind } from '../../../services/discovery/src/model.js';

const PREFIX = 'mcp-platform.dev';
const NOT_A_PATH = 'is not a plain absolute path such as "/mcp"';
const NAME_RULE = 'must be a DNS-1123 label of at most 50 characters';

function cluster(objects: Partial<Record<WatchedKind, KubeObject[]>>): ClusterObjects {
  return { list: (kind) => objects[kind] ?? [] };
}

interface ServiceOptions {
  namespace?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  ports?: unknown;
  clusterIP?: unknown;
}

function service(name: string, options: ServiceOptions = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: options.namespace ?? 'tools', annotations: options.annotations, labels: options.labels },
    spec: { type: 'ClusterIP', clusterIP: 'clusterIP' in options ? options.clusterIP : '10.43.0.10', ports: options.ports ?? [{ name: 'http', port: 8080 }] },
  };
}

const enabled = (extra: Record<string, string> = {}) => ({ [`${PREFIX}/enabled`]: 'true', ...extra });
const scan = (objects: Partial<Record<WatchedKind, KubeObject[]>>, clusterDomain?: string) =>
  findCandidates(cluster(objects), { annotationPrefix: PREFIX, ...(clusterDomain ? { clusterDomain } : {}) });

/** The one candidate of a scan that must have no rejections. */
function only(objects: Partial<Record<WatchedKind, KubeObject[]>>, clusterDomain?: string): Candidate {
  const result = scan(objects, clusterDomain);
  expect(result.rejections).toEqual([]);
  expect(result.candidates).toHaveLength(1);
  return result.candidates[0]!;
}

/** The one rejection of a scan with one object, which must give no candidate. */
function rejection(objects: Partial<Record<WatchedKind, KubeObject[]>>) {
  const result = scan(objects);
  expect(result.candidates).toEqual([]);
  expect(result.declared).toEqual([]);
  expect(result.rejections).toHaveLength(1);
  return result.rejections[0];
}

describe('names', () => {
  it('GIVEN a Service name of exactly 50 characters THEN it is a candidate; of 51 THEN rejected with the rule', () => {
    const fifty = `a${'b'.repeat(49)}`;
    expect(only({ Service: [service(fifty, { annotations: enabled() })] }).name).toBe(fifty);
    expect(rejection({ Service: [service(`${fifty}c`, { annotations: enabled() })] })).toEqual({
      object: `Service tools/${fifty}c`,
      field: 'metadata.name',
      reason: `"${fifty}c" ${NAME_RULE}`,
    });
  });

  it.each(['Upper', 'under_score', '-lead', 'trail-', ''])('GIVEN the short Service name %j that is no DNS label THEN rejected on metadata.name', (name) => {
    expect(rejection({ Service: [service(name, { annotations: enabled() })] })).toEqual({ object: `Service tools/${name}`, field: 'metadata.name', reason: `${JSON.stringify(name)} ${NAME_RULE}` });
  });

  it('GIVEN a namespace that is no DNS label THEN rejected on metadata.namespace', () => {
    expect(rejection({ Service: [service('ok', { namespace: 'Bad_NS', annotations: enabled() })] })).toEqual({
      object: 'Service Bad_NS/ok',
      field: 'metadata.namespace',
      reason: `"Bad_NS" ${NAME_RULE}`,
    });
  });

  it('GIVEN a name longer than 80 characters THEN the reason shows its first 80 only', () => {
    const long = 'a'.repeat(100);
    expect(rejection({ Service: [service(long, { annotations: enabled() })] })!.reason).toBe(`"${'a'.repeat(80)}" ${NAME_RULE}`);
  });

  it('GIVEN a Service without a namespace THEN its candidate is in "default"', () => {
    const bare: KubeObject = { metadata: { name: 'bare', annotations: enabled() }, spec: { clusterIP: '10.0.0.1', ports: [{ port: 80 }] } };
    expect(only({ Service: [bare] })).toMatchObject({ namespace: 'default', service: { name: 'bare', namespace: 'default', port: 80 } });
  });

  it('GIVEN MCPServers with bad names or namespaces THEN each is rejected on its field', () => {
    const result = scan({
      KmcpMCPServer: [{ metadata: { name: 'Bad', namespace: 'mcp' }, spec: {} }],
      ToolHiveMCPServer: [{ metadata: { name: 'ok', namespace: 'Bad_NS' }, spec: {} }],
    });
    expect(result.candidates).toEqual([]);
    expect(result.rejections).toEqual([
      { object: 'MCPServer mcp/Bad (kmcp)', field: 'metadata.name', reason: `"Bad" ${NAME_RULE}` },
      { object: 'MCPServer Bad_NS/ok (toolhive)', field: 'metadata.namespace', reason: `"Bad_NS" ${NAME_RULE}` },
    ]);
  });

  it('GIVEN an MCPServer without a namespace THEN it is in "default", its Service too', () => {
    expect(only({ ToolHiveMCPServer: [{ metadata: { name: 'th' }, spec: {} }] })).toMatchObject({
      namespace: 'default',
      host: 'mcp-th-proxy.default.svc.cluster.local',
      service: { name: 'mcp-th-proxy', namespace: 'default', port: 8080 },
    });
  });
});

describe('which Services are MCP Services', () => {
  it('GIVEN enabled "false" on a port with an MCP appProtocol THEN the annotation wins: no candidate, no rejection', () => {
    const result = scan({ Service: [service('off', { annotations: { [`${PREFIX}/enabled`]: 'false' }, ports: [{ port: 80, appProtocol: 'agentgateway.dev/mcp' }] })] });
    expect([result.candidates, result.declared, result.rejections]).toEqual([[], [], []]);
  });

  it('GIVEN an appProtocol that is not an MCP one, or not a string THEN the Service is not a candidate', () => {
    const result = scan({
      Service: [service('h2', { ports: [{ port: 80, appProtocol: 'kubernetes.io/h2c' }] }), service('num', { ports: [{ port: 80, appProtocol: 7 }] }), service('none', { ports: 'junk' })],
    });
    expect([result.candidates, result.rejections]).toEqual([[], []]);
  });

  it('GIVEN a Service with no spec and no annotations THEN it is not a candidate and nothing is thrown', () => {
    const result = scan({ Service: [{ metadata: { name: 'bare', namespace: 'tools' } }] });
    expect([result.candidates, result.rejections]).toEqual([[], []]);
  });

  it('GIVEN ports that are not objects next to an MCP port THEN the MCP port is used', () => {
    expect(only({ Service: [service('mixed', { ports: [null, 'x', { port: 9000, appProtocol: 'kgateway.dev/mcp' }] })] }).port).toBe(9000);
  });

  it('GIVEN a Service with only some of the gateway labels THEN it is a candidate like any other', () => {
    const ports = [{ port: 8080, appProtocol: 'agentgateway.dev/mcp' }];
    const result = scan({
      Service: [
        service('mcp-gateway', { namespace: 'a', ports, labels: { 'app.kubernetes.io/name': 'mcp-gateway' } }),
        service('other', { namespace: 'b', ports, labels: { 'app.kubernetes.io/part-of': 'mcp-platform' } }),
      ],
    });
    expect(result.candidates.map((c) => c.name)).toEqual(['mcp-gateway', 'other']);
  });

  it.each([['True'], ['1'], ['']])('GIVEN enabled %j THEN rejected: it must be "true" or "false"', (value) => {
    expect(rejection({ Service: [service('x', { annotations: { [`${PREFIX}/enabled`]: value } })] })).toEqual({
      object: 'Service tools/x',
      field: `${PREFIX}/enabled`,
      reason: `${JSON.stringify(value)} must be "true" or "false"`,
    });
  });
});

describe('ports', () => {
  it.each([
    ['0', [{ port: 0 }]],
    ['65536', [{ port: 65536 }]],
    ['a fraction', [{ port: 80.5 }]],
    ['a string', [{ port: '80' }]],
    ['none', []],
  ])('GIVEN a Service whose only port is %s THEN rejected: no valid port', (_case, ports) => {
    expect(rejection({ Service: [service('x', { annotations: enabled(), ports })] })).toEqual({ object: 'Service tools/x', field: 'spec.ports', reason: 'the Service has no valid port' });
  });

  it.each([1, 65535])('GIVEN a Service whose only port is %d THEN that is the port', (port) => {
    expect(only({ Service: [service('x', { annotations: enabled(), ports: [{ port }] })] }).port).toBe(port);
  });

  it('GIVEN invalid ports next to a valid one THEN the valid one is the only port, and the others are not named', () => {
    const ports = [{ port: 0 }, { port: 70000 }, { name: 'ok', port: 8081 }];
    expect(only({ Service: [service('x', { annotations: enabled(), ports })] }).port).toBe(8081);
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: '0' }), ports })] })!.reason).toBe('"0" is not a port (1-65535)');
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: '70000' }), ports })] })!.reason).toBe('"70000" is not a port (1-65535)');
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: '99' }), ports })] })!.reason).toBe('"99" is not a port of the Service (8081)');
  });

  it('GIVEN a port annotation by number THEN that port is the one, whichever way the ports are listed', () => {
    const ports = [{ name: 'web', port: 80, appProtocol: 'agentgateway.dev/mcp' }, { name: 'alt', port: 3001 }, { name: 'max', port: 65535 }];
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: '3001' }), ports })] }).port).toBe(3001);
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: '65535' }), ports })] }).port).toBe(65535);
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: '1' }), ports: [{ port: 1 }] })] }).port).toBe(1);
  });

  it('GIVEN a port annotation by name THEN the named port is used over the MCP appProtocol one', () => {
    const ports = [{ name: 'web', port: 80, appProtocol: 'agentgateway.dev/mcp' }, { name: 'alt', port: 3001, targetPort: 'alt-pod' }];
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: 'alt' }), ports })] })).toMatchObject({
      port: 3001,
      service: { name: 'x', namespace: 'tools', port: 3001, targetPort: 'alt-pod' },
    });
  });

  it.each([
    ['a six-digit number', '123456', '"123456" names no port of the Service'],
    ['a name of no port', 'grpc', '"grpc" names no port of the Service'],
    ['an upper-case name', 'HTTP', '"HTTP" is neither a port number nor a port name'],
    ['a name with a leading dash', '-http', '"-http" is neither a port number nor a port name'],
    ['a name with a trailing dash', 'http-', '"http-" is neither a port number nor a port name'],
    ['a number with a sign', '+80', '"+80" is neither a port number nor a port name'],
    ['an empty value', '', '"" is neither a port number nor a port name'],
  ])('GIVEN the port annotation is %s THEN rejected with the reason', (_case, value, reason) => {
    const ports = [{ name: 'http', port: 8080 }, { name: 'a-1', port: 9000 }];
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: value }), ports })] })).toEqual({ object: 'Service tools/x', field: `${PREFIX}/port`, reason });
  });

  it('GIVEN a port number of no port among several THEN the reason lists the valid ports', () => {
    const ports = [{ name: 'http', port: 8080 }, { name: 'bad', port: 0 }, { name: 'a-1', port: 9000 }];
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: '9' }), ports })] })!.reason).toBe('"9" is not a port of the Service (8080, 9000)');
  });

  it('GIVEN a one-letter port name THEN the annotation can name it', () => {
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: 'm' }), ports: [{ name: 'http', port: 8080 }, { name: 'm', port: 9000 }] })] }).port).toBe(9000);
  });

  it('GIVEN a port named with a dash inside THEN the annotation can name it', () => {
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: 'a-1' }), ports: [{ name: 'http', port: 8080 }, { name: 'a-1', port: 9000 }] })] }).port).toBe(9000);
  });

  it('GIVEN the port annotation names an invalid port THEN it names no port of the Service', () => {
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/port`]: 'bad' }), ports: [{ name: 'bad', port: 0 }, { name: 'ok', port: 80 }] })] })!.reason).toBe(
      '"bad" names no port of the Service',
    );
  });

  it('GIVEN a port with another appProtocol before the MCP one THEN the MCP one is used', () => {
    expect(only({ Service: [service('x', { ports: [{ port: 81, appProtocol: 'kubernetes.io/h2c' }, { port: 82, appProtocol: 'agentgateway.dev/mcp' }] })] }).port).toBe(82);
  });

  it('GIVEN two MCP appProtocol ports and no annotation THEN the first is used', () => {
    const ports = [{ port: 81 }, { port: 82, appProtocol: 'kgateway.dev/mcp-sse' }, { port: 83, appProtocol: 'agentgateway.dev/mcp' }];
    expect(only({ Service: [service('x', { ports })] })).toMatchObject({ port: 82, transport: 'sse', path: '/sse' });
  });

  it('GIVEN three ports and none an MCP one THEN the reason counts them', () => {
    expect(rejection({ Service: [service('x', { annotations: enabled(), ports: [{ port: 1 }, { port: 2 }, { port: 3 }] })] })!.reason).toBe(
      `the Service has 3 ports and none has an MCP appProtocol: set ${PREFIX}/port to the MCP port`,
    );
  });

  it('GIVEN a port without targetPort THEN the candidate names none', () => {
    const candidate = only({ Service: [service('x', { annotations: enabled(), ports: [{ port: 80 }] })] });
    expect(candidate.service).toEqual({ name: 'x', namespace: 'tools', port: 80 });
    expect(candidate.service).not.toHaveProperty('targetPort');
  });
});

describe('type, transport and path', () => {
  it.each(['kmcp', 'toolhive', 'standalone', 'external'])('GIVEN type %s THEN it is the flavour', (type) => {
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/type`]: type }) })] }).flavour).toBe(type);
  });

  it('GIVEN no type THEN the candidate has no flavour, and it is Streamable HTTP on /mcp with the tools capability', () => {
    const candidate = only({ Service: [service('x', { annotations: enabled() })] });
    expect(candidate).not.toHaveProperty('flavour');
    expect(candidate).toMatchObject({ source: 'service', transport: 'streamable-http', path: '/mcp', capabilities: ['tools'] });
  });

  it.each([
    ['streamable-http', undefined, 'streamable-http', '/mcp'],
    ['stdio', undefined, 'streamable-http', '/mcp'],
    ['sse', undefined, 'sse', '/sse'],
    ['streamable-http', 'agentgateway.dev/mcp-sse', 'streamable-http', '/mcp'],
    ['stdio', 'kgateway.dev/mcp-sse', 'streamable-http', '/mcp'],
    ['sse', 'agentgateway.dev/mcp', 'sse', '/sse'],
  ])('GIVEN transport %s on a port with appProtocol %s THEN it is %s on %s', (declared, appProtocol, transport, path) => {
    const ports = [{ port: 80, ...(appProtocol ? { appProtocol } : {}) }];
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/transport`]: declared }), ports })] })).toMatchObject({ transport, path });
  });

  it.each(['SSE', 'http', ''])('GIVEN transport %j THEN rejected with the three choices', (value) => {
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/transport`]: value }) })] })).toEqual({
      object: 'Service tools/x',
      field: `${PREFIX}/transport`,
      reason: `${JSON.stringify(value)} must be "streamable-http", "sse" or "stdio"`,
    });
  });

  it.each(['Kmcp', '', 'docker'])('GIVEN type %j THEN rejected with the four flavours', (value) => {
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/type`]: value }) })] })).toEqual({
      object: 'Service tools/x',
      field: `${PREFIX}/type`,
      reason: `${JSON.stringify(value)} must be one of kmcp, toolhive, standalone, external`,
    });
  });

  it.each(['/', '/mcp/', '/v1/mcp', '/a.b', '/_x', '/~x', '/-x', '/A-Z_0.9~', '/a/b/c/'])('GIVEN the plain path %s THEN it is the path', (path) => {
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/path`]: path }) })] }).path).toBe(path);
  });

  it.each(['', 'mcp', '/.hidden', '/a/.b', '/a//b', '//', '/mcp#top', '/a b', '/mcp/%2e', '/ü', ' /mcp', '/mcp '])('GIVEN the path %j THEN rejected as not plain', (path) => {
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/path`]: path }) })] })).toEqual({
      object: 'Service tools/x',
      field: `${PREFIX}/path`,
      reason: `${JSON.stringify(path)} ${NOT_A_PATH}`,
    });
  });

  it('GIVEN a path of 256 characters THEN it is the path; of 257 THEN rejected', () => {
    const path256 = `/${'a'.repeat(255)}`;
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/path`]: path256 }) })] }).path).toBe(path256);
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/path`]: `${path256}a` }) })] })).toEqual({
      object: 'Service tools/x',
      field: `${PREFIX}/path`,
      reason: `"/${'a'.repeat(79)}" ${NOT_A_PATH}`,
    });
  });

  it('GIVEN the platform path and a gateway path THEN the platform one wins', () => {
    const annotations = enabled({ [`${PREFIX}/path`]: '/mine', 'agentgateway.dev/mcp-path': '/theirs', 'kgateway.dev/mcp-path': '/other' });
    expect(only({ Service: [service('x', { annotations })] }).path).toBe('/mine');
  });

  it('GIVEN only kgateway.dev/mcp-path THEN it is the path; GIVEN it bad THEN the rejection names that annotation', () => {
    expect(only({ Service: [service('x', { annotations: enabled({ 'kgateway.dev/mcp-path': '/kg' }) })] }).path).toBe('/kg');
    expect(rejection({ Service: [service('x', { annotations: enabled({ 'kgateway.dev/mcp-path': 'kg' }) })] })).toEqual({
      object: 'Service tools/x',
      field: 'kgateway.dev/mcp-path',
      reason: `"kg" ${NOT_A_PATH}`,
    });
  });

  it('GIVEN both gateway paths THEN the agentgateway one wins', () => {
    expect(only({ Service: [service('x', { annotations: enabled({ 'kgateway.dev/mcp-path': '/kg', 'agentgateway.dev/mcp-path': '/ag' }) })] }).path).toBe('/ag');
  });
});

describe('capabilities', () => {
  it('GIVEN a list with spaces and repeats THEN it is trimmed, without repeats, sorted', () => {
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/capabilities`]: ' tools , prompts,resources,tools ' }) })] }).capabilities).toEqual([
      'prompts',
      'resources',
      'tools',
    ]);
  });

  it.each([
    ['an empty item', 'tools,', '""'],
    ['an upper-case capability', 'Tools', '"Tools"'],
  ])('GIVEN %s THEN rejected naming it', (_case, value, shown) => {
    expect(rejection({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/capabilities`]: value }) })] })).toEqual({
      object: 'Service tools/x',
      field: `${PREFIX}/capabilities`,
      reason: `${shown} is not an MCP capability (tools, resources, prompts, logging, completions, sampling, elicitation, roots)`,
    });
  });

  it('GIVEN a value with a blank prefix before a capability THEN it is not blank', () => {
    expect(only({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/capabilities`]: ' \tprompts' }) })] }).capabilities).toEqual(['prompts']);
  });
});

describe('hosts', () => {
  it.each([
    ['an IPv4 ClusterIP', '10.43.7.8', '10.43.7.8'],
    ['an IPv6 ClusterIP', 'fd00::1', 'fd00::1'],
    ['ClusterIP None', 'None', 'x.tools.svc.cluster.local'],
    ['an empty ClusterIP', '', 'x.tools.svc.cluster.local'],
    ['no ClusterIP', undefined, 'x.tools.svc.cluster.local'],
    ['a ClusterIP that is not a string', 42, 'x.tools.svc.cluster.local'],
  ])('GIVEN %s THEN the host is %s', (_case, clusterIP, host) => {
    expect(only({ Service: [service('x', { annotations: enabled(), clusterIP })] }).host).toBe(host);
  });

  it.each(['evil.example', '10.43.0', 'none', '10.0.0.1\n'])('GIVEN the ClusterIP %j that is not an IP THEN rejected on spec.clusterIP', (clusterIP) => {
    expect(rejection({ Service: [service('x', { annotations: enabled(), clusterIP })] })).toEqual({
      object: 'Service tools/x',
      field: 'spec.clusterIP',
      reason: `${JSON.stringify(clusterIP)} is not an IP address`,
    });
  });

  it('GIVEN a cluster domain THEN DNS names use it; without one THEN cluster.local', () => {
    const objects = { Service: [service('x', { annotations: enabled(), clusterIP: 'None' })], KmcpMCPServer: [{ metadata: { name: 'k', namespace: 'mcp' }, spec: {} }] };
    expect(scan(objects, 'corp.internal').candidates.map((c) => c.host)).toEqual(['k.mcp.svc.corp.internal', 'x.tools.svc.corp.internal']);
    expect(scan(objects).candidates.map((c) => c.host)).toEqual(['k.mcp.svc.cluster.local', 'x.tools.svc.cluster.local']);
  });

  it("GIVEN an MCPServer whose operator Service has a ClusterIP that is not an IP THEN the MCPServer is rejected on the Service's field", () => {
    const result = scan({ ToolHiveMCPServer: [{ metadata: { name: 'th', namespace: 'mcp' }, spec: {} }], Service: [service('mcp-th-proxy', { namespace: 'mcp', clusterIP: 'bogus' })] });
    expect(result.candidates).toEqual([]);
    expect(result.rejections).toEqual([{ object: 'MCPServer mcp/th (toolhive)', field: 'spec.clusterIP', reason: '"bogus" is not an IP address' }]);
  });
});

describe('errors that are not rejections', () => {
  it('GIVEN an object the API server cannot send (an annotation that is not a string) THEN the error is thrown, not hidden as a rejection', () => {
    const odd = service('x', { annotations: { ...enabled(), [`${PREFIX}/capabilities`]: 7 as unknown as string } });
    expect(() => scan({ Service: [odd] })).toThrow(TypeError);
  });
});

describe('MCPServer resources', () => {
  it('GIVEN an MCPServer whose spec is null THEN the defaults', () => {
    expect(only({ ToolHiveMCPServer: [{ metadata: { name: 't', namespace: 'mcp' }, spec: null as any }] })).toMatchObject({ port: 8080, transport: 'streamable-http', path: '/mcp' });
    expect(only({ KmcpMCPServer: [{ metadata: { name: 'k', namespace: 'mcp' }, spec: null as any }] })).toMatchObject({ port: 3000, transport: 'streamable-http', path: '/mcp' });
  });

  it("GIVEN the operator's Service without a spec THEN the host is its cluster DNS name", () => {
    expect(only({ KmcpMCPServer: [{ metadata: { name: 'k', namespace: 'mcp' }, spec: {} }], Service: [{ metadata: { name: 'k', namespace: 'mcp' } }] }).host).toBe('k.mcp.svc.cluster.local');
  });

  it('GIVEN a kmcp MCPServer with no spec THEN the defaults: port 3000, Streamable HTTP on /mcp, its own name as Service', () => {
    expect(only({ KmcpMCPServer: [{ metadata: { name: 'k', namespace: 'mcp' } }] })).toEqual({
      name: 'k',
      namespace: 'mcp',
      source: 'kmcp',
      object: 'MCPServer mcp/k (kmcp)',
      transport: 'streamable-http',
      service: { name: 'k', namespace: 'mcp', port: 3000 },
      host: 'k.mcp.svc.cluster.local',
      port: 3000,
      path: '/mcp',
      capabilities: ['tools'],
      flavour: 'kmcp',
    });
  });

  it('GIVEN a ToolHive MCPServer whose spec is not an object THEN the defaults: port 8080, Streamable HTTP on /mcp at the proxy Service', () => {
    expect(only({ ToolHiveMCPServer: [{ metadata: { name: 't', namespace: 'mcp' }, spec: 'junk' as any }] })).toEqual({
      name: 't',
      namespace: 'mcp',
      source: 'toolhive',
      object: 'MCPServer mcp/t (toolhive)',
      transport: 'streamable-http',
      service: { name: 'mcp-t-proxy', namespace: 'mcp', port: 8080 },
      host: 'mcp-t-proxy.mcp.svc.cluster.local',
      port: 8080,
      path: '/mcp',
      capabilities: ['tools'],
      flavour: 'toolhive',
    });
  });

  it.each([
    [{ transportType: 'stdio', httpTransport: { path: '/ignored' } }, '/mcp'],
    [{ transportType: 'http' }, '/mcp'],
    [{ transportType: 'http', httpTransport: { path: '/api' } }, '/api'],
  ])('GIVEN the kmcp spec %j THEN the path is %s', (spec, path) => {
    expect(only({ KmcpMCPServer: [{ metadata: { name: 'k', namespace: 'mcp' }, spec }] })).toMatchObject({ path, transport: 'streamable-http' });
  });

  it('GIVEN a kmcp HTTP path that is not plain THEN rejected on spec.httpTransport.path', () => {
    expect(rejection({ KmcpMCPServer: [{ metadata: { name: 'k', namespace: 'mcp' }, spec: { transportType: 'http', httpTransport: { path: 'api' } } }] })).toEqual({
      object: 'MCPServer mcp/k (kmcp)',
      field: 'spec.httpTransport.path',
      reason: `"api" ${NOT_A_PATH}`,
    });
  });

  it.each([
    [{ transport: 'sse' }, 'sse', '/sse'],
    [{ transport: 'sse', proxyMode: 'streamable-http' }, 'sse', '/sse'],
    [{ transport: 'stdio' }, 'streamable-http', '/mcp'],
    [{ proxyMode: 'sse' }, 'sse', '/sse'],
    [{ transport: 'stdio', proxyMode: 'streamable-http' }, 'streamable-http', '/mcp'],
    [{ transport: 'streamable-http', proxyMode: 'sse' }, 'streamable-http', '/mcp'],
  ])('GIVEN the ToolHive spec %j THEN it is %s on %s', (spec, transport, path) => {
    expect(only({ ToolHiveMCPServer: [{ metadata: { name: 't', namespace: 'mcp' }, spec }] })).toMatchObject({ transport, path });
  });

  it.each([
    ['KmcpMCPServer', 'kmcp', { deployment: { port: 0 } }, 'spec.deployment.port', '"0" is not a port (1-65535)'],
    ['KmcpMCPServer', 'kmcp', { deployment: { port: 65536 } }, 'spec.deployment.port', '"65536" is not a port (1-65535)'],
    ['KmcpMCPServer', 'kmcp', { deployment: { port: 80.5 } }, 'spec.deployment.port', '"80.5" is not a port (1-65535)'],
    ['ToolHiveMCPServer', 'toolhive', { proxyPort: 0 }, 'spec.proxyPort', '"0" is not a port (1-65535)'],
    ['ToolHiveMCPServer', 'toolhive', { proxyPort: 65536 }, 'spec.proxyPort', '"65536" is not a port (1-65535)'],
  ] as const)('GIVEN a %s with %j THEN rejected on %s', (kind, source, spec, field, reason) => {
    expect(rejection({ [kind]: [{ metadata: { name: 'p', namespace: 'mcp' }, spec }] })).toEqual({ object: `MCPServer mcp/p (${source})`, field, reason });
  });

  it.each([
    ['KmcpMCPServer', { deployment: { port: 1 } }, 1],
    ['KmcpMCPServer', { deployment: { port: 65535 } }, 65535],
    ['ToolHiveMCPServer', { proxyPort: 1 }, 1],
    ['ToolHiveMCPServer', { proxyPort: 65535 }, 65535],
  ] as const)('GIVEN a %s with %j THEN the port is %d', (kind, spec, port) => {
    expect(only({ [kind]: [{ metadata: { name: 'p', namespace: 'mcp' }, spec }] })).toMatchObject({ port, service: { port } });
  });

  it("GIVEN the operator's Service in the watch THEN the host is its ClusterIP; in another namespace THEN it is not that Service", () => {
    const proxy = service('mcp-t-proxy', { namespace: 'mcp', clusterIP: '10.1.2.3', ports: [{ port: 8080, appProtocol: 'agentgateway.dev/mcp' }] });
    expect(only({ ToolHiveMCPServer: [{ metadata: { name: 't', namespace: 'mcp' }, spec: {} }], Service: [proxy] }).host).toBe('10.1.2.3');

    const elsewhere = scan({ ToolHiveMCPServer: [{ metadata: { name: 't', namespace: 'other' }, spec: {} }], Service: [proxy] });
    expect(elsewhere.candidates.map((c) => [c.object, c.host])).toEqual([
      ['Service mcp/mcp-t-proxy', '10.1.2.3'],
      ['MCPServer other/t (toolhive)', 'mcp-t-proxy.other.svc.cluster.local'],
    ]);
  });

  it("GIVEN a Service named like a ToolHive server (not its proxy) THEN it is a separate candidate, not the operator's", () => {
    const result = scan({ ToolHiveMCPServer: [{ metadata: { name: 't', namespace: 'mcp' }, spec: {} }], Service: [service('t2', { namespace: 'mcp', annotations: enabled() }), service('t', { namespace: 'mcp', annotations: enabled() })] });
    expect(result.candidates.map((c) => c.object)).toEqual(['MCPServer mcp/t (toolhive)', 'Service mcp/t2']);
    expect(result.rejections).toEqual([{ object: 'Service mcp/t', field: 'metadata.name', reason: 'server name "t" is already taken by MCPServer mcp/t (toolhive)' }]);
  });
});

describe('declared servers, duplicates and order', () => {
  const declaredBy = { [`${PREFIX}/declared-by`]: 'mcp-platform' };

  it('GIVEN declared and discovered objects of every kind THEN each list is sorted by name and the count covers every declared one', () => {
    const result = scan({
      KmcpMCPServer: [{ metadata: { name: 'k-declared', namespace: 'z', annotations: declaredBy }, spec: {} }],
      ToolHiveMCPServer: [{ metadata: { name: 'a-found', namespace: 'z' }, spec: {} }],
      Service: [service('m-declared', { namespace: 'a', annotations: enabled(declaredBy) }), service('b-found', { namespace: 'y', annotations: enabled() }), service('c-found', { namespace: 'b', annotations: enabled() })],
    });
    expect(result.candidates.map((c) => c.name)).toEqual(['a-found', 'b-found', 'c-found']);
    expect(result.candidates.every((c) => !('declared' in c))).toBe(true);
    expect(result.declared.map((c) => [c.name, c.declared])).toEqual([
      ['k-declared', true],
      ['m-declared', true],
    ]);
    expect(result.alreadyDeclared).toBe(2);
    expect(result.rejections).toEqual([]);
  });

  it('GIVEN a declared-by annotation with an empty value THEN it still counts as declared', () => {
    const result = scan({ Service: [service('x', { annotations: enabled({ [`${PREFIX}/declared-by`]: '' }) })] });
    expect(result.declared.map((c) => c.name)).toEqual(['x']);
    expect(result.alreadyDeclared).toBe(1);
  });

  it('GIVEN a declared Service that is rejected THEN it is counted as declared and rejected, in neither list', () => {
    const result = scan({ Service: [service('x', { annotations: enabled({ ...declaredBy, [`${PREFIX}/port`]: '1' }) })] });
    expect([result.candidates, result.declared, result.alreadyDeclared]).toEqual([[], [], 1]);
    expect(result.rejections).toEqual([{ object: 'Service tools/x', field: `${PREFIX}/port`, reason: '"1" is not a port of the Service (8080)' }]);
  });

  it('GIVEN one name in one namespace from a kmcp and a ToolHive MCPServer THEN the kmcp one keeps it', () => {
    const result = scan({ ToolHiveMCPServer: [{ metadata: { name: 'x', namespace: 'mcp' }, spec: {} }], KmcpMCPServer: [{ metadata: { name: 'x', namespace: 'mcp' }, spec: {} }] });
    expect(result.candidates.map((c) => c.object)).toEqual(['MCPServer mcp/x (kmcp)']);
    expect(result.rejections).toEqual([{ object: 'MCPServer mcp/x (toolhive)', field: 'metadata.name', reason: 'server name "x" is already taken by MCPServer mcp/x (kmcp)' }]);
  });

  it('GIVEN one name three times THEN the two later ones are rejected naming the first', () => {
    const result = scan({ Service: ['c', 'a', 'b'].map((namespace) => service('dup', { namespace, annotations: enabled() })) });
    expect(result.candidates.map((c) => c.object)).toEqual(['Service a/dup']);
    expect(result.rejections.map((r) => r.object)).toEqual(['Service b/dup', 'Service c/dup']);
    expect(new Set(result.rejections.map((r) => r.reason))).toEqual(new Set(['server name "dup" is already taken by Service a/dup']));
  });
});

describe('appProtocols that only look like MCP to a plain object', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('GIVEN a port with appProtocol %s THEN the Service is not an MCP Service', (appProtocol) => {
    const result = scan({ Service: [service('x', { ports: [{ port: 80, appProtocol }] })] });
    expect([result.candidates, result.declared, result.rejections]).toEqual([[], [], []]);
  });

  it('GIVEN an enabled Service whose only port has appProtocol constructor THEN it is Streamable HTTP on /mcp, the port chosen as the only one', () => {
    expect(only({ Service: [service('x', { annotations: enabled(), ports: [{ port: 80, appProtocol: 'constructor' }] })] })).toMatchObject({ transport: 'streamable-http', path: '/mcp', port: 80 });
  });

  it('GIVEN an appProtocol that is a list holding an MCP one (not a string) THEN the Service is not an MCP Service', () => {
    const result = scan({ Service: [service('x', { ports: [{ port: 80, appProtocol: ['agentgateway.dev/mcp'] }] })] });
    expect([result.candidates, result.rejections]).toEqual([[], []]);
  });

  it('GIVEN two ports, the first with appProtocol toString THEN it is not taken for the MCP port', () => {
    const ports = [{ port: 80, appProtocol: 'toString' }, { port: 81, appProtocol: 'agentgateway.dev/mcp' }];
    expect(only({ Service: [service('x', { ports })] }).port).toBe(81);
  });
});
