/**
 * Regenerates the typed classes and JSON schemas in imports/ from the vendored CRDs in imports/crds/.
 * Run with `npm run import` after adding or updating a CRD file (and its row in imports/crds/SOURCES.md).
 *
 * Each module groups the CRDs of one API group, because `cdk8s import` writes one file per group and a
 * second import of the same group would overwrite the first. kmcp and ToolHive both define `MCPServer`:
 * their modules stay separate for that reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { IMPORT_MODULES, SCHEMA_ONLY_CRDS } from './modules.js';
import { writeValidators } from './validators.js';

if (process.argv.includes('--help') || process.argv.length > 2) {
  const help = process.argv.includes('--help');
  (help ? console.log : console.error)(
    'usage: npm run import\n\nRegenerates imports/*.ts, imports/schemas/ and the precompiled validators in imports/validators/ from the\n' +
      'vendored CRDs (imports/crds/), the Kubernetes OpenAPI definitions (imports/k8s/) and the agentgateway schema.\nIt takes no options.',
  );
  process.exit(help ? 0 : 2);
}

const here = dirname(fileURLToPath(import.meta.url));

function crdDocuments(file: string): Record<string, any>[] {
  const text = readFileSync(join(here, 'crds', file), 'utf8');
  return parseAllDocuments(text)
    .map((doc) => doc.toJS())
    .filter((doc) => doc?.kind === 'CustomResourceDefinition');
}

/** Writes imports/schemas/<group>/<version>/<Kind>.json: the openAPIV3Schema of every served version. */
function writeSchemas(files: readonly string[]): void {
  for (const file of files) {
    for (const crd of crdDocuments(file)) {
      for (const version of crd.spec.versions ?? []) {
        const schema = version.schema?.openAPIV3Schema;
        if (!version.served || !schema) continue;
        const out = join(here, 'schemas', crd.spec.group, version.name, `${crd.spec.names.kind}.json`);
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, `${JSON.stringify(schema)}\n`);
      }
    }
  }
}

const work = mkdtempSync(join(tmpdir(), 'mcp-platform-import-'));
try {
  for (const [moduleName, files] of Object.entries(IMPORT_MODULES)) {
    const combined = join(work, `${moduleName}.yaml`);
    writeFileSync(combined, files.map((f) => readFileSync(join(here, 'crds', f), 'utf8')).join('\n---\n'));
    execFileSync(
      join(here, '..', 'node_modules', '.bin', 'cdk8s'),
      ['import', `${moduleName}:=${combined}`, '--output', here, '--language', 'typescript', '--no-check-upgrade', '--no-save'],
      { stdio: 'inherit' },
    );
    writeSchemas(files);
    console.log(`imports/${moduleName}-<group>.ts <- ${files.join(', ')}`);
  }
  writeSchemas(SCHEMA_ONLY_CRDS);
  console.log(`imports/schemas/ <- ${SCHEMA_ONLY_CRDS.join(', ')} (no typed classes)`);
  // Compiled after the schemas they are compiled from, so synth never compiles them itself. Kubernetes' own
  // definitions (imports/k8s/kubernetes-openapi.json) are compiled too; imports/k8s/vendor-openapi.ts writes them.
  console.log(`imports/validators/: ${writeValidators().length} precompiled validators`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
