/**
 * Imports a config module the user wrote (a platform config, an environments file, a server file). Under tsx
 * (this repository's scripts) TypeScript imports as it is; from the compiled package, the TypeScript hooks are
 * registered first, once, so `mcp-platform synth` takes a `platform.config.ts` without tsx installed.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { PACKAGE_NAME } from '../constructs/formats.js';

let registered = false;

export async function importModule(path: string): Promise<Record<string, unknown>> {
  // This file compiled to .js means no tsx loaded it: TypeScript needs the hooks.
  if (!registered && /\.m?ts$/.test(path) && import.meta.url.endsWith('.js')) {
    // An optional peer of the package: say so here, not as a failure inside the hooks' thread.
    try {
      import.meta.resolve('typescript');
    } catch {
      throw new Error(`a TypeScript file needs the typescript package to load (an optional dependency of ${PACKAGE_NAME}): npm install --save-dev typescript, or write the file as .js or .json`);
    }
    register(new URL('./typescript-hooks.js', import.meta.url));
    registered = true;
  }
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}
