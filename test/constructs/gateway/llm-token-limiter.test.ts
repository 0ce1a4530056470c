import { spawn } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import {
  CLIENT_EXPRESSION,
  DEFAULT_RATELIMIT_IMAGE,
  DEFAULT_REDIS_IMAGE,
  LlmTokenLimiter,
  MAX_TOKENS_PER_UNIT,
  TOKEN_LIMIT_DOMAIN,
  tokenLimiterConfig,
  tokenLimitsProblems,
  type LlmTokenLimiterProps,
  type TokenLimits,
} from '../../../constructs/gateway/llm-token-limiter.js';
import { validateAgentgatewayConfig } from '../../../constructs/gateway/agentgateway-config.js';
import { GATEWAY_PODS, McpGateway } from '../../../constructs/gateway/mcp-gateway.js';
import type { GatewayModels } from '../../../constructs/gateway/gateway-models.js';
import { apiObjectsOf, checkPolicies } from '../../../constructs/policy/policy-checker.js';
import { only, render, testChart } from '../../support/charts.js';
import { errorOf } from '../../support/errors.js';
import { tempDir } from '../../support/files.js';
import { freePort, runProcess } from '../../support/processes.js';

const NAMESPACE = 'mcp-system';
const DAILY: TokenLimits = { perClient: { tokens: 2_000_000, per: 'day' } };
const STORE_LABELS = { 'app.kubernetes.io/name': 'llm-token-store', 'app.kubernetes.io/part-of': 'mcp-platform' };
const LIMITER_LABELS = { 'app.kubernetes.io/name': 'llm-token-limiter', 'app.kubernetes.io/part-of': 'mcp-platform' };

function limiter(props: Partial<LlmTokenLimiterProps> = {}) {
  const chart = testChart(NAMESPACE);
  const built = new LlmTokenLimiter(chart, 'limiter', { namespace: NAMESPACE, limits: DAILY, gatewayPods: GATEWAY_PODS, ...props });
  return { built, chart, objects: render(chart) };
}

describe('tokenLimiterConfig', () => {
  it('GIVEN a budget per client THEN every client value gets it, in the domain agentgateway sends', () => {
    expect(tokenLimiterConfig(DAILY)).toEqual({
      domain: 'mcp-platform-llm-tokens',
      descriptors: [{ key: 'client', rate_limit: { unit: 'day', requests_per_unit: 2_000_000 } }],
    });
  });

  it('GIVEN named clients THEN each has its own entry after the default, sorted by name', () => {
    const config = tokenLimiterConfig({ ...DAILY, clients: { workstation: { tokens: 50_000, per: 'minute' }, ci: { tokens: 10, per: 'hour' } } });
    expect(config.descriptors).toEqual([
      { key: 'client', rate_limit: { unit: 'day', requests_per_unit: 2_000_000 } },
      { key: 'client', value: 'ci', rate_limit: { unit: 'hour', requests_per_unit: 10 } },
      { key: 'client', value: 'workstation', rate_limit: { unit: 'minute', requests_per_unit: 50_000 } },
    ]);
  });
});

describe('tokenLimitsProblems', () => {
  it('GIVEN valid limits, the largest budget and the anonymous client THEN there is no problem', () => {
    expect(tokenLimitsProblems('t', { perClient: { tokens: MAX_TOKENS_PER_UNIT, per: 'hour' }, clients: { anonymous: { tokens: 1, per: 'minute' } }, whenUnavailable: 'allow' }, ['a'])).toEqual([]);
  });

  it.each([
    [{ tokens: 0, per: 'day' }, 't.perClient.tokens must be a whole number from 1 to 4294967295, got 0'],
    [{ tokens: 1.5, per: 'day' }, 't.perClient.tokens must be a whole number from 1 to 4294967295, got 1.5'],
    [{ tokens: MAX_TOKENS_PER_UNIT + 1, per: 'day' }, 't.perClient.tokens must be a whole number from 1 to 4294967295, got 4294967296'],
    [{ tokens: 10, per: 'week' }, 't.perClient.per must be "minute", "hour", "day", got "week"'],
  ])('GIVEN the budget %j THEN the problem names the field', (perClient, message) => {
    expect(tokenLimitsProblems('t', { perClient } as TokenLimits)).toEqual([message]);
  });

  it('GIVEN a named client with a bad budget or a name with a space THEN each problem names the client', () => {
    expect(tokenLimitsProblems('t', { ...DAILY, clients: { ci: { tokens: -1, per: 'day' }, 'a b': { tokens: 1, per: 'day' } } })).toEqual([
      't.clients.ci.tokens must be a whole number from 1 to 4294967295, got -1',
      't.clients["a b"]: a client\'s name must be 1 to 256 printable characters without spaces',
    ]);
    expect(tokenLimitsProblems('t', { ...DAILY, clients: { ['x'.repeat(257)]: { tokens: 1, per: 'day' } } })).toHaveLength(1);
    expect(tokenLimitsProblems('t', { ...DAILY, clients: { ['x'.repeat(256)]: { tokens: 1, per: 'day' } } })).toEqual([]);
  });

  it('GIVEN the known clients THEN a budget for another name is refused, naming the clients; without them any name is taken', () => {
    const limits = { ...DAILY, clients: { laptop: { tokens: 1, per: 'day' as const } } };
    expect(tokenLimitsProblems('t', limits, ['workstation', 'ci'])).toEqual(['t.clients.laptop: "laptop" is not a client: clients are "workstation", "ci" (client keys\' names), or "anonymous"']);
    expect(tokenLimitsProblems('t', limits, [])).toEqual(['t.clients.laptop: "laptop" is not a client: clients are none (client keys\' names), or "anonymous"']);
    expect(tokenLimitsProblems('t', limits)).toEqual([]);
  });

  it('GIVEN whenUnavailable that is neither refuse nor allow THEN it is refused', () => {
    expect(tokenLimitsProblems('t', { ...DAILY, whenUnavailable: 'open' as never })).toEqual(['t.whenUnavailable must be "refuse" or "allow", got "open"']);
  });
});

