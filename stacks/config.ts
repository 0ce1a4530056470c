/**
 * The platform config: one typed object that drives both the Terraform bootstrap and the Argo CD
 * manifests. The schema below is the single source of truth for its TypeScript type, its defaults and
 * the errors a wrong field gets at load time.
 */
import { z } from 'zod';
import { DNS_LABEL, EXACT_VERSION } from '../constructs/formats.js';

const QUANTITY = /^(?:\d+(?:\.\d+)?|\.\d+)(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const GIT_URL = /^(?:https:\/\/|ssh:\/\/|git@)[^\s]+$/;
const REPO_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._/-]+(?<!\/)$/;

const dnsLabel = (what: string) =>
  z
    .string({ error: `must be a string: the ${what}` })
    .max(63, { error: `must be at most 63 characters (a DNS-1123 label): the ${what}` })
    .regex(DNS_LABEL, {
      error: `must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit): the ${what}`,
    });

const exactVersion = z.string().regex(EXACT_VERSION, {
  error: 'must be an exact chart version such as "0.29.0" or "v26.7.0" (no ranges, so every install is reproducible)',
});

const quantity = z.string().regex(QUANTITY, {
  error: 'must be a Kubernetes quantity such as "500m", "2", "512Mi" or "4Gi"',
});

function operator(defaults: { version: string; namespace: string; enabled: boolean }) {
  return z
    .object({
      /** Install this operator's Helm release(s). */
      enabled: z.boolean().default(defaults.enabled),
      /** Exact Helm chart version. */
      version: exactVersion.default(defaults.version),
      /** Namespace of the operator's release. */
      namespace: dnsLabel('operator namespace').default(defaults.namespace),
    })
    .strict()
    .prefault({});
}

/** A part a later version renders; today it only records whether the platform will have it. */
const plannedPart = z.object({ enabled: z.boolean().default(false) }).strict().prefault({});

/** The config sections that are `plannedPart`s (the synth report lists the enabled ones). */
export const PLANNED_PARTS = ['database', 'gateway', 'triageLlm', 'gpuInference', 'discovery'] as const;

