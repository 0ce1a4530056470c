/**
 * What CRD schemas and Kubernetes' own OpenAPI definitions share: both are structural schemas whose patterns
 * are Go regular expressions and whose formats are Kubernetes'; both are validated strict, as the API server's
 * strict field validation does.
 */
import { Ajv } from 'ajv';
import { validatorRuntime } from './precompiled-validator.js';

const JUNCTORS = new Set(['anyOf', 'oneOf', 'allOf', 'not']);

/** A fresh ajv for structural schemas; with `code` options for writing them as standalone code. */
export function crdAjv(code?: object): Ajv {
  const regExp = Object.assign((pattern: string, flags: string) => validatorRuntime.goRegExp(pattern, flags), { code: 'goRegExp' });
  return new Ajv({ strict: false, allErrors: true, validateSchema: false, formats: validatorRuntime.crdFormats, code: code ?? { regExp } });
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
