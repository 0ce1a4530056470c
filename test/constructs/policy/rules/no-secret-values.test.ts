import { describe, expect, it } from '@jest/globals';
import type { Manifest } from '../../../../constructs/policy/rule.js';
import { noSecretValues } from '../../../../constructs/policy/rules/no-secret-values.js';
import { compliantContainer, compliantDeployment, configMap, secret } from '../../../support/manifests.js';

const check = (manifest: Manifest) => noSecretValues.check(manifest, { objects: [manifest] });
const withEnv = (...env: Manifest[]) => compliantDeployment({ container: { env } });

describe('no secret values rule', () => {
  it('is an error: a literal credential fails synth', () => {
    expect(noSecretValues.level).toBe('error');
  });

  it('rejects a Secret with data', () => {
    // GIVEN a Secret carrying base64 data
    const manifest = secret({ data: { username: 'YWRtaW4=', password: 'aHVudGVyMg==' } });
    // WHEN checked
    const result = check(manifest);
    // THEN the field and its keys are named
    expect(result).toEqual({ status: 'non-compliant', reasons: ['Secret carries values in data (username, password)'] });
  });

  it('rejects a Secret with stringData', () => {
    // GIVEN a Secret carrying a plain-text value WHEN checked THEN stringData is named
    expect(check(secret({ stringData: { token: 'ghp_example' } }))).toEqual({
      status: 'non-compliant',
      reasons: ['Secret carries values in stringData (token)'],
    });
  });

  it('accepts a Secret with neither data nor stringData', () => {
    // GIVEN an empty Secret (filled in the cluster, e.g. a service account token) WHEN checked THEN it passes
    expect(check(secret({ type: 'kubernetes.io/service-account-token' }))).toEqual({ status: 'compliant' });
  });

  it('rejects a credential-named env var set to a literal value', () => {
    // GIVEN a container with API_KEY as a literal
    const manifest = withEnv({ name: 'API_KEY', value: 'sk-example' });
    // WHEN checked
    const result = check(manifest);
    // THEN the container and variable are named with the fix
    expect(result).toEqual({
      status: 'non-compliant',
      reasons: ['container "app" sets API_KEY to a literal value, and API_KEY is a credential by its name (…_KEY): use valueFrom.secretKeyRef instead'],
    });
  });

  it('rejects a literal credential in a container\'s args or command, naming the index', () => {
    const manifest = compliantDeployment({ container: { command: ['/bin/server', 'postgres://app:pw@db/app'], args: ['--api-key', 'abcdefgh1234', '--port', '8080'] } });
    expect(check(manifest)).toEqual({
      status: 'non-compliant',
      reasons: [
        'container "app" command[1] holds a URL with a password (scheme://user:password@host): pass it in an env var from a secretKeyRef and write "$(NAME)" there',
        'container "app" args[1] is a credential by its flag (--api-key): pass it in an env var from a secretKeyRef and write "$(NAME)" there',
      ],
    });
    expect(check(compliantDeployment({ container: { args: ['--api-key', '$(API_KEY)'] } }))).toEqual({ status: 'compliant' });
  });

  it('rejects a Secret with both data and stringData, one reason each', () => {
    expect(check(secret({ data: { a: 'YQ==' }, stringData: { b: 'b', c: 'c' } }))).toEqual({
      status: 'non-compliant',
      reasons: ['Secret carries values in data (a)', 'Secret carries values in stringData (b, c)'],
    });
  });

  it('accepts a credential-named env var whose value is null (no value given)', () => {
    expect(check(withEnv({ name: 'API_KEY', value: null }))).toEqual({ status: 'compliant' });
  });

  it('reports every credential of every container, in container order', () => {
    const containers = [
      compliantContainer({ env: [{ name: 'API_KEY', value: 'sk-1' }, { name: 'LOG_LEVEL', value: 'info' }, { name: 'DB_PASSWORD', value: 'pw' }] }),
      compliantContainer({ name: 'proxy', command: ['proxy', '--flag', 'postgres://u:pw@h/db'] }),
    ];
    expect(check(compliantDeployment({ podSpec: { containers } }))).toEqual({
      status: 'non-compliant',
      reasons: [
        'container "app" sets API_KEY to a literal value, and API_KEY is a credential by its name (…_KEY): use valueFrom.secretKeyRef instead',
        'container "app" sets DB_PASSWORD to a literal value, and DB_PASSWORD is a credential by its name (…_PASSWORD): use valueFrom.secretKeyRef instead',
        'container "proxy" command[2] holds a URL with a password (scheme://user:password@host): pass it in an env var from a secretKeyRef and write "$(NAME)" there',
      ],
    });
  });

  it('accepts a credential-named env var taken from a Secret', () => {
    // GIVEN API_KEY from valueFrom.secretKeyRef WHEN checked THEN it passes
    const manifest = withEnv({ name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'demo', key: 'api-key' } } });
    expect(check(manifest)).toEqual({ status: 'compliant' });
  });

  it('accepts the path of a mounted credential file, but not a value in a _FILE variable', () => {
    // GIVEN the _FILE convention: a credential's path as a literal WHEN checked THEN it passes; a non-path value still fails
    expect(check(withEnv({ name: 'GITHUB_APP_PRIVATE_KEY_FILE', value: '/etc/github/private-key.pem' }))).toEqual({ status: 'compliant' });
    expect(check(withEnv({ name: 'DB_PASSWORD_FILE', value: 'hunter2' }))).toEqual({
      status: 'non-compliant',
      reasons: [
        'container "app" sets DB_PASSWORD_FILE to a literal value, and DB_PASSWORD_FILE names a credential file by its name (…_PASSWORD_FILE) but is not set to a file path: use valueFrom.secretKeyRef instead',
      ],
    });
  });

  it('accepts a literal env var whose name is not a credential', () => {
    // GIVEN LOG_LEVEL as a literal WHEN checked THEN it passes
    expect(check(withEnv({ name: 'LOG_LEVEL', value: 'info' }))).toEqual({ status: 'compliant' });
  });

  it.each([
    ['DATABASE_URL', 'postgres://u:pw@h/db', 'holds a URL with a password (scheme://user:password@host)'],
    ['AZURE_STORAGE_KEY', 'c3RvcmFnZQ==', 'is a credential by its name (…_KEY)'],
    ['OCI_CLI_KEY_CONTENT', 'MIIEvQIBADANBg', 'is a credential by its name (…_KEY_CONTENT)'],
    ['API_BEARER', 'abc123', 'is a credential by its name (…_BEARER)'],
    ['BASIC_AUTH', 'admin:hunter2', 'is a credential by its name (…_AUTH)'],
    ['UPSTREAM_IDENTITY', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE', 'holds a private key (-----BEGIN … PRIVATE KEY-----)'],
    ['UPSTREAM_HEADER', 'Bearer abc123DEF456', 'holds a Bearer token (Bearer …)'],
  ])('rejects %s set to a literal credential, by its name or its value', (name, value, reason) => {
    // GIVEN a literal env var that the old name list let through WHEN checked THEN it is named with the reason and the fix
    expect(check(withEnv({ name, value }))).toEqual({
      status: 'non-compliant',
      reasons: [`container "app" sets ${name} to a literal value, and ${name} ${reason}: use valueFrom.secretKeyRef instead`],
    });
  });

  it.each([
    ['OAUTH_TOKEN_URL', 'https://auth.example.com/token'],
    ['DB_SECRET_NAME', 'mcp-postgres-app'],
    ['MAX_TOKENS', '4096'],
    ['SSH_PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5'],
    ['DATABASE_URL', 'postgres://app:$(PGPASSWORD)@db/app'],
    ['TLS_KEY', '/etc/tls/tls.key'],
  ])('accepts %s=%j: not a credential, only about one', (name, value) => {
    expect(check(withEnv({ name, value }))).toEqual({ status: 'compliant' });
  });

  it('never repeats the value in a reason', () => {
    const result = check(withEnv({ name: 'DATABASE_URL', value: 'postgres://u:hunter2-unique@h/db' }));
    expect(JSON.stringify(result)).not.toContain('hunter2-unique');
  });

  it('checks init containers', () => {
    // GIVEN an init container with DB_PASSWORD as a literal WHEN checked THEN it is named as an init container
    const initContainers = [compliantContainer({ name: 'migrate', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] })];
    expect(check(compliantDeployment({ podSpec: { initContainers } }))).toEqual({
      status: 'non-compliant',
      reasons: ['init container "migrate" sets DB_PASSWORD to a literal value, and DB_PASSWORD is a credential by its name (…_PASSWORD): use valueFrom.secretKeyRef instead'],
    });
  });

  it('accepts objects that are neither Secrets nor pods (the rule has no not-applicable case)', () => {
    expect(check(configMap())).toEqual({ status: 'compliant' });
  });
});
