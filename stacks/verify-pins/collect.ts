/**
 * Everything the rendered platform pins, found generically: no kind is special-cased, so a new workload or
 * custom resource is covered the day it is rendered.
 *
 *  - images: every string under a key `image` or `imageName`, anywhere in any object (pod containers,
 *    CloudNativePG `Cluster.spec.imageName`, kmcp `spec.deployment.image`, ToolHive `spec.image`, ...);
 *  - Helm charts: every `resource.helm_release` of the bootstrap Terraform;
 *  - npm packages: from the commands objects run, i.e. an object's `command` or `cmd` followed by its `args`
 *    (ToolHive's MCPServer has only `args`): `npm install <spec>...` and `npx [--package=<spec>] <spec>`.
 */
import type { RenderedPlatform } from '../synth.js';
import type { ChartPin, ImagePin, NpmPin, Pin, PinKind } from './pins.js';

/** Table order of the kinds. */
export const KIND_ORDER: readonly PinKind[] = ['image', 'chart', 'npm'];

/** An npm package spec: `name` or `@scope/name`, then optionally `@<version>`. */
const NPM_SPEC = /^((?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*)(?:@(.*))?$/;
/** npm flags of `install` that take the next word as their value. */
const NPM_INSTALL_VALUE_FLAGS = new Set(['--prefix']);

/** A pin before its users are known. */
type Found = ImagePinFound | ChartPinFound | NpmPinFound;
type ImagePinFound = Omit<ImagePin, 'usedBy'>;
type ChartPinFound = Omit<ChartPin, 'usedBy'>;
type NpmPinFound = Omit<NpmPin, 'usedBy'>;

type Manifest = { readonly kind?: unknown; readonly metadata?: { readonly name?: unknown } } & Record<string, unknown>;

export function collectPins(rendered: Pick<RenderedPlatform, 'apps' | 'bootstrapObjects' | 'terraform'>): Pin[] {
  const pins = new Map<string, { pin: Found; usedBy: Set<string> }>();
  const add = (pin: Found, user: string) => {
    const key = `${pin.kind} ${pin.artifact}`;
    const entry = pins.get(key) ?? { pin, usedBy: new Set<string>() };
    entry.usedBy.add(user);
    pins.set(key, entry);
  };

  const objects = [
    ...rendered.apps.flatMap((app) => app.objects.map((o) => ({ app: app.name, manifest: o.manifest as Manifest }))),
    ...rendered.bootstrapObjects.map((o) => ({ app: 'bootstrap', manifest: o.manifest as Manifest })),
  ];
  for (const { app, manifest } of objects) {
    const owner = `${app}/${String(manifest.kind)} ${String(manifest.metadata?.name)}`;
    visit(manifest, false, (node, container) => {
      const user = container === undefined ? owner : `${owner} (${container})`;
      for (const key of ['image', 'imageName']) {
        const image = node[key];
        if (typeof image === 'string' && image !== '') add({ kind: 'image', artifact: image, image }, user);
      }
      for (const spec of npmPackagesRun(commandOf(node))) add(npmPin(spec), user);
    });
  }

  const releases = (rendered.terraform.resource?.helm_release ?? {}) as Record<string, { name?: string; repository?: string; chart?: string; version?: string }>;
  for (const [id, release] of Object.entries(releases)) {
    if (!release.chart) continue;
    const repository = release.repository ?? '';
    const version = release.version ?? '';
    add({ kind: 'chart', artifact: chartArtifact(repository, release.chart, version), repository, chart: release.chart, version }, `bootstrap/helm_release ${release.name ?? id}`);
  }

  return [...pins.values()]
    .map(({ pin, usedBy }): Pin => ({ ...pin, usedBy: [...usedBy].sort() }))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.artifact.localeCompare(b.artifact));
}

/** `host/path/<chart>:<version>` for an OCI chart; `<chart> <version> from <url>` for an HTTP repository. */
export function chartArtifact(repository: string, chart: string, version: string): string {
  return repository.startsWith('oci://')
    ? `${repository.slice('oci://'.length).replace(/\/+$/, '')}/${chart}:${version}`
    : `${chart} ${version} from ${repository}`;
}

/** Calls `f` on every object under `value`; `container` is the `name` of an object that is an array item. */
function visit(value: unknown, inArray: boolean, f: (node: Record<string, unknown>, container: string | undefined) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, true, f);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const node = value as Record<string, unknown>;
  f(node, inArray && typeof node.name === 'string' ? node.name : undefined);
  for (const child of Object.values(node)) visit(child, false, f);
}

/** The words an object runs: its `command` (or kmcp's `cmd`) then its `args`; empty when it runs nothing. */
function commandOf(node: Record<string, unknown>): string[] {
  const words = (value: unknown): string[] => (Array.isArray(value) ? value.filter((w): w is string => typeof w === 'string') : []);
  if (node.command === undefined && node.cmd === undefined && node.args === undefined) return [];
  return [...(typeof node.cmd === 'string' ? [node.cmd] : words(node.command)), ...words(node.args)];
}

const isProgram = (word: string, program: string) => word === program || word.endsWith(`/${program}`);

/** Package specs of `npm install ...` and of `npx ...` in one command. */
export function npmPackagesRun(words: readonly string[]): string[] {
  const specs: string[] = [];
  if (words.length > 1 && isProgram(words[0], 'npm') && ['install', 'i', 'add'].includes(words[1])) {
    for (let i = 2; i < words.length; i++) {
      if (NPM_INSTALL_VALUE_FLAGS.has(words[i])) i++;
      else if (!words[i].startsWith('-')) specs.push(words[i]);
    }
  }
  const npx = words.findIndex((w) => isProgram(w, 'npx'));
  if (npx !== -1) {
    const packages: string[] = [];
    for (let i = npx + 1; i < words.length; i++) {
      const word = words[i];
      if (word.startsWith('--package=')) packages.push(word.slice('--package='.length));
      else if (word === '--package' || word === '-p') packages.push(words[++i] ?? '');
      else if (word === '--call' || word === '-c') i++;
      else if (word.startsWith('-')) continue;
      else {
        // The first word that is no flag is the command: the package itself unless --package named it.
        if (!packages.length) packages.push(word);
        break;
      }
    }
    specs.push(...packages);
  }
  return specs.filter((spec) => NPM_SPEC.test(spec));
}

function npmPin(spec: string): NpmPinFound {
  const [, name, version = ''] = NPM_SPEC.exec(spec)!;
  return { kind: 'npm', artifact: version ? `${name}@${version}` : name, name, version };
}
