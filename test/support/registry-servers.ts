/**
 * Local registries for verify-pins tests, on 127.0.0.1 random ports, speaking the real wire formats with
 * their failure modes, so the shipping clients are pointed at them by URL:
 *
 *  - `FakeOciRegistry`: the OCI distribution API (opencontainers/distribution-spec spec.md) for manifests,
 *    with a separate token service as ghcr.io and Docker Hub have (distribution docs/spec/auth/token.md):
 *    401 with a `WWW-Authenticate: Bearer realm=...` challenge, anonymous tokens whose access set is the
 *    intersection of the requested scope and what is public, the spec's JSON error bodies
 *    (MANIFEST_UNKNOWN, NAME_UNKNOWN, UNAUTHORIZED, DENIED, TOOMANYREQUESTS) and Accept negotiation;
 *  - `FakeHelmRepository`: HTTP Helm repositories serving `index.yaml` (apiVersion v1; entries with
 *    version, digest and urls);
 *  - `FakeNpmRegistry`: package documents, abbreviated (`application/vnd.npm.install-v1+json`) when asked
 *    for, and npm's `404 {"error":"Not found"}`.
 *
 * Each records its requests and takes faults (`failNext`): any status with headers and body, or a request
 * that is never answered.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify as yamlStringify } from 'yaml';

export interface RecordedRegistryRequest {
  readonly method: string;
  /** The path as sent, without the query (still percent-encoded). */
  readonly path: string;
  /** Decoded query parameters. */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
}

export interface RegistryFault {
  readonly method?: string;
  /** Exact path, or a pattern tested against it. */
  readonly path?: RegExp | string;
  /** @default 500 */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON-encoded unless a string. */
  readonly body?: unknown;
  /** How many matching requests fail. @default 1 */
  readonly times?: number;
  /** Never answer (the request is recorded and held open until the server closes). */
  readonly hang?: boolean;
}

/** Faults as registries send them; spread one into `failNext` with a method or path. */
export const registryFaults = {
  /** 429 with the spec's TOOMANYREQUESTS body; Retry-After only when given. */
  tooManyRequests: (retryAfterSeconds?: number): RegistryFault => ({
    status: 429,
    headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    body: { errors: [{ code: 'TOOMANYREQUESTS', message: 'too many requests', detail: null }] },
  }),
  unavailable: (): RegistryFault => ({ status: 503, body: 'Service Unavailable' }),
  hang: (): RegistryFault => ({ hang: true }),
};

/** A URL on 127.0.0.1 where nothing listens: connecting is refused. */
export async function refusingEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** An HTTP server on a random 127.0.0.1 port that records requests and applies faults before `handle`. */
abstract class LocalServer {
  readonly requests: RecordedRegistryRequest[] = [];
  private readonly faults: { fault: RegistryFault; left: number }[] = [];
  private server: Server | undefined;
  /** `http://127.0.0.1:<port>`. */
  url = '';

  /** `127.0.0.1:<port>`. */
  get host(): string {
    return new URL(this.url).host;
  }

