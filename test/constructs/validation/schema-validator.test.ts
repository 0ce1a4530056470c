import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { CRD_SCHEMA_ROOT, SchemaValidator, strictSchema } from '../../../constructs/validation/schema-validator.js';
import { IMPORT_MODULES, SCHEMA_ONLY_CRDS } from '../../../imports/modules.js';
import { compliantDeployment } from '../../support/manifests.js';

const validator = new SchemaValidator();
const application = (spec: Record<string, unknown>) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'app', namespace: 'argocd' }, spec });

describe('SchemaValidator', () => {
  it('accepts a valid built-in object and reports wrong types with their path', () => {
    expect(validator.validate(compliantDeployment())).toEqual([]);
    expect(validator.validate(compliantDeployment({ container: { image: 5, ports: [{ containerPort: 'http' }] } }))).toEqual([
      '/spec/template/spec/containers/0/image must be string',
      '/spec/template/spec/containers/0/ports/0/containerPort must be integer',
    ]);
  });

  it('validates custom resources against their CRD and rejects fields the CRD does not declare', () => {
    const spec = { project: 'p', destination: { server: 'https://kubernetes.default.svc' }, source: { repoURL: 'https://x/y.git', path: 'a' } };
    expect(validator.validate(application(spec))).toEqual([]);
    expect(validator.validate(application({ ...spec, source: { repoURL: 'https://x/y.git', pth: 'a' } }))).toEqual(['/spec/source must NOT have additional properties "pth"']);
    expect(validator.validate(application({ destination: {} }))).toEqual(["/spec must have required property 'project'"]);
  });

  it('refuses an object it has no schema for, and says how to add one', () => {
    expect(validator.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'no schema for example.com/v1 Widget: vendor its CRD into imports/crds and run npm run import',
    ]);
  });

  it('checks names and namespaces are DNS-1123', () => {
    const bad = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace: 'a.b' } };
    expect(validator.validate(bad)).toEqual(['/metadata/name "Bad_Name" is not a DNS-1123 subdomain', '/metadata/namespace "a.b" is not a DNS-1123 label']);
  });
});

describe('what every object needs before its schema is looked up', () => {
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', namespace: 'mcp-system' } };

  it.each([
    ['no apiVersion', { kind: 'ConfigMap', metadata: { name: 'demo' } }],
    ['no kind', { apiVersion: 'v1', metadata: { name: 'demo' } }],
    ['neither', { metadata: { name: 'demo' } }],
    ['a kind that is not a string', { apiVersion: 'v1', kind: 5, metadata: { name: 'demo' } }],
    ['an apiVersion that is not a string', { apiVersion: ['v1'], kind: 'ConfigMap', metadata: { name: 'demo' } }],
  ])('GIVEN an object with %s THEN it fails with one problem, not a pass', (_name, manifest) => {
    expect(validator.validate(manifest)).toEqual(['apiVersion and kind must be strings']);
  });

  it('GIVEN no object at all THEN apiVersion and kind are missing', () => {
    expect(validator.validate(undefined as unknown as Record<string, unknown>)).toEqual(['apiVersion and kind must be strings']);
    expect(validator.validate(null as unknown as Record<string, unknown>)).toEqual(['apiVersion and kind must be strings']);
  });

  it('GIVEN an object without metadata, or without a name THEN the missing name is reported', () => {
    expect(validator.validate({ apiVersion: 'v1', kind: 'ConfigMap' })).toEqual(['/metadata/name undefined is not a DNS-1123 subdomain']);
    expect(validator.validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'mcp-system' } })).toEqual(['/metadata/name undefined is not a DNS-1123 subdomain']);
  });

  it('GIVEN a name that is not a string THEN it is not a DNS-1123 subdomain (and the schema says its type)', () => {
    expect(validator.validate({ ...configMap, metadata: { name: 42 } })).toEqual(['/metadata/name 42 is not a DNS-1123 subdomain', '/metadata/name must be string']);
  });

  it('GIVEN a namespace of 63 characters THEN it is a DNS-1123 label; of 64 it is not', () => {
    expect(validator.validate({ ...configMap, metadata: { name: 'demo', namespace: 'a'.repeat(63) } })).toEqual([]);
    expect(validator.validate({ ...configMap, metadata: { name: 'demo', namespace: 'a'.repeat(64) } })).toEqual([`/metadata/namespace "${'a'.repeat(64)}" is not a DNS-1123 label`]);
  });

  it('GIVEN a namespace that is not a string THEN it is not a DNS-1123 label', () => {
    expect(validator.validate({ ...configMap, metadata: { name: 'demo', namespace: 7 } })).toEqual(['/metadata/namespace 7 is not a DNS-1123 label', '/metadata/namespace must be string']);
  });

  it('GIVEN a custom resource with a bad name and a schema error THEN both are reported, the name first', () => {
    expect(validator.validate({ ...application({ destination: {} }), metadata: { name: 'App', namespace: 'argocd' } })).toEqual([
      '/metadata/name "App" is not a DNS-1123 subdomain',
      "/spec must have required property 'project'",
    ]);
  });

  it('GIVEN a custom resource missing a top-level field THEN the error is at "/"', () => {
    const { spec: _spec, ...withoutSpec } = application({});
    expect(validator.validate(withoutSpec)).toEqual(["/ must have required property 'spec'"]);
  });
});

