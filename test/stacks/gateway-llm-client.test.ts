/**
 * What a client does, as the README says it, against the gateway config the default platform renders: the real
 * OpenAI client (the `openai` package) calls `/v1/chat/completions` with a key whose hash was made the README's way
 * (`printf %s "$KEY" | sha256sum`, run by the shell) and a model or virtual model name from the README.
 *
 * agentgateway itself cannot run here (no binary, no container registry), so a stand-in answers for it: it reads
 * only the rendered `llm` section and applies agentgateway v1.4.1's rules for what it reads (the apiKey policy in
 * strict mode compares the SHA-256 of the bearer token with each `keyHash`, http/apikey.rs; a name is a model or a
 * virtual model, and a failover goes to its lowest priority first, llm/mod.rs). What this proves is that the
 * client's side, the README's instructions and the rendered names and hashes fit together; not how agentgateway
 * proxies, which only a cluster shows.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import defaultConfig from '../../stacks/platform.config.js';
import { parsePlatformConfig } from '../../stacks/config.js';
import { renderPlatformInMemory } from '../../stacks/synth.js';
import { runProcess } from '../support/processes.js';

const KEY = 'mcp-platform-test-key-3f9a';

interface LlmSection {
  models: { name: string; provider: unknown; params: { model: string }; visibility?: string }[];
  virtualModels?: { name: string; routing: { failover?: { targets: { model: string; priority: number }[] } } }[];
  policies?: { apiKey?: { mode: string; keys: { keyHash: string; metadata: { client: string } }[] } };
}

/** The gateway's `llm` section as the default platform renders it, with the test's client key. */
function renderedLlm(sha256: string): LlmSection {
  const raw = { ...defaultConfig, gateway: { ...defaultConfig.gateway, llm: { ...defaultConfig.gateway!.llm!, clientKeys: [{ name: 'laptop', sha256 }] } } };
  const { apps } = renderPlatformInMemory(parsePlatformConfig(raw, 'test.config.ts'), { source: 'test.config.ts' });
  const configMap = apps.find((a) => a.name === 'mcp-servers')!.objects.find((o) => o.manifest.kind === 'ConfigMap' && o.manifest.metadata.name === 'mcp-gateway-config')!;
  return JSON.parse(configMap.manifest.data['config.json']).llm as LlmSection;
}

/** Answers /v1/chat/completions as agentgateway would decide from `llm`: who may call, and which model answers. */
function standIn(llm: LlmSection): Server {
  return createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const send = (status: number, payload: object): void => {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      };
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') return send(404, { error: { message: `no route ${request.url}` } });
      const header = request.headers.authorization ?? '';
      const hash = `sha256:${createHash('sha256').update(header.replace(/^Bearer /, '')).digest('hex')}`;
      const keys = llm.policies?.apiKey;
      if (keys?.mode === 'strict' && !(header.startsWith('Bearer ') && keys.keys.some((k) => k.keyHash === hash))) return send(401, { error: { message: 'authentication failure' } });
      const asked = (JSON.parse(body) as { model: string }).model;
      const failover = llm.virtualModels?.find((v) => v.name === asked)?.routing.failover?.targets;
      const name = failover ? [...failover].sort((a, b) => a.priority - b.priority)[0]!.model : asked;
      const model = llm.models.find((m) => m.name === name && (failover || m.visibility !== 'internal'));
      if (!model) return send(404, { error: { message: `model ${asked} not found` } });
      send(200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 0,
        model: model.params.model,
        choices: [{ index: 0, message: { role: 'assistant', content: `${model.name} via ${JSON.stringify(model.provider)}` }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    });
  });
}

describe('a client of the default platform\'s models, the README\'s way', () => {
  let server: Server;
  let baseURL: string;

  beforeAll(async () => {
    // The README's instruction for a client key's hash, run by the shell as written.
    const hashed = await runProcess('sh', ['-c', 'printf %s "$KEY" | sha256sum'], { env: { ...process.env, KEY } });
    const sha256 = hashed.stdout.split(' ')[0]!;
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    server = standIn(renderedLlm(sha256));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const client = (apiKey: string) => new OpenAI({ baseURL, apiKey, maxRetries: 0 });
  const ask = (model: string, apiKey = KEY) => client(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'Why is the pod pending?' }] });

  it.each([
    ['reasoning', 'claude-sonnet-4-5', '"anthropic"'],
    ['default', 'Qwen/Qwen2.5-7B-Instruct-AWQ', 'custom'],
    ['triage', 'qwen2.5:3b-instruct', 'custom'],
    ['gemini', 'gemini-2.5-flash', '"gemini"'],
  ])('GIVEN the key THEN "%s" is answered by %s', async (model, upstreamModel, provider) => {
    const answer = await ask(model);
    expect(answer.model).toBe(upstreamModel);
    expect(answer.choices[0]!.message.content).toContain(provider);
  });

  it('GIVEN another key, or the key\'s hash itself, THEN the client gets an authentication error', async () => {
    await expect(ask('reasoning', 'not-the-key')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const hash = createHash('sha256').update(KEY).digest('hex');
    await expect(ask('reasoning', hash)).rejects.toMatchObject({ status: 401 });
  });

  it('GIVEN a model the config does not name THEN it is not found', async () => {
    await expect(ask('gpt-4o')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
