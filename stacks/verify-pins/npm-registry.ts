/**
 * Asks an npm registry whether it has a package version, as `npm install` does: `GET <registry>/<name>`
 * (a scoped name as `@scope%2Fname`) with the abbreviated-metadata Accept header npm itself sends
 * (npm/registry docs/responses/package-metadata.md); `versions` must hold the version, whose
 * `dist.integrity` is reported. The document is fetched once per package.
 */
import { exists, missing, unreachable, type CheckOutcome } from './pins.js';
import { httpStatus, RegistryUnreachable, type RegistryHttp } from './registry-http.js';

export const NPM_REGISTRY = 'https://registry.npmjs.org';
/** npm's own Accept header for installs: abbreviated metadata, full JSON if that is all there is. */
export const NPM_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

interface Packument {
  readonly 'dist-tags'?: Readonly<Record<string, string>>;
  readonly versions?: Readonly<Record<string, { readonly dist?: { readonly integrity?: string; readonly shasum?: string } }>>;
}

type PackumentAnswer = { readonly kind: 'packument'; readonly packument: Packument } | { readonly kind: 'outcome'; readonly outcome: CheckOutcome };

/** The path of a package's document: "@scope/name" → "@scope%2Fname". */
export function packagePath(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

export class NpmRegistryClient {
  private readonly packuments = new Map<string, Promise<PackumentAnswer>>();
  private readonly registry: string;

  constructor(
    private readonly http: RegistryHttp,
    registry: string = NPM_REGISTRY,
  ) {
    this.registry = registry.replace(/\/+$/, '');
  }

  async checkPackage(name: string, version: string): Promise<CheckOutcome> {
    let answer = this.packuments.get(name);
    if (!answer) {
      answer = this.fetchPackument(name);
      this.packuments.set(name, answer);
    }
    const result = await answer;
    if (result.kind === 'outcome') return result.outcome;
    const entry = result.packument.versions?.[version];
    const latest = result.packument['dist-tags']?.latest;
    if (!entry) return missing(`${name} has no version ${version}${latest ? ` (latest is ${latest})` : ''}`);
    const integrity = entry.dist?.integrity ?? (entry.dist?.shasum ? `sha1:${entry.dist.shasum}` : undefined);
    return exists(integrity ? 'dist.integrity' : 'the version has no dist.integrity', integrity);
  }

  private async fetchPackument(name: string): Promise<PackumentAnswer> {
    const outcome = (o: CheckOutcome): PackumentAnswer => ({ kind: 'outcome', outcome: o });
    let response;
    try {
      response = await this.http.request(`${this.registry}/${packagePath(name)}`, { headers: { Accept: NPM_ACCEPT } });
    } catch (error) {
      if (error instanceof RegistryUnreachable) return outcome(unreachable(error.note));
      throw error;
    }
    const body = parseJson(response.body) as (Packument & { error?: unknown }) | undefined;
    const said = typeof body?.error === 'string' ? `: ${body.error}` : '';
    if (response.status === 404) return outcome(missing(`${httpStatus(404)}${said}`));
    if (response.status === 401 || response.status === 403) return outcome(missing(`denied: not found or private (${httpStatus(response.status)}${said})`));
    if (response.status !== 200) return outcome(unreachable(`unexpected answer: ${httpStatus(response.status)}${said}`));
    if (!body || typeof body.versions !== 'object' || body.versions === null) return outcome(unreachable('answered 200 without package metadata (no "versions")'));
    return { kind: 'packument', packument: body };
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
