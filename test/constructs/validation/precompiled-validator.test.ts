import { describe, expect, it } from '@jest/globals';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTGATEWAY_SCHEMA_PATH, AGENTGATEWAY_VALIDATOR_FILE, agentgatewayAjv, agentgatewaySchema, validateAgentgatewayConfig } from '../../../constructs/gateway/agentgateway-config.js';
import { KUBERNETES_OPENAPI_PATH, KUBERNETES_VALIDATOR_FILE } from '../../../constructs/validation/kubernetes-schema.js';
import { loadPrecompiled, loadPrecompiledExports, schemaHash } from '../../../constructs/validation/precompiled-validator.js';
import { CRD_SCHEMA_ROOT, crdAjv, crdValidatorFile, SchemaValidator, strictSchema } from '../../../constructs/validation/schema-validator.js';
import { crdSchemaFiles } from '../../../imports/validators.js';
import { tempDir } from '../../support/files.js';
import { compliantDeployment } from '../../support/manifests.js';

const rule = (strategy: unknown) => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'r', namespace: 'mcp-system' },
  spec: { groups: [{ name: 'g', partial_response_strategy: strategy, rules: [{ alert: 'A', expr: 'up == 0' }] }] },
});

describe('precompiled schema validators', () => {
  it.each(crdSchemaFiles().map((f) => [`${f.group}/${f.version}/${f.kind}`, f] as const))('GIVEN the vendored schema %s THEN imports/validators holds its validator, built from this exact schema (else run npm run import)', (_, file) => {
    const text = readFileSync(file.path, 'utf8');
    expect(loadPrecompiled(crdValidatorFile(file.group, file.version, file.kind), schemaHash(text))).toBeDefined();
  });

  it('GIVEN agentgateway\'s schema THEN its precompiled validator is current', () => {
    expect(loadPrecompiled(AGENTGATEWAY_VALIDATOR_FILE, schemaHash(readFileSync(AGENTGATEWAY_SCHEMA_PATH, 'utf8')))).toBeDefined();
  });

  it('GIVEN a stale hash THEN the precompiled file is not used', () => {
    expect(loadPrecompiled(AGENTGATEWAY_VALIDATOR_FILE, schemaHash('{}'))).toBeUndefined();
    expect(loadPrecompiledExports(KUBERNETES_VALIDATOR_FILE, schemaHash('{}'))).toBeUndefined();
  });

  it("GIVEN Kubernetes' vendored definitions THEN imports/validators holds a validator of every kind, built from this exact schema", () => {
    const text = readFileSync(KUBERNETES_OPENAPI_PATH, 'utf8');
    const kinds = Object.entries<Record<string, string>>(JSON.parse(text).kinds).flatMap(([apiVersion, byKind]) => Object.keys(byKind).map((kind) => `${apiVersion}/${kind}`));
    expect(Object.keys(loadPrecompiledExports(KUBERNETES_VALIDATOR_FILE, schemaHash(text)) ?? {}).sort()).toEqual(kinds.sort());
  });

  it('GIVEN built-in objects WHEN checked by the precompiled and by an in-process compiled validator THEN they agree', () => {
    // A copy of the definitions is not KUBERNETES_OPENAPI_PATH, so this one compiles them itself.
    const copy = join(tempDir(), 'kubernetes-openapi.json');
    cpSync(KUBERNETES_OPENAPI_PATH, copy);
    const precompiled = new SchemaValidator();
    const compiled = new SchemaValidator(CRD_SCHEMA_ROOT, copy);
    const deployment = compliantDeployment();
    const objects = [
      deployment,
      { ...deployment, spec: { ...deployment.spec, replicaz: 2 } },
      compliantDeployment({ container: { ports: [{ containerPortz: 1 }], readinessProbe: { httpGet: { port: {} } }, resources: { requests: { cpu: 1, memory: false } } } }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', labelz: {} }, spec: { ports: [{ port: 'http' }] } },
    ];
    for (const object of objects) expect(precompiled.validate(object)).toEqual(compiled.validate(object));
    expect(precompiled.validate(objects[1]!)).toEqual(['/spec/replicaz is not a field of DeploymentSpec']);
  });

  it('GIVEN objects WHEN checked by the precompiled and by an in-process compiled validator THEN they agree, Go (?i) patterns included', () => {
    const precompiled = new SchemaValidator();
    // A copy of the schema folder is not CRD_SCHEMA_ROOT, so this one compiles every schema itself.
    const copy = tempDir();
    cpSync(CRD_SCHEMA_ROOT, copy, { recursive: true });
    const compiled = new SchemaValidator(copy);
    for (const object of [rule('WARN'), rule('abort'), rule('sometimes'), rule(3), { ...rule('warn'), spec: { groups: [{ name: 'g', rules: [], extra: true }] } }]) {
      expect(precompiled.validate(object)).toEqual(compiled.validate(object));
    }
    expect(precompiled.validate(rule('WARN'))).toEqual([]);
    expect(precompiled.validate(rule('sometimes'))).toEqual(['/spec/groups/0/partial_response_strategy must match pattern "^(?i)(abort|warn)?$"']);
  });

  it('GIVEN agentgateway configs THEN the precompiled validator agrees with a fresh compile, formats included', () => {
    const fresh = agentgatewayAjv().compile(agentgatewaySchema());
    for (const config of [{ binds: [] }, { binds: [{ port: 70000, listeners: [] }] }, { binds: [{ port: 8080, listeners: [] }], unknown: 1 }]) {
      const fromFile = validateAgentgatewayConfig(config);
      fresh(config);
      expect(fromFile.length > 0).toBe((fresh.errors ?? []).length > 0);
    }
    expect(validateAgentgatewayConfig({ binds: [{ port: 70000, listeners: [] }] }).join('\n')).toMatch(/port must match format "uint16"/);
  });

  it('compiles every CRD schema in process too (the fallback path)', () => {
    for (const file of crdSchemaFiles().slice(0, 2)) expect(() => crdAjv().compile(strictSchema(JSON.parse(readFileSync(file.path, 'utf8'))))).not.toThrow();
  });
});
