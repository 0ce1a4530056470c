import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { literalArgCredentialReasons, literalCredentialReason, literalValueCredentialReason } from '../../../constructs/secrets/credential-shape.js';

/** A fake token: the prefix and `length` characters, built here so no secret scanner mistakes the file for a leak. */
const fake = (prefix: string, length: number, alphabet = 'aB3dE5fG7h') => prefix + Array.from({ length }, (_, i) => alphabet[i % alphabet.length]).join('');
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('literalCredentialReason by name', () => {
  it.each([
    // The examples.
    ['AZURE_STORAGE_KEY', 'c3RvcmFnZQ==', '…_KEY'],
    ['OCI_CLI_KEY_CONTENT', 'MIIEvQIBADANBg', '…_KEY_CONTENT'],
    ['API_BEARER', 'abc123', '…_BEARER'],
    ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMIK7MDENG', '…_KEY'],
    // Each credential word on its own.
    ['DB_PASSWORD', 'hunter2', '…_PASSWORD'],
    ['LDAP_PASSWD', 'hunter2', '…_PASSWD'],
    ['SMTP_PASS', 'hunter2', '…_PASS'],
    ['MYSQL_PWD', 'hunter2', '…_PWD'],
    ['SSH_PASSPHRASE', 'correct horse', '…_PASSPHRASE'],
    ['JWT_SECRET', 'abc123', '…_SECRET'],
    ['OAUTH_CLIENT_SECRET', 'abc123', '…_SECRET'],
    ['API_TOKEN', 'abc123', '…_TOKEN'],
    ['GOOGLE_CREDENTIALS', '{"type":"service_account"}', '…_CREDENTIALS'],
    ['SERVICE_CREDENTIAL', 'abc123', '…_CREDENTIAL'],
    ['REGISTRY_CREDS', 'u:p', '…_CREDS'],
    ['GITHUB_PAT', 'abc123', '…_PAT'],
    ['JWT_SIGNING_KEY', 'abc123', '…_KEY'],
    ['STRIPE_API_KEY', 'abc123', '…_KEY'],
    ['GITHUB_APP_PRIVATE_KEY', 'MIIEvQIBADANBg', '…_KEY'],
    ['COSMOS_PRIMARY_KEY', 'abc123', '…_KEY'],
    ['KEY', 'abc123', 'KEY'],
    // Mechanism words with a value that is not a setting word.
    ['BASIC_AUTH', 'admin:hunter2', '…_AUTH'],
    ['NPM_CONFIG__AUTH', 'dXNlcjpwYXNz', '…__AUTH'],
    ['API_AUTHORIZATION', 'abc123XYZ', '…_AUTHORIZATION'],
    ['TELEGRAM_SESSION', '1BQANOTEzrHE59GW8', '…_SESSION'],
    ['SLACK_COOKIE', 'd=xoxd-abc', '…_COOKIE'],
    // Plurals: a list of credentials.
    ['API_TOKENS', 'abc,def', '…_TOKENS'],
    ['ALLOWED_API_KEYS', 'abc,def', '…_KEYS'],
    // Inside a word, and in camelCase.
    ['PGPASSWORD', 'hunter2', '…PASSWORD'],
    ['AUTHTOKEN', 'abc123', '…TOKEN'],
    ['APIKEY', 'abc123', 'APIKEY'],
    ['GITHUB_APITOKEN', 'abc123', '…TOKEN'],
    ['apiKey', 'abc123', '…Key'],
    ['APIKey', 'abc123', '…Key'],
    ['npm_config__authToken', 'abc123', '…Token'],
    ['clientSecret', 'abc123', '…Secret'],
    // Trailing words that say how the same credential is encoded, or which one it is.
    ['TLS_KEY_DATA', 'MIIEvQIBADANBg', '…_KEY_DATA'],
    ['JWT_SECRET_B64', 'YWJj', '…_SECRET_B64'],
    ['JWT_SECRET_PREVIOUS', 'abc123', '…_SECRET_PREVIOUS'],
    ['API_KEY_2', 'abc123', '…_KEY_2'],
    ['PASSWORD2', 'hunter2', 'PASSWORD2'],
    ['SECRET_KEY_BASE', 'abc123', '…_KEY_BASE'],
    // A placeholder is still a committed default password.
    ['ADMIN_PASSWORD', 'changeme', '…_PASSWORD'],
    ['ADMIN_PASSWORD', '12345678', '…_PASSWORD'],
  ])('%s=%j is a credential by its name (%s)', (name, value, shown) => {
    expect(literalCredentialReason(name, value)).toBe(`is a credential by its name (${shown})`);
  });

  it.each([
    // A credential word followed by another word names something about the credential.
    ['OAUTH_TOKEN_URL', 'https://auth.example.com/token', 'the URL to get a token from'],
    ['TOKEN_ENDPOINT', 'https://auth.example.com/token', 'the endpoint to get a token from'],
    ['AUTH_URL', 'https://auth.example.com', 'where to authenticate'],
    ['AUTH_ENABLED', 'yes', 'a switch'],
    ['AUTH_MODE', 'oidc', 'a setting'],
    ['KEY_PATH', 'keys/id_ed25519', 'where the key is'],
    ['SSH_KEY_DIR', 'keys', 'where the keys are'],
    ['DB_SECRET_NAME', 'mcp-postgres-app', 'the name of a Kubernetes Secret'],
    ['TOKEN_SECRET_REF', 'vault:kv/token', 'a reference to a secret'],
    ['AWS_ACCESS_KEY_ID', 'EXAMPLEKEYID', 'an id says which key; it grants nothing without the key'],
    ['PVE_TOKEN_ID', 'root@pam!mcp', 'an id says which token'],
    ['PASSWORD_MIN_LENGTH', '12', 'a policy about passwords'],
    ['TOKEN_TTL', '1h', 'a lifetime'],
    ['PASS_THROUGH', 'Authorization', 'a setting that starts with PASS'],
    ['SESSION_TIMEOUT', '30m', 'a lifetime'],
    // Words that contain a credential word but are another word.
    ['TOKENIZER', 'Qwen/Qwen2.5-3B-Instruct', 'an LLM tokenizer'],
    ['KEYSPACE', 'mcp', 'a Cassandra keyspace'],
    ['KEYBOARD_LAYOUT', 'us', 'a keyboard'],
    ['HOTKEY', 'ctrl+k', 'a key binding'],
    ['BYPASS_PROXY', 'internal', 'BYPASS is not PASS'],
    ['OLDPWD', 'previous', "the shell's previous directory"],
    ['PWD', 'app', "the shell's working directory"],
    // Made to be shared.
    ['SSH_PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample', 'a public key'],
    ['JWT_PUB_KEY', 'MIIBIjANBgkqhkiG9w0BAQEFAAOC', 'a public key'],
    ['STRIPE_PUBLISHABLE_KEY', 'pk_live_example', 'a publishable key'],
    ['MAPBOX_PUBLIC_TOKEN', 'pk.example', 'a public token'],
    // A key that names an item, or a Kubernetes key.
    ['DYNAMO_SORT_KEY', 'createdAt', 'a table key'],
    ['PARTITION_KEY', 'tenant', 'a table key'],
    ['CACHE_KEY', 'models-v1', 'a cache key'],
    ['S3_OBJECT_KEY', 'backups/db.sql', 'an object key'],
    ['GPU_TAINT_KEY', 'nvidia.com/gpu', 'a taint key'],
    ['LABEL_KEY', 'app.kubernetes.io/name', 'a label key'],
    // LLM vocabulary tokens, and counts of tokens.
    ['EOS_TOKEN', '</s>', 'an end-of-sequence token'],
    ['PAD_TOKEN', '<pad>', 'a padding token'],
    ['MAX_TOKENS', '4096', 'a count'],
    ['MAX_NUM_BATCHED_TOKENS', '8192', 'a count'],
    // The Helm convention naming a Secret that already exists.
    ['EXISTING_SECRET', 'mcp-postgres-app', 'the name of a Secret'],
    // Mechanism words with a setting word.
    ['BASIC_AUTH', 'disabled', 'a setting'],
    ['MCP_AUTH', 'oauth2', 'a scheme'],
    ['SESSION', 'stateless', 'a mode'],
    ['SESSION_COOKIE', 'secure', 'a setting'],
  ])('%s=%j is not a credential: %s', (name, value) => {
    expect(literalCredentialReason(name, value)).toBeUndefined();
  });
});

