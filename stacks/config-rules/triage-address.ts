import { externalTriageAddressProblems } from '../../constructs/inference/triage-llm.js';
import type { PlatformConfig } from '../config.js';
import type { ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

/**
 * An external triage server's address is one the clients can reach: an address the API server takes as an
 * EndpointSlice address and that lies in `egressCidrs` when those are given, or a full DNS name outside the
 * cluster. The construct checks the same (constructs/inference/triage-llm.ts); here the problem names the field.
 */
export const triageAddress: ConfigRule = {
  id: 'triage-address',
  description: "An external triage LLM's address is one its clients' NetworkPolicy and the API server let them reach.",
  check(config: PlatformConfig): ConfigProblem[] {
    const triage = config.triageLlm;
    if (!triage.enabled || triage.provider !== 'external') return [];
    return externalTriageAddressProblems(triage).map(({ field, message }) => ({ path: `triageLlm.${field}`, message }));
  },
};
