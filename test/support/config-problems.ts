import { expect } from '@jest/globals';
import { ConfigError, parsePlatformConfig } from '../../stacks/config.js';

/** The problems a config is refused with; fails the test when it is taken. */
export function problemsOf(raw: unknown): readonly string[] {
  try {
    parsePlatformConfig(raw, 'test.config.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}
