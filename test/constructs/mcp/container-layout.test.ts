import { describe, expect, it } from '@jest/globals';
import { filePathProblem, platformEnv, secretFilePathProblem } from '../../../constructs/mcp/container-layout.js';
import { McpServer, type McpServerProps } from '../../../constructs/mcp/mcp-server.js';
import { NPM_ENV } from '../../../constructs/mcp/npm-runtime.js';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { render, testChart } from '../../support/charts.js';

const NPM = { npm: { package: '@modelcontextprotocol/server-everything', version: '2026.8.31', bin: 'mcp-server-everything' } };
const IMAGE = { image: 'ghcr.io/example/mcp-server:1.2.3' };
const ref = { from: 'secret' as const, name: 'kubeconfig', key: 'config' };

/** The env vars of the server's MCP container as rendered, by name (only the literal ones). */
function renderedEnv(props: Partial<McpServerProps>): Record<string, string> {
  const chart = testChart();
  new McpServer(chart, 'server', { namespace: 'mcp-system', name: 'acme', flavour: 'standalone', transport: 'streamable-http', source: IMAGE, apiServer: { cidrs: ['10.0.0.1/32'] }, clients: [], ...props } as McpServerProps);
  const objects = render(chart);
  const deployment = objects.find((o: Manifest) => o.kind === 'Deployment');
  if (deployment) return Object.fromEntries(deployment.spec.template.spec.containers[0].env.filter((e: Manifest) => 'value' in e).map((e: Manifest) => [e.name, e.value]));
  const resource = objects.find((o: Manifest) => o.kind === 'MCPServer')!;
  const env = resource.spec.deployment?.env ?? Object.fromEntries(resource.spec.env.map((e: Manifest) => [e.name, e.value]));
  return env;
}

describe('the platform env of a server container', () => {
  it('is HOME and PORT for a standalone image server, npm\'s env and PORT for a standalone npm one', () => {
    expect(platformEnv({ flavour: 'standalone', source: IMAGE }, 9000)).toEqual({ HOME: '/tmp', PORT: '9000' });
    expect(platformEnv({ flavour: 'standalone', source: NPM }, 8080)).toEqual({ ...NPM_ENV, PORT: '8080' });
  });

  it('leaves PORT to kmcp and ToolHive, which set the port themselves', () => {
    expect(platformEnv({ flavour: 'kmcp', source: IMAGE }, 8080)).toEqual({ HOME: '/tmp' });
    expect(platformEnv({ flavour: 'toolhive', source: NPM }, 8080)).toEqual({ ...NPM_ENV });
  });

  it.each(['standalone', 'kmcp', 'toolhive'] as const)('is what the %s flavour renders, over the server\'s own env', (flavour) => {
    const env = renderedEnv({ flavour, env: { LOG_LEVEL: 'debug' } });
    expect(env).toEqual({ LOG_LEVEL: 'debug', ...platformEnv({ flavour, source: IMAGE }, 8080) });
  });

  it.each<[string, Partial<McpServerProps>, string]>([
    ['env HOME', { env: { HOME: '/home/me' } }, 'env.HOME is set by the platform in this server\'s container (HOME=/tmp), so yours would be dropped: leave it out'],
    ['env PORT', { env: { PORT: '9000' } }, 'env.PORT is set by the platform in this server\'s container (PORT=8080), so yours would be dropped: leave it out (set port instead)'],
    [
      'secretEnv NODE_ENV of an npm server',
      { source: NPM, secretEnv: { NODE_ENV: ref } },
      'secretEnv.NODE_ENV is set by the platform in this server\'s container (NODE_ENV=production), so yours would be dropped: leave it out',
    ],
  ])('refuses %s, which the platform sets', (_case, props, text) => {
    expect(() => renderedEnv(props)).toThrow(`McpServer acme:\n  - ${text}`);
  });

  it('lets a kmcp server set PORT, which the platform does not', () => {
    expect(renderedEnv({ flavour: 'kmcp', env: { PORT: '9000' } }).PORT).toBe('9000');
  });
});

