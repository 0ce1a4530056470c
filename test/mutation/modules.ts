/**
 * The modules `npm run mutation` scores, each with the source files Stryker mutates and the test files that
 * guard them. Each module runs only its own tests against each mutant, so one module takes minutes.
 */
export interface MutationModule {
  readonly description: string;
  /** Files (or globs) to mutate, from the project's root. */
  readonly mutate: readonly string[];
  /** Test files (globs, from the project's root) run against each mutant. */
  readonly tests: readonly string[];
}

export const MUTATION_MODULES: Readonly<Record<string, MutationModule>> = {
  policy: {
    description: 'the policy rules and the workload model',
    mutate: ['constructs/policy/rules/*.ts', 'constructs/policy/workload.ts'],
    tests: ['test/constructs/policy/**/*.test.ts'],
  },
  config: {
    description: 'config validation (stacks/config.ts)',
    mutate: ['stacks/config.ts'],
    tests: [
      'test/stacks/config.test.ts',
      'test/stacks/config-fields.test.ts',
      'test/stacks/config-limits.test.ts',
      'test/stacks/config-run-time-limits.test.ts',
      'test/stacks/config-rules/*.test.ts',
      'test/stacks/gateway-llm.test.ts',
      'test/stacks/secret-values.test.ts',
      'test/stacks/cluster-profile.test.ts',
      'test/stacks/gpu-placement.test.ts',
      'test/stacks/servers.test.ts',
    ],
  },
  'schema-validator': {
    description: 'the schema validator',
    mutate: ['constructs/validation/schema-validator.ts'],
    tests: ['test/constructs/validation/schema-validator.test.ts', 'test/constructs/validation/kubernetes-schema.test.ts'],
  },
  'gpu-sizing': {
    description: 'GPU sizing of vLLM models',
    mutate: ['constructs/inference/gpu-sizing.ts'],
    tests: ['test/constructs/inference/gpu-sizing.test.ts'],
  },
  flavours: {
    description: 'the MCP flavours (kmcp, ToolHive, standalone)',
    mutate: ['constructs/mcp/kmcp-flavour.ts', 'constructs/mcp/toolhive-flavour.ts', 'constructs/mcp/standalone-flavour.ts'],
    tests: ['test/constructs/mcp/**/*.test.ts'],
  },
  'agentgateway-config': {
    description: "the agentgateway config generator",
    mutate: ['constructs/gateway/agentgateway-config.ts'],
    tests: ['test/constructs/gateway/**/*.test.ts'],
  },
  migration: {
    description: 'the database migration script',
    mutate: ['constructs/database/schema.ts'],
    tests: ['test/constructs/database/schema.test.ts'],
  },
  'discovery-candidates': {
    description: 'discovery: candidates from Services and MCPServers',
    mutate: ['services/discovery/src/candidates.ts'],
    tests: ['test/services/discovery/candidates.test.ts', 'test/services/discovery/candidates-limits.test.ts'],
  },
  'discovery-probe': {
    description: 'discovery: the MCP probe and its limits',
    mutate: ['services/discovery/src/probe/probe.ts'],
    tests: ['test/services/discovery/probe.test.ts'],
  },
  'discovery-reconcile': {
    description: 'discovery: reconciling pull requests',
    mutate: ['services/discovery/src/reconcile/pull-requests.ts'],
    tests: ['test/services/discovery/pull-requests.test.ts'],
  },
  'discovery-server-file': {
    description: "discovery: the generated server file and its data-only check",
    mutate: ['services/discovery/src/reconcile/server-file.ts'],
    tests: ['test/services/discovery/server-file.test.ts'],
  },
  'discovery-github': {
    description: 'discovery: the GitHub host',
    mutate: ['services/discovery/src/git-host/github.ts'],
    tests: ['test/services/discovery/github-host.test.ts'],
  },
  'discovery-auth': {
    description: "discovery: the HTTP API's authentication",
    mutate: ['services/discovery/src/http/routes/auth.ts'],
    tests: ['test/services/discovery/http-api.test.ts', 'test/services/discovery/http-server.test.ts', 'test/services/discovery/http-auth.test.ts'],
  },
};