describe('LlmTokenLimiter', () => {
  it('GIVEN the defaults THEN the limiter runs 2 pinned replicas reading its config from the ConfigMap, its counters in the store', () => {
    const { built, objects } = limiter();
    expect(built.host).toBe('llm-token-limiter.mcp-system.svc.cluster.local:8081');
    const deployment = only(objects, 'Deployment', 'llm-token-limiter');
    expect(deployment.spec.replicas).toBe(2);
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe(DEFAULT_RATELIMIT_IMAGE);
    expect(DEFAULT_RATELIMIT_IMAGE).toBe('envoyproxy/ratelimit:1e50889b');
    expect(container.command).toBeUndefined();
    expect(Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]))).toEqual({
      BACKEND_TYPE: 'redis',
      LIMIT_RESPONSE_HEADERS_ENABLED: 'true',
      LOG_LEVEL: 'warn',
      REDIS_SOCKET_TYPE: 'tcp',
      REDIS_URL: 'llm-token-store.mcp-system.svc.cluster.local:6379',
      RUNTIME_IGNOREDOTFILES: 'true',
      RUNTIME_ROOT: '/data',
      RUNTIME_SUBDIRECTORY: 'ratelimit',
      RUNTIME_WATCH_ROOT: 'false',
      USE_STATSD: 'false',
    });
    // RUNTIME_ROOT / RUNTIME_SUBDIRECTORY / the default RUNTIME_APPDIRECTORY "config": where the service reads *.yaml.
    expect(container.volumeMounts).toEqual([{ name: 'config', mountPath: '/data/ratelimit/config', readOnly: true }]);
    expect(deployment.spec.template.spec.volumes).toEqual([{ name: 'config', configMap: { name: 'llm-token-limiter-config' } }]);
    expect(JSON.parse(only(objects, 'ConfigMap', 'llm-token-limiter-config').data['config.yaml'])).toEqual(tokenLimiterConfig(DAILY));
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthcheck', port: 'http' });
    expect(container.ports).toEqual([
      { name: 'grpc', containerPort: 8081, protocol: 'TCP' },
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
    ]);
    expect(only(objects, 'Service', 'llm-token-limiter').spec.ports).toEqual([{ name: 'grpc', port: 8081, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' }]);
    expect(only(objects, 'PodDisruptionBudget', 'llm-token-limiter').spec.maxUnavailable).toBe(1);
  });

  it('GIVEN other limits THEN the config hash of the pod template changes, so the pods restart on the new config', () => {
    const hashOf = (limits: TokenLimits) => only(limiter({ limits }).objects, 'Deployment', 'llm-token-limiter').spec.template.metadata.annotations['mcp-platform.dev/config-hash'];
    expect(hashOf(DAILY)).toMatch(/^[0-9a-f]{8}$/);
    expect(hashOf(DAILY)).toBe(hashOf({ perClient: { tokens: 2_000_000, per: 'day' } }));
    expect(hashOf({ perClient: { tokens: 2_000_001, per: 'day' } })).not.toBe(hashOf(DAILY));
  });

  it('GIVEN the store THEN one Redis keeps nothing on disk, is replaced rather than doubled, and writes only its emptyDir', () => {
    const { objects } = limiter();
    const store = only(objects, 'Deployment', 'llm-token-store');
    expect(store.spec.replicas).toBe(1);
    expect(store.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = store.spec.template.spec;
    expect(pod.containers[0].image).toBe(DEFAULT_REDIS_IMAGE);
    expect(DEFAULT_REDIS_IMAGE).toBe('redis:8.10.1-alpine');
    expect(pod.containers[0].args).toEqual(['redis-server', '--save', '', '--appendonly', 'no', '--maxmemory', '48mb', '--maxmemory-policy', 'volatile-lru']);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(pod.volumes).toEqual([{ name: 'data', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(only(objects, 'Service', 'llm-token-store').spec.ports).toEqual([{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }]);
  });

  it('GIVEN the limiter THEN only the gateway reaches it, only it reaches the store, and neither reaches anything else', () => {
    const { objects } = limiter();
    const fromNamespace = (podLabels: Record<string, string>) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACE } }, podSelector: { matchLabels: podLabels } });
    const limiterPolicy = only(objects, 'NetworkPolicy', 'llm-token-limiter').spec;
    expect(limiterPolicy.podSelector).toEqual({ matchLabels: LIMITER_LABELS });
    expect(limiterPolicy.ingress).toEqual([{ from: [fromNamespace(GATEWAY_PODS.podLabels)], ports: [{ port: 8081, protocol: 'TCP' }] }]);
    expect(limiterPolicy.egress).toEqual([{ to: [fromNamespace(STORE_LABELS)], ports: [{ port: 6379, protocol: 'TCP' }] }]);
    const storePolicy = only(objects, 'NetworkPolicy', 'llm-token-store').spec;
    expect(storePolicy.podSelector).toEqual({ matchLabels: STORE_LABELS });
    expect(storePolicy.ingress).toEqual([{ from: [fromNamespace(LIMITER_LABELS)], ports: [{ port: 6379, protocol: 'TCP' }] }]);
    expect(storePolicy.egress ?? []).toEqual([]);
    expect(storePolicy.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('GIVEN the rendered objects THEN the policy pack finds nothing: restricted pods, pinned images, no service account token', () => {
    const { chart, objects } = limiter();
    expect(checkPolicies(apiObjectsOf(chart)).findings).toEqual([]);
    for (const name of ['llm-token-limiter', 'llm-token-store']) {
      const pod = only(objects, 'Deployment', name).spec.template.spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    }
  });

  it('GIVEN one replica THEN there is no disruption budget; GIVEN bad props THEN each is named', () => {
    expect(limiter({ replicas: 1 }).objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(errorOf(() => limiter({ replicas: 0, limits: { perClient: { tokens: 0, per: 'day' } }, image: 'envoyproxy/ratelimit' }))).toBe(
      'LlmTokenLimiter limiter:\n  - limits.perClient.tokens must be a whole number from 1 to 4294967295, got 0\n  - image "envoyproxy/ratelimit" must be pinned to a version tag or digest, e.g. "ghcr.io/org/app:1.2.0"\n  - replicas must be a positive whole number, got 0',
    );
  });
});

describe('McpGateway with token limits', () => {
  const KEY = 'a'.repeat(64);
  const MODELS: GatewayModels = {
    models: [{ name: 'triage', provider: 'openai-compatible', model: 'qwen2.5:3b', baseUrl: 'http://triage-llm.mcp-system.svc:8080', reach: { peers: [{ cidr: '10.0.0.9/32' }], ports: [8080] } }],
    clientKeys: [{ name: 'workstation', sha256: KEY }],
    tokenLimits: DAILY,
  };

  function gateway(models: GatewayModels = MODELS, auth?: ConstructorParameters<typeof McpGateway>[2]['auth']) {
    const chart = testChart(NAMESPACE);
    const built = new McpGateway(chart, 'gateway', { namespace: NAMESPACE, models, network: { cni: 'cilium', fqdnEgress: true }, ...(auth ? { auth } : {}) });
    return { built, objects: render(chart), chart };
  }

  it('GIVEN token limits THEN the gateway asks the limiter for each client\'s tokens, refusing while it is down, in a schema-valid config', () => {
    const { built } = gateway();
    expect(validateAgentgatewayConfig(built.config)).toEqual([]);
    expect((built.config.llm as { policies: unknown }).policies).toEqual({
      apiKey: { mode: 'strict', keys: [{ keyHash: `sha256:${KEY}`, metadata: { client: 'workstation' } }] },
      remoteRateLimit: {
        domain: TOKEN_LIMIT_DOMAIN,
        host: 'llm-token-limiter.mcp-system.svc.cluster.local:8081',
        failureMode: 'failClosed',
        descriptors: [{ type: 'tokens', entries: [{ key: 'client', value: CLIENT_EXPRESSION }] }],
      },
    });
    expect(CLIENT_EXPRESSION).toBe('coalesce(apiKey.client, jwt.sub, "anonymous")');
  });

  it('GIVEN whenUnavailable "allow" THEN requests go through while the limiter is down', () => {
    const { built } = gateway({ ...MODELS, tokenLimits: { ...DAILY, whenUnavailable: 'allow' } });
    expect((built.config.llm as { policies: { remoteRateLimit: { failureMode: string } } }).policies.remoteRateLimit.failureMode).toBe('failOpen');
  });

  it('GIVEN token limits THEN the gateway may reach the limiter\'s gRPC port, and without them there is no limiter', () => {
    const { objects } = gateway();
    expect(only(objects, 'NetworkPolicy', 'mcp-gateway').spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACE } }, podSelector: { matchLabels: LIMITER_LABELS } }],
      ports: [{ port: 8081, protocol: 'TCP' }],
    });
    const without = gateway({ ...MODELS, tokenLimits: undefined });
    expect(without.objects.filter((o) => String(o.metadata?.name).startsWith('llm-token'))).toEqual([]);
    expect((without.built.config.llm as { policies: Record<string, unknown> }).policies.remoteRateLimit).toBeUndefined();
  });

  it('GIVEN only local models, no client keys and no auth THEN every request counts against one budget and there is no apiKey policy', () => {
    const { built } = gateway({ ...MODELS, clientKeys: undefined });
    expect(Object.keys((built.config.llm as { policies: Record<string, unknown> }).policies)).toEqual(['remoteRateLimit']);
  });

  it('GIVEN client keys only THEN a budget for a name that is no client is refused; GIVEN the JWT check THEN any subject is taken', () => {
    const limits = { ...DAILY, clients: { laptop: { tokens: 5, per: 'hour' as const } } };
    expect(errorOf(() => gateway({ ...MODELS, tokenLimits: limits }))).toContain(
      '  - models.tokenLimits.clients.laptop: "laptop" is not a client: clients are "workstation" (client keys\' names), or "anonymous"',
    );
    const auth = { kind: 'jwt', issuer: 'https://auth.example.com/realms/mcp', audiences: ['mcp-gateway'], jwksUrl: 'https://auth.example.com/realms/mcp/certs' } as const;
    const { built } = gateway({ ...MODELS, clientKeys: undefined, tokenLimits: limits }, auth);
    expect(validateAgentgatewayConfig(built.config)).toEqual([]);
    // With client keys beside the JWT check, the keys alone name the models' clients.
    expect(errorOf(() => gateway({ ...MODELS, tokenLimits: limits }, auth))).toContain('models.tokenLimits.clients.laptop: "laptop" is not a client');
  });
});

