/**
 * MCP servers for tests and benchmarks on 127.0.0.1: the real `@modelcontextprotocol/server-everything`
 * as a child process, and small node:http servers that misbehave the ways a probe must survive.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { freePort } from './processes.js';

export interface LocalMcpServer {
  readonly host: string;
  readonly port: number;
  /** The MCP endpoint: "/mcp" for Streamable HTTP, "/sse" for SSE. */
  readonly path: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const EVERYTHING = new URL('../../node_modules/.bin/mcp-server-everything', import.meta.url).pathname;

/** The paths server-everything serves (its dist/transports/*.js). */
const EVERYTHING_PATHS = { streamableHttp: '/mcp', sse: '/sse' } as const;

/** Starts server-everything over `transport` on a free port and resolves once it listens. */
export async function startEverything(transport: 'streamableHttp' | 'sse', timeoutMs = 30_000): Promise<LocalMcpServer> {
  const port = await freePort();
  const child = spawn(EVERYTHING, [transport], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`mcp-server-everything ${transport} did not listen on port ${port} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      void stop().then(() => reject(error));
    };
    const read = (data: Buffer) => {
      output += data;
      // Both transports log "... on port <PORT>" from app.listen's callback.
      if (output.includes(`on port ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`mcp-server-everything ${transport} exited with ${code} before listening:\n${output}`)));
  });
  return { host: HOST, port, path: EVERYTHING_PATHS[transport], stop };
}

async function listen(server: HttpServer, path: string): Promise<LocalMcpServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    host: HOST,
    port,
    path,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HangingServer extends LocalMcpServer {
  /** Requests it has received (and not answered) so far. */
  received(): number;
}

/** Accepts every request and never answers. */
export async function startHangingServer(): Promise<HangingServer> {
  let received = 0;
  const server = await listen(
    createServer(() => void (received += 1)),
    '/mcp',
  );
  return { ...server, received: () => received };
}

export interface GarbageServer extends LocalMcpServer {
  /** The headers of every request it received, to check what a client sent. */
  readonly requests: readonly IncomingHttpHeaders[];
}

/** Answers every request 200 with `body` as `contentType`: by default a JSON content type over text that is no JSON at all. */
export async function startGarbageServer(options: { readonly contentType?: string; readonly body?: string } = {}): Promise<GarbageServer> {
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    requests.push(request.headers);
    request.resume();
    response.writeHead(200, { 'content-type': options.contentType ?? 'application/json' });
    response.end(options.body ?? '<html>this is not JSON-RPC</html>');
  });
  return { ...(await listen(server, '/mcp')), requests };
}

export interface OversizedServerOptions {
  /** @default 5000 */
  readonly tools?: number;
  /** Length of each tool's description. @default 10 */
  readonly descriptionChars?: number;
  /** Tools per tools/list page; the rest follow by `nextCursor`. @default all in one page */
  readonly pageSize?: number;
}

/**
 * A valid MCP server (the SDK's `Server` behind a stateless `StreamableHTTPServerTransport`) whose
 * tools/list is as large as asked: many tools, long descriptions, several pages.
 */
export async function startOversizedServer(options: OversizedServerOptions = {}): Promise<LocalMcpServer> {
  const count = options.tools ?? 5000;
  const tools: Tool[] = Array.from({ length: count }, (_, i) => ({
    name: `tool_${String(i).padStart(5, '0')}`,
    description: 'x'.repeat(options.descriptionChars ?? 10),
    inputSchema: { type: 'object' },
  }));
  const pageSize = options.pageSize ?? count;
  const server = createServer((request, response) => {
    const mcp = new Server({ name: 'oversized', version: '1.0.0' }, { capabilities: { tools: {} } });
    mcp.setRequestHandler(ListToolsRequestSchema, (listRequest) => {
      const offset = Number(listRequest.params?.cursor ?? 0);
      const next = offset + pageSize;
      return { tools: tools.slice(offset, next), ...(next < count ? { nextCursor: String(next) } : {}) };
    });
    // Stateless: each request gets its own server and transport, as the SDK documents for that mode.
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    response.on('close', () => void transport.close().then(() => mcp.close()));
    void mcp.connect(transport).then(() => transport.handleRequest(request, response));
  });
  return listen(server, '/mcp');
}