describe('literalCredentialReason for the _FILE convention', () => {
  it.each([
    ['DB_PASSWORD_FILE', '/run/secrets/db-password'],
    ['GITHUB_APP_PRIVATE_KEY_FILE', '/etc/mcp-discovery/github/private-key.pem'],
    ['POSTGRES_PASSWORD_FILE', './secrets/pg'],
    ['API_TOKEN_FILE', '../token'],
    ['SSH_KEY_FILE', '~/.ssh/id_ed25519'],
    ['SSL_KEY_FILE', 'server.key'],
  ])('accepts %s set to the path %j: where a mounted credential is, not the credential', (name, value) => {
    expect(literalCredentialReason(name, value)).toBeUndefined();
  });

  it.each([
    ['DB_PASSWORD_FILE', 'hunter2', '…_PASSWORD_FILE'],
    ['API_TOKEN_FILE', 'abc 123', '…_TOKEN_FILE'],
    ['SSH_KEY_FILE', 'keys/id_ed25519', '…_KEY_FILE'],
  ])('refuses %s set to %j, which is not a path', (name, value, shown) => {
    expect(literalCredentialReason(name, value)).toBe(`names a credential file by its name (${shown}) but is not set to a file path`);
  });

  it('leaves a _FILE variable that is not about a credential alone', () => {
    expect(literalCredentialReason('CONFIG_FILE', 'settings')).toBeUndefined();
    expect(literalCredentialReason('PUBLIC_KEY_FILE', 'inline')).toBeUndefined();
  });
});

