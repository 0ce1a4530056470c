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
async function withServer<T>(start: Promise<LocalMcpServer>, body: (server: LocalMcpServer) => Promise<T>): Promise<T> {
  const server = await start;
  try {
    return await body(server);
  } finally {
    await server.stop();
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
    ['application/json', '<html>this is not JSON-RPC</html>'],
    ['application/json', '{"hello":"world"}'],
    ['text/event-stream', 'data: not json\n\n'],
    ['text/html', '<html>a web app that answers every path</html>'],
  ])('a server answering 200 %s %j gives "protocol"', async (contentType, body) => {
    const result = await withServer(startGarbageServer({ contentType, body }), (server) => probe(target(server)));
    expect(result).toMatchObject({ ok: false, result: 'protocol' });
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
