/**
 * `npm run preflight` against the real npm registry and a real MCP server: each check that installs and
 * starts a server takes a few seconds, so only the passing stdio and HTTP servers are installed; the
 * failures here are caught by the registry lookup before any install. Servers that crash, hang or answer
 * only initialize are in preflight/failures.test.ts; the Kubernetes stub in preflight/kubernetes.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parseMcpServer, type McpServerConfig } from '../../stacks/config.js';
import { formatPreflight, preflight, type PreflightResult } from '../../stacks/preflight/preflight.js';
import { preflightRunToolsFile, preflightToolsFile, readPreflightTools, writePreflightTools } from '../../stacks/preflight/tools-file.js';
import { tempDir } from '../support/files.js';

const EVERYTHING = { package: '@modelcontextprotocol/server-everything', version: '2026.8.31', bin: 'mcp-server-everything' };
const INSTALL_TIMEOUT = 180_000;

const server = (raw: Record<string, unknown>): McpServerConfig => parseMcpServer({ name: 'everything', transport: 'stdio', source: { npm: EVERYTHING }, args: ['stdio'], ...raw }, 'test');

describe('preflight of a real server from npm', () => {
  let stdio: PreflightResult;
  let http: PreflightResult;
  const lines: string[] = [];

  beforeAll(async () => {
    // GIVEN server-everything declared once over stdio and once over Streamable HTTP
    [stdio, http] = await preflight(
      [server({}), server({ name: 'everything-http', transport: 'streamable-http', args: ['streamableHttp'] })],
      { log: (line) => lines.push(line) },
    );
  }, 2 * INSTALL_TIMEOUT);

  it('installs the stdio server, starts it behind the bridge and lists its tools', () => {
    expect(stdio).toMatchObject({ server: 'everything', source: '@modelcontextprotocol/server-everything@2026.8.31', transport: 'stdio', check: 'full', outcome: 'ok', note: '' });
    expect(stdio.tools).toEqual(expect.arrayContaining(['echo']));
    // sorted, for a stable tools file
    expect(stdio.tools).toEqual([...stdio.tools!].sort());
    expect(stdio.seconds).toBeGreaterThan(0);
  });

  it('starts a server that speaks Streamable HTTP itself, on the port it is given', () => {
    expect(http).toMatchObject({ server: 'everything-http', transport: 'streamable-http', outcome: 'ok' });
    expect(http.tools).toEqual(stdio.tools);
  });

  it('logs each server it checks', () => {
    expect(lines).toEqual(['preflight everything ...', 'preflight everything-http ...']);
  });
});

describe('preflight failures found in the registry', () => {
  it('fails a version the registry does not have', async () => {
    const [result] = await preflight([server({ source: { npm: { ...EVERYTHING, version: '0.0.1-doesnotexist' } } })]);
    expect(result).toMatchObject({ server: 'everything', source: '@modelcontextprotocol/server-everything@0.0.1-doesnotexist', check: 'full', outcome: 'FAILED', tools: undefined });
    expect(result.note).toBe('not in the npm registry: the registry does not have @modelcontextprotocol/server-everything@0.0.1-doesnotexist (E404 No match found for version 0.0.1-doesnotexist)');
  }, INSTALL_TIMEOUT);

  it('fails a package the registry does not have, whatever its policy, saying so', async () => {
    const [result] = await preflight([server({ source: { npm: { package: '@mcp-platform-test/no-such-package', version: '1.0.0' } }, preflight: { check: 'startup', reason: 'needs its upstream to list its tools' } })]);
    expect(result).toMatchObject({ check: 'startup', outcome: 'FAILED' });
    expect(result.note).toMatch(/^not in the npm registry: the registry does not have @mcp-platform-test\/no-such-package@1\.0\.0 \(E404 Not Found - GET https?:\/\/\S+\)$/);
  }, INSTALL_TIMEOUT);

  it('fails a bin the package does not ship, naming it and the field to set', async () => {
    const [result] = await preflight([server({ source: { npm: { ...EVERYTHING, bin: 'everything-server' } } })]);
    expect(result.outcome).toBe('FAILED');
    expect(result.note).toBe('the package has no executable "everything-server" (it has: mcp-server-everything); set source.npm.bin');
  }, INSTALL_TIMEOUT);

  it('does not run a server from an image, and does not fail it', async () => {
    const [result] = await preflight([server({ name: 'github', flavour: 'kmcp', source: { image: 'ghcr.io/github/github-mcp-server:v2.0.2', command: '/server/github-mcp-server' } })]);
    expect(result).toEqual({
      server: 'github',
      source: 'ghcr.io/github/github-mcp-server:v2.0.2',
      transport: 'stdio',
      check: undefined,
      outcome: 'not run',
      tools: undefined,
      seconds: 0,
      note: 'image: runs in the cluster only',
    });
  });
});

describe('formatPreflight', () => {
  const results: PreflightResult[] = [
    { server: 'everything', source: 'x@1.0.0', transport: 'stdio', check: 'full', outcome: 'ok', tools: ['add', 'echo'], seconds: 6.25, note: '' },
    { server: 'proxmox', source: 'z@1.0.0', transport: 'stdio', check: 'startup', outcome: 'started', tools: undefined, seconds: 3, note: 'answered initialize; tools/list needs its upstream (needs the Proxmox API token): no answer within 30 s' },
    { server: 'github', source: 'ghcr.io/github/github-mcp-server:v2.0.2', transport: 'stdio', check: undefined, outcome: 'not run', tools: undefined, seconds: 0, note: 'image: runs in the cluster only' },
    {
      server: 'caddy',
      source: 'y@2.0.0',
      transport: 'stdio',
      check: 'startup',
      outcome: 'FAILED',
      tools: undefined,
      seconds: 1.5,
      note: 'the server process exited (code=1, signal=null) before answering initialize',
      stderr: ['Error: CADDY_ADMIN_URL unreachable', 'at line 2'],
    },
  ];

  it('prints one aligned row per server, then each failure with its stderr lines', () => {
    expect(formatPreflight(results).split('\n')).toEqual([
      'server      transport  check    tools  time   result   note',
      'everything  stdio      full     2      6.3 s  ok',
      'proxmox     stdio      startup  -      3.0 s  started  answered initialize; tools/list needs its upstream (needs the Proxmox API token): no answer within 30 s',
      'github      stdio      -        -      -      not run  image: runs in the cluster only',
      'caddy       stdio      startup  -      1.5 s  FAILED   the server process exited (code=1, signal=null) before answering initialize',
      '',
      'caddy: the server process exited (code=1, signal=null) before answering initialize',
      '  stderr: Error: CADDY_ADMIN_URL unreachable',
      '  stderr: at line 2',
    ]);
  });

  it('prints only the header and rows when nothing failed', () => {
    expect(formatPreflight(results.slice(0, 1))).toBe(['server      transport  check  tools  time   result  note', 'everything  stdio      full   2      6.3 s  ok'].join('\n'));
  });

  it('has the columns at their header width when the values are shorter', () => {
    const short: PreflightResult = { server: 'a', source: 'a@1.0.0', transport: 'sse', check: 'full', outcome: 'ok', tools: [], seconds: 1, note: '' };
    expect(formatPreflight([short]).split('\n')[0]).toBe('server  transport  check  tools  time   result  note');
  });
});

describe('the preflight tools file', () => {
  it('that synth reads lives next to the config', () => {
    expect(preflightToolsFile('stacks/platform.config.ts')).toBe(resolve('stacks/preflight-tools.json'));
  });

  it('that a plain run writes lives in .mcp-platform/ next to the config', () => {
    expect(preflightRunToolsFile('stacks/platform.config.ts')).toBe(resolve('stacks/.mcp-platform/preflight-tools.json'));
  });

  it('reads as empty before preflight has run', () => {
    expect(readPreflightTools(join(tempDir(), 'preflight-tools.json'))).toEqual({});
  });

  it('writes the tools sorted, creating its folder, and reads them back', () => {
    const file = preflightRunToolsFile(join(tempDir(), 'platform.config.ts'));
    writePreflightTools(file, { everything: ['echo', 'add'], caddy: ['reload'] });
    expect(readFileSync(file, 'utf8')).toBe('{\n  "caddy": [\n    "reload"\n  ],\n  "everything": [\n    "add",\n    "echo"\n  ]\n}\n');
    expect(readPreflightTools(file)).toEqual({ caddy: ['reload'], everything: ['add', 'echo'] });
  });

  it('names a file that is not JSON and says how to recover', () => {
    const file = join(tempDir(), 'preflight-tools.json');
    writeFileSync(file, '{ "everything": [');
    expect(() => readPreflightTools(file)).toThrow(new RegExp(`^${file.replace(/[.]/g, '\\.')} is not JSON \\(.+\\): delete it and run npm run preflight -- --write-tools again$`));
  });

  it('names a file of the wrong shape', () => {
    const file = join(tempDir(), 'preflight-tools.json');
    writeFileSync(file, JSON.stringify({ everything: 'echo' }));
    expect(() => readPreflightTools(file)).toThrow(`${file} must map server names to lists of tool names: delete it and run npm run preflight -- --write-tools again`);
    expect(existsSync(file)).toBe(true);
  });

  it('says a plain run writes the run record again', () => {
    const file = preflightRunToolsFile(join(tempDir(), 'platform.config.ts'));
    writePreflightTools(file, {});
    writeFileSync(file, '[]');
    expect(() => readPreflightTools(file)).toThrow(`${file} must map server names to lists of tool names: delete it and run npm run preflight again`);
  });
});