describe('literalCredentialReason by value', () => {
  it.each([
    // The example, and each shape on its own under a name that says nothing.
    ['DATABASE_URL', 'postgres://u:pw@h/db', 'a URL with a password (scheme://user:password@host)'],
    ['REDIS_URL', 'redis://:hunter2@redis:6379/0', 'a URL with a password (scheme://user:password@host)'],
    ['HTTPS_PROXY', 'http://proxy-user:hunter2@proxy.lan:3128', 'a URL with a password (scheme://user:password@host)'],
    ['SENTRY_DSN', 'https://key:hunter2@o1.ingest.sentry.io/1', 'a URL with a password (scheme://user:password@host)'],
    ['PG_CONNECTION', 'host=db user=app password=hunter2 dbname=app', 'a connection string with a password (password=…)'],
    ['MSSQL_CONNECTION', 'Server=db;Database=app;User Id=app;Pwd=hunter2;', 'a connection string with a password (password=…)'],
    ['JDBC_URL', 'jdbc:mysql://db/app?user=app&password=hunter2', 'a connection string with a password (password=…)'],
    ['TLS_MATERIAL', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----', 'a private key (-----BEGIN … PRIVATE KEY-----)'],
    ['SSH_IDENTITY', '-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaA==', 'a private key (-----BEGIN … PRIVATE KEY-----)'],
    ['LEGACY_RSA', '-----BEGIN RSA PRIVATE KEY-----', 'a private key (-----BEGIN … PRIVATE KEY-----)'],
    ['SIGNING_MATERIAL', '-----BEGIN PGP PRIVATE KEY BLOCK-----', 'a private key (-----BEGIN … PRIVATE KEY-----)'],
    ['GH', fake('ghp_', 36), 'a GitHub token (ghp_…)'],
    ['GH', fake('gho_', 36), 'a GitHub token (gho_…)'],
    ['GH', fake('ghs_', 36), 'a GitHub token (ghs_…)'],
    ['GH', fake('github_pat_', 60), 'a GitHub token (github_pat_…)'],
    ['SLACK', fake('xoxb-', 24), 'a Slack token (xoxb-…)'],
    ['SLACK', fake('xoxp-', 24), 'a Slack token (xoxp-…)'],
    ['LLM', fake('sk-ant-', 40), 'an Anthropic API key (sk-ant-…)'],
    ['LLM', fake('sk-', 40), 'an OpenAI-style API key (sk-…)'],
    ['LLM', fake('sk-proj-', 40), 'an OpenAI-style API key (sk-…)'],
    ['AWS', fake('AKIA', 16, 'ABCDEFGHIJ0123456789'), 'an AWS access key id (AKIA…)'],
    ['AWS_ACCESS_KEY_ID', fake('AKIA', 16, 'ABCDEFGHIJ0123456789'), 'an AWS access key id (AKIA…)'],
    ['GOOGLE', fake('AIza', 35), 'a Google API key (AIza…)'],
    ['GITLAB', fake('glpat-', 20), 'a GitLab token (glpat-…)'],
    ['STRIPE', fake('sk_live_', 24), 'a Stripe secret key (sk_live_…)'],
    ['HF', fake('hf_', 34), 'a Hugging Face token (hf_…)'],
    ['NPM', fake('npm_', 36), 'an npm token (npm_…)'],
    ['SESSION_JWT_VALUE', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtY3AifQ.c2lnbmF0dXJl', 'a JSON Web Token (eyJ….eyJ….…)'],
    ['UNSIGNED', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJtY3AifQ.', 'a JSON Web Token (eyJ….eyJ….…)'],
    ['UPSTREAM_HEADER', 'Bearer abc123DEF456', 'a Bearer token (Bearer …)'],
    ['UPSTREAM_HEADER', 'Authorization: bearer abc.def-ghi_123', 'a Bearer token (Bearer …)'],
    ['UPSTREAM_HEADER', `Basic ${base64('admin:hunter2')}`, 'Basic credentials (Basic base64 of user:password)'],
    // A value shape wins over the name, and says more.
    ['GITHUB_TOKEN', fake('ghp_', 36), 'a GitHub token (ghp_…)'],
  ])('%s=%j holds %s', (name, value, holds) => {
    expect(literalCredentialReason(name, value)).toBe(`holds ${holds}`);
  });

  it.each([
    ['a URL with only a user (a Sentry DSN)', 'SENTRY_DSN', 'https://publickey@o1.ingest.sentry.io/1'],
    ['a URL with a port and an @ in its path', 'NPM_REGISTRY', 'https://registry.npmjs.org:443/@modelcontextprotocol/sdk'],
    ['a URL with its password from a variable', 'DATABASE_URL', 'postgres://app:$(PGPASSWORD)@db/app'],
    ['a password query from a variable', 'JDBC_URL', 'jdbc:mysql://db/app?user=app&password=${DB_PASSWORD}'],
    ['an empty password', 'PG_CONNECTION', 'host=db user=app password= dbname=app'],
    ['a certificate', 'CA_BUNDLE', '-----BEGIN CERTIFICATE-----\nMIIB'],
    ['a public key', 'VERIFY_WITH', '-----BEGIN PUBLIC KEY-----\nMIIB'],
    ['a short vendor-like prefix', 'HF_HUB_ENABLE', 'hf_transfer'],
    ['an npm setting', 'NPM_ENV', 'npm_config_cache'],
    ['a language code', 'LOCALE', 'sk-SK'],
    ['a short sk- value', 'EXAMPLE', 'sk-example'],
    ['prose about Bearer', 'HELP', 'use Bearer authentication'],
    ['a Bearer placeholder', 'HEADER_TEMPLATE', 'Bearer <token>'],
    ['a Bearer from a variable', 'UPSTREAM_HEADER', 'Bearer $(UPSTREAM_TOKEN)'],
    ['prose about Basic', 'HELP', 'Basic authentication'],
    ['Basic with base64 that is not user:password', 'HEADER', `Basic ${base64('no colon here')}`],
  ])('accepts %s (%s=%j)', (_, name, value) => {
    expect(literalCredentialReason(name, value)).toBeUndefined();
  });

  it('never repeats the value in the reason', () => {
    for (const [name, value] of [
      ['DB_PASSWORD', 'hunter2-unique'],
      ['DATABASE_URL', 'postgres://u:hunter2-unique@h/db'],
      ['DB_PASSWORD_FILE', 'hunter2-unique'],
    ]) {
      expect(literalCredentialReason(name, value)).not.toContain('hunter2-unique');
    }
  });
});

describe('literalCredentialReason exemptions by value', () => {
  it.each([
    ['an empty value: nothing is leaked', 'DB_PASSWORD', ''],
    ['a blank value', 'DB_PASSWORD', '   '],
    ['a Kubernetes $(VAR) reference', 'DB_PASSWORD', '$(PGPASSWORD)'],
    ['a ${VAR} placeholder', 'API_TOKEN', '${API_TOKEN}'],
    ['a reference with literal text around it', 'BASIC_AUTH', 'admin:$(ADMIN_PASSWORD)'],
    ['a switch', 'DB_PASSWORD', 'true'],
    ['a switch in any case', 'API_KEY', 'OFF'],
    ['a 0/1 switch', 'USE_AUTH_TOKEN', '0'],
    ['an absolute path: where a credential is mounted', 'GOOGLE_APPLICATION_CREDENTIALS', '/var/run/secrets/gcp/key.json'],
    ['an absolute path under KEY', 'TLS_KEY', '/etc/tls/tls.key'],
  ])('accepts %s (%s=%j)', (_, name, value) => {
    expect(literalCredentialReason(name, value)).toBeUndefined();
  });

  it('does not take a relative path as a path outside the _FILE convention', () => {
    expect(literalCredentialReason('TLS_KEY', 'tls/tls.key')).toBe('is a credential by its name (…_KEY)');
  });

  it('takes a whole number as a count only for a plural', () => {
    expect(literalCredentialReason('MAX_TOKENS', '4096')).toBeUndefined();
    expect(literalCredentialReason('API_TOKEN', '4096')).toBe('is a credential by its name (…_TOKEN)');
  });

  it('takes a setting word only for AUTH, AUTHORIZATION, SESSION and COOKIE', () => {
    expect(literalCredentialReason('BASIC_AUTH', 'basic')).toBeUndefined();
    expect(literalCredentialReason('DB_PASSWORD', 'basic')).toBe('is a credential by its name (…_PASSWORD)');
    // A long or mixed-case value is not a setting word.
    expect(literalCredentialReason('SESSION', 'abcdefghijklmnopqrstuvwxyz')).toBe('is a credential by its name (SESSION)');
    expect(literalCredentialReason('SESSION', 'Stateless')).toBe('is a credential by its name (SESSION)');
  });
});

describe('literalCredentialReason for a random-looking value under a name that says nothing', () => {
  /** Random-looking but reproducible: base64 (or base64url) of a SHA-256 digest, as `openssl rand -base64 32` prints. */
  const generated = (seed: number, encoding: 'base64' | 'base64url' = 'base64') => createHash('sha256').update(`seed-${seed}`).digest(encoding);

  it('refuses a generated key, naming its length and not its value', () => {
    const key = generated(1);
    expect(key).toHaveLength(44);
    expect(literalCredentialReason('SESSION_ENTROPY', key)).toBe('holds a random-looking string of 44 characters (like a generated key)');
    expect(literalCredentialReason('SESSION_ENTROPY', key)).not.toContain(key.slice(0, 8));
    expect(literalCredentialReason('SIGNING_INPUT', `prefix:${generated(2, 'base64url')}`)).toBe('holds a random-looking string of 43 characters (like a generated key)');
    // A password manager's 23 characters, the holdout's example.
    expect(literalCredentialReason('UPSTREAM', 'Zx8k2Qm9Lp4Rt7Vw1Yb3Nc6')).toBe('holds a random-looking string of 23 characters (like a generated key)');
    // Below 20 characters only a credential name says so.
    expect(literalCredentialReason('UPSTREAM', 'Zx8k2Qm9Lp4Rt7Vw1Yb')).toBeUndefined();
  });

  it('catches nearly every generated base64 and base64url key of 32 bytes', () => {
    const keys = Array.from({ length: 500 }, (_, i) => generated(i, i % 2 ? 'base64' : 'base64url'));
    const missed = keys.filter((key) => literalCredentialReason('UPSTREAM_VALUE', key) === undefined);
    // A key with no digit, or too few case changes, passes as words would: 2 in 500 with these seeds, measured.
    expect(missed.length).toBeLessThanOrEqual(5);
  });

  it('takes the name first: a credential name with a random value says so by its name', () => {
    expect(literalCredentialReason('API_TOKEN', generated(3))).toBe('is a credential by its name (…_TOKEN)');
    expect(literalCredentialReason('SESSION_SALT', 'pepper-and-salt')).toBe('is a credential by its name (…_SALT)');
    expect(literalCredentialReason('AUTH_PEPPER', 'x')).toBe('is a credential by its name (…_PEPPER)');
    expect(literalCredentialReason('PASSWORD_SALT_ROUNDS', '10')).toBeUndefined();
  });

  it.each([
    ['a path', '/var/run/secrets/kubernetes.io/serviceaccount/token'],
    ['an image pinned by digest (hex)', `ghcr.io/github/github-mcp-server@sha256:${createHash('sha256').update('x').digest('hex')}`],
    ['a subresource-integrity value', `sha512-${createHash('sha512').update('x').digest('base64')}`],
    ['a digest in base64 after its algorithm', `sha256:${generated(4)}`],
    ['a model name', 'Qwen/Qwen2.5-Coder-7B-Instruct-AWQ'],
    ['a long camelCase name', 'MyVeryLongComponentName2024HandlerFactory'],
    ['a shorter camelCase name with digits', 'TheQuickBrownFox123JumpsOver'],
    ['an image reference', 'ghcr.io/stacklok/toolhive/proxyrunner:v0.44.0'],
    ['a model name with its version', 'Qwen2.5-Coder-7B-Instruct'],
    ['a short model name', 'TheBloke/Llama-2-7B-Chat-AWQ'],
    ['a long model name', 'TheBloke/CodeLlama-34B-Instruct-AWQ'],
    ['another long model name', 'deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct'],
    ['a package path', 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'],
    ['base64 of a config', Buffer.from('{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"b"}}').toString('base64')],
    ['base64 of a certificate', Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHblD5').toString('base64')],
    ['a UUID', '550e8400-e29b-41d4-a716-446655440000'],
    ['a hex id', createHash('sha1').update('x').digest('hex')],
    ['an upper-case name with digits', 'AWS_REGION_EU_WEST_1_BUCKET_2024_ARCHIVE_V2'],
    ['a short mixed value', 'aB3dE5fG7hJ9kL1m'],
  ])('accepts %s', (_, value) => {
    expect(literalCredentialReason('UPSTREAM_VALUE', value)).toBeUndefined();
    expect(literalArgCredentialReasons(['--value', value])).toEqual([]);
  });

  it('checks arguments and commands for it too', () => {
    expect(literalArgCredentialReasons(['serve', generated(5)])).toEqual([{ index: 1, reason: 'holds a random-looking string of 44 characters (like a generated key)' }]);
    expect(literalValueCredentialReason(`/server --seed ${generated(6, 'base64url')}`)).toBe('holds a random-looking string of 43 characters (like a generated key)');
  });
});

describe('literalCredentialReason on the env the platform ships', () => {
  // Every literal env var of the default platform (stacks/platform.config.ts, stacks/servers/*.ts) and of the
  // constructs (discovery, database migration, vLLM, Ollama, npm servers): none may be refused, or a rendered
  // platform fails the no-secret-values policy rule.
  it.each([
    ['ADGUARD_URL', 'http://192.168.10.3:3000'],
    ['ADGUARD_ACCESS_TIER', 'read-only'],
    ['CADDY_ADMIN_URL', 'http://192.168.10.4:2019'],
    ['CADDY_MCP_RUNTIME', 'node'],
    ['OPNSENSE_URL', 'https://192.168.10.1'],
    ['OPNSENSE_VERIFY_SSL', 'false'],
    ['PVE_BASE_URL', 'https://192.168.10.11:8006'],
    ['PVE_ACCESS_TIER', 'read-only'],
    ['PVE_VERIFY_SSL', 'false'],
    ['TALOSCONFIG', '/etc/talos/config'],
    ['LISTEN_ADDRESS', ':8080'],
    ['UNIFI_HOST', '192.168.10.2'],
    ['UNIFI_PORT', '443'],
    ['UNIFI_SITE', 'default'],
    ['UNIFI_VERIFY_SSL', 'false'],
    ['KUBECONFIG', '/etc/mcp/kubeconfig'],
    ['GITHUB_APP_ID', '123456'],
    ['GITHUB_APP_INSTALLATION_ID', '7890123'],
    ['GITHUB_APP_PRIVATE_KEY_FILE', '/etc/mcp-discovery/github/private-key.pem'],
    ['GITHUB_REPOSITORY', 'homelab/platform'],
    ['GITHUB_BASE_BRANCH', 'main'],
    ['GITHUB_API_URL', 'https://api.github.com'],
    ['MCP_ANNOTATION_PREFIX', 'mcp-platform.dev'],
    ['DISCOVERY_NAMESPACES', 'mcp-system,tools'],
    ['DISCOVERY_SERVERS_DIR', 'stacks/servers'],
    ['DISCOVERY_STATE_DIR', '/var/lib/mcp-discovery'],
    ['PROBE_TIMEOUT_MS', '10000'],
    ['PROBE_CONCURRENCY', '4'],
    ['MAX_OPEN_PULL_REQUESTS', '5'],
    ['TOOL_BUDGET', '40'],
    ['PLATFORM_NAMESPACE', 'mcp-system'],
    ['GATEWAY_ARGOCD_APPLICATION', 'homelab-mcp-servers'],
    ['RECONCILE_INTERVAL_SECONDS', '300'],
    ['PORT', '8080'],
    ['LOG_LEVEL', 'info'],
    ['PGSSLMODE', 'require'],
    ['PGCONNECT_TIMEOUT', '10'],
    ['PGHOST', 'mcp-postgres-rw'],
    ['PGPORT', '5432'],
    ['PGDATABASE', 'app'],
    ['PGUSER', 'app'],
    ['HOME', '/tmp'],
    ['HF_HOME', '/models/huggingface'],
    ['HF_HUB_OFFLINE', '1'],
    ['DO_NOT_TRACK', '1'],
    ['VLLM_NO_USAGE_STATS', '1'],
    ['VLLM_CACHE_ROOT', '/models/vllm'],
    ['XDG_CACHE_HOME', '/tmp/cache'],
    ['XDG_CONFIG_HOME', '/home/vllm/.config'],
    ['NUMBA_CACHE_DIR', '/tmp/numba'],
    ['OUTLINES_CACHE_DIR', '/tmp/outlines'],
    ['TRITON_CACHE_DIR', '/models/triton'],
    ['TORCHINDUCTOR_CACHE_DIR', '/models/torchinductor'],
    ['OLLAMA_HOST', '0.0.0.0:11434'],
    ['OLLAMA_MODELS', '/models'],
    ['OLLAMA_MODEL', 'qwen2.5:3b-instruct'],
    ['OLLAMA_CONTEXT_LENGTH', '4096'],
    ['OLLAMA_KEEP_ALIVE', '-1'],
    ['OLLAMA_NUM_PARALLEL', '1'],
    ['NODE_ENV', 'production'],
    ['npm_config_cache', '/tmp/npm-cache'],
    ['npm_config_update_notifier', 'false'],
  ])('accepts %s=%j', (name, value) => {
    expect(literalCredentialReason(name, value)).toBeUndefined();
  });
});

describe('literalArgCredentialReasons', () => {
  it('refuses a flag that names a credential, with its value after "=" or as the next argument', () => {
    expect(literalArgCredentialReasons(['--api-key=abc123def', '--port', '8080'])).toEqual([{ index: 0, reason: 'is a credential by its flag (--api-key)' }]);
    expect(literalArgCredentialReasons(['--token', 'abcdefgh123', '--read-only'])).toEqual([{ index: 1, reason: 'is a credential by its flag (--token)' }]);
    expect(literalArgCredentialReasons(['-p', 'x', '--db-password', 'hunter2'])).toEqual([{ index: 3, reason: 'is a credential by its flag (--db-password)' }]);
  });

  it('refuses a value of a credential shape anywhere, without repeating it', () => {
    const token = fake('ghp_', 36);
    expect(literalArgCredentialReasons(['stdio', 'postgres://app:pw@db/app'])).toEqual([{ index: 1, reason: 'holds a URL with a password (scheme://user:password@host)' }]);
    expect(literalArgCredentialReasons(['--header', 'Authorization: Bearer abcdef123456789'])).toEqual([{ index: 1, reason: 'holds a Bearer token (Bearer …)' }]);
    expect(literalArgCredentialReasons([`--github=${token}`])).toEqual([{ index: 0, reason: 'holds a GitHub token (ghp_…)' }]);
    expect(JSON.stringify(literalArgCredentialReasons([token]))).not.toContain(token);
  });

  it('lets a value from $(VAR) through, which Kubernetes fills from the container env', () => {
    expect(literalArgCredentialReasons(['--token', '$(GITHUB_TOKEN)', '--api-key=$(API_KEY)'])).toEqual([]);
  });

  it('leaves flags that are not credentials alone: files, settings, counts, keys that name items, switches', () => {
    for (const args of [
      ['--token-file', '/var/run/token'],
      ['--auth', 'none', '--max-tokens', '4096'],
      ['--sort-key', 'name'],
      ['--password='],
      ['--read-only', '--port', '8080'],
      ['--model', 'Qwen/Qwen2.5-7B-Instruct-AWQ', '--kv-cache-dtype', 'fp8', '--enable-auto-tool-choice', '--tool-call-parser', 'hermes'],
    ]) {
      expect(literalArgCredentialReasons(args)).toEqual([]);
    }
  });

  it('checks a command by its shape only', () => {
    expect(literalValueCredentialReason('/server/run')).toBeUndefined();
    expect(literalValueCredentialReason('/bin/sh -c "curl -H \'Authorization: Bearer abcdefgh12345\'"')).toBe('holds a Bearer token (Bearer …)');
  });
});
