import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_PROBE_LIMITS, probe, sanitizeText, toolFingerprint } from '../../../services/discovery/src/probe/probe.js';
import { probeAll } from '../../../services/discovery/src/probe/probe-pool.js';
import {
  startEverything,
  startGarbageServer,
  startHangingServer,
  startOversizedServer,
  type LocalMcpServer,
} from '../../support/mcp-servers.js';
import { freePort } from '../../support/processes.js';

const target = (server: LocalMcpServer, transport: 'streamable-http' | 'sse' = 'streamable-http', path = server.path) => ({
  host: server.host,
  port: server.port,
  path,
  transport,
});

/** Runs `body` against a server started for it alone, then stops the server. */
async function withServer<T, S extends LocalMcpServer = LocalMcpServer>(start: Promise<S>, body: (server: S) => Promise<T>): Promise<T> {
  const server = await start;
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

/** Runs `body` against a plain HTTP server on a free loopback port, then closes it and its connections. */
async function withHttpServer<T>(handler: RequestListener, body: (port: number) => Promise<T>): Promise<T> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await body((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('probe against the real server-everything', () => {
  let streamable: LocalMcpServer;
  let sse: LocalMcpServer;
  beforeAll(async () => {
    [streamable, sse] = await Promise.all([startEverything('streamableHttp'), startEverything('sse')]);
  });
  afterAll(async () => {
    await Promise.all([streamable?.stop(), sse?.stop()]);
  });

  test('over Streamable HTTP it records server info, protocol version, tools and a stable fingerprint', async () => {
    // GIVEN server-everything over Streamable HTTP
    // WHEN it is probed twice
    const first = await probe(target(streamable));
    const second = await probe(target(streamable));
    // THEN both probes succeed with the same tools and fingerprint
    if (!first.ok || !second.ok) throw new Error(`probe failed: ${JSON.stringify(first)} ${JSON.stringify(second)}`);
    expect(first).toMatchObject({ transport: 'streamable-http', serverInfo: { name: 'mcp-servers/everything' }, protocolVersion: LATEST_PROTOCOL_VERSION });
    expect(first.tools.map((t) => t.name)).toContain('echo');
    expect(second.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(second.fingerprint).toBe(first.fingerprint);
  });

  test('over SSE it records the same server and tools', async () => {
    // GIVEN server-everything over SSE, declared as SSE
    // WHEN it is probed
    const result = await probe(target(sse, 'sse'));
    // THEN the probe succeeds over SSE
    if (!result.ok) throw new Error(`probe failed: ${result.error}`);
    expect(result).toMatchObject({ transport: 'sse', serverInfo: { name: 'mcp-servers/everything' }, protocolVersion: LATEST_PROTOCOL_VERSION });
    expect(result.tools.find((t) => t.name === 'echo')?.description).toBeTruthy();
  });

  test('an SSE endpoint declared as Streamable HTTP is reached by falling back to SSE', async () => {
    // GIVEN the SSE endpoint, declared as Streamable HTTP
    // WHEN it is probed
    const result = await probe(target(sse, 'streamable-http'));
    // THEN Streamable HTTP fails with a 4xx and SSE answers
    expect(result).toMatchObject({ ok: true, transport: 'sse' });
  });

  test('a Streamable HTTP endpoint declared as SSE is reached by falling back to Streamable HTTP, over IPv6 too', async () => {
    // GIVEN the Streamable HTTP endpoint, declared as SSE, at the IPv6 loopback address
    // WHEN it is probed
    const result = await probe({ ...target(streamable, 'sse'), host: '::1' });
    // THEN SSE fails with a 4xx and Streamable HTTP answers
    expect(result).toMatchObject({ ok: true, transport: 'streamable-http' });
  });
});

describe('probe against servers that misbehave', () => {
  test('a server that never answers gives "timeout"', async () => {
    const result = await withServer(startHangingServer(), (server) => probe(target(server), { ...DEFAULT_PROBE_LIMITS, timeoutMs: 300 }));
    expect(result).toMatchObject({ ok: false, result: 'timeout' });
  });

  test.each([
    // Unparsable on the declared transport: not a sign to try the other one.
    ['application/json', '<html>this is not JSON-RPC</html>', 'did not answer with MCP JSON-RPC: Unexpected token \'<\', "<html>this"... is not valid JSON'],
    ['application/json', '{"hello":"world"}', 'did not answer with MCP JSON-RPC: [ { "code": "invalid_union"'],
    ['text/event-stream', 'data: not json\n\n', 'did not answer with MCP JSON-RPC: Unexpected token \'o\', "not json" is not valid JSON'],
    // Another content type is: both are tried, and both answers named.
    ['text/html', '<html>a web app that answers every path</html>', 'speaks neither MCP transport (Streamable HTTP: Streamable HTTP error: Unexpected content type: text/html; SSE: SSE error: Invalid content type, expected "text/event-stream")'],
  ])('a server answering 200 %s %j gives "protocol", saying why', async (contentType, body, why) => {
    const { result, url } = await withServer(startGarbageServer({ contentType, body }), async (server) => ({ result: await probe(target(server)), url: urlOf(server) }));
    expect(result).toMatchObject({ ok: false, result: 'protocol' });
    const expected = `${url} ${why}`;
    expect(result.ok ? undefined : result.error.slice(0, expected.length)).toBe(expected);
  });

  test('a port nothing listens on gives "refused"', async () => {
    const port = await freePort();
    const result = await probe({ host: '127.0.0.1', port, path: '/mcp', transport: 'streamable-http' });
    expect(result).toEqual({ ok: false, result: 'refused', error: `connection to 127.0.0.1:${port} refused`, latencyMs: expect.any(Number) });
  });

  test('the probe sends no credentials', async () => {
    const server = await startGarbageServer();
    try {
      await probe(target(server));
      expect(server.requests.length).toBeGreaterThan(0);
      expect(server.requests.filter((headers) => headers.authorization !== undefined || headers.cookie !== undefined)).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

describe('probe limits', () => {
  test('more tools than limits.maxTools gives "too-large"', async () => {
    const result = await withServer(startOversizedServer({ tools: 5000 }), (server) => probe(target(server)));
    expect(result).toMatchObject({ ok: false, result: 'too-large', error: expect.stringContaining('lists more than 500 tools (limits.maxTools)') });
  });

  test('a tool list over limits.maxResponseBytes gives "too-large"', async () => {
    const result = await withServer(startOversizedServer({ tools: 1, descriptionChars: 5 * 1024 * 1024 }), (server) => probe(target(server)));
    expect(result).toMatchObject({ ok: false, result: 'too-large', error: expect.stringContaining('sent more than 1048576 bytes (limits.maxResponseBytes)') });
  });

  test('tools/list pages are followed, and counted against limits.maxTools together', async () => {
    await withServer(startOversizedServer({ tools: 600, pageSize: 100 }), async (server) => {
      // GIVEN 600 tools in pages of 100
      // WHEN probed with room for 600, then for 550
      const fits = await probe(target(server), { ...DEFAULT_PROBE_LIMITS, maxTools: 600 });
      const over = await probe(target(server), { ...DEFAULT_PROBE_LIMITS, maxTools: 550 });
      // THEN every page is read, and the sixth page is one too many
      expect(fits.ok && fits.tools.length).toBe(600);
      expect(over).toMatchObject({ ok: false, result: 'too-large' });
    });
  });

  test('descriptions are capped at limits.maxDescriptionChars', async () => {
    const result = await withServer(startOversizedServer({ tools: 2, descriptionChars: 1000 }), (server) => probe(target(server)));
    expect(result.ok && result.tools.map((t) => t.description)).toEqual([`${'x'.repeat(499)}…`, `${'x'.repeat(499)}…`]);
  });
});

describe('sanitizeText', () => {
  test('control characters, line separators and bidi overrides become single spaces', () => {
    expect(sanitizeText('a\u0000b\u001bc\u0085d\u2028e\u2029f\u202eg\u2066h\u200bi\n\t j\udb40\udc41k', 100)).toBe('a b c d e f g h i j k');
  });

  test('a long text keeps maxChars characters, the last one an ellipsis, without splitting a surrogate pair', () => {
    expect(sanitizeText('ab😀cdef', 4)).toBe('ab😀…');
    expect(sanitizeText('abcd', 4)).toBe('abcd');
  });
});

describe('toolFingerprint', () => {
  test('depends on content, not on key or tool order', () => {
    const a = { name: 'a', description: 'A', inputSchema: { type: 'object' as const, properties: { x: { type: 'string' }, y: { type: 'number' } } } };
    const b = { name: 'b', inputSchema: { type: 'object' as const } };
    const reordered = { inputSchema: { properties: { y: { type: 'number' }, x: { type: 'string' } }, type: 'object' as const }, description: 'A', name: 'a' };
    expect(toolFingerprint([b, reordered])).toBe(toolFingerprint([a, b]));
    expect(toolFingerprint([a, { ...b, description: 'changed' }])).not.toBe(toolFingerprint([a, b]));
  });
});

describe('probeAll', () => {
  /** A run that counts how many run at once, takes a few milliseconds and fails for the items in `failing`. */
  function countingRun(failing: readonly number[] = []) {
    const counts = { running: 0, most: 0, ran: [] as number[] };
    const run = async (item: number) => {
      counts.running += 1;
      counts.most = Math.max(counts.most, counts.running);
      await new Promise((resolve) => setTimeout(resolve, (item * 7) % 5));
      counts.running -= 1;
      counts.ran.push(item);
      if (failing.includes(item)) throw new Error(`item ${item} failed`);
      return item * 10;
    };
    return { counts, run };
  }
  const items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

  test('runs at most `concurrency` at once and keeps the items order', async () => {
    // GIVEN 10 items whose runs take different times
    const { counts, run } = countingRun();
    // WHEN they run three at a time
    const results = await probeAll(items, 3, run);
    // THEN no more than three ran together and results are in the items' order
    expect(counts.most).toBe(3);
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  test('a failing run stops no other; the failures are reported once all have run', async () => {
    const { counts, run } = countingRun([3, 5]);
    await expect(probeAll(items, 3, run)).rejects.toThrow('2 of 10 runs failed; the first: item 3 failed');
    expect([...counts.ran].sort()).toEqual(items);
  });

  test('a concurrency below 1 is refused', async () => {
    await expect(probeAll([1], 0, async (x) => x)).rejects.toThrow('concurrency must be a whole number of at least 1, got 0');
  });
});

/** One answer of the fake server: a status, a content type, and the body in the chunks it is written in. */
interface Answer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Written one `write` each, with no content-length: a chunked body. */
  readonly chunks?: readonly string[];
  /** Written with its content-length. */
  readonly body?: string;
  /** A content-length to declare before writing `chunks`, then the response stalls. */
  readonly declaredLength?: number;
  /** Destroys the connection instead of answering. */
  readonly hangUp?: boolean;
}

interface FakeServer extends LocalMcpServer {
  /** "GET", "DELETE", or the JSON-RPC method of each POST, in order. */
  readonly seen: string[];
  /** The cursor of each tools/list request (undefined for none). */
  readonly cursors: (string | undefined)[];
  /** Body bytes written so far. */
  sent(): number;
}

const rpc = (id: unknown, result: unknown) => JSON.stringify({ jsonrpc: '2.0', id, result });
const sseEvent = (data: string) => `event: message\ndata: ${data}\n\n`;
const INITIALIZE_RESULT = { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: { tools: {} }, serverInfo: { name: 'fake', version: '1.0.0' } };
const ONE_TOOL = { tools: [{ name: 'only', description: 'The only tool', inputSchema: { type: 'object' } }] };

/**
 * A Streamable HTTP server written out by hand, so each test says exactly what goes over the wire:
 * `answer` returns the response to a JSON-RPC request, or undefined for a valid one (initialize, one tool).
 * GET (the optional SSE stream) and DELETE get 405; notifications get 202.
 */
async function startFakeServer(
  answer: (method: string, id: unknown, params: { cursor?: string } | undefined) => Answer | undefined = () => undefined,
  options: { readonly notificationStatus?: number } = {},
): Promise<FakeServer> {
  const seen: string[] = [];
  const cursors: (string | undefined)[] = [];
  let sent = 0;
  const write = (response: import('node:http').ServerResponse, chunk: string) => {
    sent += Buffer.byteLength(chunk);
    response.write(chunk);
  };
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (data: Buffer) => (raw += data));
    request.on('end', () => {
      if (request.method !== 'POST') {
        seen.push(request.method!);
        response.writeHead(405).end();
        return;
      }
      const message = JSON.parse(raw) as { method: string; id?: unknown; params?: { cursor?: string } };
      seen.push(message.method);
      if (message.method === 'tools/list') cursors.push(message.params?.cursor);
      if (message.id === undefined) {
        response.writeHead(options.notificationStatus ?? 202).end();
        return;
      }
      const given = answer(message.method, message.id, message.params);
      if (given?.hangUp) {
        request.socket.destroy();
        return;
      }
      const fallback = message.method === 'initialize' ? rpc(message.id, INITIALIZE_RESULT) : rpc(message.id, ONE_TOOL);
      const status = given?.status ?? 200;
      if (given?.chunks) {
        response.writeHead(status, { 'content-type': 'application/json', ...given.headers, ...(given.declaredLength !== undefined ? { 'content-length': String(given.declaredLength) } : {}) });
        for (const chunk of given.chunks) write(response, chunk);
        if (given.declaredLength === undefined) response.end();
        return;
      }
      const body = given?.body ?? fallback;
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...given?.headers });
      write(response, body);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    path: '/mcp',
    seen,
    cursors,
    sent: () => sent,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const urlOf = (server: LocalMcpServer) => `http://127.0.0.1:${server.port}/mcp`;

describe('probe against a server written out by hand', () => {
  test('a valid server gives its tools, server info and negotiated protocol version, then the session is ended', async () => {
    await withServer(
      startFakeServer((method, id) =>
        method === 'initialize'
          ? { body: rpc(id, { ...INITIALIZE_RESULT, protocolVersion: '2025-03-26', serverInfo: { name: `fa\u0000ke\u202e ${'n'.repeat(200)}`, version: ' 1.\n2 ' } }), headers: { 'mcp-session-id': 'session-1' } }
          : undefined,
      ),
      async (server) => {
        const before = performance.now();
        const result = await probe(target(server));
        const elapsed = performance.now() - before;
        expect(result).toEqual({
          ok: true,
          transport: 'streamable-http',
          serverInfo: { name: `fa ke ${'n'.repeat(121)}…`, version: '1. 2' },
          protocolVersion: '2025-03-26',
          tools: [{ name: 'only', description: 'The only tool' }],
          fingerprint: toolFingerprint(ONE_TOOL.tools),
          latencyMs: expect.any(Number),
        });
        expect(result.latencyMs).toBeGreaterThanOrEqual(0);
        expect(result.latencyMs).toBeLessThanOrEqual(Math.ceil(elapsed));
        expect(server.seen).toContain('DELETE');
        expect(server.seen.filter((m) => m !== 'GET')).toEqual(['initialize', 'notifications/initialized', 'tools/list', 'DELETE']);
      },
    );
  });

  test('tools are recorded once each, under valid names only, sorted by name; the fingerprint covers them as sent', async () => {
    const tools = [
      { name: 'b', description: 'first b', inputSchema: { type: 'object' } },
      { name: 'a', inputSchema: { type: 'object' } },
      { name: 'b', description: 'second b', inputSchema: { type: 'object' } },
      { name: 'with space', inputSchema: { type: 'object' } },
      { name: 'x'.repeat(129), inputSchema: { type: 'object' } },
      { name: 'A.z-9_', description: 'line\nbreak', inputSchema: { type: 'object' } },
    ];
    await withServer(
      startFakeServer((method, id) => (method === 'tools/list' ? { body: rpc(id, { tools }) } : undefined)),
      async (server) => {
        const result = await probe(target(server), { ...DEFAULT_PROBE_LIMITS, maxDescriptionChars: 5 });
        expect(result).toMatchObject({
          ok: true,
          tools: [
            { name: 'A.z-9_', description: 'line…' },
            { name: 'a', description: '' },
            { name: 'b', description: 'firs…' },
          ],
          fingerprint: toolFingerprint(tools),
        });
      },
    );
  });

  test('a server without the tools capability is not asked for tools', async () => {
    await withServer(
      startFakeServer((method, id) => (method === 'initialize' ? { body: rpc(id, { ...INITIALIZE_RESULT, capabilities: {} }) } : undefined)),
      async (server) => {
        const result = await probe(target(server));
        expect(result).toMatchObject({ ok: true, tools: [], fingerprint: toolFingerprint([]) });
        expect(server.seen).not.toContain('tools/list');
      },
    );
  });

  test('a session that cannot be ended changes nothing', async () => {
    const server = createServer((request, response) => {
      let raw = '';
      request.on('data', (d: Buffer) => (raw += d));
      request.on('end', () => {
        if (request.method === 'DELETE') return void response.writeHead(500).end('no');
        if (request.method === 'GET') return void response.writeHead(405).end();
        const message = JSON.parse(raw) as { method: string; id?: unknown };
        if (message.id === undefined) return void response.writeHead(202).end();
        response.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's' });
        response.end(message.method === 'initialize' ? rpc(message.id, INITIALIZE_RESULT) : rpc(message.id, ONE_TOOL));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const result = await probe({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/mcp', transport: 'streamable-http' });
      expect(result).toMatchObject({ ok: true, tools: [{ name: 'only' }] });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('probe answers that are not the transport', () => {
  test('a notification answered 204 with no body is accepted', async () => {
    await withServer(startFakeServer(undefined, { notificationStatus: 204 }), async (server) => {
      expect(await probe(target(server))).toMatchObject({ ok: true, tools: [{ name: 'only' }] });
    });
  });

  test('an answer that is no JSON gives "protocol" naming the parse error', async () => {
    await withServer(
      startFakeServer((method) => (method === 'initialize' ? { body: 'not json' } : undefined)),
      async (server) => {
        expect(await probe(target(server))).toMatchObject({ ok: false, result: 'protocol', error: expect.stringMatching(new RegExp(`^${urlOf(server).replace(/[.]/g, '\\.')} did not answer with MCP JSON-RPC: .*JSON`)) });
      },
    );
  });

  test('a redirect to another origin is not the wrong transport: no fallback', async () => {
    await withServer(
      startFakeServer(() => ({ status: 307, body: '', headers: { location: 'http://192.0.2.1/mcp' } })),
      async (server) => {
        const result = await probe(target(server));
        expect(result).toMatchObject({ ok: false, result: 'error' });
        expect(server.seen).toEqual(['initialize']);
      },
    );
  });

  test.each([401, 403])('HTTP %i gives "unauthorized", with no fallback to the other transport', async (status) => {
    await withServer(
      startFakeServer(() => ({ status, body: 'sign in first' })),
      async (server) => {
        const result = await probe(target(server));
        expect(result).toEqual({ ok: false, result: 'unauthorized', error: `${urlOf(server)} answered HTTP ${status}: it needs credentials and the probe sends none`, latencyMs: expect.any(Number) });
        expect(server.seen).toEqual(['initialize']);
      },
    );
  });

  test('HTTP 401 for tools/list alone gives "unauthorized"', async () => {
    await withServer(
      startFakeServer((method) => (method === 'tools/list' ? { status: 401, body: '' } : undefined)),
      async (server) => {
        expect(await probe(target(server))).toMatchObject({ ok: false, result: 'unauthorized', error: `${urlOf(server)} answered HTTP 401: it needs credentials and the probe sends none` });
      },
    );
  });

  test('HTTP 401 to the SSE stream gives "unauthorized" too', async () => {
    await withHttpServer(
      (_, response) => void response.writeHead(401).end(),
      async (port) => {
        expect(await probe({ host: '127.0.0.1', port, path: '/sse', transport: 'sse' })).toMatchObject({
          ok: false,
          result: 'unauthorized',
          error: `http://127.0.0.1:${port}/sse answered HTTP 401: it needs credentials and the probe sends none`,
        });
      },
    );
  });

  test.each([400, 404, 499])('HTTP %i to both transports gives "protocol", naming both answers', async (status) => {
    await withServer(
      startFakeServer(() => ({ status, body: 'nothing here' })),
      async (server) => {
        const result = await probe(target(server));
        // The SSE attempt is a GET, which the fake answers 405
        expect(result).toMatchObject({
          ok: false,
          result: 'protocol',
          error: `${urlOf(server)} speaks neither MCP transport (Streamable HTTP: Streamable HTTP error: Error POSTing to endpoint: nothing here; SSE: SSE error: Non-200 status code (405))`,
        });
        expect(server.seen).toEqual(['initialize', 'GET']);
      },
    );
  });

  test('declared SSE, both refused: the reasons are named in the order tried', async () => {
    await withServer(
      startFakeServer(() => ({ status: 404, body: 'nothing here' })),
      async (server) => {
        const result = await probe(target(server, 'sse'));
        expect(result).toMatchObject({
          ok: false,
          result: 'protocol',
          error: `${urlOf(server)} speaks neither MCP transport (SSE: SSE error: Non-200 status code (405); Streamable HTTP: Streamable HTTP error: Error POSTing to endpoint: nothing here)`,
        });
        expect(server.seen).toEqual(['GET', 'initialize']);
      },
    );
  });

  test('HTTP 500 gives "error" and no fallback', async () => {
    await withServer(
      startFakeServer(() => ({ status: 500, body: 'broken' })),
      async (server) => {
        expect(await probe(target(server))).toMatchObject({ ok: false, result: 'error', error: `${urlOf(server)}: Streamable HTTP error: Error POSTing to endpoint: broken` });
        expect(server.seen).toEqual(['initialize']);
      },
    );
  });

  test('a connection hung up on gives "error" with its network code', async () => {
    await withServer(
      startFakeServer(() => ({ hangUp: true })),
      async (server) => {
        expect(await probe(target(server))).toMatchObject({ ok: false, result: 'error', error: `${urlOf(server)}: fetch failed (UND_ERR_SOCKET)` });
        expect(server.seen).toEqual(['initialize']);
      },
    );
  });

  test('a JSON answer of another content type is the wrong transport, and SSE is tried', async () => {
    await withServer(
      startFakeServer((method, id) => (method === 'initialize' ? { body: rpc(id, INITIALIZE_RESULT), headers: { 'content-type': 'text/plain' } } : undefined)),
      async (server) => {
        expect(await probe(target(server))).toMatchObject({
          ok: false,
          result: 'protocol',
          error: `${urlOf(server)} speaks neither MCP transport (Streamable HTTP: Streamable HTTP error: Unexpected content type: text/plain; SSE: SSE error: Non-200 status code (405))`,
        });
      },
    );
  });
});

describe('probe targets that make no URL', () => {
  test.each([
    [{ path: 'mcp' }, 'target.path "mcp" must be an absolute path such as "/mcp"'],
    [{ host: 'a b' }, 'target.host "a b" and target.port 8080 make no URL: use a DNS name or IP address and a port from 1 to 65535'],
    [{ port: 70000 }, 'target.host "127.0.0.1" and target.port 70000 make no URL: use a DNS name or IP address and a port from 1 to 65535'],
  ])('%j is refused before any request', async (change, error) => {
    expect(await probe({ host: '127.0.0.1', port: 8080, path: '/mcp', transport: 'streamable-http', ...change })).toEqual({ ok: false, result: 'error', error, latencyMs: expect.any(Number) });
  });

  test('a refused connection to a name with several addresses gives "refused"', async () => {
    const port = await freePort();
    expect(await probe({ host: 'localhost', port, path: '/mcp', transport: 'streamable-http' })).toMatchObject({ ok: false, result: 'refused', error: `connection to localhost:${port} refused` });
  });
});

describe('probe deadline and pages', () => {
  test('the whole-probe deadline ends a probe whose SSE stream never opens', async () => {
    // The SDK sets no timeout on opening an SSE stream: only the probe's own deadline ends this one
    await withServer(startHangingServer(), async (server) => {
      const result = await probe(target(server, 'sse'), { ...DEFAULT_PROBE_LIMITS, timeoutMs: 200 });
      expect(result).toMatchObject({ ok: false, result: 'timeout', error: `${urlOf(server)} gave no tool list within 200 ms (limits.timeoutMs)` });
    });
  });

  test('a request that is never answered ends at the deadline', async () => {
    await withServer(startHangingServer(), async (server) => {
      const result = await probe(target(server), { ...DEFAULT_PROBE_LIMITS, timeoutMs: 200 });
      expect(result).toMatchObject({ ok: false, result: 'timeout', error: `${urlOf(server)} gave no tool list within 200 ms (limits.timeoutMs)` });
    });
  });

  test('a repeated tools/list cursor gives "protocol" instead of a loop', async () => {
    const next: Record<string, string> = { '': 'a', a: 'b', b: 'a' };
    await withServer(
      startFakeServer((method, id, params) => (method === 'tools/list' ? { body: rpc(id, { ...ONE_TOOL, nextCursor: next[params?.cursor ?? ''] }) } : undefined)),
      async (server) => {
        const result = await probe(target(server));
        expect(result).toMatchObject({ ok: false, result: 'protocol', error: `${urlOf(server)} repeated tools/list cursor "a"` });
        expect(server.cursors).toEqual([undefined, 'a', 'b']);
      },
    );
  });

  test('the same cursor twice in a row gives "protocol"', async () => {
    await withServer(
      startFakeServer((method, id) => (method === 'tools/list' ? { body: rpc(id, { ...ONE_TOOL, nextCursor: 'again' }) } : undefined)),
      async (server) => {
        expect(await probe(target(server))).toMatchObject({ ok: false, result: 'protocol', error: `${urlOf(server)} repeated tools/list cursor "again"` });
        expect(server.cursors).toEqual([undefined, 'again']);
      },
    );
  });

  test('exactly limits.maxTools tools fit; one more is "too-large"', async () => {
    await withServer(startFakeServer(), async (server) => {
      expect(await probe(target(server), { ...DEFAULT_PROBE_LIMITS, maxTools: 1 })).toMatchObject({ ok: true });
      expect(await probe(target(server), { ...DEFAULT_PROBE_LIMITS, maxTools: 0 })).toMatchObject({ ok: false, result: 'too-large', error: `${urlOf(server)} lists more than 0 tools (limits.maxTools)` });
    });
  });
});

describe('probe byte limit over streamed bodies', () => {
  const big = { tools: [{ name: 'big', description: 'y'.repeat(3000), inputSchema: { type: 'object' } }] };

  /** Probes once with room to spare to learn how many body bytes a probe reads, then at exactly that and one less. */
  async function atTheLimit(answer: Parameters<typeof startFakeServer>[0]) {
    return withServer(startFakeServer(answer), async (server) => {
      const roomy = await probe(target(server));
      expect(roomy).toMatchObject({ ok: true });
      const total = server.sent();
      const exact = await probe(target(server), { ...DEFAULT_PROBE_LIMITS, maxResponseBytes: total });
      const under = await probe(target(server), { ...DEFAULT_PROBE_LIMITS, maxResponseBytes: total - 1 });
      return { total, exact, under, url: urlOf(server) };
    });
  }

  test.each([
    ['with content-length', (id: unknown) => ({ body: rpc(id, big) })],
    ['chunked', (id: unknown) => { const text = rpc(id, big); return { chunks: [text.slice(0, 1000), text.slice(1000, 2000), text.slice(2000)] }; }],
    ['as an event stream', (id: unknown) => { const text = sseEvent(rpc(id, big)); return { chunks: [text.slice(0, 1000), text.slice(1000)], headers: { 'content-type': 'text/event-stream' } }; }],
  ])('a tools/list body %s: the bytes of all responses together count, up to exactly limits.maxResponseBytes', async (_, answer) => {
    const { total, exact, under, url } = await atTheLimit((method, id) => (method === 'tools/list' ? answer(id) : undefined));
    expect(total).toBeGreaterThan(3000);
    expect(exact).toMatchObject({ ok: true, tools: [{ name: 'big' }] });
    expect(under).toMatchObject({ ok: false, result: 'too-large', error: `${url} sent more than ${total - 1} bytes (limits.maxResponseBytes)` });
  });

  test('a declared content-length over what is left of the limit is refused before the body arrives', async () => {
    // GIVEN a tools/list answer that declares 3000 bytes, sends a few and then stalls
    await withServer(
      startFakeServer((method) => (method === 'tools/list' ? { declaredLength: 3000, chunks: ['{"jsonrpc"'] } : undefined)),
      async (server) => {
        const initialize = Buffer.byteLength(rpc(1, INITIALIZE_RESULT));
        // WHEN the limit leaves room for the 3000 bytes alone, not for them after the initialize answer
        const result = await probe(target(server), { ...DEFAULT_PROBE_LIMITS, timeoutMs: 5000, maxResponseBytes: 3000 + initialize - 1 });
        // THEN the header alone ends the probe, without waiting for the stalled body
        expect(result).toMatchObject({ ok: false, result: 'too-large', error: `${urlOf(server)} sent more than ${3000 + initialize - 1} bytes (limits.maxResponseBytes)` });
      },
    );
  });
});

describe('toolFingerprint as text', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  test('is the sha256 of the tools as canonical JSON: sorted keys, undefined left out, sorted entries', () => {
    const tools = [
      { name: 'b', inputSchema: { type: 'object', z: [1, undefined, 'x', { d: true, c: null }], a: undefined } },
      { name: 'a', description: 'A' },
    ];
    expect(toolFingerprint(tools)).toBe(
      sha256('[{"description":"","inputSchema":{"type":"object","z":[1,null,"x",{"c":null,"d":true}]},"name":"b"},{"description":"A","name":"a"}]'),
    );
    expect(toolFingerprint([])).toBe(sha256('[]'));
  });
});

describe('sanitizeText at its edges', () => {
  test('whitespace runs collapse and the ends are trimmed', () => {
    expect(sanitizeText('  a \n\n b\t ', 10)).toBe('a b');
  });
  test('a cap of 0 or 1 leaves the ellipsis alone', () => {
    expect(sanitizeText('ab', 1)).toBe('…');
    expect(sanitizeText('ab', 0)).toBe('…');
    expect(sanitizeText('', 0)).toBe('');
  });
});

/**
 * An MCP server over the HTTP+SSE transport (protocol 2024-11-05) written out by hand: GET `/sse` opens the
 * stream and names the endpoint, each POST to it is answered 202 and its response sent on the stream. Anything
 * else gets 405. `flood` bytes of SSE comment are written on the stream right after the endpoint event.
 */
async function startSseServer(options: { readonly flood?: number; readonly tools?: readonly unknown[] } = {}) {
  const seen: string[] = [];
  let streamClosed!: () => void;
  const closed = new Promise<'closed'>((resolve) => (streamClosed = () => resolve('closed')));
  let stream: import('node:http').ServerResponse | undefined;
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    if (request.method === 'GET' && request.url === '/sse') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write('event: endpoint\ndata: /messages?session=1\n\n');
      if (options.flood) response.write(`: ${'x'.repeat(options.flood)}\n\n`);
      stream = response;
      request.on('close', () => streamClosed());
      return;
    }
    if (request.method === 'POST' && request.url?.startsWith('/messages')) {
      let raw = '';
      request.on('data', (d: Buffer) => (raw += d));
      request.on('end', () => {
        response.writeHead(202).end();
        const message = JSON.parse(raw) as { method: string; id?: unknown };
        if (message.id === undefined) return;
        const result = message.method === 'initialize' ? { ...INITIALIZE_RESULT, protocolVersion: '2024-11-05' } : { tools: options.tools ?? ONE_TOOL.tools };
        stream?.write(sseEvent(rpc(message.id, result)));
      });
      return;
    }
    response.writeHead(405).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: { host: '127.0.0.1', port, path: '/sse', transport: 'sse' as const },
    seen,
    /** Resolves when the client has closed the event stream. */
    closed,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `promise`, or "still open" when it has not settled after `ms`: for what must happen, not how fast. */
const within = <T,>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ms).unref())]);

describe('probe over the SSE transport, against a server written out by hand', () => {
  test('an SSE server declared as SSE is spoken to over SSE only: the stream, then POSTs to the endpoint it names', async () => {
    const server = await startSseServer();
    try {
      const result = await probe(server.target);
      expect(result).toMatchObject({ ok: true, transport: 'sse', protocolVersion: '2024-11-05', tools: [{ name: 'only', description: 'The only tool' }] });
      expect(server.seen).toEqual(['GET /sse', 'POST /messages?session=1', 'POST /messages?session=1', 'POST /messages?session=1']);
      // The client closes its stream when the probe is done: no connection is left open per probe.
      expect(await within(server.closed, 60_000)).toBe('closed');
    } finally {
      await server.stop();
    }
  });

  test('bytes on the event stream count against maxResponseBytes, as the HTTP bodies do', async () => {
    const server = await startSseServer({ flood: 20_000 });
    try {
      const result = await probe(server.target, { ...DEFAULT_PROBE_LIMITS, maxResponseBytes: 10_000, timeoutMs: 20_000 });
      expect(result).toMatchObject({ ok: false, result: 'too-large', error: `http://127.0.0.1:${server.target.port}/sse sent more than 10000 bytes (limits.maxResponseBytes)` });
    } finally {
      await server.stop();
    }
  });

  test('declared Streamable HTTP, a 404 to the POST then 401 to the SSE stream gives "unauthorized", not "speaks neither"', async () => {
    await withHttpServer(
      (request, response) => void response.writeHead(request.method === 'POST' ? 404 : 401).end(),
      async (port) => {
        expect(await probe({ host: '127.0.0.1', port, path: '/mcp', transport: 'streamable-http' })).toMatchObject({
          ok: false,
          result: 'unauthorized',
          error: `http://127.0.0.1:${port}/mcp answered HTTP 401: it needs credentials and the probe sends none`,
        });
      },
    );
  });

  test('declared SSE, a stream of another content type is the wrong transport, and Streamable HTTP is tried', async () => {
    await withServer(
      startFakeServer(),
      async (fake) => {
        // The fake answers GET with 405; wrap it so GET gets a 200 text/html page instead.
        const front = createServer((request, response) => {
          if (request.method === 'GET') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
          request.pipe(
            httpRequest({ host: fake.host, port: fake.port, path: request.url, method: request.method, headers: request.headers }, (answer) => {
              response.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(response);
            }),
          );
        });
        await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
        const port = (front.address() as AddressInfo).port;
        try {
          expect(await probe({ host: '127.0.0.1', port, path: '/mcp', transport: 'sse' })).toMatchObject({ ok: true, transport: 'streamable-http', tools: [{ name: 'only' }] });
        } finally {
          front.closeAllConnections();
          await new Promise((resolve) => front.close(resolve));
        }
      },
    );
  });
});

describe('probe requests, as the server sees them', () => {
  test('initialize names the client as mcp-platform-discovery 1.0.0', async () => {
    let clientInfo: unknown;
    await withServer(
      startFakeServer((method, _id, params) => {
        if (method === 'initialize') clientInfo = (params as { clientInfo?: unknown } | undefined)?.clientInfo;
        return undefined;
      }),
      async (server) => {
        expect(await probe(target(server))).toMatchObject({ ok: true });
        expect(clientInfo).toEqual({ name: 'mcp-platform-discovery', version: '1.0.0' });
      },
    );
  });

  test('tools are recorded sorted by name whatever order the server lists them in', async () => {
    const tools = ['delta', 'alpha', 'echo', 'charlie', 'bravo'].map((name) => ({ name, inputSchema: { type: 'object' } }));
    await withServer(
      startFakeServer((method, id) => (method === 'tools/list' ? { body: rpc(id, { tools }) } : undefined)),
      async (server) => {
        const result = await probe(target(server));
        expect(result.ok && result.tools.map((t) => t.name)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
      },
    );
  });

  test('a request still open at the deadline is aborted: the server sees its connection closed', async () => {
    let requestClosed!: () => void;
    const closed = new Promise<'closed'>((resolve) => (requestClosed = () => resolve('closed')));
    // Answers nothing, ever; notes when the client drops the request.
    await withHttpServer(
      (request) => request.on('close', () => requestClosed()),
      async (port) => {
        expect(await probe({ host: '127.0.0.1', port, path: '/mcp', transport: 'streamable-http' }, { ...DEFAULT_PROBE_LIMITS, timeoutMs: 300 })).toMatchObject({ ok: false, result: 'timeout' });
        expect(await within(closed, 60_000)).toBe('closed');
      },
    );
  });
});

describe('probe errors the server sends as JSON-RPC', () => {
  test('a JSON-RPC error whose code looks like an HTTP status is not taken for one: 401 is an error, not "unauthorized"', async () => {
    await withServer(
      startFakeServer((method, id) => (method === 'initialize' ? { body: JSON.stringify({ jsonrpc: '2.0', id, error: { code: 401, message: 'no such thing' } }) } : undefined)),
      async (server) => {
        const result = await probe(target(server));
        expect(result).toMatchObject({ ok: false, result: 'error', error: `${urlOf(server)}: MCP error 401: no such thing` });
        // Not the fallback's wrong-transport signal either: SSE is never tried.
        expect(server.seen).toEqual(['initialize']);
      },
    );
  });
});
