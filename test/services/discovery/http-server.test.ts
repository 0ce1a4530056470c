/**
 * `serve` as a process: `startServer` on a real port, and graceful shutdown while a pass probes an MCP
 * endpoint that never answers (probe timeout 2 s), then the real command line and SIGTERM.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { startServer } from '../../../services/discovery/src/http/server.js';
import { REDACTED_PATHS } from '../../../services/discovery/src/logger.js';
import { onSharedPostgres, sharedInSchema } from '../../support/postgres.js';
import { waitUntil } from '../../support/wait.js';
import { mcpService, startDiscoveryWorld, type DiscoveryWorld } from '../../support/discovery-world.js';
import { startHangingServer, type LocalMcpServer } from '../../support/mcp-servers.js';

const SCHEMA = `discovery_server_${randomBytes(4).toString('hex')}`;
const SHARED_IN_SCHEMA = sharedInSchema(SCHEMA);
const API_TOKEN = `api-token-${randomBytes(8).toString('hex')}`;

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One HTTP request over `agent` (a kept-alive connection), or a connection of its own. */
function call(port: number, method: string, path: string, options: { agent?: Agent; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, agent: options.agent ?? false, headers: options.headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** The service's logger writing into a string, to see which passes started. */
function bufferLogger() {
  const sink = { text: '' };
  const stream = new Writable({
    write(chunk, _encoding, done) {
      sink.text += String(chunk);
      done();
    },
  });
  return { sink, log: pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream) };
}

const passesStarted = (logs: string, reason: string) => logs.split('\n').filter((line) => line.includes('"msg":"reconcile pass started"') && line.includes(`"reason":"${reason}"`)).length;

let hanging: LocalMcpServer;
let world: DiscoveryWorld;
let server: FastifyInstance | undefined;

beforeAll(async () => {
  [hanging] = await Promise.all([startHangingServer(), onSharedPostgres(`CREATE SCHEMA ${SCHEMA}`)]);
});

afterAll(async () => {
  await hanging?.stop();
  await onSharedPostgres(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await world?.close();
});

const settingsFor = (target: DiscoveryWorld) =>
  target.settings(['--database-url', SHARED_IN_SCHEMA, '--probe-timeout', '2000', '--port', '0', '--host', '127.0.0.1'], { DISCOVERY_API_TOKEN: API_TOKEN });

describe('startServer', () => {
  it('answers a request in flight when close begins, refuses new connections, and does not wait out the keep-alive timeout', async () => {
    // GIVEN a listening server whose first pass found nothing; the pass under test is the one the API starts
    world = await startDiscoveryWorld();
    const { sink, log } = bufferLogger();
    server = await startServer(settingsFor(world), log, { settleMs: 600_000 });
    const port = (server.server.address() as AddressInfo).port;
    await waitUntil(() => server!.discovery.lastReport !== undefined, 'the first pass');
    const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    expect(await call(port, 'GET', '/readyz', { agent: keptAlive })).toEqual({ status: 200, body: '{"status":"ready","checks":{"database":true,"watch":true}}' });
    world.kube.add(mcpService('stuck', hanging));
    await waitUntil(() => server!.cluster.list('Service').length === 1, 'the watch to see the stuck Service');

    // WHEN close begins while POST /api/v1/reconcile waits for its pass to probe the endpoint that never answers
    const inFlight = call(port, 'POST', '/api/v1/reconcile', { agent: keptAlive, headers: { authorization: `Bearer ${API_TOKEN}` } });
    await waitUntil(() => passesStarted(sink.text, 'api') === 1, 'the pass the API started');
    const closing = server.close();
    await waitUntil(() => !server!.server.listening, 'the port to close');

    // THEN a new connection is refused, the request in flight gets its report, and close completes after it
    await expect(call(port, 'GET', '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, probes: { timeout: 1 }, recorded: 1 });
    // Before the fix, close waited for fastify's 72 s keep-alive timeout: beyond this test's time limit.
    await closing;
  }, 30_000);

  it('on close waits for the running pass, which records its probe before the database closes, and drops the queued one', async () => {
    // GIVEN a server whose first pass probes the endpoint that never answers, and a pass queued behind it
    world = await startDiscoveryWorld();
    world.kube.add(mcpService('stuck', hanging));
    const { sink, log } = bufferLogger();
    const running = await startServer(settingsFor(world), log, { settleMs: 50 });
    server = running;
    await waitUntil(() => passesStarted(sink.text, 'start') === 1, 'the first pass');
    const queued = running.discovery.trigger('queued');

    // WHEN the server closes
    await running.close();
    server = undefined;

    // THEN the first pass finished in full and the queued one never started
    expect(running.discovery.lastReport).toMatchObject({ ok: true, probes: { timeout: 1 }, recorded: 1, errors: [] });
    await expect(queued).rejects.toThrow('the discovery loop stopped before this pass started');
    expect(await running.metrics.registry.metrics()).toContain('mcp_discovery_passes_total{result="ok"} 1\n');
    expect(passesStarted(sink.text, 'queued')).toBe(0);
  });
});

describe('npm run discovery -- serve', () => {
  it('serves until SIGTERM, then closes and exits 0', async () => {
    // GIVEN the real command line on a free port
    world = await startDiscoveryWorld();
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/discovery/src/main.ts', 'serve', ...world.args(['--database-url', SHARED_IN_SCHEMA, '--port', '0', '--host', '127.0.0.1'])], {
      env: world.env({ LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitUntil(() => /Server listening at http:\/\/127\.0\.0\.1:\d+/.test(stdout) || child.exitCode !== null, 'the server to listen');
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode} before listening:\n${stderr}${stdout}`);
      const port = Number(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
      expect((await call(port, 'GET', '/healthz')).status).toBe(200);

      // WHEN it gets SIGTERM
      child.kill('SIGTERM');

      // THEN it shuts down cleanly
      expect(await exited).toBe(0);
      expect(stdout).toContain('"msg":"shutting down"');
      expect(stdout).not.toMatch(/"level":(50|60)/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
