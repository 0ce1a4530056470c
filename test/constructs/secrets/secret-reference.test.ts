import { describe, expect, it } from '@jest/globals';
import { reserveOperatorSecret, SecretReference, type SecretSource } from '../../../constructs/secrets/secret-reference.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, render, testChart } from '../../support/charts.js';

function build(source: SecretSource) {
  const chart = testChart();
  const reference = new SecretReference(chart, 'token', { namespace: 'mcp-system', source, component: 'discovery' });
  return { reference, objects: render(chart) };
}

const create = (source: unknown) => () => new SecretReference(testChart(), 'token', { namespace: 'mcp-system', source: source as SecretSource, component: 'discovery' });

const LABELS = { 'app.kubernetes.io/part-of': 'mcp-platform', 'app.kubernetes.io/managed-by': 'mcp-platform', 'app.kubernetes.io/component': 'discovery' };

const EXTERNAL: SecretSource = { from: 'externalSecret', name: 'github-token', key: 'token', store: { name: 'vault' }, remoteKey: 'platform/github', remoteProperty: 'token' };
const INFISICAL: SecretSource = {
  from: 'infisical',
  name: 'github-token',
  key: 'GITHUB_TOKEN',
  projectSlug: 'mcp-platform',
  environment: 'prod',
  credentials: { name: 'infisical-machine-identity' },
};

