import { describe, expect, it } from '@jest/globals';
import { ruleById } from '../../../../constructs/policy/pack.js';
import { RuleIds } from '../../../../constructs/policy/rule-ids.js';
import { gpuToleration } from '../../../../constructs/policy/rules/gpu-toleration.js';
import { compliantDeployment, compliantPod, compliantWorkload, configMap, type PodOptions } from '../../../support/manifests.js';

const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
const ONE_GPU = { requests: { cpu: '1', memory: '8Gi', 'nvidia.com/gpu': 1 }, limits: { memory: '16Gi', 'nvidia.com/gpu': 1 } };

const check = (options: PodOptions = {}) => gpuToleration.check(compliantDeployment(options), { objects: [] });

describe('GPU toleration rule', () => {
  it('is an error in the pack under its own id', () => {
    expect(gpuToleration.id).toBe('MCP-GpuTolerationOnlyWithGpu');
    expect(ruleById(RuleIds.gpuToleration)).toBe(gpuToleration);
    expect(gpuToleration.level).toBe('error');
  });

  it('accepts a pod that tolerates the GPU taint and requests a GPU', () => {
    // GIVEN the vLLM shape: the toleration and a GPU in requests and limits WHEN checked THEN it passes
    expect(check({ podSpec: { tolerations: [GPU_TOLERATION] }, container: { resources: ONE_GPU } })).toEqual({ status: 'compliant' });
  });

  it('accepts a GPU given only as a limit (Kubernetes copies it to the request)', () => {
    const resources = { requests: { cpu: '1', memory: '8Gi' }, limits: { memory: '16Gi', 'nvidia.com/gpu': '1' } };
    expect(check({ podSpec: { tolerations: [GPU_TOLERATION] }, container: { resources } })).toEqual({ status: 'compliant' });
  });

  it('rejects a pod that tolerates the GPU taint without requesting a GPU', () => {
    // GIVEN an ordinary pod with the GPU toleration WHEN checked THEN the taint and the missing resource are named
    expect(check({ podSpec: { tolerations: [GPU_TOLERATION] } })).toEqual({
      status: 'non-compliant',
      reasons: ['pod tolerates the nvidia.com/gpu taint but no container requests a GPU resource (nvidia.com/*)'],
    });
  });

  it('rejects a GPU toleration with operator Equal and a pod that asks for zero GPUs', () => {
    const equal = { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' };
    const zero = { requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': 0 }, limits: { memory: '1Gi', 'nvidia.com/gpu': 0 } };
    expect(check({ podSpec: { tolerations: [equal] }, container: { resources: zero } })).toEqual({
      status: 'non-compliant',
      reasons: ['pod tolerates the nvidia.com/gpu taint but no container requests a GPU resource (nvidia.com/*)'],
    });
  });

  it('counts a key-less Exists toleration as tolerating every GPU taint', () => {
    // GIVEN a pod that tolerates every taint WHEN checked THEN both GPU taints are reported
    expect(check({ podSpec: { tolerations: [{ operator: 'Exists' }] } })).toEqual({
      status: 'non-compliant',
      reasons: [
        'pod tolerates the nvidia.com/gpu taint but no container requests a GPU resource (nvidia.com/*)',
        'pod tolerates the amd.com/gpu taint but no container requests a GPU resource (amd.com/*)',
      ],
    });
  });

  it.each([
    ['an empty key and operator Exists', { key: '', operator: 'Exists' }],
  ])('counts %s as tolerating every GPU taint', (_name, toleration) => {
    expect(check({ podSpec: { tolerations: [toleration] } })).toEqual({
      status: 'non-compliant',
      reasons: [
        'pod tolerates the nvidia.com/gpu taint but no container requests a GPU resource (nvidia.com/*)',
        'pod tolerates the amd.com/gpu taint but no container requests a GPU resource (amd.com/*)',
      ],
    });
  });

  it.each([
    ['an empty key and operator Equal', { key: '', operator: 'Equal', value: 'x' }],
    ['no key and no operator', { effect: 'NoSchedule' }],
  ])('does not count %s as tolerating the GPU taints', (_name, toleration) => {
    expect(check({ podSpec: { tolerations: [toleration] } })).toEqual({ status: 'compliant' });
  });

  it('finds the GPU toleration among others', () => {
    const tolerations = [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }, GPU_TOLERATION];
    expect(check({ podSpec: { tolerations } })).toEqual({
      status: 'non-compliant',
      reasons: ['pod tolerates the nvidia.com/gpu taint but no container requests a GPU resource (nvidia.com/*)'],
    });
  });

  it('accepts the pod when any one container requests the GPU, and one without resources beside it', () => {
    // GIVEN the GPU on a sidecar, the main container with no resources at all
    const gpu = { name: 'model', image: 'ghcr.io/example/vllm:1.0.0', resources: { requests: { 'nvidia.com/gpu': 1 } } };
    const podSpec = { tolerations: [GPU_TOLERATION], containers: [{ name: 'app', image: 'ghcr.io/example/app:1.2.3' }, gpu] };
    // WHEN checked THEN it passes: requests alone are enough
    expect(check({ podSpec })).toEqual({ status: 'compliant' });
  });

  it('accepts a MIG slice as the GPU request', () => {
    const resources = { requests: { cpu: '1', memory: '1Gi', 'nvidia.com/mig-3g.20gb': 1 }, limits: { memory: '1Gi', 'nvidia.com/mig-3g.20gb': 1 } };
    expect(check({ podSpec: { tolerations: [GPU_TOLERATION] }, container: { resources } })).toEqual({ status: 'compliant' });
  });

  it('matches the AMD taint with an AMD GPU, not an NVIDIA one', () => {
    const amd = { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
    const amdGpu = { requests: { cpu: '1', memory: '1Gi', 'amd.com/gpu': 1 }, limits: { memory: '1Gi', 'amd.com/gpu': 1 } };
    expect(check({ podSpec: { tolerations: [amd] }, container: { resources: amdGpu } })).toEqual({ status: 'compliant' });
    expect(check({ podSpec: { tolerations: [amd] }, container: { resources: ONE_GPU } })).toEqual({
      status: 'non-compliant',
      reasons: ['pod tolerates the amd.com/gpu taint but no container requests a GPU resource (amd.com/*)'],
    });
  });

  it('accepts a pod without a GPU toleration, and one tolerating only other taints', () => {
    expect(check()).toEqual({ status: 'compliant' });
    expect(check({ podSpec: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] } })).toEqual({
      status: 'compliant',
    });
  });

  it('checks bare pods and every workload kind', () => {
    const options: PodOptions = { podSpec: { tolerations: [GPU_TOLERATION] } };
    const reasons = ['pod tolerates the nvidia.com/gpu taint but no container requests a GPU resource (nvidia.com/*)'];
    expect(gpuToleration.check(compliantPod(options), { objects: [] })).toEqual({ status: 'non-compliant', reasons });
    for (const kind of ['StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const) {
      expect(gpuToleration.check(compliantWorkload(kind, options), { objects: [] })).toEqual({ status: 'non-compliant', reasons });
    }
  });

  it('does not apply to objects without pods', () => {
    expect(gpuToleration.check(configMap(), { objects: [] })).toEqual({ status: 'not-applicable' });
  });
});
