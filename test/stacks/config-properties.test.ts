/**
 * Property tests of the config → synth pipeline over generated configs (test/support/config-arbitraries.ts):
 *
 * 1. every config the docs call valid loads and synthesizes with no schema or policy error, and what it writes
 *    holds: names valid for their kind, valid label keys and values, Helm release names Helm accepts, one
 *    Terraform namespace per name, no NetworkPolicy for pods nobody renders, no Service over two workloads'
 *    pods, one sync object per Secret (test/support/config-properties.ts);
 * 2. every config with one deliberate mistake is refused, by an error without a stack trace that names the field.
 *
 * The seeds are fixed (and in the test names), so a failure reproduces: the counterexample fast-check prints is
 * the raw config, shrunk.
 */
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { invalidConfig, validConfig } from '../support/config-arbitraries.js';
import { refusalProblem, validConfigProblem } from '../support/config-properties.js';

// ---- tests ------------------------------------------------------------------------------------------------------

const VALID_SEED = 20_261_201;
const INVALID_SEED = 4_242;

describe('generated platform configs', () => {
  it(`synthesize cleanly when valid, with names, labels, releases, namespaces, policies and secrets that hold (seed ${VALID_SEED})`, () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        const problem = validConfigProblem(raw);
        if (problem) throw new Error(problem);
      }),
      // Every run is made whatever the machine's speed (no time limit, which fast-check would count as a pass).
      { seed: VALID_SEED, numRuns: 300 },
    );
  }, 600_000);

  it(`refuse one deliberate mistake with an error that names the field, without a stack trace (seed ${INVALID_SEED})`, () => {
    fc.assert(
      fc.property(invalidConfig, (c) => {
        const problem = refusalProblem(c);
        if (problem) throw new Error(problem);
      }),
      { seed: INVALID_SEED, numRuns: 300 },
    );
  }, 600_000);
});
