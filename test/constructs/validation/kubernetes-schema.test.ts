import { describe, expect, it } from '@jest/globals';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { compliantDeployment, networkPolicy, type KubeObject } from '../../support/manifests.js';

const validator = new SchemaValidator();
const deployment = compliantDeployment();
const withSpec = (spec: Record<string, unknown>): KubeObject => ({ ...deployment, spec: { ...deployment.spec, ...spec } });
const withTemplateMetadata = (metadata: Record<string, unknown>) => withSpec({ template: { ...deployment.spec.template, metadata } });
const service = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo', namespace: 'mcp-system' }, spec });
const role = (rules: unknown[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'demo', namespace: 'mcp-system' }, rules });
const container = '/spec/template/spec/containers/0';

describe('built-in kinds are validated strictly: a field Kubernetes does not declare is an error', () => {
  it('GIVEN a Deployment with spec.replicaz THEN it names the field and the definition it is not a field of', () => {
    expect(validator.validate(withSpec({ replicaz: 2 }))).toEqual(['/spec/replicaz is not a field of DeploymentSpec']);
  });

  it('GIVEN an unknown field at the top level THEN it names the kind', () => {
    expect(validator.validate({ ...deployment, specs: {} })).toEqual(['/specs is not a field of Deployment']);
  });

  it('GIVEN a container with resourcez (a nested object) THEN it is not a field of Container', () => {
    expect(validator.validate(compliantDeployment({ container: { resourcez: { limits: { memory: '1Gi' } } } }))).toEqual([`${container}/resourcez is not a field of Container`]);
  });

  it('GIVEN ports[0].containerPortz (an array item) THEN it names the item and the missing required field', () => {
    expect(validator.validate(compliantDeployment({ container: { ports: [{ name: 'http', containerPortz: 8080 }] } }))).toEqual([
      `${container}/ports/0 must have required property 'containerPort'`,
      `${container}/ports/0/containerPortz is not a field of ContainerPort`,
    ]);
  });

  it('GIVEN the pod template metadata with labelz THEN it is not a field of ObjectMeta', () => {
    expect(validator.validate(withTemplateMetadata({ labels: { app: 'demo' }, labelz: { app: 'demo' } }))).toEqual(['/spec/template/metadata/labelz is not a field of ObjectMeta']);
  });

  it('GIVEN metadata.labelz on the object itself THEN it is not a field of ObjectMeta', () => {
    expect(validator.validate({ ...deployment, metadata: { ...deployment.metadata, labelz: { app: 'demo' } } })).toEqual(['/metadata/labelz is not a field of ObjectMeta']);
  });

  it('GIVEN an IntOrString place (httpGet.port) misspelt or given an object THEN both are errors, the second as one line', () => {
    expect(validator.validate(compliantDeployment({ container: { readinessProbe: { httpGet: { path: '/readyz', portz: 'http' } } } }))).toEqual([
      `${container}/readinessProbe/httpGet must have required property 'port'`,
      `${container}/readinessProbe/httpGet/portz is not a field of HTTPGetAction`,
    ]);
    expect(validator.validate(compliantDeployment({ container: { readinessProbe: { httpGet: { path: '/readyz', port: { name: 'http' } } } } }))).toEqual([
      `${container}/readinessProbe/httpGet/port must be integer or string`,
    ]);
  });

  it('GIVEN a Service with selectors and a port with protocl THEN each is named', () => {
    expect(validator.validate(service({ selectors: { app: 'demo' }, ports: [{ port: 80, targetPort: 'http', protocl: 'TCP' }] }))).toEqual([
      '/spec/selectors is not a field of ServiceSpec',
      '/spec/ports/0/protocl is not a field of ServicePort',
    ]);
  });

  it('GIVEN a NetworkPolicy with fromm in an ingress rule and excepts in an ipBlock THEN each is named', () => {
    const policy = networkPolicy();
    const spec = { ...policy.spec, ingress: [{ fromm: [{ podSelector: {} }] }], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', excepts: ['10.0.0.0/8'] } }] }] };
    expect(validator.validate({ ...policy, spec })).toEqual(['/spec/egress/0/to/0/ipBlock/excepts is not a field of IPBlock', '/spec/ingress/0/fromm is not a field of NetworkPolicyIngressRule']);
  });

  it('GIVEN a ConfigMap with datas THEN it is not a field of ConfigMap', () => {
    expect(validator.validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', namespace: 'mcp-system' }, datas: { 'a.txt': 'a' } })).toEqual(['/datas is not a field of ConfigMap']);
  });

  it('GIVEN a Role rule with resource instead of resources THEN it is not a field of PolicyRule', () => {
    expect(validator.validate(role([{ apiGroups: [''], resource: ['pods'], verbs: ['get'] }]))).toEqual(['/rules/0/resource is not a field of PolicyRule']);
  });

  it('GIVEN status fields THEN declared ones are accepted and undeclared ones are not', () => {
    expect(validator.validate({ ...deployment, status: { replicas: 1 } })).toEqual([]);
    expect(validator.validate({ ...deployment, status: { readyReplicaz: 1 } })).toEqual(['/status/readyReplicaz is not a field of DeploymentStatus']);
  });
});

describe('what Kubernetes leaves open stays open', () => {
  it('GIVEN maps (labels, annotations, ConfigMap data, resource limits) THEN any key is accepted', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', labels: { 'example.com/any': 'x' }, annotations: { 'a/b': 'c' } }, data: { 'any-key.yaml': 'x' } };
    expect(validator.validate(configMap)).toEqual([]);
    expect(validator.validate(compliantDeployment({ container: { resources: { limits: { memory: '1Gi', 'nvidia.com/gpu': 1 } } } }))).toEqual([]);
  });

  it('GIVEN RawExtension, FieldsV1 and apiextensions JSON places THEN they accept anything, as Kubernetes preserves them', () => {
    const revision = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'demo', managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': { '.': {} } } }] }, revision: 1, data: { any: { shape: [1] } } };
    expect(validator.validate(revision)).toEqual([]);
    const openAPIV3Schema = { type: 'object', default: { any: { shape: true } }, 'x-kubernetes-preserve-unknown-fields': true };
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }] },
    };
    expect(validator.validate(crd)).toEqual([]);
  });

  it('GIVEN IntOrString and Quantity values of either type THEN both are accepted, and other types are one error', () => {
    expect(validator.validate(service({ ports: [{ port: 80, targetPort: 8080 }, { name: 'b', port: 81, targetPort: 'http' }] }))).toEqual([]);
    expect(validator.validate(compliantDeployment({ container: { resources: { requests: { cpu: 1, memory: '128Mi' } } } }))).toEqual([]);
    expect(validator.validate(compliantDeployment({ container: { resources: { requests: { cpu: true } } } }))).toEqual([`${container}/resources/requests/cpu must be string or number`]);
  });

  it('GIVEN a field that is null THEN it is a field not given, as the API server reads it', () => {
    expect(validator.validate(withSpec({ replicas: null }))).toEqual([]);
    expect(validator.validate(withSpec({ selector: null }))).toEqual(["/spec must have required property 'selector'"]);
  });
});

describe('kinds the vendored Kubernetes does not serve', () => {
  it('GIVEN a removed apiVersion of a built-in group THEN it says Kubernetes 1.33 has no such kind', () => {
    expect(validator.validate({ ...deployment, apiVersion: 'apps/v1beta2' })).toEqual(['Kubernetes 1.33 has no Deployment in apps/v1beta2']);
    expect(validator.validate({ apiVersion: 'v1', kind: 'ConfigMapp', metadata: { name: 'demo' } })).toEqual(['Kubernetes 1.33 has no ConfigMapp in v1']);
  });
});