describe("the store's command line, run by the real redis-server", () => {
  /** Starts redis-server with the rendered container's arguments on a port of the test's own; resolves once it accepts connections. */
  async function startStore(args: readonly string[], port: number): Promise<() => Promise<void>> {
    const child = spawn('redis-server', [...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', tempDir()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 60 s:\n${output}`)), 60_000);
      const seen = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', seen);
      child.stderr!.on('data', seen);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`));
      });
    });
    return () => new Promise<void>((resolve) => {
      child.removeAllListeners('exit');
      child.on('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  it('GIVEN the rendered arguments THEN Redis takes them: no snapshots, no append-only file, 48 MB, least recently used of the expiring keys', async () => {
    const store = only(limiter().objects, 'Deployment', 'llm-token-store').spec.template.spec.containers[0];
    const [command, ...args] = store.args as string[];
    expect(command).toBe('redis-server');
    const port = await freePort();
    const stop = await startStore(args, port);
    try {
      const settings = new Map<string, string>();
      for (const name of ['save', 'appendonly', 'maxmemory', 'maxmemory-policy']) {
        // --raw: the name, then the value, one per line (an empty value is an empty line).
        const answer = await runProcess('redis-cli', ['-p', String(port), '--raw', 'CONFIG', 'GET', name]);
        const [key, value] = answer.stdout.split('\n');
        expect(key).toBe(name);
        settings.set(name, value!);
      }
      expect(settings.get('save')).toBe('');
      expect(settings.get('appendonly')).toBe('no');
      expect(settings.get('maxmemory')).toBe(String(48 * 1024 * 1024));
      expect(settings.get('maxmemory-policy')).toBe('volatile-lru');
    } finally {
      await stop();
    }
  }, 120_000);
});
