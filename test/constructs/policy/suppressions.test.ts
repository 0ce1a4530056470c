import { describe, expect, it } from '@jest/globals';
import { ApiObject, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { apiObjectsOf, checkPolicies, enforcePolicies } from '../../../constructs/policy/policy-checker.js';
import { RuleIds } from '../../../constructs/policy/rule-ids.js';
import { suppressPolicy } from '../../../constructs/policy/suppressions.js';
import { testChart } from '../../support/charts.js';
import { compliantDeployment, networkPolicy } from '../../support/manifests.js';

/** A chart with a Deployment whose image is unpinned (one MCP-PinnedImage error) under construct `server`. */
function chartWithUnpinnedImage() {
  const chart = testChart();
  const server = new Construct(chart, 'server');
  const deployment = compliantDeployment({ container: { image: 'ghcr.io/example/app' } });
  new ApiObject(server, 'deployment', deployment);
  new ApiObject(chart, 'policy', networkPolicy());
  return { chart, server };
}

describe('policy suppressions', () => {
  it('moves a finding from the findings to the suppressed list, with its reason and construct path', () => {
    const { chart, server } = chartWithUnpinnedImage();
    suppressPolicy(server, RuleIds.pinnedImage, 'the vendor publishes only a rolling tag; mirrored daily');
    const result = checkPolicies(apiObjectsOf(chart));
    expect(result.findings).toEqual([]);
    expect(result.suppressed).toEqual([
      expect.objectContaining({ ruleId: RuleIds.pinnedImage, object: 'Deployment mcp-system/demo', path: 'test/server/deployment', suppressionReason: 'the vendor publishes only a rolling tag; mirrored daily' }),
    ]);
  });

  it('applies only to the rule it names', () => {
    const { chart, server } = chartWithUnpinnedImage();
    suppressPolicy(server, RuleIds.probes, 'this server has no health endpoint at all, yet');
    expect(checkPolicies(apiObjectsOf(chart)).findings.map((f) => f.ruleId)).toEqual([RuleIds.pinnedImage]);
  });

  it('rejects an unknown rule id, listing the known ones', () => {
    expect(() => suppressPolicy(testChart(), 'MCP-NoSuchRule', 'a reason that is long enough to count')).toThrow(
      /^Cannot suppress unknown policy rule "MCP-NoSuchRule" on test; known rules: MCP-PodSecurityRestricted, /,
    );
  });

  it('rejects a suppression without a real reason', () => {
    expect(() => suppressPolicy(testChart(), RuleIds.pinnedImage, '  because  ')).toThrow(
      'Suppressing MCP-PinnedImage on test needs a reason of at least 20 characters explaining why the rule does not apply.',
    );
  });
});

describe('enforcePolicies', () => {
  it('fails cdk8s synth with the rule id, object and reason of each error', () => {
    const { chart } = chartWithUnpinnedImage();
    enforcePolicies(chart);
    expect(() => Testing.synth(chart)).toThrow('[MCP-PinnedImage] Deployment mcp-system/demo: container "app" image "ghcr.io/example/app" has no tag');
  });

  it('lets a compliant chart synthesize', () => {
    const chart = testChart();
    new ApiObject(chart, 'deployment', compliantDeployment());
    new ApiObject(chart, 'policy', networkPolicy());
    enforcePolicies(chart);
    expect(Testing.synth(chart)).toHaveLength(2);
  });
});
