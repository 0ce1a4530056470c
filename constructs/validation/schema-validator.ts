import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { DNS_LABEL } from '../formats.js';

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS with a default export; under ESM interop it arrives wrapped once more.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** imports/schemas: the openAPIV3Schema of every vendored CRD, by group/version/Kind.json. */
export const CRD_SCHEMA_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'imports', 'schemas');

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The OpenAPI integer and number formats Kubernetes uses; their ranges are not checked. */
const OPENAPI_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'quantity'];

/**
 * CRD patterns are Go (RE2) regular expressions: the prometheus-operator's use a leading `(?i)` flag group,
 * which JavaScript does not understand. A flag group at the start (after an optional `^`) becomes JavaScript flags; the rest of RE2's
 * syntax the vendored CRDs use is also valid JavaScript.
 */
function goRegExpImpl(pattern: string, flags: string): RegExp {
  const leading = /^(\^?)\(\?([imsU]+)\)/.exec(pattern);
  if (!leading) return new RegExp(pattern, flags);
  const extra = [...leading[2]].filter((f) => f === 'i' || f === 'm' || f === 's').join('');
  return new RegExp(leading[1] + pattern.slice(leading[0].length), [...new Set(flags + extra)].join(''));
}
const goRegExp = Object.assign(goRegExpImpl, { code: 'goRegExp' });

/**
 * Validates rendered objects: built-in kinds against the Kubernetes OpenAPI schema (kubernetes-models),
 * custom resources against their CRD's openAPIV3Schema. Unknown kinds are errors: an object nothing can
 * check does not reach the cluster unchecked.
 *
 * CRD schemas are made strict before use (a field the schema does not declare is an error, unless the
 * schema preserves unknown fields), because the API server would silently prune such a field.
 */
export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly crdValidators = new Map<string, ValidateFunction | undefined>();

  constructor(private readonly crdSchemaRoot: string = CRD_SCHEMA_ROOT) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, code: { regExp: goRegExp } });
    addFormats(this.ajv);
    for (const format of OPENAPI_FORMATS) this.ajv.addFormat(format, true);
  }

  /** Problems with one object; empty when it is valid. */
  validate(manifest: Record<string, any>): string[] {
    const { apiVersion, kind } = manifest ?? {};
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind must be strings'];
    const problems = this.checkMetadata(manifest);
    const crd = this.crdValidator(apiVersion, kind);
    if (crd) {
      if (!crd(manifest)) {
        problems.push(...(crd.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` "${e.params.additionalProperty}"` : ''}`));
      }
      return problems;
    }
    const model = builtInModel(apiVersion, kind);
    if (!model) return [...problems, `no schema for ${apiVersion} ${kind}: vendor its CRD into imports/crds and run npm run import`];
    try {
      new model(manifest).validate();
    } catch (error) {
      problems.push(...String((error as Error).message).split(', ').map((m) => m.replace(/^data/, '')));
    }
    return problems;
  }

  private checkMetadata(manifest: Record<string, any>): string[] {
    const name = manifest.metadata?.name;
    const namespace = manifest.metadata?.namespace;
    const problems: string[] = [];
    if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      problems.push(`/metadata/name ${JSON.stringify(name)} is not a DNS-1123 subdomain`);
    }
    if (namespace !== undefined && (typeof namespace !== 'string' || namespace.length > 63 || !DNS_LABEL.test(namespace))) {
      problems.push(`/metadata/namespace ${JSON.stringify(namespace)} is not a DNS-1123 label`);
    }
    return problems;
  }

  private crdValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${apiVersion}/${kind}`;
    if (!this.crdValidators.has(key)) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      const file = join(this.crdSchemaRoot, group, version, `${kind}.json`);
      this.crdValidators.set(
        key,
        group && existsSync(file) ? this.ajv.compile(strictSchema(JSON.parse(readFileSync(file, 'utf8')))) : undefined,
      );
    }
    return this.crdValidators.get(key);
  }
}

type ModelClass = new (data: unknown) => { validate(): void };
const builtInModels = new Map<string, ModelClass | undefined>();

/** The kubernetes-models class for a built-in kind, loaded on first use (each group is a module). */
function builtInModel(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!builtInModels.has(key)) {
    let model: ModelClass | undefined;
    if (/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion)) {
      try {
        model = require(`kubernetes-models/${apiVersion}`)[kind];
      } catch {
        model = undefined;
      }
    }
    builtInModels.set(key, model);
  }
  return builtInModels.get(key);
}

/** A copy of a CRD schema in which objects with declared properties reject undeclared ones. */
export function strictSchema(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strictSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, strictSchema(v)])) : strictSchema(value);
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}
