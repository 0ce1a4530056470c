import { describe, expect, it } from '@jest/globals';
import { kmcpWholeSecrets } from '../../../stacks/config-rules/kmcp-whole-secrets.js';
import { CONFIG_RULES } from '../../../stacks/config-rules/index.js';
import { configOf, minimal } from './support.js';

const ref = (name: string, key: string) => ({ from: 'secret' as const, name, key });
const server = (name: string, flavour: string, secretEnv: Record<string, ReturnType<typeof ref>>) => ({
  name,
  flavour,
  transport: 'stdio',
  source: { npm: { package: `${name}-mcp`, version: '1.0.0' } },
  secretEnv,
});

describe('config rule kmcp-whole-secrets', () => {
  it('refuses a kmcp server whose Secret another server reads for another key, naming the key, the server and the fix', () => {
    const config = configOf({ ...minimal, mcpServers: [server('k1', 'kmcp', { TOKEN: ref('s', 'TOKEN') }), server('k2', 'standalone', { API_KEY: ref('s', 'API_KEY') })] } as never);
    expect(kmcpWholeSecrets.check(config)).toEqual([
      {
        path: 'mcpServers[0].secretEnv.TOKEN',
        message: 'Secret "s" also holds "API_KEY" (server "k2"), and kmcp loads a Secret whole (envFrom): "k1" would get those credentials as env vars too; give "k1" a Secret of its own (another name)',
      },
    ]);
    expect(CONFIG_RULES).toContain(kmcpWholeSecrets);
  });

  it('says it once per Secret, and names each other key once', () => {
    const config = configOf({
      ...minimal,
      mcpServers: [
        server('k1', 'kmcp', { TOKEN: ref('s', 'TOKEN'), OTHER: ref('s', 'OTHER') }),
        server('t1', 'toolhive', { A: ref('s', 'A') }),
        server('t2', 'toolhive', { A: ref('s', 'A'), B: ref('s', 'B') }),
      ],
    } as never);
    expect(kmcpWholeSecrets.check(config).map((p) => [p.path, p.message.split(', and kmcp')[0]])).toEqual([
      ['mcpServers[0].secretEnv.TOKEN', 'Secret "s" also holds "A" (server "t1"), "A" (server "t2"), "B" (server "t2")'],
    ]);
  });

  it('passes servers that share a Secret for the same keys, another flavour sharing one, and separate Secrets', () => {
    const same = configOf({ ...minimal, mcpServers: [server('k1', 'kmcp', { TOKEN: ref('s', 'TOKEN') }), server('k2', 'standalone', { TOKEN: ref('s', 'TOKEN') })] } as never);
    expect(kmcpWholeSecrets.check(same)).toEqual([]);
    const notKmcp = configOf({ ...minimal, mcpServers: [server('a', 'toolhive', { TOKEN: ref('s', 'TOKEN') }), server('b', 'standalone', { KEY: ref('s', 'KEY') })] } as never);
    expect(kmcpWholeSecrets.check(notKmcp)).toEqual([]);
    const apart = configOf({ ...minimal, mcpServers: [server('k1', 'kmcp', { TOKEN: ref('s1', 'TOKEN') }), server('k2', 'standalone', { KEY: ref('s2', 'KEY') })] } as never);
    expect(kmcpWholeSecrets.check(apart)).toEqual([]);
  });
});
