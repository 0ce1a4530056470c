/**
 * Writes imports/validators/: every vendored schema (the CRDs' in imports/schemas/, Kubernetes' own
 * definitions in imports/k8s/, agentgateway's config schema) compiled by ajv into standalone CommonJS code,
 * stamped with the hash of the schema text it came from. Synth loads these instead of compiling the
 * schemas (about 2.7 s) when the hash matches.
 * Run by `npm run import`; `test/constructs/validation/precompiled-validator.test.ts` fails when stale.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { AGENTGATEWAY_SCHEMA_PATH, AGENTGATEWAY_VALIDATOR_FILE, agentgatewayAjv, agentgatewaySchema } from '../constructs/gateway/agentgateway-config.js';
import { addKubernetesSchema, KUBERNETES_OPENAPI_PATH, KUBERNETES_VALIDATOR_FILE } from '../constructs/validation/kubernetes-schema.js';
import { codeOptions, schemaHash, standaloneExportsModule, standaloneModule, VALIDATORS_DIR } from '../constructs/validation/precompiled-validator.js';
import { CRD_SCHEMA_ROOT, crdAjv, crdValidatorFile, strictSchema } from '../constructs/validation/schema-validator.js';

/** Every CRD schema file: group/version/Kind.json under CRD_SCHEMA_ROOT. */
export function crdSchemaFiles(): { group: string; version: string; kind: string; path: string }[] {
  const files: { group: string; version: string; kind: string; path: string }[] = [];
  for (const group of readdirSync(CRD_SCHEMA_ROOT).sort()) {
    for (const version of readdirSync(join(CRD_SCHEMA_ROOT, group)).sort()) {
      for (const file of readdirSync(join(CRD_SCHEMA_ROOT, group, version)).sort()) {
        if (file.endsWith('.json')) files.push({ group, version, kind: file.slice(0, -'.json'.length), path: join(CRD_SCHEMA_ROOT, group, version, file) });
      }
    }
  }
  return files;
}

export function writeValidators(): string[] {
  rmSync(VALIDATORS_DIR, { recursive: true, force: true });
  const written: string[] = [];
  const write = (file: string, code: string) => {
    const path = join(VALIDATORS_DIR, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, code);
    written.push(relative(process.cwd(), path));
  };
  for (const { group, version, kind, path } of crdSchemaFiles()) {
    const file = crdValidatorFile(group, version, kind);
    const text = readFileSync(path, 'utf8');
    const ajv = crdAjv(codeOptions(file, 'crdFormats'));
    write(file, standaloneModule(ajv, ajv.compile(strictSchema(JSON.parse(text))), schemaHash(text)));
  }
  const kubernetes = readFileSync(KUBERNETES_OPENAPI_PATH, 'utf8');
  const kubernetesAjv = crdAjv(codeOptions(KUBERNETES_VALIDATOR_FILE, 'crdFormats'));
  write(KUBERNETES_VALIDATOR_FILE, standaloneExportsModule(kubernetesAjv, addKubernetesSchema(kubernetesAjv, JSON.parse(kubernetes)), schemaHash(kubernetes)));
  const text = readFileSync(AGENTGATEWAY_SCHEMA_PATH, 'utf8');
  const ajv = agentgatewayAjv(codeOptions(AGENTGATEWAY_VALIDATOR_FILE, 'agentgatewayFormats'));
  write(AGENTGATEWAY_VALIDATOR_FILE, standaloneModule(ajv, ajv.compile(agentgatewaySchema(text)), schemaHash(text)));
  return written;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  for (const file of writeValidators()) console.log(file);
}