describe('a schema root other than the vendored one', () => {
  let root: string;
  let custom: SchemaValidator;
  /** A CRD-style schema: Widget with spec.size an integer. */
  const widgetSchema = {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { type: 'object', properties: { size: { type: 'integer' } } },
    },
  };
  const widget = (apiVersion: string, spec: Record<string, unknown>) => ({ apiVersion, kind: 'Widget', metadata: { name: 'w' }, spec });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'schema-root-'));
    for (const dir of [join(root, 'example.com', 'v1'), join(root, 'v1')]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'Widget.json'), `${JSON.stringify(widgetSchema)}\n`);
    }
    custom = new SchemaValidator(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('GIVEN a custom resource with a schema there THEN it is compiled and checked strictly, the same on every call', () => {
    expect(custom.validate(widget('example.com/v1', { size: 3 }))).toEqual([]);
    expect(custom.validate(widget('example.com/v1', { size: 'big' }))).toEqual(['/spec/size must be integer']);
    expect(custom.validate(widget('example.com/v1', { sizes: 3 }))).toEqual(['/spec must NOT have additional properties "sizes"']);
    expect(custom.validate(widget('example.com/v1', { size: 'big' }))).toEqual(['/spec/size must be integer']);
  });

  it('GIVEN a core-group apiVersion THEN a schema file under the root is not read: built-in kinds are Kubernetes\'s', () => {
    expect(custom.validate(widget('v1', { size: 3 }))).toEqual(['Kubernetes 1.33 has no Widget in v1']);
  });

  it('GIVEN a vendored custom resource THEN the other root does not have it', () => {
    expect(custom.validate(application({ project: 'p' }))).toEqual(['no schema for argoproj.io/v1alpha1 Application: vendor its CRD into imports/crds and run npm run import']);
  });
});

describe('strictSchema', () => {
  it('closes objects with declared properties but leaves preserve-unknown-fields and maps open', () => {
    const schema = strictSchema({
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { a: { type: 'string' } } },
        raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    });
    expect(schema.properties.spec.additionalProperties).toBe(false);
    expect(schema.properties.raw.additionalProperties).toBeUndefined();
    expect(schema.properties.labels.additionalProperties).toEqual({ type: 'string' });
  });

  it('leaves the branches of anyOf, oneOf, allOf and not open: they only constrain fields declared beside them', () => {
    const branch = { properties: { egress: {} }, required: ['egress'] };
    const schema = strictSchema({ type: 'object', properties: { egress: { type: 'array' }, ingress: { type: 'array' } }, anyOf: [branch], oneOf: [branch], allOf: [branch], not: branch });
    expect(schema.additionalProperties).toBe(false);
    for (const junctor of [schema.anyOf[0], schema.oneOf[0], schema.allOf[0], schema.not]) expect(junctor).toEqual(branch);
  });
});

describe('Go patterns and formats of the vendored CRDs', () => {
  const cnp = (spec: Record<string, unknown>) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p', namespace: 'mcp-system' }, spec });
  const pool = (blocks: unknown[]) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'lan' }, spec: { blocks } });

  it("reads Cilium's one-letter Unicode class (\\PC, no control characters: spec.log.value) as Go does", () => {
    const logged = (value: string) => cnp({ endpointSelector: { matchLabels: { app: 'a' } }, egress: [{ toEntities: ['world'] }], log: { value } });
    expect(validator.validate(logged('mcp-platform egress'))).toEqual([]);
    expect(validator.validate(logged('bell\u0007'))).toEqual(['/spec/log/value must match pattern "^\\PC*$"']);
  });

  it("checks Kubernetes' cidr format: an IPv4 or IPv6 prefix", () => {
    expect(validator.validate(pool([{ cidr: '10.30.0.0/28' }, { cidr: 'fd00:10:30::/64' }]))).toEqual([]);
    expect(validator.validate(pool([{ cidr: '10.30.0.0/33' }]))).toEqual(['/spec/blocks/0/cidr must match format "cidr"']);
    expect(validator.validate(pool([{ cidr: '10.30.0.90' }]))).toEqual(['/spec/blocks/0/cidr must match format "cidr"']);
  });
});

describe('imports/schemas', () => {
  it('holds exactly the served versions of the vendored CRDs (run npm run import when this fails)', () => {
    const expected = new Map<string, string>();
    for (const file of [...Object.values(IMPORT_MODULES).flat(), ...SCHEMA_ONLY_CRDS]) {
      const text = readFileSync(join(CRD_SCHEMA_ROOT, '..', 'crds', file), 'utf8');
      for (const crd of parseAllDocuments(text).map((d) => d.toJS())) {
        for (const version of crd.spec.versions.filter((v: any) => v.served && v.schema)) {
          expected.set(join(crd.spec.group, version.name, `${crd.spec.names.kind}.json`), `${JSON.stringify(version.schema.openAPIV3Schema)}\n`);
        }
      }
    }
    const present = readdirSync(CRD_SCHEMA_ROOT, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).sort();
    expect(present).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) expect(readFileSync(join(CRD_SCHEMA_ROOT, file), 'utf8')).toBe(content);
  });
});
