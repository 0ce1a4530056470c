/**
 * The Application health check runs in a real Lua interpreter (wasmoon: Lua 5.4 built to WebAssembly). Argo CD
 * runs it with gopher-lua (Lua 5.1); the check uses only what both have (tables, `~=`, `and`, `or`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LuaFactory, type LuaEngine } from 'wasmoon';
import { APPLICATION_HEALTH_KEY, APPLICATION_HEALTH_LUA, argocdValues } from '../../../constructs/bootstrap/argocd-values.js';

let lua: LuaEngine;
beforeAll(async () => {
  lua = await new LuaFactory().createEngine();
});
afterAll(() => lua.global.close());

/** What Argo CD would read from the check for an Application object (it sets the global `obj`). */
async function health(application: Record<string, unknown>): Promise<{ status: string; message: string }> {
  lua.global.set('obj', application);
  return (await lua.doString(APPLICATION_HEALTH_LUA)) as { status: string; message: string };
}

describe('the health check for Applications', () => {
  it('reports a child Application\'s own health and message', async () => {
    expect(await health({ status: { health: { status: 'Healthy' } } })).toEqual({ status: 'Healthy', message: '' });
    expect(await health({ status: { health: { status: 'Degraded', message: 'Deployment mcp-gateway: 0/2 ready' } } })).toEqual({
      status: 'Degraded',
      message: 'Deployment mcp-gateway: 0/2 ready',
    });
    expect(await health({ status: { health: { status: 'Missing' } } })).toEqual({ status: 'Missing', message: '' });
  });

  it.each([
    ['no status yet', {}],
    ['a status without health', { status: { sync: { status: 'OutOfSync' } } }],
    ['health without a status', { status: { health: { message: 'x' } } }],
  ])('is Progressing for %s, so the next wave waits', async (_, application) => {
    expect(await health(application)).toEqual({ status: 'Progressing', message: "waiting for Argo CD to report this application's health" });
  });

  it('goes into argocd-cm under the key Argo CD reads', () => {
    expect(argocdValues()).toEqual({ configs: { cm: { 'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA } } });
    expect(APPLICATION_HEALTH_KEY).toBe('resource.customizations.health.argoproj.io_Application');
  });
});
