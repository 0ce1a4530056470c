/**
 * The discovery service's HTTP API, through `app.inject` on the real fastify app: the local Kubernetes
 * and GitHub APIs, a real server-everything behind an annotated Service, the shared PostgreSQL in a schema
 * of its own, and a private PostgreSQL that is stopped and restarted for readiness.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import app from '../../../services/discovery/src/http/app.js';
import { REDACTED_PATHS } from '../../../services/discovery/src/logger.js';
import type { PassReport } from '../../../services/discovery/src/discovery-pass.js';
import type { RegisteredServer } from '../../../services/discovery/src/model.js';
import { LABELS } from '../../../services/discovery/src/reconcile/pull-requests.js';
import type { DiscoverySettings } from '../../../services/discovery/src/settings.js';
import { waitUntil } from '../../support/wait.js';
import { mcpService, plainService, SERVERS_DIR, startDiscoveryWorld, type DiscoveryWorld } from '../../support/discovery-world.js';
import { startEverything, type LocalMcpServer } from '../../support/mcp-servers.js';
import { startPostgres, type PrivatePostgres, onSharedPostgres, sharedInSchema } from '../../support/postgres.js';

const SCHEMA = `discovery_http_${randomBytes(4).toString('hex')}`;
/** The shared server, with unqualified names resolving in this file's schema. */
const SHARED_IN_SCHEMA = sharedInSchema(SCHEMA);
const API_TOKEN = `api-token-${randomBytes(8).toString('hex')}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The app as `serve` builds it, the watch synced; the loop not started, so a pass runs only when a test asks for one. */
async function startApp(settings: DiscoverySettings, logger?: FastifyBaseLogger): Promise<FastifyInstance> {
  const instance = logger ? Fastify({ loggerInstance: logger }) : Fastify({ logger: false });
  await instance.register(app, { settings, settleMs: 50 });
  await instance.ready();
  await instance.cluster.start();
  return instance;
}

let world: DiscoveryWorld;
let everything: LocalMcpServer;
let api: FastifyInstance;
let logs = '';

beforeAll(async () => {
  [world, everything] = await Promise.all([startDiscoveryWorld(), startEverything('streamableHttp'), onSharedPostgres(`CREATE SCHEMA ${SCHEMA}`)]);
  world.kube.add(plainService('web'));
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs += String(chunk);
      done();
    },
  });
  // The service's redaction, into a buffer instead of stdout.
  const logger = pino({ level: 'debug', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  api = await startApp(world.settings(['--database-url', SHARED_IN_SCHEMA], { DISCOVERY_API_TOKEN: API_TOKEN }), logger);
});

afterAll(async () => {
  await api?.close();
  await Promise.all([world?.close(), everything?.stop()]);
  await onSharedPostgres(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
});

describe('health', () => {
  it('GET /healthz answers 200 while the process serves', async () => {
    const response = await api.inject({ method: 'GET', url: '/healthz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when the database answers and the watch has synced', async () => {
    const response = await api.inject({ method: 'GET', url: '/readyz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { database: true, watch: true } });
  });

  describe('with a PostgreSQL that goes down and comes back', () => {
    let postgres: PrivatePostgres;
    let outage: FastifyInstance;

    beforeAll(async () => {
      postgres = await startPostgres();
      outage = await startApp(world.settings(['--database-url', postgres.url]));
    });

    afterAll(async () => {
      await outage?.close();
      await postgres?.remove();
    });

    it('readiness fails while the database is down and recovers after it restarts; liveness stays 200 throughout', async () => {
      // GIVEN a ready app
      expect((await outage.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

      // WHEN its PostgreSQL stops
      await postgres.stop();
      const down = await outage.inject({ method: 'GET', url: '/readyz' });
      const aliveWhileDown = await outage.inject({ method: 'GET', url: '/healthz' });

      // THEN readiness names the database, and liveness does not care
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ status: 'not ready', checks: { database: false, watch: true } });
      expect(aliveWhileDown.statusCode).toBe(200);

      // WHEN it is back
      await postgres.restart();
      const up = await outage.inject({ method: 'GET', url: '/readyz' });

      // THEN the app is ready again without a restart of its own
      expect(up.statusCode).toBe(200);
      expect((await outage.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    });
  });
});

describe('write endpoints', () => {
  it('answer 403 with the way to enable them when no DISCOVERY_API_TOKEN is set', async () => {
    const closed = await startApp(world.settings(['--database-url', SHARED_IN_SCHEMA]));
    try {
      const reconcile = await closed.inject({ method: 'POST', url: '/api/v1/reconcile', headers: bearer(API_TOKEN) });
      const pullRequest = await closed.inject({ method: 'POST', url: '/api/v1/pull-requests', headers: bearer(API_TOKEN), payload: {} });

      expect(reconcile.statusCode).toBe(403);
      expect(reconcile.json()).toEqual({ error: 'write endpoints are disabled: set DISCOVERY_API_TOKEN to enable them' });
      expect(pullRequest.statusCode).toBe(403);
    } finally {
      await closed.close();
    }
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', bearer('not-the-token')],
    ['a token in another scheme', { authorization: `Basic ${API_TOKEN}` }],
  ])('answer 401 with %s', async (_case, headers) => {
    const writesBefore = world.github.writes();

    const response = await api.inject({ method: 'POST', url: '/api/v1/reconcile', headers });

    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toEqual({ error: 'a valid bearer token is required' });
    expect(world.github.writes()).toBe(writesBefore);
  });
});

describe('POST /api/v1/reconcile and what it leaves behind', () => {
  let report: PassReport;

  beforeAll(async () => {
    world.kube.add(mcpService('everything', everything));
    await waitUntil(() => api.cluster.list('Service').some((service) => service.metadata.name === 'everything'), 'the watch to see the everything Service');
    const response = await api.inject({ method: 'POST', url: '/api/v1/reconcile', headers: bearer(API_TOKEN) });
    expect(response.statusCode).toBe(200);
    report = response.json();
  });

  it('runs a pass that probes the annotated Service over MCP and opens its pull request', () => {
    expect(report).toMatchObject({ ok: true, candidates: 1, probes: { ok: 1 }, recorded: 1, errors: [] });
    expect(report.pullRequests).toEqual([{ server: 'everything', action: 'opened', pullRequest: 1 }]);
    expect(world.github.pullRequests()).toEqual([expect.objectContaining({ number: 1, head: 'mcp-discovery/everything', state: 'open', labels: [...LABELS] })]);
  });

  it('makes no GitHub write when run again on the same state', async () => {
    const writesBefore = world.github.writes();

    const again = await api.inject({ method: 'POST', url: '/api/v1/reconcile', headers: bearer(API_TOKEN) });

    expect(again.statusCode).toBe(200);
    expect(again.json().pullRequests).toEqual([{ server: 'everything', action: 'unchanged', pullRequest: 1 }]);
    expect(world.github.writes()).toBe(writesBefore);
  });

  it('GET /api/v1/servers lists the probed server as healthy with its tools', async () => {
    const response = await api.inject({ method: 'GET', url: '/api/v1/servers' });

    expect(response.statusCode).toBe(200);
    const servers: RegisteredServer[] = response.json().servers;
    expect(servers.map((server) => [server.name, server.health])).toEqual([['everything', 'healthy']]);
    expect(servers[0]!.tools.map((tool) => tool.name)).toContain('echo');
  });

  it('GET /api/v1/servers/:name answers with one server', async () => {
    const response = await api.inject({ method: 'GET', url: '/api/v1/servers/everything' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'everything', namespace: 'tools', health: 'healthy', transport: 'streamable-http', endpoint: `127.0.0.1:${everything.port}/mcp` });
    expect(response.json().tools.map((tool: { name: string }) => tool.name)).toContain('echo');
  });

  it('GET /api/v1/servers/:name answers 404 for a name the registry does not hold', async () => {
    const response = await api.inject({ method: 'GET', url: '/api/v1/servers/nothing-here' });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'no MCP server named nothing-here in the registry' });
  });

  it('GET /api/v1/servers/:name answers 400 for a name that is no DNS-1123 label', async () => {
    const response = await api.inject({ method: 'GET', url: '/api/v1/servers/Bad_Name' });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe('params/name must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"');
  });

  it('GET /metrics shows the candidates, the server up and the probes by result in the Prometheus text format', async () => {
    const response = await api.inject({ method: 'GET', url: '/metrics' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('mcp_discovery_candidates{source="service"} 1\n');
    expect(response.body).toContain('mcp_server_up{server="everything",namespace="tools"} 1\n');
    expect(response.body).toMatch(/^mcp_discovery_probes_total\{result="ok"\} [1-9]\d*$/m);
  });
});

describe('POST /api/v1/pull-requests', () => {
  const spec = {
    name: 'billing',
    transport: 'streamable-http',
    service: { name: 'billing-mcp', namespace: 'finance', port: 8080 },
    tools: [{ name: 'get_invoice', description: 'Reads an invoice by its number' }],
  };
  const post = (payload: object) => api.inject({ method: 'POST', url: '/api/v1/pull-requests', headers: bearer(API_TOKEN), payload });

  it.each([
    ['an unknown field', { ...spec, owner: 'someone' }, 'body must NOT have additional properties: "owner"'],
    ['an unknown field in the service', { ...spec, service: { ...spec.service, targetport: 80 } }, 'body/service must NOT have additional properties: "targetport"'],
    ['a name that is no DNS-1123 label', { ...spec, name: 'Billing_API' }, 'body/name must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"'],
    ['a port given as text', { ...spec, service: { ...spec.service, port: '8080' } }, 'body/service/port must be integer'],
    ['a tool name with spaces', { ...spec, tools: [{ name: 'get invoice' }] }, 'body/tools/0/name must match pattern "^[A-Za-z0-9_.-]{1,128}$"'],
  ])('answers 400 naming the field for %s', async (_case, payload, message) => {
    const writesBefore = world.github.writes();

    const response = await post(payload);

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe(message);
    expect(world.github.writes()).toBe(writesBefore);
  });

  it('answers 400 for a tool description with a newline', async () => {
    const response = await post({ ...spec, tools: [{ name: 'get_invoice', description: 'Reads an invoice\n## Approved by security' }] });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/^body\/tools\/0\/description must match pattern /);
  });

  it('answers 201 and opens the pull request with the server file; the same spec again is 200 unchanged with no write', async () => {
    // WHEN a valid spec is posted
    const opened = await post(spec);

    // THEN the pull request is open with the file on its branch
    expect(opened.statusCode).toBe(201);
    expect(opened.json()).toMatchObject({ server: 'billing', action: 'opened' });
    const pull = world.github.pullRequests().find((pr) => pr.head === 'mcp-discovery/billing');
    expect(pull).toMatchObject({ number: opened.json().pullRequest, state: 'open', labels: [...LABELS] });
    expect(world.github.fileAt('mcp-discovery/billing', `${SERVERS_DIR}/billing.ts`)).toContain('"get_invoice"');

    // WHEN it is posted again
    const writesBefore = world.github.writes();
    const again = await post(spec);

    // THEN nothing changes
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ server: 'billing', action: 'unchanged', pullRequest: pull!.number });
    expect(world.github.writes()).toBe(writesBefore);
  });
});

describe('logs', () => {
  it('never show the bearer token of a request', async () => {
    const start = logs.length;

    await api.inject({ method: 'POST', url: '/api/v1/pull-requests?from=logs-test', headers: bearer(API_TOKEN), payload: { name: 'Bad' } });
    await api.inject({ method: 'GET', url: '/api/v1/servers?from=logs-test', headers: bearer(API_TOKEN) });

    const written = logs.slice(start);
    expect(written).toContain('/api/v1/pull-requests?from=logs-test');
    expect(written).not.toContain(API_TOKEN);
    expect(logs).not.toContain(API_TOKEN);
  });
});

describe('the watch', () => {
  it('runs a pass by itself once a new annotated Service has been quiet for settleMs', async () => {
    // GIVEN the loop started, as `serve` starts it
    api.discovery.start();

    // WHEN a second Service in front of the same server appears
    world.kube.add(mcpService('everything-mirror', everything));

    // THEN its pull request opens with no API call
    await waitUntil(() => world.github.pullRequests().some((pr) => pr.head === 'mcp-discovery/everything-mirror'), 'a pull request for everything-mirror');
    expect(world.github.fileAt('mcp-discovery/everything-mirror', `${SERVERS_DIR}/everything-mirror.ts`)).toContain('"everything-mirror"');
  });
});
