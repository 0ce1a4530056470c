import { describe, expect, it } from '@jest/globals';
import { validateAgentgatewayConfig } from '../../../constructs/gateway/agentgateway-config.js';
import { llmConfig, llmConfigProblems, PROVIDER_HOSTS, type LlmConfigOptions, type LlmModel, FAILOVER_EVICTION } from '../../../constructs/gateway/llm-routes.js';

const triage: LlmModel = { name: 'triage', provider: 'openai-compatible', model: 'qwen2.5:3b', baseUrl: 'http://triage-llm.mcp-system.svc:8080' };
const qwen: LlmModel = { name: 'qwen', provider: 'openai-compatible', model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', baseUrl: 'http://vllm.mcp-system.svc:8000/v1' };
const claude: LlmModel = { name: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', apiKeyFile: '/var/run/secrets/llm/anthropic', price: { inputPerMillion: 3, outputPerMillion: 15 } };
const gemini: LlmModel = { name: 'gemini', provider: 'gemini', model: 'gemini-2.5-flash', apiKeyFile: '/var/run/secrets/llm/gemini', price: { inputPerMillion: 0.3, outputPerMillion: 2.5 } };

/** The homelab: Qwen on the GPU, a 3B triage model, Claude and Gemini to escalate to. */
const homelab: LlmConfigOptions = {
  gateway: 'llm',
  models: [triage, qwen, claude, gemini],
  virtualModels: [
    { name: 'reasoning', routing: { failover: ['claude', 'gemini'] } },
    { name: 'default', routing: { conditional: [{ model: 'claude', when: 'request.headers["x-escalate"] == "true"' }, { model: 'qwen' }] } },
    { name: 'split', routing: { weighted: [{ model: 'claude', weight: 3 }, { model: 'gemini', weight: 1 }] } },
  ],
};

/** A whole agentgateway config around the section, as the gateway would load it. */
const wholeConfig = (rendered: ReturnType<typeof llmConfig>) => ({
  config: { statsAddr: '0.0.0.0:15020', ...(rendered.modelCatalog ? { modelCatalog: rendered.modelCatalog } : {}) },
  gateways: { llm: { port: 4000 } },
  llm: rendered.llm,
});

const problemsOf = (change: Partial<LlmConfigOptions>) => llmConfigProblems({ ...homelab, ...change });

describe('llmConfig', () => {
  it("GIVEN the homelab's models THEN the section and the cost catalog are valid at agentgateway v1.4.1's schema", () => {
    const rendered = llmConfig(homelab);
    expect(validateAgentgatewayConfig(wholeConfig(rendered))).toEqual([]);
  });

  it('GIVEN local and hosted models THEN local ones are custom providers at their URL, hosted ones carry their key as a file only', () => {
    expect(llmConfig(homelab).llm.models).toEqual([
      { name: 'triage', provider: { custom: { formats: [{ type: 'completions' }] } }, params: { model: 'qwen2.5:3b', baseUrl: 'http://triage-llm.mcp-system.svc:8080' } },
      { name: 'qwen', provider: { custom: { formats: [{ type: 'completions' }] } }, params: { model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', baseUrl: 'http://vllm.mcp-system.svc:8000/v1' } },
      // Failover targets (of "reasoning") are evicted after a failure: without a health policy agentgateway never fails over.
      { name: 'claude', provider: 'anthropic', params: { model: 'claude-sonnet-4-5', apiKey: { file: '/var/run/secrets/llm/anthropic' } }, health: { eviction: { duration: FAILOVER_EVICTION } } },
      { name: 'gemini', provider: 'gemini', params: { model: 'gemini-2.5-flash', apiKey: { file: '/var/run/secrets/llm/gemini' } }, health: { eviction: { duration: FAILOVER_EVICTION } } },
    ]);
    expect(FAILOVER_EVICTION).toBe('30s');
    expect(llmConfig(homelab).llm.gateways).toEqual(['llm']);
  });

  it('GIVEN each routing kind THEN failover gets priorities in the order given, weighted its weights, conditional its conditions in order', () => {
    expect(llmConfig(homelab).llm.virtualModels).toEqual([
      { name: 'reasoning', routing: { failover: { targets: [{ model: 'claude', priority: 0 }, { model: 'gemini', priority: 1 }] } } },
      { name: 'default', routing: { conditional: { targets: [{ when: 'request.headers["x-escalate"] == "true"', model: 'claude' }, { model: 'qwen' }] } } },
      { name: 'split', routing: { weighted: { targets: [{ model: 'claude', weight: 3 }, { model: 'gemini', weight: 1 }] } } },
    ]);
  });

  it('GIVEN a failover without its priorities THEN the schema refuses it: the validation sees the section', () => {
    const rendered = llmConfig(homelab);
    const broken = JSON.parse(JSON.stringify(wholeConfig(rendered)));
    delete broken.llm.virtualModels[0].routing.failover.targets[0].priority;
    expect(validateAgentgatewayConfig(broken)).not.toEqual([]);
  });

  it('GIVEN prices THEN the inline catalog holds them per provider and model id, per million tokens; without prices there is no catalog', () => {
    expect(llmConfig(homelab).modelCatalog).toEqual([
      { inline: { providers: { anthropic: { models: { 'claude-sonnet-4-5': { rates: { input: '3', output: '15' } } } }, 'gcp.gemini': { models: { 'gemini-2.5-flash': { rates: { input: '0.3', output: '2.5' } } } } } } },
    ]);
    expect(llmConfig({ gateway: 'llm', models: [triage] })).toEqual({ llm: { gateways: ['llm'], models: [expect.objectContaining({ name: 'triage' })] } });
  });

  it('GIVEN prices with many decimals, none or a million THEN the catalog writes them as plain decimals to a millionth', () => {
    const priced = (inputPerMillion: number) => llmConfig({ gateway: 'llm', models: [{ ...triage, price: { inputPerMillion, outputPerMillion: 0 } }] }).modelCatalog;
    expect(priced(0.1234567)).toEqual([{ inline: { providers: { custom: { models: { 'qwen2.5:3b': { rates: { input: '0.123457', output: '0' } } } } } } }]);
    expect(priced(1_000_000)).toEqual([{ inline: { providers: { custom: { models: { 'qwen2.5:3b': { rates: { input: '1000000', output: '0' } } } } } } }]);
    expect(priced(0.0000001)).toEqual([{ inline: { providers: { custom: { models: { 'qwen2.5:3b': { rates: { input: '0', output: '0' } } } } } } }]);
  });

  it('GIVEN an internal model THEN it is reachable only through a virtual model', () => {
    expect(llmConfig({ ...homelab, models: [triage, qwen, { ...claude, internal: true }, gemini] }).llm.models).toContainEqual(expect.objectContaining({ name: 'claude', visibility: 'internal' }));
  });

  it('GIVEN problems THEN it throws naming each', () => {
    expect(() => llmConfig({ gateway: 'llm', models: [] })).toThrow('model routes:\n  - models must list at least one model');
  });

  it('names the hosts each hosted provider calls, which the egress must reach', () => {
    expect(PROVIDER_HOSTS).toEqual({ anthropic: 'api.anthropic.com', gemini: 'generativelanguage.googleapis.com', openai: 'api.openai.com' });
  });
});

describe('llmConfigProblems, each on its own', () => {
  it('GIVEN the homelab THEN there are none', () => {
    expect(llmConfigProblems(homelab)).toEqual([]);
  });

  it.each([
    ['an openai-compatible model without a URL', { ...triage, baseUrl: undefined }, 'models[0].baseUrl is required for an openai-compatible model: the server\'s URL, e.g. "http://triage-llm.mcp-system.svc:8080"'],
    ['a URL that is not http(s)', { ...triage, baseUrl: 'ftp://host/v1' }, 'models[0].baseUrl "ftp://host/v1" must be an http(s) URL with no query or fragment'],
    ['a URL with a query', { ...triage, baseUrl: 'http://host:8080/v1?x=1' }, 'models[0].baseUrl "http://host:8080/v1?x=1" must be an http(s) URL with no query or fragment'],
    ['a URL with a fragment', { ...triage, baseUrl: 'http://host:8080/v1#x' }, 'models[0].baseUrl "http://host:8080/v1#x" must be an http(s) URL with no query or fragment'],
    ['a URL with a key in it', { ...triage, baseUrl: 'https://sk-123@host/v1' }, 'models[0].baseUrl: must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is'],
    ['a hosted model without a key', { ...claude, name: 'triage', apiKeyFile: undefined }, 'models[0].apiKeyFile is required for anthropic: the gateway holds the key, clients never do'],
    ['a key file that is not an absolute path', { ...claude, name: 'triage', apiKeyFile: 'secrets/key' }, 'models[0].apiKeyFile "secrets/key" must be an absolute file path'],
    ['a key file ending in "/"', { ...claude, name: 'triage', apiKeyFile: '/var/run/' }, 'models[0].apiKeyFile "/var/run/" must be an absolute file path'],
    ['an empty model id', { ...triage, model: ' ' }, 'models[0].model must name the model at the provider, e.g. "claude-sonnet-4-5"'],
    ['a name with a space', { ...triage, name: 'my model' }, 'models[0].name "my model" must be 1 to 128 letters, digits and ". _ : / -", starting with a letter or digit'],
    ['a "$" in the model id', { ...triage, model: '$MODEL' }, 'models[0].model "$MODEL" contains "$", which agentgateway reads as an environment variable in its config: remove it'],
    ['a negative price', { ...triage, price: { inputPerMillion: -1, outputPerMillion: 1 } }, 'models[0].price.inputPerMillion must be a number from 0 to 1000000, got -1'],
    ['a price that is not a number', { ...triage, price: { inputPerMillion: 1, outputPerMillion: Number.NaN } }, 'models[0].price.outputPerMillion must be a number from 0 to 1000000, got NaN'],
    ['a price over the limit', { ...triage, price: { inputPerMillion: 1_000_001, outputPerMillion: 1 } }, 'models[0].price.inputPerMillion must be a number from 0 to 1000000, got 1000001'],
  ] as [string, LlmModel, string][])('GIVEN %s THEN the problem names the field', (_, model, problem) => {
    expect(problemsOf({ models: [model, qwen, claude, gemini] })).toEqual([problem]);
  });

  it('GIVEN a 129-character name THEN it is refused; 128 is taken', () => {
    expect(problemsOf({ models: [{ ...triage, name: 'a'.repeat(129) }, qwen, claude, gemini], virtualModels: [] })).toEqual([`models[0].name "${'a'.repeat(129)}" must be 1 to 128 letters, digits and ". _ : / -", starting with a letter or digit`]);
    expect(problemsOf({ models: [{ ...triage, name: 'a'.repeat(128) }, qwen, claude, gemini], virtualModels: [] })).toEqual([]);
  });

  it('GIVEN a name twice, across models and virtual models THEN the second names the first', () => {
    expect(problemsOf({ virtualModels: [{ name: 'qwen', routing: { failover: ['claude', 'gemini'] } }] })).toEqual([
      'virtualModels[0]: the name "qwen" is also models[1]: give each model and virtual model its own name',
    ]);
  });

  it.each([
    ['no routing kind', {}, 'virtualModels[0].routing must give exactly one of failover, weighted or conditional, got none'],
    ['two routing kinds', { failover: ['claude', 'gemini'], weighted: [{ model: 'claude', weight: 1 }] }, 'virtualModels[0].routing must give exactly one of failover, weighted or conditional, got failover and weighted'],
  ])('GIVEN %s THEN it is refused', (_, routing, problem) => {
    expect(problemsOf({ virtualModels: [{ name: 'v', routing: routing as never }] })).toEqual([problem]);
  });

  it('GIVEN a virtual model of one model THEN it is refused', () => {
    expect(problemsOf({ virtualModels: [{ name: 'v', routing: { failover: ['claude'] } }] })).toEqual(['virtualModels[0].routing.failover must list at least two models, got 1: a virtual model of one is the model itself']);
  });

  it('GIVEN a target that is a virtual model, or no model at all THEN each is named', () => {
    expect(
      problemsOf({
        virtualModels: [
          { name: 'a', routing: { failover: ['claude', 'gemini'] } },
          { name: 'b', routing: { weighted: [{ model: 'a', weight: 1 }, { model: 'gpt', weight: 1 }] } },
        ],
      }),
    ).toEqual([
      'virtualModels[1].routing.weighted[0]: "a" is a virtual model; agentgateway routes only to models: name the models themselves',
      'virtualModels[1].routing.weighted[1]: "gpt" is not a model; models are "triage", "qwen", "claude", "gemini"',
    ]);
  });

  it('GIVEN a model listed twice THEN it is refused', () => {
    expect(problemsOf({ virtualModels: [{ name: 'v', routing: { failover: ['claude', 'claude'] } }] })).toEqual(['virtualModels[0].routing.failover lists a model twice: list each once']);
  });

  it.each([0, 1.5, -1])('GIVEN a weight of %p THEN it is refused', (weight) => {
    expect(problemsOf({ virtualModels: [{ name: 'v', routing: { weighted: [{ model: 'claude', weight }, { model: 'gemini', weight: 1 }] } }] })).toEqual([
      `virtualModels[0].routing.weighted[0].weight must be a whole number of at least 1, got ${weight}`,
    ]);
  });

  it('GIVEN a conditional target without when before the last THEN it is refused; the last may go without', () => {
    expect(problemsOf({ virtualModels: [{ name: 'v', routing: { conditional: [{ model: 'claude' }, { model: 'gemini', when: 'true' }] } }] })).toEqual([
      'virtualModels[0].routing.conditional[0] has no when: only the last target may (the fallback), or the ones after it are never chosen',
    ]);
    expect(problemsOf({ virtualModels: [{ name: 'v', routing: { conditional: [{ model: 'claude', when: 'true' }, { model: 'gemini' }] } }] })).toEqual([]);
  });

  it('GIVEN an empty condition, or one with "$" THEN each is refused', () => {
    expect(problemsOf({ virtualModels: [{ name: 'v', routing: { conditional: [{ model: 'claude', when: ' ' }, { model: 'gemini' }] } }] })).toEqual([
      'virtualModels[0].routing.conditional[0].when is empty: give a CEL expression, or leave it out on the last target',
    ]);
    expect(problemsOf({ virtualModels: [{ name: 'v', routing: { conditional: [{ model: 'claude', when: 'request.headers["x"] == "$HOME"' }, { model: 'gemini' }] } }] })).toEqual([
      'virtualModels[0].routing.conditional[0].when "request.headers[\\"x\\"] == \\"$HOME\\"" contains "$", which agentgateway reads as an environment variable in its config: remove it',
    ]);
  });
});