  failNext(fault: RegistryFault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  protected abstract handle(request: RecordedRegistryRequest, res: ServerResponse): void;

  protected async listen(): Promise<void> {
    this.server = createServer((req, res) => this.receive(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://local');
    const request: RecordedRegistryRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
    };
    this.requests.push(request);
    req.resume();
    const match = this.faults.find(
      ({ fault, left }) =>
        left > 0 &&
        (fault.method === undefined || fault.method === request.method) &&
        (fault.path === undefined || (typeof fault.path === 'string' ? fault.path === request.path : fault.path.test(request.path))),
    );
    if (match) {
      match.left--;
      if (match.fault.hang) return;
      const body = match.fault.body === undefined ? '' : typeof match.fault.body === 'string' ? match.fault.body : JSON.stringify(match.fault.body);
      res.writeHead(match.fault.status ?? 500, { 'content-type': typeof match.fault.body === 'string' ? 'text/plain' : 'application/json', ...match.fault.headers });
      res.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    this.handle(request, res);
  }
}

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

interface StoredManifest {
  readonly mediaType: string;
  readonly body: Buffer;
  readonly digest: string;
}

export interface FakeOciRegistryOptions {
  /** Require anonymous Bearer tokens from the token service, as ghcr.io and Docker Hub do. @default true */
  readonly tokenAuth?: boolean;
  /** HEAD on a manifest: answered as the spec says, with 405, or without Docker-Content-Digest (older registries). @default "normal" */
  readonly head?: 'normal' | 'not-allowed' | 'no-digest';
  /** Which field of the token JSON carries the token. @default "token" */
  readonly tokenField?: 'token' | 'access_token';
  /** `service` of the challenge. @default "fake-registry" */
  readonly service?: string;
}

/** The token service of a `FakeOciRegistry`: `GET /token?service=...&scope=repository:<name>:pull`. */
export class FakeTokenService extends LocalServer {
  constructor(
    private readonly registry: FakeOciRegistry,
    private readonly service: string,
    private readonly field: 'token' | 'access_token',
  ) {
    super();
  }

  static async start(registry: FakeOciRegistry, service: string, field: 'token' | 'access_token'): Promise<FakeTokenService> {
    const tokens = new FakeTokenService(registry, service, field);
    await tokens.listen();
    return tokens;
  }

  get realm(): string {
    return `${this.url}/token`;
  }

  protected handle(request: RecordedRegistryRequest, res: ServerResponse): void {
    if (request.path !== '/token') return json(res, 404, { details: 'not found' });
    if (request.query.service !== this.service) return json(res, 400, { details: `unknown service ${request.query.service}` });
    // The token holds the intersection of what was asked and what an anonymous client may pull.
    const granted = (request.query.scope ?? '')
      .split(' ')
      .map((scope) => /^repository:(.+):pull$/.exec(scope)?.[1])
      .filter((name): name is string => name !== undefined && this.registry.isPublic(name));
    const token = Buffer.from(JSON.stringify({ pull: granted })).toString('base64url');
    json(res, 200, { [this.field]: token, expires_in: 300, issued_at: new Date(0).toISOString() });
  }
}

export class FakeOciRegistry extends LocalServer {
  private readonly repositories = new Map<string, Map<string, StoredManifest>>();
  private readonly privateRepositories = new Map<string, 401 | 403>();
  private tokenService: FakeTokenService | undefined;

  private constructor(private readonly options: FakeOciRegistryOptions) {
    super();
  }

  static async start(options: FakeOciRegistryOptions = {}): Promise<FakeOciRegistry> {
    const registry = new FakeOciRegistry(options);
    await registry.listen();
    if (options.tokenAuth ?? true) registry.tokenService = await FakeTokenService.start(registry, options.service ?? 'fake-registry', options.tokenField ?? 'token');
    return registry;
  }

  /** The token service (throws when the registry takes no tokens). */
  get tokens(): FakeTokenService {
    if (!this.tokenService) throw new Error('this registry was started with tokenAuth: false');
    return this.tokenService;
  }

  /** Pushes an image under `tag`: one manifest, or an index of linux/amd64 and linux/arm64 manifests. Returns the tag's digest. */
  pushImage(repository: string, tag: string, options: { readonly index?: boolean; readonly docker?: boolean } = {}): string {
    const config = { mediaType: options.docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json' };
    const manifestType = options.docker ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest;
    const manifestFor = (arch: string) =>
      this.store(repository, manifestType, {
        schemaVersion: 2,
        mediaType: manifestType,
        config: { ...config, digest: sha256(`${repository}:${tag} ${arch} config`), size: 2 },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(`${repository}:${tag} ${arch} layer`), size: 2 }],
      });
    if (!options.index) return this.tag(repository, tag, manifestFor('amd64'));
    const indexType = options.docker ? MEDIA_TYPES.dockerManifestList : MEDIA_TYPES.ociIndex;
    const manifests = ['amd64', 'arm64'].map((architecture) => {
      const m = manifestFor(architecture);
      return { mediaType: m.mediaType, digest: m.digest, size: m.body.length, platform: { architecture, os: 'linux' } };
    });
    return this.tag(repository, tag, this.store(repository, indexType, { schemaVersion: 2, mediaType: indexType, manifests }));
  }

  /** Pushes a Helm chart as Helm does (an OCI manifest with the Helm config type); `version`'s "+" becomes "_". */
  pushChart(repository: string, version: string): string {
    const manifest = this.store(repository, MEDIA_TYPES.ociManifest, {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: sha256(`${repository} ${version} config`), size: 2 },
      layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: sha256(`${repository} ${version} chart`), size: 2 }],
      annotations: { 'org.opencontainers.image.version': version },
    });
    return this.tag(repository, version.replaceAll('+', '_'), manifest);
  }

  /** The repository exists but anonymous tokens grant nothing on it; the registry then answers 401 UNAUTHORIZED or 403 DENIED. */
  makePrivate(repository: string, status: 401 | 403 = 401): void {
    this.repositories.set(repository, this.repositories.get(repository) ?? new Map());
    this.privateRepositories.set(repository, status);
  }

  isPublic(repository: string): boolean {
    return !this.privateRepositories.has(repository);
  }

  /** Manifest requests (HEAD and GET) received, in order. */
  get manifestRequests(): RecordedRegistryRequest[] {
    return this.requests.filter((r) => r.path.includes('/manifests/'));
  }

  override async close(): Promise<void> {
    await Promise.all([super.close(), this.tokenService?.close()]);
  }

  private store(repository: string, mediaType: string, document: unknown): StoredManifest {
    const body = Buffer.from(JSON.stringify(document));
    const manifest = { mediaType, body, digest: sha256(body) };
    this.manifests(repository).set(manifest.digest, manifest);
    return manifest;
  }

  private tag(repository: string, tag: string, manifest: StoredManifest): string {
    this.manifests(repository).set(tag, manifest);
    return manifest.digest;
  }

  private manifests(repository: string): Map<string, StoredManifest> {
    let manifests = this.repositories.get(repository);
    if (!manifests) this.repositories.set(repository, (manifests = new Map()));
    return manifests;
  }

  protected handle(request: RecordedRegistryRequest, res: ServerResponse): void {
    res.setHeader('docker-distribution-api-version', 'registry/2.0');
    const head = request.method === 'HEAD';
    if (request.path === '/v2/' || request.path === '/v2') return this.authorized(request, res, undefined) ? json(res, 200, {}, head) : undefined;
    const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(request.path);
    if (!match) return ociError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', head);
    const [, repository, reference] = match;
    if (!this.authorized(request, res, repository)) return;
    if (head && this.options.head === 'not-allowed') {
      res.writeHead(405, { allow: 'GET' });
      return void res.end();
    }
    const manifests = this.repositories.get(repository);
    if (!manifests) return ociError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', head);
    const manifest = manifests.get(decodeURIComponent(reference));
    if (!manifest) return ociError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', head);
    const accepted = (request.headers.accept ?? '').split(',').map((type) => type.split(';')[0].trim());
    if (!accepted.includes(manifest.mediaType)) return ociError(res, 404, 'MANIFEST_UNKNOWN', `manifest of type ${manifest.mediaType} found, but the Accept header does not list it`, head);
    res.writeHead(200, {
      'content-type': manifest.mediaType,
      'content-length': String(manifest.body.length),
      ...(head && this.options.head === 'no-digest' ? {} : { 'docker-content-digest': manifest.digest }),
    });
    res.end(head ? undefined : manifest.body);
  }

  /** With token auth: answers the 401 challenge (or the private repository's 401/403) and returns false when the request may not pull. */
  private authorized(request: RecordedRegistryRequest, res: ServerResponse, repository: string | undefined): boolean {
    if (!this.tokenService) return true;
    const head = request.method === 'HEAD';
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const granted = bearer ? decodeToken(bearer) : undefined;
    if (granted && (repository === undefined || granted.includes(repository))) return true;
    const scope = repository === undefined ? '' : `,scope="repository:${repository}:pull"`;
    const challenge = `Bearer realm="${this.tokenService.realm}",service="${this.options.service ?? 'fake-registry'}"${scope}${granted ? ',error="insufficient_scope"' : ''}`;
    const denial = repository !== undefined && granted ? this.privateRepositories.get(repository) : undefined;
    if (denial === 403) ociError(res, 403, 'DENIED', 'requested access to the resource is denied', head);
    else ociError(res, 401, 'UNAUTHORIZED', 'authentication required', head, { 'www-authenticate': challenge });
    return false;
  }
}

