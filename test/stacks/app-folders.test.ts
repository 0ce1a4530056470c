import { describe, expect, it } from '@jest/globals';
import { APP_FOLDERS } from '../../stacks/app-folders.js';
import { parsePlatformConfig } from '../../stacks/config.js';
import defaultConfig from '../../stacks/platform.config.js';
import { renderPlatformInMemory } from '../../stacks/synth.js';
import { ARGOCD_APP } from '../../stacks/workloads.js';

describe('APP_FOLDERS', () => {
  it("lists every folder the default platform (which enables every part) renders, besides the Applications' own", () => {
    const rendered = renderPlatformInMemory(parsePlatformConfig(defaultConfig, 'default')).apps.map((a) => a.name).filter((name) => name !== ARGOCD_APP);
    expect([...rendered].sort()).toEqual([...APP_FOLDERS].sort());
  });
});
