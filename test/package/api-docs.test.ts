/**
 * The API reference's completeness, checked on the sources typedoc reads: every declaration the package's
 * entry points export has a doc comment, and every optional prop of an exported interface says what leaving it
 * out means with `@default`. typedoc (npm run docs) then renders these comments; a prop without them would be
 * a blank row in the reference.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, string | { types: string }> };

/** Each export of the package with the source file it is built from (lib/x.d.ts → x.ts). */
const ENTRY_POINTS = Object.entries(manifest.exports)
  .filter((entry): entry is [string, { types: string }] => typeof entry[1] === 'object')
  .map(([path, target]) => ({ path, file: target.types.replace(/^\.\/lib\//, '').replace(/\.d\.ts$/, '.ts') }));

const program = ts.createProgram(
  ENTRY_POINTS.map((e) => e.file),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, resolveJsonModule: true },
);

/** The problems of one entry point: exports without a doc comment, optional props without `@default`. */
function problemsOf(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const hasDoc = (symbol: ts.Symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim().length > 0;
  const hasDefault = (symbol: ts.Symbol) => symbol.getJsDocTags(checker).some((tag) => tag.name === 'default');
  const source = program.getSourceFile(file);
  if (!source) return [`${file}: not found`];
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  const problems: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const name = exported.getName();
    if (!hasDoc(symbol)) problems.push(`${name}: no doc comment`);
    if (!(symbol.flags & ts.SymbolFlags.Interface)) continue;
    for (const prop of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
      const declaration = prop.valueDeclaration ?? prop.declarations?.[0];
      // Props an interface inherits from a library (cdk8s, constructs) are documented there.
      if (declaration && declaration.getSourceFile().fileName.includes('/node_modules/')) continue;
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
      if (!hasDoc(prop) && !(optional && hasDefault(prop))) problems.push(`${name}.${prop.getName()}: no doc comment`);
      if (optional && !hasDefault(prop)) problems.push(`${name}.${prop.getName()}: optional without @default`);
    }
  }
  return problems;
}

describe('the API reference', () => {
  it('GIVEN the package exports THEN each names an entry point that exists', () => {
    expect(ENTRY_POINTS.map((e) => e.path)).toEqual(['./mcp', './gateway', './database', './inference', './monitoring', './secrets', './policy', './argocd', './bootstrap', './config', './environments', './servers']);
    for (const { file } of ENTRY_POINTS) expect([file, program.getSourceFile(file) !== undefined]).toEqual([file, true]);
  });

  it.each(ENTRY_POINTS)('GIVEN $path THEN every export has a doc comment and every optional prop a @default', ({ file }) => {
    expect(problemsOf(program, file)).toEqual([]);
  });

  it('GIVEN a prop without its comment THEN the check names it', () => {
    const host = ts.createCompilerHost({});
    const text = '/** A thing. */\nexport interface ThingProps {\n  /** Its name. */\n  readonly name: string;\n  readonly size?: number;\n  /** How many. */\n  readonly count?: number;\n  /** @default 3 */\n  readonly depth?: number;\n}\nexport const UNDOCUMENTED = 1;\n';
    const original = host.getSourceFile;
    host.getSourceFile = (name, version) => (name === 'thing.ts' ? ts.createSourceFile(name, text, version) : original.call(host, name, version));
    const scratch = ts.createProgram(['thing.ts'], { noEmit: true }, host);
    expect(problemsOf(scratch, 'thing.ts')).toEqual(['ThingProps.size: no doc comment', 'ThingProps.size: optional without @default', 'ThingProps.count: optional without @default', 'UNDOCUMENTED: no doc comment']);
  });
});
