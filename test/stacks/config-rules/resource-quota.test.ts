import { describe, expect, it } from '@jest/globals';
import { ConfigError, parsePlatformConfig } from '../../../stacks/config.js';
import { resourceQuotaProblems } from '../../../stacks/config-rules/resource-quota.js';
import defaultConfig from '../../../stacks/platform.config.js';
import { renderPlatformInMemory } from '../../../stacks/synth.js';
import { configOf, minimal } from './support.js';

const container = (name: string, cpu: string, memory: string, limit: string) => ({ name, resources: { requests: { cpu, memory }, limits: { memory: limit } } });
const deployment = (name: string, replicas: number, containers: object[], initContainers: object[] = [], namespace = 'mcp-system') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { replicas, template: { spec: { containers, initContainers } } },
});
const quota = (requestsCpu: string, requestsMemory: string, limitsMemory: string, pods: number) =>
  configOf({ ...minimal, guardrails: { resourceQuota: { requestsCpu, requestsMemory, limitsMemory, pods }, limitRange: { defaultRequestCpu: '50m', defaultRequestMemory: '64Mi', defaultLimitMemory: '256Mi' } } });

describe('config rule resource-quota', () => {
  it('adds up containers per pod, the larger of init and main, times replicas', () => {
    // 2 × max(100m + 200m, 500m) = 1000m; 2 × max(128Mi + 128Mi, 64Mi) = 512Mi; limits 2 × (256Mi + 256Mi) = 1024Mi.
    const objects = [deployment('a', 2, [container('app', '100m', '128Mi', '256Mi'), container('side', '200m', '128Mi', '256Mi')], [container('init', '500m', '64Mi', '128Mi')])];
    expect(resourceQuotaProblems(quota('1', '512Mi', '1Gi', 2), objects)).toEqual([]);
    expect(resourceQuotaProblems(quota('999m', '512Mi', '1Gi', 2), objects)).toEqual([
      {
        path: 'guardrails.resourceQuota.requestsCpu',
        message:
          "999m cannot hold the platform's own pods, which need 1000m (2 pods): the API server would refuse the pods past it and they would never start; " +
          'raise it to at least 1000m, plus room for rolling updates',
      },
    ]);
    expect(resourceQuotaProblems(quota('1', '511Mi', '1Gi', 2), objects).map((p) => p.path)).toEqual(['guardrails.resourceQuota.requestsMemory']);
    expect(resourceQuotaProblems(quota('1', '512Mi', '1023Mi', 2), objects).map((p) => p.path)).toEqual(['guardrails.resourceQuota.limitsMemory']);
    expect(resourceQuotaProblems(quota('1', '512Mi', '1Gi', 1), objects).map((p) => p.path)).toEqual(['guardrails.resourceQuota.pods']);
  });

  it('counts PostgreSQL instances, poolers, kmcp and ToolHive servers (the server from podTemplateSpec, the proxy from spec.resources), and only the platform namespace', () => {
    const objects = [
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: 'mcp-system' }, spec: { instances: 3, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } } } },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'db-pooler', namespace: 'mcp-system' }, spec: { instances: 2 } },
      { apiVersion: 'kagent.dev/v1alpha1', kind: 'MCPServer', metadata: { name: 'k', namespace: 'mcp-system' }, spec: { deployment: { replicas: 2, resources: { requests: { cpu: '100m', memory: '100Mi' }, limits: { memory: '200Mi' } } } } },
      {
        apiVersion: 'toolhive.stacklok.dev/v1beta1',
        kind: 'MCPServer',
        metadata: { name: 't', namespace: 'mcp-system' },
        spec: { resources: { requests: { cpu: '100m', memory: '100Mi' } }, podTemplateSpec: { spec: { containers: [{ name: 'mcp', resources: { requests: { cpu: '300m', memory: '100Mi' } } }] } } },
      },
      deployment('elsewhere', 10, [container('app', '10', '10Gi', '10Gi')], [], 'other'),
    ];
    // cpu: 3 (postgres) + 2 × 50m (pooler defaults) + 2 × 100m (kmcp) + 300m (ToolHive server) + 100m (its proxy) = 3700m;
    // pods: 3 + 2 + 2 + 1 + 1 = 9.
    expect(resourceQuotaProblems(quota('3700m', '100Gi', '100Gi', 9), objects)).toEqual([]);
    expect(resourceQuotaProblems(quota('3699m', '100Gi', '100Gi', 8), objects).map((p) => p.message.split(':')[0])).toEqual([
      "3699m cannot hold the platform's own pods, which need 3700m (9 pods)",
      "8 cannot hold the platform's own pods, which need 9 (9 pods)",
    ]);
  });

  it('asks for a LimitRange when a pod sets no requests, which a quota on requests refuses', () => {
    const config = configOf({ ...minimal, guardrails: { resourceQuota: { requestsCpu: '10', requestsMemory: '10Gi', limitsMemory: '10Gi', pods: 10 } } });
    const toolhive = { apiVersion: 'toolhive.stacklok.dev/v1beta1', kind: 'MCPServer', metadata: { name: 't', namespace: 'mcp-system' }, spec: { resources: { requests: { cpu: '100m', memory: '100Mi' } } } };
    expect(resourceQuotaProblems(config, [toolhive])).toEqual([
      {
        path: 'guardrails.limitRange',
        message: 'is required with a resourceQuota: MCPServer t (mcp) set no requests (an operator creates those pods), and a quota on requests refuses such pods unless a LimitRange gives defaults',
      },
    ]);
  });

  it('checks nothing without a quota', () => {
    expect(resourceQuotaProblems(configOf(minimal), [deployment('a', 100, [container('app', '100', '100Gi', '100Gi')])])).toEqual([]);
  });

  it('refuses the shipped platform under a quota smaller than its own requests, before anything is written', () => {
    const small = parsePlatformConfig({ ...defaultConfig, guardrails: { ...defaultConfig.guardrails, resourceQuota: { requestsCpu: '1', requestsMemory: '64Gi', limitsMemory: '128Gi', pods: 60 } } }, 'test');
    let error: unknown;
    try {
      renderPlatformInMemory(small);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^guardrails\.resourceQuota\.requestsCpu: 1 cannot hold the platform's own pods, which need \d+m \(\d+ pods\)/)]);
    // The shipped quota holds it.
    expect(() => renderPlatformInMemory(parsePlatformConfig(defaultConfig, 'test'))).not.toThrow();
  });
});
