/**
 * Asks an OCI registry, anonymously as `docker pull` would, whether a manifest (an image, or a Helm chart
 * stored as OCI) exists.
 *
 * From opencontainers/distribution-spec, spec.md:
 *  - "Checking if content exists in the registry": `HEAD /v2/<name>/manifests/<tag-or-digest>`; an existing
 *    manifest "MUST return 200 OK" with its digest in `Docker-Content-Digest`, a missing one "MUST return
 *    404 Not Found". "Clients may encounter registries implementing earlier spec versions which did not
 *    require the Docker-Content-Digest header. In such cases, the clients can reasonably assume the digest
 *    algorithm used is sha256": we then GET the manifest and hash it. We also GET on a 405 to HEAD.
 *  - "Pulling manifests": "The client SHOULD include an Accept header indicating which manifest content
 *    types it supports"; a registry may refuse a manifest (an index) whose type the client does not accept.
 *  - "Error Codes": a 4XX JSON body is `{"errors":[{"code","message","detail"}]}`; MANIFEST_UNKNOWN and
 *    NAME_UNKNOWN say it is not there; UNAUTHORIZED and DENIED that access is refused; a 429 (TOOMANYREQUESTS)
 *    "SHOULD include a Retry-After header". HEAD answers have no body, so a 4XX is asked again with GET to
 *    read the code.
 * From distribution/distribution, docs/spec/auth/token.md: a registry that wants a token answers 401 with
 * `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`; the client GETs
 * `<realm>?service=<service>&scope=repository:<name>:pull`, reads `token` (or its OAuth alias
 * `access_token`) from the JSON answer and retries with `Authorization: Bearer <token>`. A client without
 * access still gets a token, with an empty access set ("it must not be considered an error"), so a 401 or
 * 403 on the retry means the repository is not there or is private: registries do not say which.
 */
import { createHash } from 'node:crypto';
import { exists, missing, unreachable, type CheckOutcome } from './pins.js';
import { httpStatus, RegistryUnreachable, type RegistryHttp, type RegistryResponse } from './registry-http.js';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** Every manifest type a pull can start from: a multi-arch index or list counts as existing. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.dockerManifest].join(', ');

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  [MEDIA_TYPES.ociIndex]: 'OCI image index (multi-arch)',
  [MEDIA_TYPES.dockerManifestList]: 'Docker manifest list (multi-arch index)',
  [MEDIA_TYPES.ociManifest]: 'OCI image manifest',
  [MEDIA_TYPES.dockerManifest]: 'Docker image manifest v2',
};

/** A manifest to look up: `GET https://<apiHost>/v2/<repository>/manifests/<reference>`. */
export interface ManifestTarget {
  readonly apiHost: string;
  readonly repository: string;
  /** A tag or a digest. */
  readonly reference: string;
}

interface BearerChallenge {
  readonly realm: string;
  readonly service?: string;
}

type TokenAnswer = { readonly token: string } | { readonly refusedStatus: number };

interface Exchange {
  readonly response: RegistryResponse;
  /** The token service refused an anonymous token with this status. */
  readonly tokenRefused?: number;
}

export class OciRegistryClient {
  /** Anonymous pull tokens per registry and repository (the scope they grant); they live 60 s or more, a run seconds. */
  private readonly tokens = new Map<string, Promise<TokenAnswer>>();

  constructor(private readonly http: RegistryHttp) {}

  async checkManifest(target: ManifestTarget): Promise<CheckOutcome> {
    const url = `https://${target.apiHost}/v2/${target.repository}/manifests/${target.reference}`;
    try {
      const head = await this.send('HEAD', target, url);
      const status = head.response.status;
      const needsGet = status === 405 || (status === 200 && !head.response.headers.get('docker-content-digest')) || (status >= 400 && status < 500);
      if (!needsGet) return this.interpret(head, 'HEAD');
      return this.interpret(await this.send('GET', target, url), status === 405 ? 'GET after 405' : 'GET');
    } catch (error) {
      if (error instanceof RegistryUnreachable) return unreachable(error.note);
      throw error;
    }
  }

  /** Sends with the cached token; on a first Bearer challenge, fetches an anonymous token and retries once. */
  private async send(method: 'GET' | 'HEAD', target: ManifestTarget, url: string): Promise<Exchange> {
    const key = `${target.apiHost}/${target.repository}`;
    const cached = this.tokens.get(key);
    const known = cached ? await cached : undefined;
    const response = await this.http.request(url, { method, headers: manifestHeaders(known) });
    if (response.status !== 401 || known) return { response, ...(known && !('token' in known) ? { tokenRefused: known.refusedStatus } : {}) };
    const challenge = bearerChallenge(response.headers.get('www-authenticate'));
    if (!challenge) return { response };
    const answer = await this.token(key, challenge, target.repository);
    if (!('token' in answer)) return { response, tokenRefused: answer.refusedStatus };
    return { response: await this.http.request(url, { method, headers: manifestHeaders(answer) }) };
  }