export interface HelmChartVersion {
  readonly version: string;
  /** @default "1.0.0" */
  readonly appVersion?: string;
}

/** HTTP Helm repositories at any paths of one server: `GET <path>/index.yaml`. */
export class FakeHelmRepository extends LocalServer {
  private readonly indexes = new Map<string, Map<string, HelmChartVersion[]>>();

  static async start(): Promise<FakeHelmRepository> {
    const repository = new FakeHelmRepository();
    await repository.listen();
    return repository;
  }

  /** Adds chart versions to the repository at `path` (e.g. "/charts"); returns the repository's URL. */
  publish(path: string, chart: string, versions: readonly (string | HelmChartVersion)[]): string {
    const key = path.replace(/\/+$/, '');
    const charts = this.indexes.get(key) ?? new Map<string, HelmChartVersion[]>();
    charts.set(chart, [...(charts.get(chart) ?? []), ...versions.map((v) => (typeof v === 'string' ? { version: v } : v))]);
    this.indexes.set(key, charts);
    return `${this.url}${key}`;
  }

  /** The digest `index.yaml` lists for a chart version: sha256 of its (fake) .tgz, hex, as Helm writes it. */
  static digestOf(chart: string, version: string): string {
    return createHash('sha256').update(`${chart}-${version}.tgz`).digest('hex');
  }

