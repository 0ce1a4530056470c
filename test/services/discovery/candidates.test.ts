import { describe, expect, it } from '@jest/globals';
import { findCandidates } from '../../../services/discovery/src/candidates.js';
import type { ClusterObjects, KubeObject, WatchedKind } from '../../../services/discovery/src/model.js';

const PREFIX = 'mcp-platform.dev';

function cluster(objects: Partial<Record<WatchedKind, KubeObject[]>>): ClusterObjects {
  return { list: (kind) => objects[kind] ?? [] };
}

function service(name: string, options: { namespace?: string; annotations?: Record<string, string>; ports?: any[]; clusterIP?: string; type?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: options.namespace ?? 'tools', annotations: options.annotations },
    spec: { type: options.type ?? 'ClusterIP', clusterIP: options.clusterIP ?? '10.43.0.10', ports: options.ports ?? [{ name: 'http', port: 8080, targetPort: 3000 }] },
  };
}

const scan = (objects: Partial<Record<WatchedKind, KubeObject[]>>) => findCandidates(cluster(objects), { annotationPrefix: PREFIX });

describe('candidates from Services', () => {
  it('GIVEN the seed annotations WHEN scanned THEN the candidate is built from the Service itself', () => {
    const { candidates, rejections } = scan({
      Service: [service('adguard', { annotations: { [`${PREFIX}/enabled`]: 'true', [`${PREFIX}/path`]: '/mcp', [`${PREFIX}/capabilities`]: 'tools,resources' } })],
    });
    expect(rejections).toEqual([]);
    expect(candidates).toEqual([
      {
        name: 'adguard',
        namespace: 'tools',
        source: 'service',
        object: 'Service tools/adguard',
        transport: 'streamable-http',
        service: { name: 'adguard', namespace: 'tools', port: 8080, targetPort: 3000 },
        host: '10.43.0.10',
        port: 8080,
        path: '/mcp',
        capabilities: ['resources', 'tools'],
      },
    ]);
  });

  it.each([
    ['agentgateway.dev/mcp', 'streamable-http', '/mcp'],
    ['agentgateway.dev/mcp-sse', 'sse', '/sse'],
    ['kgateway.dev/mcp', 'streamable-http', '/mcp'],
    ['kgateway.dev/mcp-sse', 'sse', '/sse'],
  ])('GIVEN a port with appProtocol %s and no annotation THEN it is a %s candidate on %s', (appProtocol, transport, path) => {
    const { candidates } = scan({ Service: [service('gw', { ports: [{ name: 'metrics', port: 9090 }, { name: 'mcp', port: 3000, appProtocol }] })] });
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({ transport, path, port: 3000 });
  });

  it('GIVEN agentgateway.dev/mcp-path THEN it is the path', () => {
    const { candidates } = scan({ Service: [service('gw', { annotations: { 'agentgateway.dev/mcp-path': '/v1/mcp' }, ports: [{ port: 80, appProtocol: 'agentgateway.dev/mcp' }] })] });
    expect(candidates[0]!.path).toBe('/v1/mcp');
  });

  it('GIVEN a headless Service THEN the probe goes to its cluster DNS name', () => {
    const { candidates } = scan({ Service: [service('headless', { clusterIP: 'None', annotations: { [`${PREFIX}/enabled`]: 'true' } })] });
    expect(candidates[0]!.host).toBe('headless.tools.svc.cluster.local');
  });

  it('GIVEN Services without MCP markers, or enabled "false" THEN they are not candidates and not rejections', () => {
    const result = scan({ Service: [service('web'), service('off', { annotations: { [`${PREFIX}/enabled`]: 'false' } })] });
    expect(result.candidates).toEqual([]);
    expect(result.rejections).toEqual([]);
  });

  it('GIVEN the platform rendered the Service (declared-by) THEN it is counted as declared, not a candidate', () => {
    const result = scan({ Service: [service('mine', { annotations: { [`${PREFIX}/enabled`]: 'true', [`${PREFIX}/type`]: 'standalone', [`${PREFIX}/declared-by`]: 'mcp-platform' } })] });
    expect(result.candidates).toEqual([]);
    expect(result.alreadyDeclared).toBe(1);
    // Still probed for its health, as what it is.
    expect(result.declared).toEqual([expect.objectContaining({ name: 'mine', declared: true, flavour: 'standalone', host: '10.43.0.10' })]);
  });

  it("GIVEN the platform's own gateway Service (appProtocol agentgateway.dev/mcp) THEN it is neither a candidate nor a declared server", () => {
    const gateway = service('mcp-gateway', { namespace: 'mcp-system', ports: [{ name: 'mcp', port: 8080, appProtocol: 'agentgateway.dev/mcp' }] });
    const labelled = { ...gateway, metadata: { ...gateway.metadata, labels: { 'app.kubernetes.io/name': 'mcp-gateway', 'app.kubernetes.io/part-of': 'mcp-platform', 'app.kubernetes.io/component': 'mcp-gateway' } } };
    const result = scan({ Service: [labelled] });
    expect([result.candidates, result.declared, result.rejections]).toEqual([[], [], []]);
    // Somebody else's agentgateway is a server like any other.
    expect(scan({ Service: [gateway] }).candidates.map((c) => c.name)).toEqual(['mcp-gateway']);
  });

  it('GIVEN a custom prefix THEN only that prefix counts', () => {
    const objects = cluster({ Service: [service('a', { annotations: { 'example.org/enabled': 'true' } }), service('b', { annotations: { [`${PREFIX}/enabled`]: 'true' } })] });
    expect(findCandidates(objects, { annotationPrefix: 'example.org' }).candidates.map((c) => c.name)).toEqual(['a']);
  });

  it('GIVEN a port annotation by name THEN that port is used; GIVEN several ports and no hint THEN it is rejected with the fix', () => {
    const ports = [{ name: 'web', port: 80 }, { name: 'mcp', port: 3001 }];
    expect(scan({ Service: [service('named', { ports, annotations: { [`${PREFIX}/enabled`]: 'true', [`${PREFIX}/port`]: 'mcp' } })] }).candidates[0]!.port).toBe(3001);
    expect(scan({ Service: [service('two', { ports, annotations: { [`${PREFIX}/enabled`]: 'true' } })] }).rejections).toEqual([
      { object: 'Service tools/two', field: `${PREFIX}/port`, reason: `the Service has 2 ports and none has an MCP appProtocol: set ${PREFIX}/port to the MCP port` },
    ]);
  });
});

