import { afterAll, beforeAll, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { pino } from 'pino';
import { startServer } from '../../../services/discovery/src/http/server.js';
import { mcpService, startDiscoveryWorld, type DiscoveryWorld } from '../../support/discovery-world.js';
import { startHangingServer, type LocalMcpServer } from '../../support/mcp-servers.js';

const SHARED = 'postgresql://postgres@127.0.0.1:5432/test';
const SCHEMA = `discovery_server_${randomBytes(4).toString('hex')}`;
const SHARED_IN_SCHEMA = `${SHARED}?options=${encodeURIComponent(`-c search_path=${SCHEMA}`)}`;
const API_TOKEN = 'tok';

async function onShared(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SHARED });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function call(agent: Agent, port: number, method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: object; body: string }>((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let world: DiscoveryWorld;
let hanging: LocalMcpServer;
beforeAll(async () => {
  [world, hanging] = await Promise.all([startDiscoveryWorld(), startHangingServer(), onShared(`CREATE SCHEMA ${SCHEMA}`)]);
});
afterAll(async () => {
  await Promise.all([world?.close(), hanging?.stop()]);
  await onShared(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
});

it('experiment', async () => {
  const t0 = Date.now();
  const log = (m: string) => console.log(Date.now() - t0, m);
  const settings = world.settings(['--database-url', SHARED_IN_SCHEMA, '--probe-timeout', '2000', '--port', '0', '--host', '127.0.0.1'], { DISCOVERY_API_TOKEN: API_TOKEN });
  const server = await startServer(settings, pino({ level: 'silent' }), { settleMs: 60_000 });
  const port = (server.server.address() as AddressInfo).port;
  while (!server.discovery.lastReport) await new Promise((r) => setTimeout(r, 20));
  log('start pass done');
  world.kube.add(mcpService('stuck', hanging));
  while (!server.cluster.list('Service').length) await new Promise((r) => setTimeout(r, 20));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  log('healthz ' + (await call(agent, port, 'GET', '/healthz')).status);
  const inflight = call(agent, port, 'POST', '/api/v1/reconcile', { authorization: `Bearer ${API_TOKEN}` }).then((r) => (log('inflight ' + r.status + ' ' + JSON.stringify(r.headers)), r));
  await new Promise((r) => setTimeout(r, 100));
  server.server.on('close', () => log('http server close event'));
  const closing = server.close().then(() => log('close resolved'));
  await new Promise((r) => setTimeout(r, 50));
  await call(new Agent(), port, 'GET', '/healthz').then((r) => log('fresh ' + r.status), (e) => log('fresh error ' + e.code));
  await inflight;
  log('agent sockets ' + Object.keys(agent.sockets).length + ' free ' + Object.keys(agent.freeSockets).length);
  await closing;
  log(JSON.stringify(server.discovery.lastReport?.probes));
});
