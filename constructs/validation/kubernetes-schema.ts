/**
 * Built-in kinds (Deployment, Service, NetworkPolicy, Role, ...) checked against Kubernetes' own OpenAPI
 * definitions (imports/k8s/kubernetes-openapi.json, see imports/k8s/SOURCES.md) made strict the way the API
 * server's strict field validation (`kubectl apply --validate=strict`) is: a field Kubernetes does not declare
 * is an error, where otherwise the API server would drop it without a word.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { loadPrecompiledExports, schemaHash } from './precompiled-validator.js';
import { crdAjv, strictSchema } from './structural-schema.js';

export const KUBERNETES_OPENAPI_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'imports', 'k8s', 'kubernetes-openapi.json');

/** Where `npm run import` writes the precompiled validators of every built-in kind, under imports/validators/. */
export const KUBERNETES_VALIDATOR_FILE = 'kubernetes-openapi.cjs';

const REF_PREFIX = '#/components/schemas/';
const ROOT_ID = 'kubernetes';

/** The shape of imports/k8s/kubernetes-openapi.json (written by imports/k8s/vendor-openapi.ts). */
export interface KubernetesOpenApi {
  /** The Kubernetes minor release the definitions are from, e.g. "1.33". */
  readonly kubernetes: string;
  /** apiVersion -> kind -> definition name. */
  readonly kinds: Record<string, Record<string, string>>;
  readonly components: { readonly schemas: Record<string, any> };
}

/**
 * The vendored definitions with every object that declares its fields closed (additionalProperties: false).
 * Nothing else changes: maps (labels, data, resources.limits) keep their additionalProperties; RawExtension,
 * FieldsV1 and apiextensions' JSON declare no fields and stay open, which is what Kubernetes preserves; IntOrString
 * (integer or string) and Quantity (string or number) keep their oneOf.
 */
export function kubernetesSchema(openApi: KubernetesOpenApi): Record<string, any> {
  const schemas = Object.fromEntries(Object.entries(openApi.components.schemas).map(([name, schema]) => [name, strictSchema(schema)]));
  return { components: { schemas } };
}

/** The name each built-in kind's validator is known by: its apiVersion and kind, e.g. "apps/v1/Deployment". */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** Adds the strict schema to `ajv`; returns the ajv key of each kind's definition, by {@link kindKey}. */
export function addKubernetesSchema(ajv: Ajv, openApi: KubernetesOpenApi): Record<string, string> {
  ajv.addSchema(kubernetesSchema(openApi), ROOT_ID);
  const refs: Record<string, string> = {};
  for (const [apiVersion, kinds] of Object.entries(openApi.kinds)) {
    for (const [kind, definition] of Object.entries(kinds)) refs[kindKey(apiVersion, kind)] = `${ROOT_ID}${REF_PREFIX}${definition}`;
  }
  return refs;
}

/** Validates built-in objects; one instance compiles (or loads) each kind's validator once. */
export class BuiltInValidator {
  private readonly openApi: KubernetesOpenApi;
  private readonly precompiled: Record<string, ValidateFunction> | undefined;
  private ajv?: { ajv: Ajv; refs: Record<string, string> };

  constructor(openApiPath: string = KUBERNETES_OPENAPI_PATH) {
    const text = readFileSync(openApiPath, 'utf8');
    this.openApi = JSON.parse(text);
    this.precompiled = openApiPath === KUBERNETES_OPENAPI_PATH ? loadPrecompiledExports(KUBERNETES_VALIDATOR_FILE, schemaHash(text)) : undefined;
  }

  /** The Kubernetes release the schema is from, e.g. "1.33". */
  get kubernetesVersion(): string {
    return this.openApi.kubernetes;
  }

