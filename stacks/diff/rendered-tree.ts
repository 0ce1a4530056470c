/**
 * Rendered manifests as the diff compares them: per Argo CD application, the objects by identity. The
 * identity is API group, kind, namespace and name, the way Argo CD tracks an application's resources, so an
 * object that moves from one API version to another is one changed object, not one removed and one added.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

type Manifest = Record<string, any>;

/** Application name → object identity → object. */
export type RenderedTree = ReadonlyMap<string, ReadonlyMap<string, Manifest>>;

/** `apps/Deployment mcp/mcp-gateway`; the group is empty for the core API ("v1"). */
export function objectKey(manifest: Manifest): string {
  const apiVersion = String(manifest.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  const namespace = manifest.metadata?.namespace;
  return `${group ? `${group}/` : ''}${manifest.kind} ${namespace ? `${namespace}/` : ''}${manifest.metadata?.name}`;
}

/** The tree of objects rendered in memory (`renderPlatformInMemory().apps`). */
export function treeOf(apps: readonly { readonly name: string; readonly objects: readonly { readonly manifest: Manifest }[] }[]): RenderedTree {
  return new Map(apps.map((app) => [app.name, keyed(app.objects.map((o) => o.manifest), app.name)]));
}

/**
 * The tree of a folder laid out like `dist/`: one subfolder per application, YAML files inside (any number
 * of documents each, in nested folders too). A GitOps repository's checkout of that path reads the same.
 * A file that is not YAML is an error naming it: a diff that skipped it would report less than changed.
 */
export function readRenderedFolder(dir: string): RenderedTree {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder of rendered manifests (one subfolder per Argo CD application)`);
  const tree = new Map<string, ReadonlyMap<string, Manifest>>();
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const manifests: Manifest[] = [];
    for (const file of yamlFiles(join(dir, entry.name))) {
      const documents = parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' });
      for (const document of Array.isArray(documents) ? documents : [documents]) {
        if (document.errors.length) throw new Error(`${file} is not valid YAML: ${document.errors[0].message.split('\n')[0]}`);
        const manifest = document.toJS({ maxAliasCount: -1 });
        if (manifest === null || manifest === undefined) continue;
        if (typeof manifest !== 'object' || Array.isArray(manifest) || typeof manifest.kind !== 'string') {
          throw new Error(`${file} holds a document that is not a Kubernetes object (no kind)`);
        }
        manifests.push(manifest);
      }
    }
    tree.set(entry.name, keyed(manifests, join(dir, entry.name)));
  }
  return tree;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function keyed(manifests: readonly Manifest[], where: string): Map<string, Manifest> {
  const objects = new Map<string, Manifest>();
  for (const manifest of manifests) {
    const key = objectKey(manifest);
    if (objects.has(key)) throw new Error(`${where} holds ${key} twice`);
    objects.set(key, manifest);
  }
  return objects;
}
