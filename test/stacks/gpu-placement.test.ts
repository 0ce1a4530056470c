import { describe, expect, it } from '@jest/globals';
import { Testing } from 'cdk8s';
import { describeObject } from '../../constructs/policy/policy-checker.js';
import type { Manifest } from '../../constructs/policy/rule.js';
import { containersOf, podTemplateOf } from '../../constructs/policy/workload.js';
import { parsePlatformConfig } from '../../stacks/config.js';
import defaultConfig from '../../stacks/platform.config.js';
import { Workloads } from '../../stacks/workloads.js';

const GPU = 'nvidia.com/gpu';
const VLLM = 'Deployment mcp-system/vllm';

/** Every object the default platform renders, across all of its charts. */
function renderDefaultPlatform(): Manifest[] {
  const workloads = new Workloads(parsePlatformConfig(defaultConfig, 'stacks/platform.config.ts'));
  return [...workloads.charts.values()].flatMap((chart) => Testing.synth(chart));
}

/** Does this toleration admit a pod onto nodes tainted with `key` (a key-less Exists admits everywhere)? */
const tolerates = (t: Manifest, key: string): boolean => (t.key === undefined || t.key === '' ? t.operator === 'Exists' : t.key === key);

/** Calls `visit` with every value under each object's spec and its `Kind namespace/name path`, depth first. */
function walkSpecs(objects: Manifest[], visit: (key: string, value: unknown, where: string) => void): void {
  const walk = (value: unknown, path: string, object: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}/${i}`, object));
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        visit(key, child, `${object} ${path}/${key}`);
        walk(child, `${path}/${key}`, object);
      }
    }
  };
  for (const object of objects) walk(object.spec ?? {}, '/spec', describeObject(object));
}

/**
 * Every place under a spec that mentions NVIDIA: a key such as `nvidia.com/gpu` or `nvidia.com/gpu.present`,
 * or a value such as a toleration's key or the `nvidia` runtime class. Deep, so custom resources that run
 * pods (a CloudNativePG Cluster's affinity) count too.
 */
function nvidiaMentions(objects: Manifest[]): string[] {
  const found: string[] = [];
  walkSpecs(objects, (key, value, where) => {
    if (key.startsWith('nvidia.com/') || (typeof value === 'string' && /^nvidia(\.com\/|$)/.test(value))) found.push(where);
  });
  return found;
}

/** Every `tolerations` list, in any object's spec, that admits pods onto GPU nodes. */
function gpuTolerationLists(objects: Manifest[]): string[] {
  const found: string[] = [];
  walkSpecs(objects, (key, value, where) => {
    if (key === 'tolerations' && Array.isArray(value) && value.some((t: Manifest) => tolerates(t, GPU))) found.push(where);
  });
  return found;
}

describe('GPU placement in the default platform', () => {
  const objects = renderDefaultPlatform();
  const pods = objects.flatMap((manifest) => {
    const pod = podTemplateOf(manifest);
    return pod ? [{ object: describeObject(manifest), spec: pod.spec }] : [];
  });

  it('renders CPU pods beside the vLLM one, the CPU model server among them, so the checks below compare something', () => {
    expect(pods.map((p) => p.object)).toEqual(expect.arrayContaining([VLLM, 'Deployment mcp-system/triage-llm', 'Job mcp-system/mcp-postgres-migrate']));
  });

  it('lets only the vLLM pod tolerate the GPU taint, and that pod requests the GPU', () => {
    const tolerating = pods.filter((p) => ((p.spec.tolerations ?? []) as Manifest[]).some((t) => tolerates(t, GPU)));
    expect(tolerating.map((p) => p.object)).toEqual([VLLM]);
    const [vllm] = tolerating;
    expect(vllm.spec.tolerations).toEqual([{ key: GPU, operator: 'Exists', effect: 'NoSchedule' }]);
    expect(vllm.spec.containers[0].resources.requests[GPU]).toBe(1);
    expect(vllm.spec.containers[0].resources.limits[GPU]).toBe(1);
  });

  it('gives no other pod a GPU node selector or GPU resource', () => {
    const others = pods.filter((p) => p.object !== VLLM);
    expect(others.filter((p) => Object.keys(p.spec.nodeSelector ?? {}).some((key) => key.startsWith('nvidia.com/'))).map((p) => p.object)).toEqual([]);
    const gpuContainers = others.flatMap((p) =>
      containersOf(p.spec)
        .filter(({ container }) => Object.keys({ ...container.resources?.requests, ...container.resources?.limits }).some((key) => key.startsWith('nvidia.com/')))
        .map(({ label }) => `${p.object} ${label}`),
    );
    expect(gpuContainers).toEqual([]);
  });

  it('has no GPU toleration anywhere else, custom resources that run pods included', () => {
    expect(gpuTolerationLists(objects)).toEqual([`${VLLM} /spec/template/spec/tolerations`]);
  });

  it('mentions NVIDIA nowhere but in the vLLM pod spec', () => {
    expect(nvidiaMentions(objects)).toEqual([
      `${VLLM} /spec/template/spec/containers/0/resources/limits/nvidia.com/gpu`,
      `${VLLM} /spec/template/spec/containers/0/resources/requests/nvidia.com/gpu`,
      `${VLLM} /spec/template/spec/nodeSelector/nvidia.com/gpu.present`,
      `${VLLM} /spec/template/spec/runtimeClassName`,
      `${VLLM} /spec/template/spec/tolerations/0/key`,
    ]);
  });
});
