/**
 * Node module hooks (module.register) that let the compiled CLI import a user's TypeScript config, its
 * environments file and servers folder without tsx: a `.ts` or `.mts` file is transpiled with TypeScript's
 * transpileModule (types dropped, nothing checked: `tsc` is the place for that), and a relative `./base.js`
 * that exists only as `./base.ts` resolves to it, as TypeScript's NodeNext imports are written. JSON imports
 * get `type: "json"` when they load, which Node's ESM loader wants and TypeScript configs seldom write.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const TYPESCRIPT_FILE = /\.m?ts$/;

interface ResolveContext {
  readonly parentURL?: string;
  readonly importAttributes?: Record<string, string>;
  readonly conditions?: readonly string[];
}
interface LoadContext {
  readonly format?: string;
  readonly importAttributes?: Record<string, string>;
  readonly conditions?: readonly string[];
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ url: string; format?: string }>;
type NextLoad = (url: string, context?: LoadContext) => Promise<{ format: string; source?: string | ArrayBuffer | Uint8Array }>;

const isTypeScript = (url: string | undefined) => url !== undefined && url.startsWith('file:') && TYPESCRIPT_FILE.test(new URL(url).pathname);

/** What a relative specifier a TypeScript file wrote may name: `./a.js` for `./a.ts`, `./a` for `./a.ts` or `./a/index.ts`. */
function alternatives(specifier: string): string[] {
  if (/\.js$/.test(specifier)) return [specifier.replace(/\.js$/, '.ts')];
  if (/\.mjs$/.test(specifier)) return [specifier.replace(/\.mjs$/, '.mts')];
  if (!/\.[A-Za-z0-9]+$/.test(specifier)) return [`${specifier}.ts`, `${specifier}/index.ts`];
  return [];
}

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve) {
  const relative = /^\.{1,2}\//.test(specifier) || specifier.startsWith('/') || specifier.startsWith('file:');
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !relative || !isTypeScript(context.parentURL)) throw error;
    for (const candidate of alternatives(specifier)) {
      try {
        return await nextResolve(candidate, context);
      } catch {
        // The next spelling, or the first error.
      }
    }
    throw error;
  }
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad) {
  if (/\.json$/.test(url) && context.importAttributes?.type === undefined) return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  if (!isTypeScript(url)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const output = ts.transpileModule(await readFile(file, 'utf8'), {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true },
  });
  const syntax = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax.length) {
    const lines = syntax.map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${file}${at ? `:${at.line + 1}:${at.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    throw new SyntaxError(lines.join('\n'));
  }
  return { format: 'module', source: output.outputText, shortCircuit: true };
}
