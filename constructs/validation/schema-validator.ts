import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ValidateFunction } from 'ajv';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../formats.js';
import { BuiltInValidator, KUBERNETES_OPENAPI_PATH } from './kubernetes-schema.js';
import { loadPrecompiled, schemaHash } from './precompiled-validator.js';
import { crdAjv, strictSchema } from './structural-schema.js';

export { crdAjv, strictSchema } from './structural-schema.js';

/** imports/schemas: the openAPIV3Schema of every vendored CRD, by group/version/Kind.json. */
export const CRD_SCHEMA_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'imports', 'schemas');


/**
 * Validates rendered objects: built-in kinds against Kubernetes' own OpenAPI definitions (imports/k8s),
 * custom resources against their CRD's openAPIV3Schema. Unknown kinds are errors: an object nothing can
 * check does not reach the cluster unchecked.
 *
 * Both are made strict before use (a field the schema does not declare is an error, unless the schema
 * preserves unknown fields), as `kubectl apply --validate=strict` does, because the API server would
 * otherwise silently prune such a field.
 */
export class SchemaValidator {
  private ajv?: Ajv;
  private builtIns?: BuiltInValidator;
  private readonly crdValidators = new Map<string, ValidateFunction | undefined>();

  /** Other paths than the vendored ones compile every schema in process (what the tests of the precompiled files compare with). */
  constructor(
    private readonly crdSchemaRoot: string = CRD_SCHEMA_ROOT,
    private readonly kubernetesOpenApiPath: string = KUBERNETES_OPENAPI_PATH,
  ) {}

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
    this.builtIns ??= new BuiltInValidator(this.kubernetesOpenApiPath);
    const builtIn = this.builtIns.validate(manifest);
    if (builtIn) return [...problems, ...builtIn];
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
    if (this.builtIns.servesGroup(group)) return [...problems, `Kubernetes ${this.builtIns.kubernetesVersion} has no ${kind} in ${apiVersion}`];
    return [...problems, `no schema for ${apiVersion} ${kind}: vendor its CRD into imports/crds and run npm run import`];
  }

  private checkMetadata(manifest: Record<string, any>): string[] {
    const name = manifest.metadata?.name;
    const namespace = manifest.metadata?.namespace;
    const problems: string[] = [];
    if (typeof name !== 'string' || !DNS_SUBDOMAIN.test(name)) {
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
        validator = precompiled ?? (this.ajv ??= crdAjv()).compile(strictSchema(JSON.parse(text)));
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