describe('bad annotations are skipped with a reason, never thrown', () => {
  const enabled = (extra: Record<string, string>) => ({ [`${PREFIX}/enabled`]: 'true', ...extra });
  it.each([
    [{ [`${PREFIX}/port`]: '70000' }, `${PREFIX}/port`, '"70000" is not a port (1-65535)'],
    [{ [`${PREFIX}/port`]: '9999' }, `${PREFIX}/port`, '"9999" is not a port of the Service (8080)'],
    [{ [`${PREFIX}/port`]: 'http; rm -rf' }, `${PREFIX}/port`, '"http; rm -rf" is neither a port number nor a port name'],
    [{ [`${PREFIX}/path`]: 'http://evil.example/mcp' }, `${PREFIX}/path`, '"http://evil.example/mcp" is not a plain absolute path such as "/mcp"'],
    [{ [`${PREFIX}/path`]: '/a/../b' }, `${PREFIX}/path`, '"/a/../b" is not a plain absolute path such as "/mcp"'],
    [{ [`${PREFIX}/path`]: '/mcp?x=1' }, `${PREFIX}/path`, '"/mcp?x=1" is not a plain absolute path such as "/mcp"'],
    [{ [`${PREFIX}/path`]: '//host/mcp' }, `${PREFIX}/path`, '"//host/mcp" is not a plain absolute path such as "/mcp"'],
    [{ [`${PREFIX}/transport`]: 'websocket' }, `${PREFIX}/transport`, '"websocket" must be "streamable-http", "sse" or "stdio"'],
    [{ [`${PREFIX}/type`]: 'docker' }, `${PREFIX}/type`, '"docker" must be one of kmcp, toolhive, standalone, external'],
    [{ [`${PREFIX}/capabilities`]: 'tools,shell' }, `${PREFIX}/capabilities`, '"shell" is not an MCP capability (tools, resources, prompts, logging, completions, sampling, elicitation, roots)'],
    [{ [`${PREFIX}/enabled`]: 'yes' }, `${PREFIX}/enabled`, '"yes" must be "true" or "false"'],
    [{ [`${PREFIX}/capabilities`]: '' }, `${PREFIX}/capabilities`, '"" is blank: list capabilities such as "tools,resources", or remove the annotation for the default (tools)'],
    [{ [`${PREFIX}/capabilities`]: ' \t\n' }, `${PREFIX}/capabilities`, '" \\t\\n" is blank: list capabilities such as "tools,resources", or remove the annotation for the default (tools)'],
    [{ [`${PREFIX}/capabilities`]: '\u0000\u0007 ' }, `${PREFIX}/capabilities`, '"\\u0000\\u0007 " is blank: list capabilities such as "tools,resources", or remove the annotation for the default (tools)'],
  ])('GIVEN %j THEN rejected on %s', (annotations, field, reason) => {
    const result = scan({ Service: [service('bad', { annotations: enabled(annotations) }), service('good', { annotations: enabled({}) })] });
    expect(result.rejections).toEqual([{ object: 'Service tools/bad', field, reason }]);
    expect(result.candidates.map((c) => c.name)).toEqual(['good']);
  });

  it('GIVEN a Service name longer than a server name may be THEN it is rejected', () => {
    const name = `a${'b'.repeat(55)}`;
    expect(scan({ Service: [service(name, { annotations: enabled({}) })] }).rejections[0]).toMatchObject({ field: 'metadata.name' });
  });

  it('GIVEN an ExternalName Service THEN it is not probed', () => {
    const result = scan({ Service: [{ ...service('ext', { annotations: enabled({}) }), spec: { type: 'ExternalName', externalName: 'evil.example', ports: [{ port: 80 }] } }] });
    expect(result.candidates).toEqual([]);
    expect(result.rejections).toEqual([{ object: 'Service tools/ext', field: 'spec.type', reason: 'ExternalName Services point outside the cluster and are not probed' }]);
  });

  it('GIVEN a value with a newline and control characters THEN the reason holds it JSON-quoted on one line', () => {
    const result = scan({ Service: [service('bad', { annotations: enabled({ [`${PREFIX}/path`]: '/mcp\n{"level":60,"msg":"forged"}\u2028' }) })] });
    expect(result.rejections[0]!.reason).not.toMatch(/\n/);
    expect(result.rejections[0]!.reason.startsWith('"/mcp\\n')).toBe(true);
  });

  it('GIVEN a Service with no spec at all THEN it is rejected, not thrown', () => {
    const result = scan({ Service: [{ metadata: { name: 'nospec', namespace: 'tools', annotations: enabled({}) } }] });
    expect(result.rejections).toEqual([{ object: 'Service tools/nospec', field: 'spec.ports', reason: 'the Service has no valid port' }]);
  });

  it('GIVEN two namespaces with one server name THEN the first in namespace order wins and the other is a rejection naming it', () => {
    const result = scan({ Service: [service('dup', { namespace: 'zeta', annotations: enabled({}) }), service('dup', { namespace: 'alpha', annotations: enabled({}) })] });
    expect(result.candidates.map((c) => c.namespace)).toEqual(['alpha']);
    expect(result.rejections).toEqual([{ object: 'Service zeta/dup', field: 'metadata.name', reason: 'server name "dup" is already taken by Service alpha/dup' }]);
  });

  it('GIVEN a discovered Service with the name of a declared server THEN the declared one keeps the name', () => {
    const result = scan({
      Service: [service('github', { namespace: 'aaa', annotations: enabled({}) }), service('github', { namespace: 'mcp-system', annotations: enabled({ [`${PREFIX}/declared-by`]: 'mcp-platform' }) })],
    });
    expect(result.declared.map((c) => c.namespace)).toEqual(['mcp-system']);
    expect(result.candidates).toEqual([]);
    expect(result.rejections).toEqual([{ object: 'Service aaa/github', field: 'metadata.name', reason: 'server name "github" is already taken by Service mcp-system/github' }]);
  });
});

