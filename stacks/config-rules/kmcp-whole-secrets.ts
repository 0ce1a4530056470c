import type { PlatformConfig } from '../config.js';
import { serverPath, type ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

/**
 * kmcp gives a server its credentials as whole Secrets (`secretRefs`, loaded with envFrom: constructs/mcp/
 * kmcp-flavour.ts), so a kmcp server gets every key of each Secret it names. When another server reads the
 * same Secret for a key the kmcp server never asked for, the synced Secret holds both keys (one sync object per
 * Secret), and the kmcp server would run with the other server's credential in its environment.
 */
export const kmcpWholeSecrets: ConfigRule = {
  id: 'kmcp-whole-secrets',
  description: "A kmcp server shares no Secret with a server that reads other keys from it: kmcp loads Secrets whole.",
  check(config: PlatformConfig): ConfigProblem[] {
    const readers = new Map<string, { server: string; key: string }[]>();
    for (const server of config.mcpServers) {
      for (const ref of Object.values(server.secretEnv ?? {})) {
        readers.set(ref.name, [...(readers.get(ref.name) ?? []), { server: server.name, key: ref.key }]);
      }
    }
    return config.mcpServers.flatMap((server, index) => {
      if (server.flavour !== 'kmcp') return [];
      const refs = Object.entries(server.secretEnv ?? {});
      const own = new Set(refs.map(([, ref]) => `${ref.name}\u0000${ref.key}`));
      // One line per Secret: on the first variable that names it.
      const firstEnv = new Map<string, string>();
      for (const [env, ref] of refs) if (!firstEnv.has(ref.name)) firstEnv.set(ref.name, env);
      return [...firstEnv].flatMap(([secret, env]) => {
        const others = (readers.get(secret) ?? []).filter((r) => r.server !== server.name && !own.has(`${secret}\u0000${r.key}`));
        if (!others.length) return [];
        const keys = [...new Set(others.map((o) => `"${o.key}" (server "${o.server}")`))].join(', ');
        return [
          {
            path: serverPath(config, index, `secretEnv.${env}`),
            message: `Secret "${secret}" also holds ${keys}, and kmcp loads a Secret whole (envFrom): "${server.name}" would get those credentials as env vars too; give "${server.name}" a Secret of its own (another name)`,
          },
        ];
      });
    });
  },
};
