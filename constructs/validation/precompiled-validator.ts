/**
 * Schema validators compiled ahead of time. Compiling the large CRD schemas (CloudNativePG's Cluster,
 * Argo CD's Application, kmcp's MCPServer) and agentgateway's config schema with ajv took about 1.4 s of
 * every synth, and Kubernetes' own definitions another 1.3 s; `npm run import` now writes each as ajv
 * standalone code into imports/validators/, and synth loads the file when it was made from the same schema
 * text (its hash), or compiles as before.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ValidateFunction } from 'ajv';
import { _Code } from 'ajv/dist/compile/codegen/code.js';
import standaloneCode from 'ajv/dist/standalone/index.js';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

export const VALIDATORS_DIR = join(here, '..', '..', 'imports', 'validators');
export const RUNTIME_MODULE = join(here, 'validator-runtime.cjs');

/** Bump when the way validators are built changes (options, strictSchema), so old files are not used. */
const BUILD_VERSION = '2';

/** The run-time helpers shared with the precompiled code. */
export const validatorRuntime = require(RUNTIME_MODULE) as {
  goRegExp: (pattern: string, flags: string) => RegExp;
  crdFormats: Record<string, any>;
  agentgatewayFormats: Record<string, any>;
};

/** Identifies what a validator was compiled from. */
export function schemaHash(schemaText: string): string {
  return createHash('sha256').update(`${BUILD_VERSION}\n${schemaText}`).digest('hex');
}

/** The precompiled validator at `file` (relative to VALIDATORS_DIR) if it was built from `hash`. */
export function loadPrecompiled(file: string, hash: string): ValidateFunction | undefined {
  const path = join(VALIDATORS_DIR, file);
  if (!existsSync(path)) return undefined;
  const loaded = require(path) as ValidateFunction & { schemaHash?: string };
  return loaded.schemaHash === hash ? loaded : undefined;
}

/** The validators of the precompiled module at `file` that exports several, by name, if it was built from `hash`. */
export function loadPrecompiledExports(file: string, hash: string): Record<string, ValidateFunction> | undefined {
  const path = join(VALIDATORS_DIR, file);
  if (!existsSync(path)) return undefined;
  const { schemaHash: builtFrom, ...validators } = require(path) as Record<string, ValidateFunction> & { schemaHash?: string };
  return builtFrom === hash ? validators : undefined;
}

/** ajv `code` options under which compiled code refers to the shared runtime from `file`'s folder. */
export function codeOptions(file: string, formats: 'crdFormats' | 'agentgatewayFormats') {
  let from = relative(dirname(join(VALIDATORS_DIR, file)), RUNTIME_MODULE);
  if (!from.startsWith('.')) from = `./${from}`;
  const runtime = `require(${JSON.stringify(from)})`;
  return {
    source: true,
    regExp: Object.assign((pattern: string, flags: string) => validatorRuntime.goRegExp(pattern, flags), { code: `${runtime}.goRegExp` }),
    formats: new _Code(`${runtime}.${formats}`),
  };
}

type StandaloneCode = (ajv: Ajv, what: ValidateFunction | Record<string, string>) => string;

/** The CommonJS module of a compiled validator, stamped with its schema hash. */
export function standaloneModule(ajv: Ajv, validate: ValidateFunction, hash: string): string {
  return `${(standaloneCode as unknown as StandaloneCode)(ajv, validate)}\nmodule.exports.schemaHash = ${JSON.stringify(hash)};\n`;
}

/** One CommonJS module exporting a validator per name (`refs`: name -> ajv key), sharing the code of the definitions they have in common. */
export function standaloneExportsModule(ajv: Ajv, refs: Record<string, string>, hash: string): string {
  return `${(standaloneCode as unknown as StandaloneCode)(ajv, refs)}\nmodule.exports.schemaHash = ${JSON.stringify(hash)};\n`;
}
