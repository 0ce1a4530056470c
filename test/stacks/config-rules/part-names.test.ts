import { describe, expect, it } from '@jest/globals';
import { partNames } from '../../../stacks/config-rules/part-names.js';
import { configOf, minimal } from './support.js';

describe('config rule part-names', () => {
  it('passes the default names', () => {
    expect(partNames.check(configOf({ ...minimal, gateway: { enabled: true }, triageLlm: { enabled: true }, database: { enabled: true }, gpuInference: { enabled: true } }))).toEqual([]);
  });

  it.each([
    ['mcp-gateway', { gateway: { enabled: true } }, 'the gateway'],
    ['triage-llm', { triageLlm: { enabled: true } }, 'the triage model (triageLlm)'],
    ['mcp-postgres', { database: { enabled: true } }, 'the database (database.name)'],
  ])('refuses a vLLM deployment named %s while that part is enabled', (name, parts, by) => {
    expect(partNames.check(configOf({ ...minimal, ...parts, gpuInference: { enabled: true, name } }))).toEqual([
      { path: 'gpuInference.name', message: `"${name}" is the name of ${by}, whose objects would be rendered twice: choose another name (default "vllm")` },
    ]);
    expect(partNames.check(configOf({ ...minimal, gpuInference: { enabled: true, name } }))).toEqual([]);
  });

  it('refuses a database cluster named like the gateway', () => {
    expect(partNames.check(configOf({ ...minimal, gateway: { enabled: true }, database: { enabled: true, name: 'mcp-gateway' } }))).toEqual([
      { path: 'database.name', message: '"mcp-gateway" is the name of the gateway, whose objects would be rendered twice: choose another name (default "mcp-postgres")' },
    ]);
  });
});
