import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { DNS_LABEL } from '../formats.js';
import { loadPrecompiled, schemaHash, validatorRuntime } from './precompiled-validator.js';

const require = createRequire(import.meta.url);

/** imports/schemas: the openAPIV3Schema of every vendored CRD, by group/version/Kind.json. */
export const CRD_SCHEMA_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'imports', 'schemas');

const JUNCTORS = new Set(['anyOf', 'oneOf', 'allOf', 'not']);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

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
    this.ajv = crdAjv();
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
      const file = join(this.crdSchemaRoot, group!, version!, `${kind}.json`);
      let validator: ValidateFunction | undefined;
      if (group && existsSync(file)) {
        const text = readFileSync(file, 'utf8');
        const precompiled = this.crdSchemaRoot === CRD_SCHEMA_ROOT ? loadPrecompiled(crdValidatorFile(group, version!, kind), schemaHash(text)) : undefined;
        validator = precompiled ?? this.ajv.compile(strictSchema(JSON.parse(text)));
      }
      this.crdValidators.set(key, validator);
    }
    return this.crdValidators.get(key);
  }
}

/** Where `npm run import` writes a CRD's precompiled validator, under imports/validators/. */
export function crdValidatorFile(group: string, version: string, kind: string): string {
  return join(group, version, `${kind}.cjs`);
}

/** A fresh ajv for CRD schemas; with `code` options for writing them as standalone code. */
export function crdAjv(code?: object): Ajv {
  const regExp = Object.assign((pattern: string, flags: string) => validatorRuntime.goRegExp(pattern, flags), { code: 'goRegExp' });
  return new Ajv({ strict: false, allErrors: true, validateSchema: false, formats: validatorRuntime.crdFormats, code: code ?? { regExp } });
}

type ModelClass = new (data: unknown) => { validate(): void };
const builtInModels = new Map<string, ModelClass | undefined>();

/**
 * The kubernetes-models class for a built-in kind, loaded on first use from its own module: the group's
 * index module loads every kind of the group (about 0.35 s for core v1 alone).
 */
function builtInModel(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!builtInModels.has(key)) {
    let model: ModelClass | undefined;
    if (/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
      try {
        model = require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
      } catch {
        model = undefined;
      }
    }
    builtInModels.set(key, model);
  }
  return builtInModels.get(key);
}

/**
 * A copy of a CRD schema in which objects with declared properties reject undeclared ones. The branches of
 * anyOf, oneOf, allOf and not are left as they are: in a structural schema they only constrain fields the
 * schema declares beside them (Cilium's `anyOf: [{ properties: { egress: {} }, required: [egress] }, ...]`),
 * so making them strict would reject every other field.
 */
export function strictSchema(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strictSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, strictSchema(v)]))
        : JUNCTORS.has(key)
          ? value
          : strictSchema(value);
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}
