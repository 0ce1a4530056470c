import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { KUBERNETES_OPENAPI_PATH, type KubernetesOpenApi } from '../../../constructs/validation/kubernetes-schema.js';
import { formatOpenApi, trimOpenApi } from '../../../imports/k8s/vendor-openapi.js';
import { tempDir } from '../../support/files.js';

const SOURCES = join(dirname(KUBERNETES_OPENAPI_PATH), 'SOURCES.md');
const text = readFileSync(KUBERNETES_OPENAPI_PATH, 'utf8');
const vendored: KubernetesOpenApi = JSON.parse(text);

describe('imports/k8s: the vendored Kubernetes OpenAPI definitions', () => {
  it('GIVEN SOURCES.md THEN it records the upstream repository, path and release, the copy\'s commit and the output\'s hash', () => {
    const sources = readFileSync(SOURCES, 'utf8');
    expect(sources).toContain('`kubernetes/kubernetes`');
    expect(sources).toContain('`api/openapi-spec/v3/*_openapi.json`');
    expect(sources).toContain('`release-1.33`');
    expect(sources).toContain('`kubernetes-sigs/kubectl-validate`, `pkg/openapiclient/builtins/1.33/`');
    expect(sources).toContain('commit `9431c46daf3fdcbdcc480134767eafdd990f8fc5`');
    expect(sources).toContain(`sha256 \`${createHash('sha256').update(text).digest('hex')}\``);
    expect(vendored.kubernetes).toBe('1.33');
  });

  it('GIVEN the vendored file THEN it holds the kinds the platform renders, and is in the script\'s own format', () => {
    expect(Object.keys(vendored.kinds.v1 ?? {})).toEqual(expect.arrayContaining(['ConfigMap', 'Namespace', 'ResourceQuota', 'Service', 'ServiceAccount']));
    expect(vendored.kinds['apps/v1']).toMatchObject({ Deployment: 'io.k8s.api.apps.v1.Deployment', StatefulSet: 'io.k8s.api.apps.v1.StatefulSet' });
    expect(vendored.kinds['policy/v1']).toEqual({ PodDisruptionBudget: 'io.k8s.api.policy.v1.PodDisruptionBudget' });
    expect(formatOpenApi(vendored)).toBe(text);
  });
});

describe('vendor-openapi.ts trimming', () => {
  const document = {
    openapi: '3.0.0',
    paths: {
      '/apis/example.k8s.io/v1/namespaces/{namespace}/widgets': { post: { 'x-kubernetes-group-version-kind': { group: 'example.k8s.io', version: 'v1', kind: 'Widget' }, requestBody: { content: { '*/*': { schema: { $ref: '#/components/schemas/io.k8s.api.example.v1.Widget' } } } } } },
      '/apis/example.k8s.io/v1/namespaces/{namespace}/widgets/{name}/scale': { post: { 'x-kubernetes-group-version-kind': { group: 'autoscaling', version: 'v1', kind: 'Scale' }, requestBody: { content: { '*/*': { schema: { $ref: '#/components/schemas/io.k8s.api.example.v1.Unused' } } } } } },
    },
    components: {
      schemas: {
        'io.k8s.api.example.v1.Widget': {
          description: 'A widget.',
          properties: { description: { description: 'The field named description stays.', type: 'string' }, spec: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.example.v1.WidgetSpec' }], description: 'gone' } },
          type: 'object',
        },
        'io.k8s.api.example.v1.WidgetSpec': { properties: { size: { format: 'int32', type: 'integer' } }, type: 'object' },
        'io.k8s.api.example.v1.Unused': { type: 'object' },
      },
    },
  };

  it('GIVEN documents THEN it keeps the creatable kinds, only the definitions they reach, and every keyword but description', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'apis', 'example.k8s.io'), { recursive: true });
    writeFileSync(join(dir, 'apis', 'example.k8s.io', 'v1.json'), JSON.stringify(document));
    expect(trimOpenApi(dir, '1.99')).toEqual({
      kubernetes: '1.99',
      kinds: { 'example.k8s.io/v1': { Widget: 'io.k8s.api.example.v1.Widget' } },
      components: {
        schemas: {
          'io.k8s.api.example.v1.Widget': { properties: { description: { type: 'string' }, spec: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.example.v1.WidgetSpec' }] } }, type: 'object' },
          'io.k8s.api.example.v1.WidgetSpec': { properties: { size: { format: 'int32', type: 'integer' } }, type: 'object' },
        },
      },
    });
  });
});