export const platformConfigSchema = z
  .object({
    /** Short name of this platform (Argo CD application names start with it). */
    name: dnsLabel('platform name'),
    /** Namespace of the MCP platform's workloads. @default "mcp-system" */
    namespace: dnsLabel('platform namespace').default('mcp-system'),
    kubernetes: z
      .object({
        /** Kubeconfig the Terraform providers read. @default "~/.kube/config" */
        configPath: z.string().min(1).default('~/.kube/config'),
        /** Kubeconfig context of the target cluster. */
        context: z.string({ error: 'is required: the kubeconfig context of the target cluster, e.g. "admin@homelab"' }).min(1),
      })
      .strict(),
    gitops: z
      .object({
        /** Git repository Argo CD syncs from (the rendered `dist/` is committed there). */
        repoUrl: z
          .string({ error: 'is required: the Argo CD repository URL, e.g. "https://github.com/me/homelab-gitops.git"' })
          .regex(GIT_URL, { error: 'must be a git URL starting with https://, ssh:// or git@' }),
        /** Folder in that repository that holds the contents of `dist/`. */
        path: z
          .string({ error: 'is required: the folder in the GitOps repository that holds dist/, e.g. "clusters/homelab/mcp-platform"' })
          .regex(REPO_PATH, { error: 'must be a relative path inside the repository (no leading or trailing "/", no "..")' }),
        /** Branch, tag or commit Argo CD tracks. @default "main" */
        revision: z.string().min(1).default('main'),
      })
      .strict(),
    argocd: z
      .object({
        /** Namespace Argo CD runs in. @default "argocd" */
        namespace: dnsLabel('Argo CD namespace').default('argocd'),
        /** Install Argo CD itself with Helm (off when the cluster already runs it). @default false */
        install: z.boolean().default(false),
        /** argo-cd chart version, used when `install` is true. @default "10.9.2" */
        version: exactVersion.default('10.9.2'),
        /** argocd-apps chart version that installs the project and root application. @default "2.0.4" */
        appsChartVersion: exactVersion.default('2.0.4'),
        /** Argo CD project every platform application belongs to. @default "mcp-platform" */
        project: dnsLabel('Argo CD project name').default('mcp-platform'),
        /** Sync automatically, with prune and self-heal. @default true */
        autoSync: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    operators: z
      .object({
        /** CloudNativePG operator (PostgreSQL + pgvector). @default enabled, chart 0.29.0 (operator 1.30.0), cnpg-system */
        cloudnativePg: operator({ enabled: true, version: '0.29.0', namespace: 'cnpg-system' }),
        /** kmcp CRDs and controller. @default enabled, chart 0.3.0, kmcp-system */
        kmcp: operator({ enabled: true, version: '0.3.0', namespace: 'kmcp-system' }),
        /** ToolHive operator CRDs and operator. @default enabled, chart 0.44.0, toolhive-system */
        toolhive: operator({ enabled: true, version: '0.44.0', namespace: 'toolhive-system' }),
        /** NVIDIA GPU operator. @default disabled, chart v26.7.0, gpu-operator */
        nvidiaGpu: operator({ enabled: false, version: 'v26.7.0', namespace: 'gpu-operator' }),
      })
      .strict()
      .prefault({}),
    guardrails: z
      .object({
        /** Let every pod in the namespace resolve DNS despite the default-deny policy. @default true */
        allowDnsEgress: z.boolean().default(true),
        /** Namespace ResourceQuota; none when left out. */
        resourceQuota: z
          .object({
            requestsCpu: quantity,
            requestsMemory: quantity,
            limitsMemory: quantity,
            pods: z.number().int().positive(),
          })
          .strict()
          .optional(),
        /** Namespace LimitRange with container defaults; none when left out. */
        limitRange: z
          .object({
            defaultRequestCpu: quantity,
            defaultRequestMemory: quantity,
            defaultLimitMemory: quantity,
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    /** PostgreSQL with pgvector (rendered from a later version). */
    database: plannedPart,
    /** MCP gateway (rendered from a later version). */
    gateway: plannedPart,
    /** Triage LLM (rendered from a later version). */
    triageLlm: plannedPart,
    /** GPU vLLM (rendered from a later version). */
    gpuInference: plannedPart,
    /** Discovery service (rendered from a later version). */
    discovery: plannedPart,
    /** MCP servers (declared from a later version; must stay empty for now). */
    mcpServers: z
      .array(z.never({ error: 'MCP servers are not rendered by this version yet: leave mcpServers empty' }))
      .default([]),
  })
  .strict();

/** What a config file is written as: optional fields may be left out. */
export type PlatformConfigInput = z.input<typeof platformConfigSchema>;
/** A loaded config: every default applied. */
export type PlatformConfig = z.output<typeof platformConfigSchema>;

/** Types a config file and nothing else: `export default definePlatformConfig({...})`. */
export function definePlatformConfig(config: PlatformConfigInput): PlatformConfigInput {
  return config;
}

/** A config that failed validation; `problems` has one line per wrong field. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid platform config (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates a raw config object and applies defaults; throws `ConfigError` naming every wrong field. */
export function parsePlatformConfig(raw: unknown, source: string): PlatformConfig {
  const result = platformConfigSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(source, result.error.issues.map(describeIssue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? formatPath(issue.path) : '(config)';
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(issue.path);
    return issue.keys
      .map((key) => {
        const field = issue.path.length ? `${where}.${key}` : key;
        const hint = closest(key, allowed);
        return `${field}: unknown field${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`;
      })
      .join('\n  - ');
  }
  const custom = !issue.message.startsWith('Invalid input');
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return custom ? `${where}: ${issue.message}` : `${where}: is required (${withArticle(issue.expected)})`;
  }
  if (issue.code === 'invalid_type') {
    return custom ? `${where}: ${issue.message}` : `${where}: must be ${withArticle(issue.expected)}, got ${describeValue(issue.input)}`;
  }
  return `${where}: ${issue.message}${'input' in issue && issue.input !== undefined ? `, got ${describeValue(issue.input)}` : ''}`;
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function describeValue(value: unknown): string {
  return value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : String(value);
}

/** The field names the schema allows at `path`, to list them next to an unknown one. */
function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType = platformConfigSchema;
  for (const segment of [...path, undefined]) {
    for (;;) {
      const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType; element?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType> };
      if (def.innerType) schema = def.innerType;
      else if (segment !== undefined && typeof segment === 'number' && def.element) schema = def.element;
      else break;
    }
    const shape = (schema._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape;
    if (segment === undefined) return shape ? Object.keys(shape) : [];
    if (typeof segment === 'number') continue;
    if (!shape || !shape[String(segment)]) return [];
    schema = shape[String(segment)];
  }
  return [];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
