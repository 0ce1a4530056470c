import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CHART_SCHEMA_ROOT, CHART_VALUES_SCHEMAS, checkChartValues, mergeValues } from '../../../constructs/bootstrap/chart-values.js';

describe('chart values', () => {
  it("checks values against the pinned chart's own values.schema.json, naming the key and the schema", () => {
    expect(checkChartValues('cloudnative-pg', '0.29.0', { config: { clusterWide: false }, replicaCount: 2 })).toEqual({ validated: true, problems: [] });
    expect(checkChartValues('cloudnative-pg', '0.29.0', { config: { clusterWide: 'no' }, replicaCount: 'two' })).toEqual({
      validated: true,
      problems: ['config.clusterWide: must be boolean (cloudnative-pg 0.29.0 values.schema.json)', 'replicaCount: must be integer (cloudnative-pg 0.29.0 values.schema.json)'],
    });
  });

  it('says so when no schema is vendored for that chart or version, and checks nothing', () => {
    expect(checkChartValues('cloudnative-pg', '0.30.0', { replicaCount: 'two' })).toEqual({ validated: false, problems: [] });
    expect(checkChartValues('gpu-operator', 'v26.7.0', { driver: { enabled: 'no' } })).toEqual({ validated: false, problems: [] });
  });

  it('validates without the null keys, which Helm removes before it checks', () => {
    expect(checkChartValues('cloudnative-pg', '0.29.0', { replicaCount: null, config: { clusterWide: null } })).toEqual({ validated: true, problems: [] });
  });

  it('merges like Helm: maps key by key, lists and scalars replaced, nulls kept for Helm to remove the default', () => {
    const platform = { driver: { enabled: false, version: '595' }, tolerations: [{ key: 'a' }], hostPaths: { driverInstallDir: '/usr/local' } };
    expect(mergeValues(platform, { driver: { enabled: true }, tolerations: [{ key: 'b' }], hostPaths: null, extra: 1 })).toEqual({
      driver: { enabled: true, version: '595' },
      tolerations: [{ key: 'b' }],
      hostPaths: null,
      extra: 1,
    });
    expect(platform.driver.enabled).toBe(false);
  });

  it('every vendored schema is listed, and requires no key and has no conditional rule (so checking our values alone equals Helm checking the merge)', () => {
    const listed = Object.values(CHART_VALUES_SCHEMAS).flatMap((versions) => Object.values(versions)).sort();
    expect(readdirSync(CHART_SCHEMA_ROOT).filter((f) => f.endsWith('.values.schema.json')).sort()).toEqual(listed);
    const offending: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}/${i}`));
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'required' && Array.isArray(value) && value.length) offending.push(`${path}/required`);
          if (['if', 'then', 'else', 'dependencies', 'dependentRequired', 'dependentSchemas'].includes(key)) offending.push(`${path}/${key}`);
          walk(value, `${path}/${key}`);
        }
      }
    };
    for (const file of listed) walk(JSON.parse(readFileSync(join(CHART_SCHEMA_ROOT, file), 'utf8')), file);
    expect(offending).toEqual([]);
  });
});
