/**
 * Preflight results that mean what they say, with real stdio server processes behind the real bridge: each
 * fixture server (fixture-server.cjs) is installed from a local npm registry together with the pinned bridge
 * from this machine's registry, and started with the commands its standalone Deployment renders.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { preflight, type PreflightResult } from '../../../stacks/preflight/preflight.js';
import { FixtureNpmRegistry, fixtureServer } from './fixture-registry.js';

const INSTALL_TIMEOUT = 180_000;
const STARTUP = { check: 'startup', reason: 'lists its tools only once it reaches its upstream' };

/** Short, so the server that never answers fails fast; long enough for the others to answer on a busy machine. */
const INITIALIZE_DEADLINE = 5_000;

const machineUserconfig = process.env.npm_config_userconfig;
let registry: FixtureNpmRegistry;
let results: Record<string, PreflightResult>;

beforeAll(async () => {
  registry = await FixtureNpmRegistry.start();
  process.env.npm_config_userconfig = registry.userconfig;
  // GIVEN fixture servers that misbehave in each way, checked in one run (they share its npm cache)
  const servers = [
    fixtureServer('exit-at-once'),
    fixtureServer('exit-at-once', { name: 'exit-at-once-startup', preflight: STARTUP }),
    fixtureServer('never-answer', { preflight: STARTUP }),
    fixtureServer('no-tools-list', { preflight: STARTUP }),
    fixtureServer('no-tools-list', { name: 'no-tools-list-full' }),
    fixtureServer('exit-on-tools-list', { preflight: STARTUP }),
    fixtureServer('tools'),
  ];
  const checked = await preflight(servers, { deadlines: { initialize: INITIALIZE_DEADLINE } });
  results = Object.fromEntries(checked.map((r) => [r.server, r]));
}, 7 * INSTALL_TIMEOUT);

afterAll(async () => {
  if (machineUserconfig === undefined) delete process.env.npm_config_userconfig;
  else process.env.npm_config_userconfig = machineUserconfig;
  await registry?.stop();
});

describe('a stdio server that exits at once', () => {
  it('fails, with its stderr line, although the bridge in front of it stays up', () => {
    expect(results['exit-at-once']).toMatchObject({
      check: 'full',
      outcome: 'FAILED',
      tools: undefined,
      note: 'the server process exited (code=1, signal=null) before answering initialize',
      stderr: ['fixture: cannot reach its upstream, giving up'],
    });
  });

  it('fails also when its policy is to check only its start-up', () => {
    expect(results['exit-at-once-startup']).toMatchObject({
      check: 'startup',
      outcome: 'FAILED',
      note: 'the server process exited (code=1, signal=null) before answering initialize',
      stderr: ['fixture: cannot reach its upstream, giving up'],
    });
  });
});

describe('a stdio server that never answers initialize', () => {
  it('fails when its initialize deadline passes, whatever its policy, with its stderr', () => {
    expect(results['never-answer']).toMatchObject({
      check: 'startup',
      outcome: 'FAILED',
      note: 'no answer to initialize: no answer within 5 s',
      stderr: ['fixture: waiting for an upstream that never answers'],
    });
  });
});

describe('a stdio server that answers initialize but not tools/list', () => {
  it('is started when its policy says listing its tools needs its upstream, with the reason', () => {
    expect(results['no-tools-list']).toEqual({
      server: 'no-tools-list',
      source: '@preflight-fixture/servers@1.0.0',
      transport: 'stdio',
      check: 'startup',
      outcome: 'started',
      tools: undefined,
      seconds: expect.any(Number),
      note: 'answered initialize; tools/list needs its upstream (lists its tools only once it reaches its upstream): MCP error -32603: fixture: its upstream is unreachable',
    });
  });

  it('fails when its policy is the full check, and says how to declare the other', () => {
    expect(results['no-tools-list-full']).toMatchObject({
      check: 'full',
      outcome: 'FAILED',
      note: 'answered initialize, but not tools/list: MCP error -32603: fixture: its upstream is unreachable (a server that lists its tools only with its upstream declares preflight: { check: "startup", reason })',
    });
  });
});

describe('a stdio server that answers initialize, then exits on tools/list', () => {
  it('fails even with the start-up policy: it crashed', () => {
    expect(results['exit-on-tools-list']).toMatchObject({
      check: 'startup',
      outcome: 'FAILED',
      note: 'the server process exited (code=1, signal=null) after answering initialize, on tools/list',
      stderr: ['fixture: lost its upstream, exiting'],
    });
  });
});

describe('a stdio server that lists its tools', () => {
  it('is ok, with its tools sorted and nothing to explain', () => {
    expect(results.tools).toMatchObject({ check: 'full', outcome: 'ok', tools: ['fixture_add', 'fixture_echo'], note: '' });
    expect(results.tools.stderr).toBeUndefined();
  });
});
