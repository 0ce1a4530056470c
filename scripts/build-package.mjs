/**
 * `npm run build`: compiles the package into lib/ (ESM, declarations, source maps) and copies beside the
 * code the files it reads at run time, at the same places relative to it as in the repository: the vendored
 * schemas and precompiled validators under imports/, the validator runtime, the database migrations and the
 * discovery service's templates. lib/ is replaced whole, so nothing of an earlier build lingers.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib');

/** Each run-time file or folder, from the repository's root; folders are copied without their TypeScript. */
export const ASSETS = [
  'imports/schemas',
  'imports/validators',
  'imports/charts',
  'imports/k8s/kubernetes-openapi.json',
  'imports/crds/agentgateway-config.schema.json',
  'imports/crds/SOURCES.md',
  'imports/crds/LICENSE-Apache-2.0',
  'imports/crds/LICENSE-MIT-Infisical',
  'constructs/validation/validator-runtime.cjs',
  'constructs/database/migrations',
  'templates',
  // The discovery service's dependencies, which `mcp-platform discovery` names when one is missing; its
  // "type": "module" also keeps the compiled service ESM.
  'services/discovery/package.json',
];

rmSync(lib, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const asset of ASSETS) {
  const from = join(root, asset);
  if (!existsSync(from)) throw new Error(`build-package: ${asset} does not exist; the package reads it at run time`);
  cpSync(from, join(lib, asset), { recursive: true, filter: (source) => !/\.ts$/.test(source) || /\.d\.ts$/.test(source) });
}
console.log(`built ${lib}`);
