/**
 * `npm run verify-pins`: checks every pinned artifact against its registry, with the registry's own
 * protocol, and decides the outcome. The collector finds the pins; each client asks one kind of registry.
 */
import { KIND_ORDER } from './collect.js';
import { HelmRepositoryClient } from './helm-repository.js';
import { parseImageReference, registryApiHost } from './image-reference.js';
import { NPM_REGISTRY, NpmRegistryClient } from './npm-registry.js';
import { OciRegistryClient } from './oci-registry.js';
import { missing, type CheckOutcome, type Pin, type PinResult } from './pins.js';
import { RegistryHttp } from './registry-http.js';

export interface VerifyOptions {
  /** Per-request timeout. @default 10000 */
  readonly timeoutMs?: number;
  /** Artifacts checked at once. @default 8 */
  readonly concurrency?: number;
  /** The npm registry the pods install from. @default "https://registry.npmjs.org" */
  readonly npmRegistry?: string;
  /** Host → base URL standing in for `https://<host>` (a mirror, or a test's local registry). @default none */
  readonly endpoints?: Readonly<Record<string, string>>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CONCURRENCY = 8;

/** An exact version (the config's EXACT_VERSION), build metadata allowed: a range or a tag is no pin. */
const EXACT_PIN = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export async function verifyPins(pins: readonly Pin[], options: VerifyOptions = {}): Promise<PinResult[]> {
  const http = new RegistryHttp({ timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, endpoints: options.endpoints });
  const npmRegistry = options.npmRegistry ?? NPM_REGISTRY;
  const clients = { oci: new OciRegistryClient(http), helm: new HelmRepositoryClient(http), npm: new NpmRegistryClient(http, npmRegistry) };

  const check = async (pin: Pin): Promise<PinResult> => {
    const base = { kind: pin.kind, artifact: pin.artifact, usedBy: pin.usedBy };
    switch (pin.kind) {
      case 'image': {
        let reference;
        try {
          reference = parseImageReference(pin.image);
        } catch (error) {
          return { ...base, registry: '-', ...missing(`not a pinned image reference: ${(error as Error).message}`) };
        }
        return { ...base, registry: reference.registry, ...(await clients.oci.checkManifest(reference)) };
      }
      case 'chart': {
        if (pin.repository.startsWith('oci://')) {
          const [host, ...path] = pin.repository.slice('oci://'.length).replace(/\/+$/, '').split('/');
          const outcome = unpinned(pin.version, `chart ${pin.chart}`) ??
            // Helm stores a version's "+" as "_" in OCI tags, which may not hold "+".
            (await clients.oci.checkManifest({ apiHost: registryApiHost(host), repository: [...path, pin.chart].join('/'), reference: pin.version.replaceAll('+', '_') }));
          return { ...base, registry: host, ...outcome };
        }
        const registry = hostOf(pin.repository);
        const outcome = unpinned(pin.version, `chart ${pin.chart}`) ?? (await clients.helm.checkChart(pin.repository, pin.chart, pin.version));
        return { ...base, registry, ...outcome };
      }
      case 'npm': {
        const outcome = unpinned(pin.version, pin.name) ?? (await clients.npm.checkPackage(pin.name, pin.version));
        return { ...base, registry: hostOf(npmRegistry), ...outcome };
      }
    }
  };

  return mapWithConcurrency(pins, options.concurrency ?? DEFAULT_CONCURRENCY, check);
}

/** A pin that names no exact version is not checked: it would pass whatever the registry serves. */
function unpinned(version: string, what: string): CheckOutcome | undefined {
  return EXACT_PIN.test(version)
    ? undefined
    : missing(`not pinned: ${what} names ${version ? `"${version}", not an exact version` : 'no version'}`);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

async function mapWithConcurrency<T, R>(items: readonly T[], concurrency: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/** 0: everything exists; 1: something is MISSING and every registry answered; 3: the check is incomplete. */
export function exitCodeOf(results: readonly PinResult[]): 0 | 1 | 3 {
  if (results.some((r) => r.status === 'unreachable')) return 3;
  return results.some((r) => r.status === 'MISSING') ? 1 : 0;
}

export interface VerifySummary {
  readonly total: number;
  readonly exists: number;
  readonly missing: number;
  readonly unreachable: number;
  /** Registries that left at least one artifact unanswered, in table order. */
  readonly unreachableRegistries: readonly string[];
  readonly exitCode: 0 | 1 | 3;
  readonly text: string;
}

export function summarize(results: readonly PinResult[]): VerifySummary {
  const count = (status: PinResult['status']) => results.filter((r) => r.status === status).length;
  const unreachableRegistries = [...new Set(results.filter((r) => r.status === 'unreachable').map((r) => r.registry))];
  const counts = { total: results.length, exists: count('exists'), missing: count('MISSING'), unreachable: count('unreachable') };
  const exitCode = exitCodeOf(results);
  const tally = `${counts.total} artifact(s): ${counts.exists} exist, ${counts.missing} MISSING, ${counts.unreachable} unreachable`;
  const text =
    exitCode === 3
      ? `${tally}. Incomplete: could not reach ${unreachableRegistries.length} registr${unreachableRegistries.length === 1 ? 'y' : 'ies'}: ${unreachableRegistries.join(', ')} — this is not a pass`
      : exitCode === 1
        ? `${tally}. ${counts.missing} pinned artifact(s) do not exist: fix the pins before anything reaches the cluster`
        : `${tally}. Every pinned artifact exists`;
  return { ...counts, unreachableRegistries, exitCode, text };
}

/** The table: artifact, kind, used by (one line per user), result, digest or note; then the summary. */
export function formatResults(results: readonly PinResult[]): string {
  const header = ['artifact', 'kind', 'used by', 'result', 'digest or note'];
  const rows: string[][] = [];
  const sorted = [...results].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.artifact.localeCompare(b.artifact));
  for (const r of sorted) {
    const detail = r.digest ? `${r.digest}, ${r.note}` : r.note;
    const users = r.usedBy.length ? r.usedBy : ['-'];
    users.forEach((user, i) => rows.push(i === 0 ? [r.artifact, r.kind, user, r.status, detail] : ['', '', user, '', '']));
  }
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]) : c)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w)).concat('-'.repeat(14))), ...rows.map(line), '', summarize(results).text].join('\n');
}
