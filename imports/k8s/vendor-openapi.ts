/**
 * Writes imports/k8s/kubernetes-openapi.json, the schema synth checks built-in objects against, from the
 * OpenAPI v3 documents Kubernetes publishes (kubernetes/kubernetes `api/openapi-spec/v3/`, one per group
 * version; SOURCES.md names the ones vendored). Usage:
 *
 *   tsx imports/k8s/vendor-openapi.ts DIR
 *
 * where DIR holds the documents under their upstream names (`api__v1_openapi.json`,
 * `apis__apps__v1_openapi.json`) or as kubectl-validate lays them out (`api/v1.json`, `apis/apps/v1.json`).
 *
 * Trimmed, not edited: the output keeps `components.schemas` only (no paths), only the definitions reachable
 * from the kinds Kubernetes creates at a collection path (a POST without `{name}`: no lists, no subresources
 * such as Scale or Eviction), and every schema keyword but `description`. References stay as upstream writes
 * them (`#/components/schemas/...`), so the file is a valid root schema for them.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { KUBERNETES_OPENAPI_PATH, type KubernetesOpenApi } from '../../constructs/validation/kubernetes-schema.js';

const REF_PREFIX = '#/components/schemas/';

/** The keywords whose value is a map of field name to schema, and those whose value is a schema or a list of schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
const SUBSCHEMAS = new Set(['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf']);

/** A schema without its descriptions; field names (under `properties`) are kept, whatever they are called. */
function withoutDescriptions(schema: any): any {
  if (Array.isArray(schema)) return schema.map(withoutDescriptions);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if (SCHEMA_MAPS.has(key)) out[key] = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, withoutDescriptions(v)]));
    else if (SUBSCHEMAS.has(key)) out[key] = withoutDescriptions(value);
    else out[key] = value;
  }
  return out;
}

function documentFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json') && statSync(join(dir, f)).isFile())
    .sort();
}

/** The trimmed schema of every creatable kind in the documents under `dir`. */
export function trimOpenApi(dir: string, kubernetes: string): KubernetesOpenApi {
  const definitions: Record<string, any> = {};
  const kinds: Record<string, Record<string, string>> = {};
  for (const file of documentFiles(dir)) {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      if (definitions[name] && JSON.stringify(definitions[name]) !== JSON.stringify(schema)) throw new Error(`${name} differs between documents (${file})`);
      definitions[name] = schema;
    }
    for (const [path, operations] of Object.entries<any>(doc.paths ?? {})) {
      const gvk = operations.post?.['x-kubernetes-group-version-kind'];
      const ref: string | undefined = operations.post?.requestBody?.content?.['*/*']?.schema?.$ref;
      if (!gvk || !ref || path.includes('{name}')) continue;
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      (kinds[apiVersion] ??= {})[gvk.kind] = ref.slice(REF_PREFIX.length);
    }
  }
  const reachable = new Set<string>();
  const pending = Object.values(kinds).flatMap((byKind) => Object.values(byKind));
  while (pending.length) {
    const name = pending.pop()!;
    if (reachable.has(name)) continue;
    if (!definitions[name]) throw new Error(`${name} is referenced but not defined`);
    reachable.add(name);
    JSON.stringify(definitions[name]).replace(/"\$ref":"#\/components\/schemas\/([^"]+)"/g, (_, ref: string) => String(pending.push(ref)));
  }
  const sortedKinds = Object.fromEntries(
    Object.keys(kinds)
      .sort()
      .map((v) => [v, Object.fromEntries(Object.entries(kinds[v]!).sort(([a], [b]) => a.localeCompare(b)))]),
  );
  const schemas = Object.fromEntries([...reachable].sort().map((name) => [name, withoutDescriptions(definitions[name])]));
  return { kubernetes, kinds: sortedKinds, components: { schemas } };
}

/** Compact JSON with one line per apiVersion and per definition, so that a version bump diffs readably. */
export function formatOpenApi(openApi: KubernetesOpenApi): string {
  const entries = (map: Record<string, unknown>) =>
    Object.entries(map)
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
      .join(',\n');
  return `{"kubernetes":${JSON.stringify(openApi.kubernetes)},\n"kinds":{\n${entries(openApi.kinds)}},\n"components":{"schemas":{\n${entries(openApi.components.schemas)}}}}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const [dir, kubernetes = '1.33'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: tsx imports/k8s/vendor-openapi.ts DIR [KUBERNETES_MINOR]');
  const openApi = trimOpenApi(dir, kubernetes);
  writeFileSync(KUBERNETES_OPENAPI_PATH, formatOpenApi(openApi));
  const kindCount = Object.values(openApi.kinds).reduce((n, byKind) => n + Object.keys(byKind).length, 0);
  console.log(`${relative(process.cwd(), KUBERNETES_OPENAPI_PATH)}: ${kindCount} kinds, ${Object.keys(openApi.components.schemas).length} definitions`);
}
