/**
 * Imports a config module the user wrote (a platform config, an environments file, a server file). Under tsx
 * (this repository's scripts) TypeScript imports as it is; from the compiled package, the TypeScript hooks are
 * registered first, once, so `mcp-platform synth` takes a `platform.config.ts` without tsx installed.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

let registered = false;

export async function importModule(path: string): Promise<Record<string, unknown>> {
  // This file compiled to .js means no tsx loaded it: TypeScript needs the hooks.
  if (!registered && /\.m?ts$/.test(path) && import.meta.url.endsWith('.js')) {
    register(new URL('./typescript-hooks.js', import.meta.url));
    registered = true;
  }
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}
