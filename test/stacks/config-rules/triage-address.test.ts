import { describe, expect, it } from '@jest/globals';
import { triageAddress } from '../../../stacks/config-rules/triage-address.js';
import type { PlatformConfigInput } from '../../../stacks/config.js';
import { CONFIG_RULES } from '../../../stacks/config-rules/index.js';
import { configOf, minimal } from './support.js';

const external = (address: string, egressCidrs?: string[]) => ({ enabled: true, provider: 'external', address, port: 8000, model: 'm', ...(egressCidrs ? { egressCidrs } : {}) });
const check = (triageLlm: object, raw: Partial<PlatformConfigInput> = {}) => triageAddress.check(configOf({ ...minimal, ...raw, triageLlm } as PlatformConfigInput));
const refusedEndpoint = (address: string, what: string) => ({
  path: 'triageLlm.address',
  message: `"${address}" is ${what}, which the API server refuses as an EndpointSlice address: use the server's own address on the LAN`,
});

describe('config rule triage-address', () => {
  it('refuses each address range the API server refuses in an EndpointSlice, at its edges', () => {
    expect(check(external('0.0.0.0'))).toEqual([refusedEndpoint('0.0.0.0', 'the unspecified address')]);
    expect(check(external('127.0.0.1'))).toEqual([refusedEndpoint('127.0.0.1', 'in the loopback range (127.0.0.0/8)')]);
    expect(check(external('127.255.255.255'))).toEqual([refusedEndpoint('127.255.255.255', 'in the loopback range (127.0.0.0/8)')]);
    expect(check(external('169.254.169.254'))).toEqual([refusedEndpoint('169.254.169.254', 'in the link-local range (169.254.0.0/16)')]);
    expect(check(external('224.0.0.5'))).toEqual([refusedEndpoint('224.0.0.5', 'in the link-local multicast range (224.0.0.0/24)')]);
    for (const address of ['0.0.0.1', '126.255.255.255', '128.0.0.1', '169.253.255.255', '169.255.0.0', '224.0.1.0', '192.168.1.40']) expect(check(external(address))).toEqual([]);
  });

  it('refuses an address outside its egressCidrs, and takes one inside them or with none given', () => {
    expect(check(external('10.0.0.5', ['192.168.0.0/16']))).toEqual([
      {
        path: 'triageLlm.egressCidrs',
        message: `does not hold the address "10.0.0.5": the clients' NetworkPolicy would allow only these addresses, never the server; add "10.0.0.5/32", or leave egressCidrs out to allow the address alone`,
      },
    ]);
    expect(check(external('10.0.0.5', ['192.168.0.0/16', '10.0.0.0/24']))).toEqual([]);
    expect(check(external('10.0.0.5'))).toEqual([]);
  });

  it('refuses a DNS name of a cluster Service or without a domain, and takes a full name outside the cluster', () => {
    const service = (address: string) => ({
      path: 'triageLlm.address',
      message: `"${address}" is a Service inside the cluster: the clients' policy allows addresses outside it (egressCidrs), which never match the pod behind a Service; for a model server in the cluster use provider "ollama" or "vllm", else the server's address outside the cluster`,
    });
    expect(check(external('ollama.ai.svc.cluster.local', ['10.1.0.0/16']))).toEqual([service('ollama.ai.svc.cluster.local')]);
    expect(check(external('ollama.ai.svc', ['10.1.0.0/16']))).toEqual([service('ollama.ai.svc')]);
    expect(check(external('llm', ['10.1.0.0/16']))).toEqual([
      { path: 'triageLlm.address', message: '"llm" has no domain: the ExternalName Service answers with it as an absolute name, which does not resolve; use the full name, e.g. "llm.lan"' },
    ]);
    expect(check(external('gpu.lan', ['192.168.1.0/24']))).toEqual([]);
  });

  it('checks only an enabled external triage LLM', () => {
    expect(check({ ...external('127.0.0.1'), enabled: false })).toEqual([]);
    expect(check({ enabled: true, provider: 'ollama' })).toEqual([]);
  });

  it('is one of the rules synth runs on the loaded config', () => {
    expect(CONFIG_RULES).toContain(triageAddress);
  });
});
