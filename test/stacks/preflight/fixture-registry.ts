/**
 * An npm registry on 127.0.0.1 that serves one real package, `@preflight-fixture/servers` (fixture-server.cjs
 * as its `fixture-server` executable), so preflight's tests run servers that misbehave on purpose through the
 * same path as any server: `npm view`, `npm install` with the bridge from this machine's registry, the bridge.
 * npm reaches it through a scoped registry in a copy of this machine's npm user config.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMcpServer, type McpServerConfig } from '../../../stacks/config.js';
import { tempDir } from '../../support/files.js';

const SCOPE = '@preflight-fixture';
export const FIXTURE = { package: `${SCOPE}/servers`, version: '1.0.0', bin: 'fixture-server' } as const;

/** A stdio server of the fixture package; `mode` is its first argument (see fixture-server.cjs). */
export function fixtureServer(mode: string, raw: Record<string, unknown> = {}): McpServerConfig {
  return parseMcpServer({ name: mode, flavour: 'standalone', transport: 'stdio', source: { npm: FIXTURE }, args: [mode], ...raw }, 'test');
}

export class FixtureNpmRegistry {
  /** An npm user config: this machine's, plus the fixture scope's registry. */
  readonly userconfig: string;
  private readonly tarball: Buffer;

  private constructor(
    private readonly server: Server,
    dir: string,
  ) {
    this.tarball = pack(dir);
    this.userconfig = join(dir, 'npmrc');
    const machine = process.env.npm_config_userconfig ?? join(homedir(), '.npmrc');
    writeFileSync(this.userconfig, `${existsSync(machine) ? readFileSync(machine, 'utf8') : ''}\n${SCOPE}:registry=${this.url}/\n`);
    server.on('request', (request, response) => {
      const path = decodeURIComponent(new URL(request.url ?? '/', this.url).pathname);
      if (path === `/${FIXTURE.package}`) return send(response, 200, 'application/json', JSON.stringify(this.packument()));
      if (path === this.tarballPath) return send(response, 200, 'application/octet-stream', this.tarball);
      send(response, 404, 'application/json', JSON.stringify({ error: 'Not found' }));
    });
  }

  static async start(): Promise<FixtureNpmRegistry> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FixtureNpmRegistry(server, tempDir('preflight-fixture-registry-'));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private get tarballPath(): string {
    return `/${FIXTURE.package}/-/servers-${FIXTURE.version}.tgz`;
  }

  private packument() {
    const manifest = {
      name: FIXTURE.package,
      version: FIXTURE.version,
      bin: { [FIXTURE.bin]: 'server.cjs' },
      dist: {
        tarball: `${this.url}${this.tarballPath}`,
        integrity: `sha512-${createHash('sha512').update(this.tarball).digest('base64')}`,
        shasum: createHash('sha1').update(this.tarball).digest('hex'),
      },
    };
    return { _id: FIXTURE.package, name: FIXTURE.package, 'dist-tags': { latest: FIXTURE.version }, versions: { [FIXTURE.version]: manifest } };
  }
}

/** The package as npm publishes it: a gzipped tar of `package/`. */
function pack(dir: string): Buffer {
  const root = join(dir, 'package');
  mkdirSync(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: FIXTURE.package, version: FIXTURE.version, bin: { [FIXTURE.bin]: 'server.cjs' } }, null, 2));
  copyFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixture-server.cjs'), join(root, 'server.cjs'));
  const file = join(dir, 'servers.tgz');
  const tar = spawnSync('tar', ['-czf', file, '-C', dir, 'package'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  return readFileSync(file);
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}