  private token(key: string, challenge: BearerChallenge, repository: string): Promise<TokenAnswer> {
    let answer = this.tokens.get(key);
    if (!answer) {
      answer = this.fetchToken(challenge, repository);
      this.tokens.set(key, answer);
    }
    return answer;
  }

  private async fetchToken(challenge: BearerChallenge, repository: string): Promise<TokenAnswer> {
    const url = new URL(challenge.realm);
    if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
    url.searchParams.set('scope', `repository:${repository}:pull`);
    let response: RegistryResponse;
    try {
      response = await this.http.request(url.href, { headers: { Accept: 'application/json' } });
    } catch (error) {
      if (error instanceof RegistryUnreachable) throw new RegistryUnreachable(`token service ${url.host}: ${error.note}`);
      throw error;
    }
    if (response.status === 401 || response.status === 403) return { refusedStatus: response.status };
    if (response.status !== 200) throw new RegistryUnreachable(`token service ${url.host} answered ${httpStatus(response.status)}`);
    const body = parseJson(response.body) as { token?: unknown; access_token?: unknown } | undefined;
    const token = typeof body?.token === 'string' && body.token ? body.token : body?.access_token;
    if (typeof token !== 'string' || !token) throw new RegistryUnreachable(`token service ${url.host} answered without a token`);
    return { token };
  }

  private interpret({ response, tokenRefused }: Exchange, method: 'HEAD' | 'GET' | 'GET after 405'): CheckOutcome {
    const { status } = response;
    if (status === 200) return found(response, method);
    const error = firstError(response.body);
    const detail = `${httpStatus(status)}${error ? ` ${error.code}${error.message ? `: ${error.message}` : ''}` : ''}`;
    if (status === 404 || ['MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'NAME_INVALID'].includes(error?.code ?? '')) return missing(detail);
    if (status === 401 || status === 403) {
      const why = tokenRefused
        ? `; the token service refused an anonymous token (${httpStatus(tokenRefused)})`
        : status === 401 && !bearerChallenge(response.headers.get('www-authenticate'))
          ? `; it asks for credentials (${response.headers.get('www-authenticate') ?? 'no challenge'})`
          : '';
      return missing(`denied: not found or private (${detail}${why})`);
    }
    return unreachable(`unexpected answer: ${detail}`);
  }
}

function manifestHeaders(token: TokenAnswer | undefined): Record<string, string> {
  return { Accept: MANIFEST_ACCEPT, ...(token && 'token' in token ? { Authorization: `Bearer ${token.token}` } : {}) };
}

function found(response: RegistryResponse, method: 'HEAD' | 'GET' | 'GET after 405'): CheckOutcome {
  const body = response.body.length ? (parseJson(response.body) as { mediaType?: unknown } | undefined) : undefined;
  const mediaType = response.headers.get('content-type')?.split(';')[0].trim() || (typeof body?.mediaType === 'string' ? body.mediaType : '');
  if (!/^application\/(vnd\.|json$)/.test(mediaType)) {
    return unreachable(`answered 200 with ${mediaType ? `Content-Type ${mediaType}` : 'no Content-Type'}: not a manifest`);
  }
  const header = response.headers.get('docker-content-digest');
  const digest = header ?? `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
  const notes = [DESCRIPTIONS[mediaType] ?? mediaType];
  if (method === 'GET after 405') notes.push('HEAD not allowed, checked with GET');
  if (!header) notes.push('no Docker-Content-Digest: sha256 of the body');
  return exists(notes.join('; '), digest);
}

/** The Bearer challenge of a `WWW-Authenticate` header (RFC 6750 section 3), if it is one. */
export function bearerChallenge(header: string | null): BearerChallenge | undefined {
  if (!header || !/^\s*bearer\s/i.test(header)) return undefined;
  const params = Object.fromEntries([...header.matchAll(/([A-Za-z_]+)=(?:"([^"]*)"|([^\s,]*))/g)].map((m) => [m[1].toLowerCase(), m[2] ?? m[3]]));
  return params.realm ? { realm: params.realm, ...(params.service !== undefined ? { service: params.service } : {}) } : undefined;
}

function firstError(body: Buffer): { code: string; message?: string } | undefined {
  const parsed = parseJson(body) as { errors?: { code?: unknown; message?: unknown }[] } | undefined;
  const error = Array.isArray(parsed?.errors) ? parsed.errors[0] : undefined;
  if (typeof error?.code !== 'string') return undefined;
  return { code: error.code, ...(typeof error.message === 'string' && error.message ? { message: error.message } : {}) };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