  protected handle(request: RecordedRegistryRequest, res: ServerResponse): void {
    const match = /^(.*)\/index\.yaml$/.exec(request.path);
    const charts = match ? this.indexes.get(match[1]) : undefined;
    if (!match || !charts) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end('<!DOCTYPE html><title>Page not found</title>');
    }
    const entries = Object.fromEntries(
      [...charts].map(([chart, versions]) => [
        chart,
        versions.map((v) => ({
          apiVersion: 'v2',
          appVersion: v.appVersion ?? '1.0.0',
          created: '2026-01-01T00:00:00.000000000Z',
          description: `A Helm chart for ${chart}`,
          digest: FakeHelmRepository.digestOf(chart, v.version),
          name: chart,
          type: 'application',
          urls: [`${this.url}${match[1]}/${chart}-${v.version}.tgz`],
          version: v.version,
        })),
      ]),
    );
    res.writeHead(200, { 'content-type': 'application/x-yaml' });
    res.end(yamlStringify({ apiVersion: 'v1', entries, generated: '2026-01-01T00:00:00.000000000Z' }));
  }
}

/** An npm registry: `GET /<name>` (scoped names as `@scope%2Fname`). */
export class FakeNpmRegistry extends LocalServer {
  private readonly packages = new Map<string, { versions: string[]; latest: string }>();

  static async start(): Promise<FakeNpmRegistry> {
    const registry = new FakeNpmRegistry();
    await registry.listen();
    return registry;
  }

  /** Publishes versions of a package; `latest` is the last one unless named. */
  publish(name: string, versions: readonly string[], latest = versions[versions.length - 1]): void {
    const known = this.packages.get(name)?.versions ?? [];
    this.packages.set(name, { versions: [...known, ...versions], latest });
  }

  /** The `dist.integrity` the registry lists for a version (sha512 of its fake tarball). */
  static integrityOf(name: string, version: string): string {
    return `sha512-${createHash('sha512').update(`${name}-${version}.tgz`).digest('base64')}`;
  }

  protected handle(request: RecordedRegistryRequest, res: ServerResponse): void {
    const name = decodeURIComponent(request.path.slice(1));
    const pkg = this.packages.get(name);
    if (request.method !== 'GET' || !pkg) return json(res, 404, { error: 'Not found' });
    const abbreviated = (request.headers.accept ?? '').includes('application/vnd.npm.install-v1+json');
    const tarball = (version: string) => `${this.url}/${name}/-/${name.replace(/^@[^/]+\//, '')}-${version}.tgz`;
    const versions = Object.fromEntries(
      pkg.versions.map((version) => [
        version,
        {
          name,
          version,
          ...(abbreviated ? {} : { description: `the ${name} package`, license: 'MIT' }),
          bin: { [name.replace(/^@[^/]+\//, '')]: 'dist/index.js' },
          dist: {
            integrity: FakeNpmRegistry.integrityOf(name, version),
            shasum: createHash('sha1').update(`${name}-${version}.tgz`).digest('hex'),
            tarball: tarball(version),
          },
        },
      ]),
    );
    const document = abbreviated
      ? { name, modified: '2026-01-01T00:00:00.000Z', 'dist-tags': { latest: pkg.latest }, versions }
      : { _id: name, name, 'dist-tags': { latest: pkg.latest }, versions, time: { modified: '2026-01-01T00:00:00.000Z' } };
    res.writeHead(200, { 'content-type': abbreviated ? 'application/vnd.npm.install-v1+json' : 'application/json' });
    res.end(JSON.stringify(document));
  }
}

function json(res: ServerResponse, status: number, body: unknown, head = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(head ? undefined : text);
}

/** The spec's error body: `{"errors":[{"code","message","detail"}]}` (no body on HEAD). */
function ociError(res: ServerResponse, status: number, code: string, message: string, head: boolean, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  json(res, status, { errors: [{ code, message, detail: null }] }, head);
}

function decodeToken(token: string): string[] | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { pull?: unknown };
    return Array.isArray(parsed.pull) ? parsed.pull.filter((n): n is string => typeof n === 'string') : undefined;
  } catch {
    return undefined;
  }
}

export function sha256(content: string | Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}