describe('where a secret file may be mounted', () => {
  const standaloneNpm = { flavour: 'standalone', source: NPM };
  it('refuses the scratch directory itself, and lets a file sit inside it', () => {
    expect(secretFilePathProblem(standaloneNpm, '/tmp')).toBe(
      'is the server\'s scratch directory (an emptyDir: the only writable place on its read-only root filesystem): mount the file at a path of its own, such as "/secrets/tmp"',
    );
    expect(secretFilePathProblem(standaloneNpm, '/tmp/kubeconfig')).toBeUndefined();
  });

  it('refuses /app and anything in it for a standalone npm server, whose package is mounted there read-only', () => {
    expect(secretFilePathProblem(standaloneNpm, '/app')).toBe('is where the npm package is installed, mounted read-only into the server: mount the file at a path of its own, such as "/secrets/app"');
    expect(secretFilePathProblem(standaloneNpm, '/app/config.json')).toBe(
      'is inside /app, where the npm package is installed, mounted read-only into the server: mount the file at a path of its own, such as "/secrets/config.json"',
    );
    expect(secretFilePathProblem({ flavour: 'standalone', source: IMAGE }, '/app/config.json')).toBeUndefined();
    expect(secretFilePathProblem({ flavour: 'kmcp', source: NPM }, '/app')).toBeUndefined();
  });

  it('refuses the ServiceAccount token directory, inside it and its parents', () => {
    expect(secretFilePathProblem(standaloneNpm, '/var/run/secrets/kubernetes.io/serviceaccount/token')).toMatch(/^is inside \/var\/run\/secrets\/kubernetes\.io\/serviceaccount, where Kubernetes mounts the ServiceAccount token: /);
    expect(secretFilePathProblem(standaloneNpm, '/var/run')).toMatch(/^is a parent of \/var\/run\/secrets\/kubernetes\.io\/serviceaccount, /);
    expect(secretFilePathProblem(standaloneNpm, '/var/run-config')).toBeUndefined();
  });

  it('refuses two secret files at one path or one inside another, in the construct as in the config', () => {
    const files = (...paths: string[]) => paths.map((path) => ({ secret: ref, path }));
    expect(() => renderedEnv({ source: NPM, transport: 'stdio', secretFiles: files('/secrets/a', '/secrets/a') })).toThrow(
      'McpServer acme:\n  - secretFiles[1].path "/secrets/a" is also the path of secretFiles[0]: two files cannot be mounted at one path',
    );
    expect(() => renderedEnv({ source: NPM, transport: 'stdio', secretFiles: files('/secrets/a', '/secrets/a/b') })).toThrow(
      'McpServer acme:\n  - secretFiles[1].path "/secrets/a/b" is inside "/secrets/a", the file of secretFiles[0]: a file cannot be mounted inside another file; give it a path of its own',
    );
    expect(() => renderedEnv({ source: NPM, transport: 'stdio', secretFiles: files('/secrets/a', '/secrets/ab') })).not.toThrow();
  });

  it('refuses a secret file path not written plainly, naming the plain form: the runtime would normalise it past every other check', () => {
    const plainly = (example: string) => `must be an absolute file path written plainly, such as ${JSON.stringify(example)}: no empty, "." or ".." segments and no "/" at the end`;
    expect(filePathProblem('//tmp/f')).toBe(plainly('/tmp/f'));
    expect(filePathProblem('/var/run/secrets/./kubernetes.io/serviceaccount/t')).toBe(plainly('/var/run/secrets/kubernetes.io/serviceaccount/t'));
    expect(filePathProblem('/etc/a/b/')).toBe(plainly('/etc/a/b'));
    expect(filePathProblem('/etc/a/../b')).toBe(plainly('/etc/b'));
    expect(filePathProblem('/')).toBe(plainly('/secrets/token'));
    expect(filePathProblem('/..')).toBe(plainly('/secrets/token'));
    expect(filePathProblem('rel/x')).toBe(plainly('/secrets/token'));
    expect(filePathProblem('/etc/a.b/..c/.d')).toBeUndefined();
    expect(() => renderedEnv({ source: NPM, transport: 'stdio', secretFiles: [{ secret: ref, path: '/etc/a/b' }, { secret: ref, path: '/etc//a/b' }] })).toThrow(
      `McpServer acme:\n  - secretFiles[1].path "/etc//a/b" ${plainly('/etc/a/b')}`,
    );
  });

  it('is checked by the construct, naming the secret file', () => {
    expect(() => renderedEnv({ source: NPM, transport: 'stdio', secretFiles: [{ secret: ref, path: '/secrets/ok' }, { secret: ref, path: '/tmp' }] })).toThrow(
      'McpServer acme:\n  - secretFiles[1].path "/tmp" is the server\'s scratch directory',
    );
  });
});