describe('candidates from MCPServer resources', () => {
  it('GIVEN a kmcp MCPServer over HTTP THEN its Service and port come from the operator convention', () => {
    const kmcp: KubeObject = { metadata: { name: 'kube', namespace: 'mcp' }, spec: { transportType: 'http', httpTransport: { path: '/api/mcp' }, deployment: { port: 3001 } } };
    const { candidates } = scan({ KmcpMCPServer: [kmcp], Service: [service('kube', { namespace: 'mcp', clusterIP: '10.43.1.1', ports: [{ name: 'http', port: 3001 }] })] });
    expect(candidates).toEqual([
      expect.objectContaining({ name: 'kube', source: 'kmcp', host: '10.43.1.1', port: 3001, path: '/api/mcp', service: { name: 'kube', namespace: 'mcp', port: 3001 } }),
    ]);
  });

  it('GIVEN a ToolHive stdio MCPServer with proxyMode sse THEN it is probed over SSE at the proxy Service', () => {
    const toolhive: KubeObject = { metadata: { name: 'fetch', namespace: 'mcp' }, spec: { transport: 'stdio', proxyMode: 'sse' } };
    const { candidates } = scan({ ToolHiveMCPServer: [toolhive] });
    expect(candidates[0]).toMatchObject({ source: 'toolhive', transport: 'sse', path: '/sse', port: 8080, host: 'mcp-fetch-proxy.mcp.svc.cluster.local' });
  });

  it('GIVEN an MCPServer and its annotated operator Service THEN there is one candidate, from the MCPServer', () => {
    const kmcp: KubeObject = { metadata: { name: 'kube', namespace: 'mcp' }, spec: { transportType: 'stdio', deployment: { port: 3000 } } };
    const svc = service('kube', { namespace: 'mcp', ports: [{ port: 3000, appProtocol: 'agentgateway.dev/mcp' }] });
    const { candidates } = scan({ KmcpMCPServer: [kmcp], Service: [svc] });
    expect(candidates.map((c) => c.object)).toEqual(['MCPServer mcp/kube (kmcp)']);
  });

  it('GIVEN a declared MCPServer THEN neither it nor its operator Service is a candidate', () => {
    const toolhive: KubeObject = { metadata: { name: 'talos', namespace: 'mcp-system', annotations: { [`${PREFIX}/declared-by`]: 'mcp-platform' } }, spec: {} };
    const proxy = service('mcp-talos-proxy', { namespace: 'mcp-system', ports: [{ port: 8080, appProtocol: 'agentgateway.dev/mcp' }] });
    const result = scan({ ToolHiveMCPServer: [toolhive], Service: [proxy] });
    expect(result.candidates).toEqual([]);
    expect(result.alreadyDeclared).toBe(1);
    expect(result.declared.map((c) => [c.name, c.object, c.declared])).toEqual([['talos', 'MCPServer mcp-system/talos (toolhive)', true]]);
  });

  it('GIVEN a malformed MCPServer port THEN it is rejected naming the field', () => {
    const result = scan({ ToolHiveMCPServer: [{ metadata: { name: 'x', namespace: 'mcp' }, spec: { proxyPort: '8080; drop' } }] });
    expect(result.rejections).toEqual([{ object: 'MCPServer mcp/x (toolhive)', field: 'spec.proxyPort', reason: '"8080; drop" is not a port (1-65535)' }]);
  });
});