  /** Whether `group` ("" for core) is one of Kubernetes' own API groups. */
  servesGroup(group: string): boolean {
    return Object.keys(this.openApi.kinds).some((apiVersion) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '') === group);
  }

  /** Problems with a built-in object; undefined when Kubernetes has no such kind. */
  validate(manifest: Record<string, any>): string[] | undefined {
    const definition = this.openApi.kinds[manifest.apiVersion]?.[manifest.kind];
    if (!definition) return undefined;
    const validate = this.validator(kindKey(manifest.apiVersion, manifest.kind));
    if (validate(withoutNullFields(manifest))) return [];
    return describeErrors(validate.errors ?? [], (path) => this.fieldOwner(definition, path));
  }

  private validator(key: string): ValidateFunction {
    const precompiled = this.precompiled?.[key];
    if (precompiled) return precompiled;
    if (!this.ajv) {
      const ajv = crdAjv();
      this.ajv = { ajv, refs: addKubernetesSchema(ajv, this.openApi) };
    }
    return this.ajv.ajv.getSchema(this.ajv.refs[key]!)!;
  }

  /**
   * The definition that declares the fields of the object at `path` (a JSON pointer into an object of kind
   * `definition`), e.g. "DeploymentSpec" for /spec of a Deployment; undefined for an object no definition names.
   */
  private fieldOwner(definition: string, path: string): string | undefined {
    const schemas = this.openApi.components.schemas;
    let owner: string | undefined = definition;
    let schema: any = schemas[definition];
    const resolve = () => {
      for (;;) {
        const ref: string | undefined = schema?.$ref ?? (schema?.allOf?.length === 1 ? schema.allOf[0].$ref : undefined);
        if (!ref) return;
        owner = ref.slice(REF_PREFIX.length);
        schema = schemas[owner];
      }
    };
    resolve();
    for (const segment of path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
      schema = schema?.properties?.[segment] ?? (/^\d+$/.test(segment) ? schema?.items : undefined) ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      owner = undefined;
      resolve();
    }
    return owner && owner.slice(owner.lastIndexOf('.') + 1);
  }
}

/**
 * The object as the API server reads it: a field whose value is null is a field not given (Go's JSON
 * decoding leaves it unset), so `replicas: null` is valid and `containers: null` is a missing required field.
 * Returns `value` itself when it holds no null field, which is nearly always.
 */
function withoutNullFields(value: any): any {
  if (Array.isArray(value)) {
    const items = value.map(withoutNullFields);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (!value || typeof value !== 'object') return value;
  let changed = false;
  const fields: Record<string, any> = {};
  for (const [key, field] of Object.entries(value)) {
    const kept = field === null ? undefined : withoutNullFields(field);
    changed ||= kept !== field;
    if (kept !== undefined) fields[key] = kept;
  }
  return changed ? fields : value;
}

/**
 * ajv's errors as synth reports them, each with the path of the value: an undeclared field as
 * "/spec/replicaz is not a field of DeploymentSpec", and a value of neither type of an IntOrString or Quantity
 * as one "must be integer or string" instead of ajv's three lines.
 */
function describeErrors(errors: readonly ErrorObject[], fieldOwner: (path: string) => string | undefined): string[] {
  const at = (e: ErrorObject) => `${e.instancePath}\0${e.schemaPath}`;
  const branchesOf = (e: ErrorObject) => errors.filter((b) => b.instancePath === e.instancePath && b.schemaPath.startsWith(`${e.schemaPath}/`));
  const eitherType = new Map<string, string[]>();
  for (const e of errors) {
    const branches = e.keyword === 'oneOf' ? branchesOf(e) : [];
    if (branches.length && branches.every((b) => b.keyword === 'type')) eitherType.set(at(e), branches.map((b) => String(b.params.type)));
  }
  const folded = new Set(errors.filter((e) => eitherType.has(at(e))).flatMap(branchesOf));
  return errors
    .filter((e) => !folded.has(e))
    .map((e) => {
      const types = eitherType.get(at(e));
      if (types) return `${e.instancePath || '/'} must be ${types.join(' or ')}`;
      if (e.keyword !== 'additionalProperties') return `${e.instancePath || '/'} ${e.message}`;
      const field = String(e.params.additionalProperty).replace(/~/g, '~0').replace(/\//g, '~1');
      const owner = fieldOwner(e.instancePath);
      return `${e.instancePath}/${field} is not a field${owner ? ` of ${owner}` : ''}`;
    });
}
