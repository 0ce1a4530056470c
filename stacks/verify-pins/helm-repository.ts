/**
 * Asks an HTTP Helm chart repository whether it has a chart version: `GET <repository>/index.yaml` (once
 * per repository; argo-helm's is megabytes), then `entries[<chart>]` must list the version. As `helm`
 * does (pkg/repo IndexFile.Get), an exact string match wins, and otherwise versions compare as semver, so
 * "v26.7.0" and "26.7.0" are the same version.
 */
import { parse as parseYaml } from 'yaml';
import { exists, missing, unreachable, type CheckOutcome } from './pins.js';
import { httpStatus, RegistryUnreachable, type RegistryHttp } from './registry-http.js';

interface IndexEntry {
  readonly version?: unknown;
  readonly digest?: unknown;
}

type IndexAnswer =
  | { readonly kind: 'index'; readonly entries: Readonly<Record<string, readonly IndexEntry[]>> }
  | { readonly kind: 'outcome'; readonly outcome: CheckOutcome };

export class HelmRepositoryClient {
  private readonly indexes = new Map<string, Promise<IndexAnswer>>();

  constructor(private readonly http: RegistryHttp) {}

  async checkChart(repository: string, chart: string, version: string): Promise<CheckOutcome> {
    const answer = await this.index(repository);
    if (answer.kind === 'outcome') return answer.outcome;
    const versions = answer.entries[chart];
    if (!Array.isArray(versions)) return missing(`index.yaml has no chart "${chart}"`);
    const entry = versions.find((v) => v.version === version) ?? versions.find((v) => sameVersion(String(v.version), version));
    if (!entry) {
      const listed = versions.map((v) => String(v.version));
      return missing(`chart ${chart} has no version ${version} in index.yaml (${listed.length} versions${listed.length ? `, first listed ${listed[0]}` : ''})`);
    }
    const digest = typeof entry.digest === 'string' && entry.digest ? `sha256:${entry.digest.replace(/^sha256:/, '')}` : undefined;
    const note = entry.version === version ? 'in index.yaml' : `in index.yaml as ${String(entry.version)}`;
    return exists(digest ? note : `${note}; the entry has no digest`, digest);
  }

  private index(repository: string): Promise<IndexAnswer> {
    const key = repository.replace(/\/+$/, '');
    let answer = this.indexes.get(key);
    if (!answer) {
      answer = this.fetchIndex(key);
      this.indexes.set(key, answer);
    }
    return answer;
  }

  private async fetchIndex(repository: string): Promise<IndexAnswer> {
    const outcome = (o: CheckOutcome): IndexAnswer => ({ kind: 'outcome', outcome: o });
    let response;
    try {
      response = await this.http.request(`${repository}/index.yaml`, { headers: { Accept: 'application/x-yaml, text/yaml, */*' } });
    } catch (error) {
      if (error instanceof RegistryUnreachable) return outcome(unreachable(error.note));
      throw error;
    }
    if (response.status === 404) return outcome(missing(`no Helm repository: index.yaml answered ${httpStatus(404)}`));
    if (response.status === 401 || response.status === 403) return outcome(missing(`denied: not found or private (index.yaml answered ${httpStatus(response.status)})`));
    if (response.status !== 200) return outcome(unreachable(`unexpected answer: index.yaml answered ${httpStatus(response.status)}`));
    let index: { apiVersion?: unknown; entries?: unknown };
    try {
      index = parseYaml(response.body.toString('utf8'), { maxAliasCount: -1 }) ?? {};
    } catch (error) {
      return outcome(unreachable(`index.yaml is not YAML: ${(error as Error).message.split('\n')[0]}`));
    }
    if (typeof index !== 'object' || !index.apiVersion || typeof index.entries !== 'object' || index.entries === null) {
      return outcome(unreachable('index.yaml is not a Helm repository index (no apiVersion and entries)'));
    }
    return { kind: 'index', entries: index.entries as Record<string, IndexEntry[]> };
  }
}

/** Equal as exact semantic versions ("v1.2.3" = "1.2.3"); an exact pin is no range, so nothing else matches. */
function sameVersion(a: string, b: string): boolean {
  return a.replace(/^v/, '') === b.replace(/^v/, '');
}