describe('SecretReference', () => {
  describe('an existing Secret', () => {
    it('renders nothing and reads the key through a secretKeyRef', () => {
      // GIVEN a Secret that already exists WHEN referenced
      const { reference, objects } = build({ from: 'secret', name: 'github-token', key: 'token' });
      // THEN no object is rendered and consumers get a secretKeyRef
      expect(objects).toEqual([]);
      expect(reference.syncObject).toBeUndefined();
      expect(reference.envVar('GITHUB_TOKEN')).toEqual({ name: 'GITHUB_TOKEN', valueFrom: { secretKeyRef: { name: 'github-token', key: 'token' } } });
    });
  });

  describe('an ExternalSecret', () => {
    it('syncs the key from a ClusterSecretStore into a Secret it owns', () => {
      const { reference, objects } = build(EXTERNAL);
      const externalSecret = only(objects, 'ExternalSecret', 'github-token');
      expect(externalSecret.apiVersion).toBe('external-secrets.io/v1');
      expect(externalSecret.metadata).toEqual({ name: 'github-token', namespace: 'mcp-system', labels: LABELS });
      expect(externalSecret.spec).toEqual({
        refreshInterval: '1h',
        secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
        target: { name: 'github-token', creationPolicy: 'Owner' },
        data: [{ secretKey: 'token', remoteRef: { key: 'platform/github', property: 'token' } }],
      });
      expect(reference.envVar('GITHUB_TOKEN').valueFrom).toEqual({ secretKeyRef: { name: 'github-token', key: 'token' } });
    });

    it('reads from a namespaced SecretStore, without a property, on the given interval', () => {
      const spec = only(
        build({ from: 'externalSecret', name: 'db', key: 'password', store: { name: 'local', kind: 'SecretStore' }, remoteKey: 'db-password', refreshInterval: '15m' }).objects,
        'ExternalSecret',
      ).spec;
      expect(spec.secretStoreRef).toEqual({ name: 'local', kind: 'SecretStore' });
      expect(spec.data).toEqual([{ secretKey: 'password', remoteRef: { key: 'db-password' } }]);
      expect(spec.refreshInterval).toBe('15m');
    });
  });

  describe('an InfisicalSecret', () => {
    it('authenticates with universal auth and exposes only the one key', () => {
      // GIVEN an Infisical source with defaults WHEN rendered
      const infisicalSecret = only(build(INFISICAL).objects, 'InfisicalSecret', 'github-token');
      // THEN the credentials default to the reference's namespace, the folder to "/"
      expect(infisicalSecret.apiVersion).toBe('secrets.infisical.com/v1alpha1');
      expect(infisicalSecret.spec.resyncInterval).toBe(60);
      expect(infisicalSecret.spec.hostAPI).toBeUndefined();
      expect(infisicalSecret.spec.authentication).toEqual({
        universalAuth: {
          credentialsRef: { secretName: 'infisical-machine-identity', secretNamespace: 'mcp-system' },
          secretsScope: { projectSlug: 'mcp-platform', envSlug: 'prod', secretsPath: '/' },
        },
      });
      // AND the managed Secret carries only the referenced key, from a template
      expect(infisicalSecret.spec.managedKubeSecretReferences).toEqual([
        {
          secretName: 'github-token',
          secretNamespace: 'mcp-system',
          creationPolicy: 'Owner',
          template: { includeAllSecrets: false, data: { GITHUB_TOKEN: '{{ .GITHUB_TOKEN.Value }}' } },
        },
      ]);
    });

    it('reads a differently named Infisical secret from a folder of a self-hosted instance', () => {
      const spec = only(
        build({
          ...INFISICAL,
          key: 'token',
          remoteName: 'GITHUB_PAT',
          path: '/discovery',
          hostApi: 'https://infisical.lan/api',
          resyncInterval: 300,
          credentials: { name: 'identity', namespace: 'infisical' },
        }).objects,
        'InfisicalSecret',
      ).spec;
      expect(spec.hostAPI).toBe('https://infisical.lan/api');
      expect(spec.resyncInterval).toBe(300);
      expect(spec.authentication.universalAuth.credentialsRef).toEqual({ secretName: 'identity', secretNamespace: 'infisical' });
      expect(spec.authentication.universalAuth.secretsScope.secretsPath).toBe('/discovery');
      expect(spec.managedKubeSecretReferences[0].template.data).toEqual({ token: '{{ .GITHUB_PAT.Value }}' });
    });
  });

  describe('validation', () => {
    it.each([['value'], ['stringValue']])('rejects a source carrying %s: secret values are never accepted', (field) => {
      expect(create({ from: 'secret', name: 'github-token', key: 'token', [field]: 'ghp_example' })).toThrow(
        'SecretReference token:\n  - takes no secret value (rendered output is committed to git): reference an existing Secret, an ExternalSecret or an InfisicalSecret',
      );
    });

    it('rejects a key with characters a Secret key cannot hold', () => {
      expect(create({ from: 'secret', name: 'github-token', key: 'api token' })).toThrow(
        'SecretReference token:\n  - key "api token" must contain only letters, digits, "-", "_" and "."',
      );
    });

    it.each([['.'], ['..'], ['..data']])('rejects the key %s, which cannot be a file name where the Secret is mounted', (key) => {
      expect(create({ from: 'secret', name: 'github-token', key })).toThrow(
        `SecretReference token:\n  - key "${key}" must not be "." or "..", nor start with ".." (the key is a file name where the Secret is mounted)`,
      );
    });

    it('rejects a Secret name with an empty dot-separated part', () => {
      expect(create({ from: 'secret', name: 'github..token', key: 'token' })).toThrow('SecretReference token:\n  - name "github..token" must be a DNS-1123 subdomain of at most 253 characters');
    });

    it('rejects a Secret name that is not a DNS-1123 subdomain', () => {
      expect(create({ from: 'secret', name: 'GitHub_Token', key: 'token' })).toThrow('SecretReference token:\n  - name "GitHub_Token" must be a DNS-1123 subdomain');
    });

    it('rejects an Infisical remoteName the template cannot read', () => {
      expect(create({ ...INFISICAL, remoteName: 'github-token' })).toThrow(
        'SecretReference token:\n  - remoteName "github-token" must be an Infisical secret name (letters, digits, "_"), because it is read through the template {{ .NAME.Value }}; set remoteName when the key differs',
      );
    });

    it('rejects an Infisical key that cannot double as the remote name unless remoteName is set', () => {
      expect(create({ ...INFISICAL, key: 'github.token' })).toThrow('remoteName "github.token" must be an Infisical secret name');
      expect(create({ ...INFISICAL, key: 'github.token', remoteName: 'GITHUB_TOKEN' })).not.toThrow();
    });

    it.each([
      ['a store name that is not an object name', { ...EXTERNAL, store: { name: 'Vault Store' } }, 'store.name "Vault Store" must be the name of a (Cluster)SecretStore: a DNS-1123 subdomain'],
      ['a refresh interval that is not a Go duration', { ...EXTERNAL, refreshInterval: 'hourly' }, 'refreshInterval "hourly" must be a Go duration such as "1h", "2h30m" or "10s" ("0": sync once)'],
      ['a refresh interval with a space', { ...EXTERNAL, refreshInterval: '1 h' }, 'refreshInterval "1 h" must be a Go duration such as "1h", "2h30m" or "10s" ("0": sync once)'],
      ['Infisical credentials that name no Secret', { ...INFISICAL, credentials: { name: 'Machine_Identity' } }, 'credentials.name "Machine_Identity" must be the name of a Secret: a DNS-1123 subdomain'],
      ['Infisical credentials in no namespace', { ...INFISICAL, credentials: { name: 'mi', namespace: 'Infisical' } }, 'credentials.namespace "Infisical" must be a namespace name: a DNS-1123 label'],
      ['an Infisical API that is not http(s)', { ...INFISICAL, hostApi: 'ftp://infisical.lan/api' }, 'hostApi "ftp://infisical.lan/api" must be an http(s) URL of the Infisical API, e.g. "https://infisical.example.com/api"'],
      ['an Infisical API that is no URL', { ...INFISICAL, hostApi: 'infisical.lan' }, 'hostApi "infisical.lan" must be an http(s) URL of the Infisical API, e.g. "https://infisical.example.com/api"'],
      ['an Infisical API URL with a password', { ...INFISICAL, hostApi: 'https://u:secretpass@infisical.lan/api' }, 'hostApi must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is: the operator signs in with the machine identity in credentials'],
    ])('rejects %s, naming the field', (_, source, message) => {
      expect(create(source)).toThrow(`SecretReference token:\n  - ${message}`);
    });

    it.each(['0', '1h', '2h30m', '1.5h', '90s', '500ms', '10us', '10µs'])('accepts the Go duration %s as refreshInterval', (refreshInterval) => {
      expect(create({ ...EXTERNAL, refreshInterval })).not.toThrow();
    });

    it('rejects an unknown source kind', () => {
      expect(create({ from: 'vault', name: 'github-token', key: 'token' })).toThrow('SecretReference token:\n  - from must be "secret", "externalSecret" or "infisical", got "vault"');
    });
  });

  it.each([
    ['ExternalSecret', EXTERNAL],
    ['ExternalSecret from a SecretStore', { from: 'externalSecret', name: 'db', key: 'password', store: { name: 'local', kind: 'SecretStore' }, remoteKey: 'db-password' } as SecretSource],
    ['InfisicalSecret', INFISICAL],
    ['InfisicalSecret with every option', { ...INFISICAL, remoteName: 'GITHUB_PAT', path: '/discovery', hostApi: 'https://infisical.lan/api', credentials: { name: 'identity', namespace: 'infisical' } } as SecretSource],
  ])('renders one %s that passes its CRD schema', (_case, source) => {
    const validator = new SchemaValidator();
    const objects = build(source).objects;
    expect(objects).toHaveLength(1);
    expect(objects.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  describe('one Secret referenced more than once', () => {
    const twice = (first: SecretSource, second: SecretSource) => {
      const chart = testChart();
      const a = new SecretReference(chart, 'first', { namespace: 'mcp-system', source: first, component: 'discovery' });
      const b = new SecretReference(chart, 'second', { namespace: 'mcp-system', source: second, component: 'discovery' });
      return { a, b, objects: render(chart) };
    };

    it('renders one ExternalSecret with every key, so the Secret has one writer', () => {
      const { a, b, objects } = twice(EXTERNAL, { ...EXTERNAL, key: 'user', remoteKey: 'platform/github', remoteProperty: 'user' });
      expect(objects).toHaveLength(1);
      expect(b.syncObject).toBe(a.syncObject);
      expect(only(objects, 'ExternalSecret').spec.data).toEqual([
        { secretKey: 'token', remoteRef: { key: 'platform/github', property: 'token' } },
        { secretKey: 'user', remoteRef: { key: 'platform/github', property: 'user' } },
      ]);
      expect(b.envVar('GITHUB_USER')).toEqual({ name: 'GITHUB_USER', valueFrom: { secretKeyRef: { name: 'github-token', key: 'user' } } });
    });

    it('renders one InfisicalSecret with every key, and the same key once', () => {
      const { objects } = twice(INFISICAL, { ...INFISICAL, key: 'GITHUB_USER' });
      expect(only(objects, 'InfisicalSecret').spec.managedKubeSecretReferences[0].template.data).toEqual({
        GITHUB_TOKEN: '{{ .GITHUB_TOKEN.Value }}',
        GITHUB_USER: '{{ .GITHUB_USER.Value }}',
      });
      expect(twice(INFISICAL, INFISICAL).objects).toHaveLength(1);
    });

    it('refuses a Secret written by an ExternalSecret and an InfisicalSecret', () => {
      expect(() => twice(EXTERNAL, INFISICAL)).toThrow(
        'SecretReference second:\n  - Secret "github-token" is already written by an ExternalSecret (test/first); written by an InfisicalSecret too, each sync would overwrite the other\'s: reference it with the same from everywhere',
      );
    });

    it('refuses other sync settings, and one key from two places', () => {
      expect(() => twice(EXTERNAL, { ...EXTERNAL, key: 'user', store: { name: 'other' } })).toThrow(
        'Secret "github-token" is already synced by test/first with other settings (store "ClusterSecretStore/vault" there, "ClusterSecretStore/other" here): one Secret has one sync object, so give every reference to it the same settings',
      );
      expect(() => twice(INFISICAL, { ...INFISICAL, environment: 'dev' })).toThrow('(environment "prod" there, "dev" here)');
      expect(() => twice(EXTERNAL, { ...EXTERNAL, remoteProperty: 'other' })).toThrow(
        'key "token" of Secret "github-token" is synced from remoteKey "platform/github", remoteProperty "token" by test/first, and from remoteKey "platform/github", remoteProperty "other" here: one key has one source, so use the same, or another key',
      );
    });

    it('refuses an existing-Secret reference for a key the sync object of that Secret does not write, in either order', () => {
      const plain: SecretSource = { from: 'secret', name: 'github-token', key: 'user' };
      const message = (path: string) =>
        `Secret "github-token" is written by an ExternalSecret (${path}), which owns the whole Secret and writes only the keys it syncs ("token"); ` +
        'key "user", referenced here as an existing Secret (from "secret"), would be missing: reference it with from "externalSecret" and its remote key, or name another Secret';
      for (const [first, second, owner] of [[EXTERNAL, plain, 'test/first'], [plain, EXTERNAL, 'test/second']] as const) {
        const chart = testChart();
        new SecretReference(chart, 'first', { namespace: 'mcp-system', source: first, component: 'discovery' });
        new SecretReference(chart, 'second', { namespace: 'mcp-system', source: second, component: 'discovery' });
        expect(chart.node.findAll().flatMap((c) => c.node.validate())).toEqual([message(owner)]);
      }
      // AND an Infisical owner is named as such
      const chart = testChart();
      new SecretReference(chart, 'a', { namespace: 'mcp-system', source: INFISICAL, component: 'discovery' });
      new SecretReference(chart, 'b', { namespace: 'mcp-system', source: plain, component: 'discovery' });
      expect(chart.node.findAll().flatMap((c) => c.node.validate())[0]).toMatch(/^Secret "github-token" is written by an InfisicalSecret \(test\/a\).*"GITHUB_TOKEN"\).*from "infisical"/);
    });

    it('accepts an existing-Secret reference for a key synced later, and one in another namespace', () => {
      const chart = testChart();
      new SecretReference(chart, 'a', { namespace: 'mcp-system', source: { from: 'secret', name: 'github-token', key: 'user' }, component: 'discovery' });
      new SecretReference(chart, 'b', { namespace: 'mcp-system', source: EXTERNAL, component: 'discovery' });
      new SecretReference(chart, 'c', { namespace: 'mcp-system', source: { ...EXTERNAL, key: 'user', remoteProperty: 'user' }, component: 'discovery' });
      new SecretReference(chart, 'd', { namespace: 'other', source: { from: 'secret', name: 'github-token', key: 'admin' }, component: 'discovery' });
      expect(chart.node.findAll().flatMap((c) => c.node.validate())).toEqual([]);
    });

    it('keeps Secrets of one name in two namespaces apart, and an existing Secret beside a synced one', () => {
      const chart = testChart();
      new SecretReference(chart, 'a', { namespace: 'one', source: EXTERNAL, component: 'discovery' });
      new SecretReference(chart, 'b', { namespace: 'two', source: INFISICAL, component: 'discovery' });
      new SecretReference(chart, 'c', { namespace: 'one', source: { from: 'secret', name: 'github-token', key: 'token' }, component: 'discovery' });
      expect(render(chart).map((o) => `${o.kind} ${o.metadata.namespace}`)).toEqual(['ExternalSecret one', 'InfisicalSecret two']);
    });
  });
});

describe('a Secret an operator writes', () => {
  const problemsOf = (source: SecretSource, namespace = 'mcp-system') => {
    const chart = testChart();
    const reference = new SecretReference(chart, 'token', { namespace, source, component: 'discovery' });
    // Reserved after the reference: the check runs when the app renders.
    reserveOperatorSecret(chart, 'mcp-system', 'github-token', 'CloudNativePG for the database cluster "db"');
    return reference.node.validate();
  };

  it.each([
    ['an ExternalSecret', EXTERNAL],
    ['an InfisicalSecret', INFISICAL],
  ])('is not synced by %s too', (kind, source) => {
    expect(problemsOf(source)).toEqual([
      `Secret "github-token" is written by CloudNativePG for the database cluster "db"; ${kind} would be a second writer, taking the Secret over and dropping the keys the operator writes: ` +
        'reference its key with from "secret" instead, or sync a Secret of another name',
    ]);
  });

  it('is read as an existing Secret, and a Secret of that name in another namespace may be synced', () => {
    expect(problemsOf({ from: 'secret', name: 'github-token', key: 'uri' })).toEqual([]);
    expect(problemsOf(EXTERNAL, 'tools')).toEqual([]);
  });
});
