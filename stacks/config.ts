/**
 * The platform config: one typed object that drives both the Terraform bootstrap and the Argo CD
 * manifests. The schema below is the single source of truth for its TypeScript type, its defaults and
 * the errors a wrong field gets at load time.
 */
import { RE2JS } from 're2js';
import { z } from 'zod';
import { CURRENCY } from '../constructs/monitoring/alert-rules.js';
import { cnpgScheduleProblem } from '../constructs/database/cnpg-schedule.js';
import { DNS_1035_LABEL, DNS_LABEL, DNS_SUBDOMAIN, EXACT_VERSION, GO_DURATION, LABEL_KEY, LABEL_VALUE, REPO_PATH, SERVER_FILE_IMPORT, SERVER_FILE_IMPORT_RULE, extendedResourceProblem, imageProblem, parseQuantity, QUANTITY, secretKeyProblem, urlCredentialsProblem } from '../constructs/formats.js';
import { MCP_CAPABILITIES } from '../constructs/mcp/discovery-metadata.js';
import { filePathProblem } from '../constructs/mcp/container-layout.js';
import { gatewayLabels, platformLabels } from '../constructs/labels.js';
import { splitField } from './config-problems.js';
import { checkChartValues, mergeValues } from '../constructs/bootstrap/chart-values.js';
import { gpuOperatorProblems, gpuOperatorValues } from '../constructs/bootstrap/gpu-operator-values.js';
import { OPERATORS, operatorChart } from '../constructs/bootstrap/operator-charts.js';
import { projectNameProblem } from '../constructs/argocd/project-name.js';
import { isInCluster } from '../constructs/argocd/argocd-application.js';
import { databaseNameProblem, databaseOwnerProblem } from '../constructs/database/database-names.js';
import { HOST_NAME, type ClusterNetwork } from '../constructs/network/cluster-network.js';
import { poolOf } from '../constructs/network/load-balancer-pools.js';
import { IPV4_ADDRESS, IPV4_CIDR } from '../constructs/network/ipv4.js';
import { externalServerProblems, mcpServerProblems, packageRegistryUrlProblems, toolListProblems } from '../constructs/mcp/mcp-server-props.js';
import { DEFAULT_MODELS_PORT } from '../constructs/gateway/gateway-models.js';
import { MAX_MODEL_PRICE, MODEL_NAME } from '../constructs/gateway/llm-routes.js';
import { MAX_TOKENS_PER_UNIT, TOKEN_LIMIT_UNITS } from '../constructs/gateway/llm-token-limiter.js';
import { terraformBackendSchema } from './terraform-backend.js';
import { overrideOrigins } from './override-origins.js';

/** https://host/path, ssh://[user@]host[:port]/path or scp-like git@host:path: a host and a repository path. */
const GIT_URL = /^(?:https:\/\/(?:[^\s/@]+@)?[^\s/@]+(?::\d+)?\/[^\s]*[^\s/]|ssh:\/\/(?:[^\s/@]+@)?[^\s/@:]+(?::\d+)?\/[^\s]*[^\s/]|git@[^\s/:@]+:[^\s]*[^\s/:])$/;
/** A relative path: no leading or trailing "/", no empty part ("a//b") and no "..". */

/** An RBAC rule's API group: "" (core), a DNS subdomain, or "*". */
const API_GROUP = /^(?:|\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;
/** An RBAC rule's resource: a lowercase resource name, optionally with a subresource, or "*". */
const RBAC_RESOURCE = /^(?:\*|[a-z][a-z0-9]*(?:\/(?:[a-z][a-z0-9]*|\*))?|\*\/[a-z][a-z0-9]*)$/;

/**
 * Why git would refuse `ref` as a branch or tag name (`git check-ref-format`'s rules: no space or control
 * character, none of ~ ^ : ? * [ \, no "..", "@{", "//", no part starting with "." or ending with ".lock", not
 * ending in "/" or "."), as a config message; undefined for a valid name or a commit hash.
 */
export function gitRefProblem(ref: string): string | undefined {
  const broken =
    ref === '@' ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(ref) ||
    ref.includes('..') ||
    ref.includes('@{') ||
    ref.includes('//') ||
    ref.startsWith('/') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    ref.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  return broken ? 'must be a branch, tag or commit git accepts: no spaces, "..", "~^:?*[\\", "@{" or "//", no part starting with "." or ending in ".lock", e.g. "main" or "release/1.2"' : undefined;
}
const gitRef = z.string().min(1).superRefine((ref, ctx) => {
  const message = gitRefProblem(ref);
  if (message) ctx.addIssue({ code: 'custom', input: ref, message });
});

const dnsLabel = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `is required: the ${what}` : `must be a string: the ${what}`) })
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

/** Helm values passed through to a chart: the escape hatch for what the typed fields do not cover. */
const chartValues = z.record(z.string(), z.unknown(), { error: 'must be an object of Helm values, e.g. { replicaCount: 2 }' });

function operatorFields(defaults: { version: string; namespace: string; enabled: boolean }) {
  return {
    /** Install this operator's Helm release(s). */
    enabled: z.boolean().default(defaults.enabled),
    /** Exact Helm chart version. */
    version: exactVersion.default(defaults.version),
    /** Namespace of the operator's release. */
    namespace: dnsLabel('operator namespace').default(defaults.namespace),
    /**
     * Helm values for the operator's chart, merged over what the platform sets (yours win). Checked
     * against the chart's values.schema.json where the pinned chart ships one. @default none
     */
    values: chartValues.optional(),
  };
}

function operator(defaults: { version: string; namespace: string; enabled: boolean }) {
  return z.object(operatorFields(defaults)).strict().prefault({});
}

const INFISICAL_SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A Secret's name, as the API server allows it. */
const secretName = z
  .string()
  .max(253, { error: 'must be a Secret name of at most 253 characters (a DNS-1123 subdomain)' })
  // Over 253 characters is the check above's alone.
  .refine((name) => name.length > 253 || DNS_SUBDOMAIN.test(name), { error: 'must be a Secret name: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit)' });
/** A key of a Secret's data, as the API server allows it. */
const secretKey = z.string().superRefine((key, ctx) => {
  const problem = secretKeyProblem(key);
  if (problem) ctx.addIssue({ code: 'custom', input: key, message: `${problem} (a Secret key)` });
});
/** The name of a cluster-scoped or namespaced object the platform refers to (a storage class, a RuntimeClass). */
const objectName = (what: string) =>
  z.string().regex(DNS_SUBDOMAIN, { error: `must be the name of ${what}: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)` });

/**
 * A free-text name the platform hands on as written (a kubeconfig context, a model, a folder): one that is
 * blank or padded with spaces is a typing slip that would only fail later, where it is looked up.
 */
const text = (what: string, required?: string) =>
  z
    .string(required ? { error: required } : undefined)
    .min(1, required ? { error: required } : undefined)
    .regex(/^(?:\S(?:[^]*\S)?)?$/, { error: `must be ${what}, without spaces before or after it` });

/** A string a `problem` function judges: its answer, when it has one, is the message. */
const checkedString = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const fault = problem(value);
    if (fault) ctx.addIssue({ code: 'custom', input: value, message: fault });
  });

/** Octokit appends each route's path to the base URL as text: after a query or fragment, the path is lost. */
const API_BASE_URL_QUERY = 'must have no query ("?") or fragment ("#"): the client adds each request\'s path after the URL, e.g. "https://github.example.com/api/v3"';

/** The argocd-apps chart's values layout changed at 2.0.0 (projects and applications keyed by name, not lists). */
const argocdAppsVersion = exactVersion.refine((version) => version.startsWith('2.'), {
  error: 'must be a 2.x version of argocd-apps: the platform writes its values in the 2.x layout (projects and applications keyed by name, since argocd-apps-2.0.0); 1.x takes lists, and no later major is known here',
});

const cidr = z.string().regex(IPV4_CIDR, { error: 'must be an IPv4 CIDR such as "192.168.10.5/32"' });
/**
 * A count of pods (replicas, instances): the API server keeps it as a 32-bit integer, and a quota or the
 * nodes cap it far below that; this bounds it where the API server would refuse to decode the object.
 */
const replicaCount = z
  .number()
  .int()
  .positive()
  .max(2_147_483_647, { error: 'must be at most 2147483647: the API server stores it as a 32-bit integer' });
const port = z.number().int().min(1, { error: 'must be a port number (1-65535)' }).max(65535, { error: 'must be a port number (1-65535)' });
/** A URL field without a credential in it (`urlCredentialsProblem`), with where the credential goes instead. */
const withoutCredentials = (fix: string) => (url: string, ctx: z.RefinementCtx) => {
  const problem = urlCredentialsProblem(url);
  if (problem) ctx.addIssue({ code: 'custom', input: undefined, message: `${problem}; ${fix}` });
};

/**
 * Linux refuses to start a process one of whose arguments, or "NAME=value" environment strings, is
 * MAX_ARG_STRLEN (131072 bytes, with its NUL) or longer; and a NUL byte cannot be passed at all (execve takes
 * C strings; runc refuses one with EINVAL).
 */
const MAX_ARG_STRLEN = 131_072;
/** A server's arguments together, quoted: room left under MAX_ARG_STRLEN for the command that runs them. */
const MAX_ARGS_TOGETHER = 120_000;
const execStringProblem = (text: string, extra = 0): string | undefined => {
  if (text.includes('\0')) return 'must not contain a NUL byte: a process cannot be given one in an argument or environment variable';
  const bytes = Buffer.byteLength(text) + extra + 1;
  if (bytes > MAX_ARG_STRLEN) return `is ${bytes} bytes as the process gets it, more than the ${MAX_ARG_STRLEN} Linux passes to a process in one argument or variable: put long content in a file (secretFiles) instead`;
  return undefined;
};
/** A command-line argument the container runtime can pass. */
const execArg = z.string().superRefine((text, ctx) => {
  const message = execStringProblem(text);
  if (message) ctx.addIssue({ code: 'custom', input: undefined, message });
});
/** Plain environment variables the container runtime can pass: each "NAME=value" under the kernel's limit. */
const execEnv = (key: z.ZodType<string>) =>
  z.record(key, z.string()).superRefine((env, ctx) => {
    for (const [name, value] of Object.entries(env)) {
      const message = execStringProblem(value, Buffer.byteLength(name) + 1);
      if (message) ctx.addIssue({ code: 'custom', path: [name], input: undefined, message });
    }
  });

/** A refinement reporting what `problem` says about the value, if anything. */
const problemOf = (problem: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
  const message = problem(value);
  if (message) ctx.addIssue({ code: 'custom', input: value, message });
};
const pinnedImage = z.string().superRefine(problemOf(imageProblem));
/**
 * cdk8s (2.70.106, lib/_util.js sanitizeValue) refuses to render an object with an own key "constructor": it
 * takes `obj.constructor.name` for the object's class. So no map key the output renders as an object key may be it.
 */
const RENDERABLE_KEY = { error: 'is one cdk8s cannot render (it reads an object\'s "constructor" key as its class): use another key' };
const renderableKey = (key: string) => key !== 'constructor';

const labels = z.record(
  z
    .string()
    .regex(LABEL_KEY, { error: 'must be a label key: an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit' })
    .refine(renderableKey, RENDERABLE_KEY),
  z.string().regex(LABEL_VALUE, { error: 'must be a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty)' }),
);

/** Reports `message` at `field` when the memory request is above the limit (both valid quantities). */
function requestAtMostLimit(request: string, limit: string, ctx: z.RefinementCtx, field: string, message: string): void {
  const [r, l] = [quantityValue(request), quantityValue(limit)];
  if (r !== undefined && l !== undefined && r > l) ctx.addIssue({ code: 'custom', path: [field], input: undefined, message });
}

/** A quantity's value, or undefined when it is not one (the field's own check reports that). */
function quantityValue(value: string): number | undefined {
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}

const resources = z
  .object({
    /** CPU request, e.g. "500m". */
    requestsCpu: quantity,
    /** Memory request, e.g. "1Gi". */
    requestsMemory: quantity,
    /** Memory limit, e.g. "2Gi". */
    limitsMemory: quantity,
  })
  .strict()
  .superRefine((r, ctx) =>
    requestAtMostLimit(r.requestsMemory, r.limitsMemory, ctx, 'requestsMemory', `${r.requestsMemory} is above limitsMemory ${r.limitsMemory}, which the API server refuses: request at most the limit`),
  );

const storage = (size: string) =>
  z
    .object({
      /** PVC size, e.g. "10Gi". */
      size: quantity
        .refine((value) => (quantityValue(value) ?? 1) > 0, { error: 'must be above 0: the API server refuses a PersistentVolumeClaim that requests no storage' })
        .default(size),
      /** Storage class. @default the cluster's default */
      storageClass: objectName('a StorageClass').optional(),
    })
    .strict()
    .prefault({});

const NO_SECRET_VALUES =
  'secret values are never accepted (the config and the rendered output are committed to git): reference an existing Secret ({ from: "secret", name, key }), an ExternalSecret ({ from: "externalSecret", ... }) or an InfisicalSecret ({ from: "infisical", ... })';

/** A credential by reference: an existing Secret, an ExternalSecret or an InfisicalSecret. Never a value. */
const secretRef = z.preprocess(
  (value, ctx) => {
    // A string is the credential itself (a key pasted in): refused as a value, not as a malformed reference.
    if (typeof value === 'string' || (value && typeof value === 'object' && ['value', 'stringValue', 'data'].some((k) => k in value))) {
      ctx.addIssue({ code: 'custom', message: NO_SECRET_VALUES, input: undefined });
      return z.NEVER;
    }
    return value;
  },
  z.discriminatedUnion(
    'from',
    [
      z
        .object({
          from: z.literal('secret'),
          /** Name of the existing Secret. */
          name: secretName,
          /** Key in it. */
          key: secretKey,
        })
        .strict(),
      z
        .object({
          from: z.literal('externalSecret'),
          /** Name of the Secret the ExternalSecret creates. */
          name: secretName,
          key: secretKey,
          store: z.object({ name: objectName('a SecretStore or ClusterSecretStore'), kind: z.enum(['SecretStore', 'ClusterSecretStore']).default('ClusterSecretStore') }).strict(),
          /** Key in the external store. */
          remoteKey: text('the key of the secret in the store'),
          remoteProperty: text('a property of the secret in the store').optional(),
          /** @default "1h" */
          refreshInterval: z.string().regex(GO_DURATION, { error: 'must be a Go duration such as "1h", "2h30m" or "10s" ("0": sync once)' }).default('1h'),
        })
        .strict(),
      z
        .object({
          from: z.literal('infisical'),
          /** Name of the Secret the InfisicalSecret manages. */
          name: secretName,
          key: secretKey,
          projectSlug: text('the Infisical project slug'),
          /** Environment slug, e.g. "prod". */
          environment: text('the Infisical environment slug'),
          /** @default "/" */
          path: z.string().startsWith('/').default('/'),
          /** Name of the secret in Infisical (letters, digits and "_": it is read through the template {{ .NAME.Value }}). @default key */
          remoteName: z.string().regex(INFISICAL_SECRET_NAME, { error: 'must be an Infisical secret name (letters, digits and "_", not starting with a digit): it is read through the template {{ .NAME.Value }}' }).optional(),
          /** Secret with the machine identity's clientId and clientSecret. */
          credentials: z.object({ name: secretName, namespace: z.string().regex(DNS_LABEL, { error: 'must be a namespace name: a DNS-1123 label' }).optional() }).strict(),
          /** Self-hosted Infisical API URL. @default Infisical Cloud */
          hostApi: z
            .url({ protocol: /^https?$/, error: 'must be an http(s) URL of the Infisical API, e.g. "https://infisical.example.com/api"' })
            .superRefine(withoutCredentials('the operator signs in with the machine identity in credentials'))
            .optional(),
          /** Seconds between syncs. @default 60 */
          resyncInterval: z.number().int().positive().default(60),
        })
        .strict()
        .superRefine((ref, ctx) => {
          if (ref.remoteName === undefined && !INFISICAL_SECRET_NAME.test(ref.key)) {
            ctx.addIssue({
              code: 'custom',
              path: ['remoteName'],
              input: undefined,
              message: `is required: the key "${ref.key}" is not an Infisical secret name (letters, digits and "_"), so name the secret in Infisical, e.g. remoteName: "${ref.key.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1')}"`,
            });
          }
        }),
    ],
    { error: 'must be a secret reference with from: "secret", "externalSecret" or "infisical"' },
  ),
);

/** The sizing-relevant shape of a model outside the built-in catalogue (numbers from its config.json). */
const modelShape = z
  .object({
    parametersBillions: z.number().positive(),
    layers: z.number().int().positive(),
    kvHeads: z.number().int().positive(),
    headDim: z.number().int().positive(),
    hiddenSize: z.number().int().positive(),
    vocabSize: z.number().int().positive(),
    tiedEmbeddings: z.boolean(),
    weights: z.enum(['float32', 'bfloat16', 'float16', 'fp8', 'int8', 'awq', 'gptq-int4', 'gptq-int8']),
    maxPositionEmbeddings: z.number().int().positive(),
  })
  .strict();

/** vLLM serving one model on GPU nodes. */
const vllmFields = {
  /** vLLM image. @default "vllm/vllm-openai:v0.15.1" */
  image: pinnedImage.optional(),
  /** Hugging Face model id. @default "Qwen/Qwen2.5-7B-Instruct-AWQ" */
  model: text('a Hugging Face model id').default('Qwen/Qwen2.5-7B-Instruct-AWQ'),
  /** For a model outside the sizing catalogue. */
  modelShape: modelShape.optional(),
  servedModelName: text('the model name clients send').optional(),
  dtype: z.enum(['auto', 'float16', 'bfloat16', 'float32']).default('auto'),
  kvCacheDtype: z.enum(['auto', 'fp8']).default('auto'),
  /** Longest context in tokens. @default 8192 */
  maxModelLen: z.number().int().positive().default(8192),
  /** Sequences served at once, each at full length. @default 4 */
  maxNumSeqs: z.number().int().positive().default(4),
  /** @default 0.9 */
  gpuMemoryUtilization: z.number().gt(0, { error: 'must be above 0 and at most 1' }).max(1, { error: 'must be above 0 and at most 1' }).default(0.9),
  /** GPUs per pod. @default 1 */
  tensorParallelSize: z.number().int().positive().default(1),
  gpu: z
    .object({
      /** Memory of one GPU, GiB. @default 12 */
      memoryGiB: z.number().positive().default(12),
      /** Labels of the GPU nodes; required for a GPU other than NVIDIA's. @default { "nvidia.com/gpu.present": "true" } */
      nodeSelector: labels.optional(),
      /** e.g. "nvidia". @default none */
      runtimeClassName: objectName('a RuntimeClass').optional(),
      /** @default "nvidia.com/gpu" */
      resourceName: checkedString(extendedResourceProblem).default('nvidia.com/gpu'),
    })
    .strict()
    .prefault({}),
  /** /dev/shm size, charged to the memory limit (so under half of it). @default "2Gi", or a quarter of resources.limitsMemory when that is under 8Gi */
  shmSize: quantity.optional(),
  /** Hugging Face cache PVC. @default 50Gi */
  cache: storage('50Gi'),
  /** Token for gated models, by reference. */
  huggingFaceToken: secretRef.optional(),
  /** Host CPU and memory. @default 2 CPU, 8Gi requested, 16Gi limit */
  resources: resources.optional(),
  /** @default 1800 */
  startupTimeoutSeconds: z.number().int().min(60).max(86_400, { error: 'must be at most 86400 (a day)' }).default(1800),
  /** Download the weights (egress to the internet on 443). @default true */
  download: z.boolean().default(true),
  extraArgs: z.array(execArg).default([]),
};

/** What to do when the triage config does not name a provider. */
const withDefaultProvider = (value: unknown) =>
  // A list is left for the schema to refuse: spread, [] would read as {} and so as the defaults.
  value && typeof value === 'object' && !Array.isArray(value) && !('provider' in value) ? { ...value, provider: 'ollama' } : value;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The construct's problems that the fields' own schemas above already report (with a field path); the config
 * takes the rest of `mcpServerProblems`, the checks that span fields.
 */
const SCHEMA_CHECKED =
  /^(?:name .* must be a DNS-1123 label of|flavour |transport |path |source must|source\.npm\.|source\.image |source\.service|replicas must be|capabilities[ [\]]|labels "[^"]*" (?:is not|has the value)|env\.\w+ is not|secretEnv\.\S+ is not|secretFiles\[\d+\]\.path .* must be an absolute file path|tools\[|egress\[|kubernetesAccess\.rules\[\d+\]\.(?:resources|apiGroups) )/;

/** One MCP server, as declared in the config or in a file of the servers folder. */
const mcpServerSchemaShape = {
    /** DNS-1123 label, unique: names the Service, the gateway route and the registry row. */
    name: dnsLabel('MCP server name')
      .max(50, { error: 'must be at most 50 characters: the MCP server name' })
      .regex(DNS_1035_LABEL, { error: 'must start with a letter: it names the server\'s Service, and a Service name is a DNS-1035 label (e.g. "onepassword" for 1Password)' })
      .refine((name) => name !== 'default', { error: 'must not be "default": it names the server\'s ServiceAccount, and "default" is the namespace\'s own, which every pod without one uses' }),
    /** How it is deployed; "external": by something else, the platform only routes to its Service. @default "standalone" */
    flavour: z.enum(['kmcp', 'toolhive', 'standalone', 'external'], { error: 'must be "kmcp", "toolhive", "standalone" or "external"' }).default('standalone'),
    transport: z.enum(['stdio', 'streamable-http', 'sse'], { error: 'must be "stdio", "streamable-http" or "sse"' }),
    /** An npm package (exact version) or a pinned image; for an external server, the Service that serves it. */
    source: z.union(
      [
        z
          .object({
            npm: z
              .object({
                package: z.string().min(1),
                version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, { error: 'must be an exact version such as "1.2.3"' }),
                bin: z.string().min(1).optional(),
              })
              .strict(),
          })
          .strict(),
        z
          .object({
            image: pinnedImage,
            /** The executable, one path (arguments go in args: the container runtime looks for a file of this whole name). */
            command: z
              .string()
              .min(1)
              .regex(/^\S+$/, { error: 'must be one executable path without spaces, such as "/server/run": put its arguments in args (the container runtime looks for a file of this whole name)' })
              .optional(),
          })
          .strict(),
        z
          .object({
            // Its values are checked with the rest of an external server's fields (externalServerProblems).
            service: z
              .object({
                /** Name of the Service. */
                name: z.string(),
                /** Its namespace. */
                namespace: z.string(),
                /** The pods' port behind the Service port, a number or a container port name. @default port */
                targetPort: z.union([z.number(), z.string()]).optional(),
              })
              .strict(),
          })
          .strict(),
      ],
      { error: 'must be { npm: { package, version } }, { image } or, for an external server, { service: { name, namespace } }' },
    ),
    args: z
      .array(execArg)
      .superRefine((args, ctx) => {
        // The stdio bridges pass a server's command and arguments to it as one argument (supergateway --stdio).
        const bytes = args.reduce((sum, arg) => sum + Buffer.byteLength(arg) + 3, 0);
        if (bytes > MAX_ARGS_TOGETHER) {
          ctx.addIssue({ code: 'custom', input: undefined, message: `are ${bytes} bytes together, quoted; the stdio bridges pass the command and its arguments as one argument, which Linux caps at ${MAX_ARG_STRLEN} bytes: keep them under ${MAX_ARGS_TOGETHER} bytes, and put long content in a file (secretFiles)` });
        }
      })
      .optional(),
    /** Port it listens on; for an external server, the port of its Service (required there). @default 8080 */
    port: port.optional(),
    path: z.string().startsWith('/').optional(),
    /** Plain settings; credentials go in secretEnv. */
    env: execEnv(z.string().regex(ENV_NAME, { error: 'must be an environment variable name' }).refine(renderableKey, RENDERABLE_KEY)).optional(),
    /** Credentials by reference, by env var name. */
    secretEnv: z.record(z.string().regex(ENV_NAME, { error: 'must be an environment variable name' }).refine(renderableKey, RENDERABLE_KEY), secretRef).optional(),
    /** Files from Secrets (kubeconfig, talosconfig), each at a path of its own. */
    secretFiles: z
      .array(
        z
          .object({
            secret: secretRef,
            path: z
              .string()
              .startsWith('/')
              .superRefine((path, ctx) => {
                // A relative path is the startsWith check's to report.
                const problem = path.startsWith('/') ? filePathProblem(path) : undefined;
                if (problem) ctx.addIssue({ code: 'custom', input: path, message: problem });
              }),
          })
          .strict(),
      )
      .optional(),
    resources: resources.optional(),
    replicas: replicaCount.optional(),
    /** Read-only Kubernetes access (get/list/watch) for the server's ServiceAccount. */
    kubernetesAccess: z
      .object({
        rules: z
          .array(
            z
              .object({
                apiGroups: z
                  .array(z.string().regex(API_GROUP, { error: 'must be an API group: "" (the core group), a DNS subdomain such as "apps", or "*"' }))
                  .min(1, { error: 'must list at least one API group ("" is the core group: pods, services, ...); the API server refuses a resource rule without one' }),
                resources: z
                  .array(z.string().regex(RBAC_RESOURCE, { error: 'must be a resource as the API names it: lowercase plural such as "pods", a subresource such as "pods/log", or "*"' }))
                  .min(1),
              })
              .strict(),
          )
          .min(1),
        secrets: z.boolean().optional(),
        wildcardReason: z.string().optional(),
      })
      .strict()
      .optional(),
    /** Upstream APIs the server may reach. */
    egress: z
      .array(
        z.union(
          [
            z.object({ cidrs: z.array(cidr).min(1), ports: z.array(port).min(1) }).strict(),
            /** By DNS name: exactly those names on Cilium, else every internet address on those ports. */
            z
              .object({
                hosts: z
                  .array(
                    z.string().superRefine((host, ctx) => {
                      if (HOST_NAME.test(host)) return;
                      const message = IPV4_ADDRESS.test(host)
                        ? 'is an address, which a DNS-name rule never matches: list it as { cidrs: ["<address>/32"], ports } instead'
                        : 'must be a lowercase DNS name such as "api.github.com"';
                      ctx.addIssue({ code: 'custom', input: host, message });
                    }),
                  )
                  .min(1),
                ports: z.array(port).min(1),
              })
              .strict(),
          ],
          { error: 'must be { cidrs: ["192.168.1.10/32"], ports: [443] } or { hosts: ["api.github.com"], ports: [443] }' },
        ),
      )
      .optional(),
    /** Tools the server is expected to offer. */
    tools: z
      .array(z.string())
      .superRefine((tools, ctx) => {
        for (const { index, message } of toolListProblems(tools)) ctx.addIssue({ code: 'custom', path: [index], input: tools[index], message });
      })
      .optional(),
    /** MCP capabilities it offers, for discovery. @default ["tools"] */
    capabilities: z
      .array(z.string().refine((c) => MCP_CAPABILITIES.has(c), { error: `must be an MCP capability: ${[...MCP_CAPABILITIES].join(', ')}` }))
      .min(1, { error: 'must list at least one MCP capability, or be left out for the default ["tools"]' })
      .optional(),
    labels: labels.optional(),
    /**
     * How `npm run preflight` checks it (a server from npm; one from an image or an external one is not run).
     * Whatever the policy, a server whose process exits, or that never answers MCP `initialize`, fails.
     * - `check`: "full" must list its tools (result `ok`); "startup" may stop at answering `initialize`
     *   (result `started`), for a server that lists its tools only once it reaches its upstream. @default "full"
     * - `reason`: why a server is checked only at start-up; required with "startup".
     * - `env`: env for the preflight run only (placeholders such as a dummy host), never secrets.
     * - `upstream`: a stand-in for what the server needs to start, run on 127.0.0.1 for the check.
     *   "kubernetes-stub": a Kubernetes API stub (version and discovery of an empty cluster: /version, /api,
     *   /api/v1, /apis, /apis/apps/v1, /apis/batch/v1; 404 for the rest); the server gets a kubeconfig for it
     *   as KUBECONFIG, and in place of each of its `secretFiles`. For kubernetes-mcp-server, which exits
     *   without a kubeconfig: with the stub it starts and lists its tools. @default none
     * @default { check: "full" }
     */
    preflight: z
      .object({
        check: z.enum(['full', 'startup']).default('full'),
        reason: z.string().optional(),
        env: z.record(z.string(), z.string()).optional(),
        upstream: z.enum(['kubernetes-stub'], { error: 'must be "kubernetes-stub" (the only stand-in preflight has)' }).optional(),
      })
      .strict()
      .optional(),
    toolhivePermissionProfile: z.enum(['none', 'network']).optional(),
};

/** The schema of one MCP server in the config (an entry of `mcpServers`, or a server file), with the construct's own checks. */
export const mcpServerSchema = z
  .object(mcpServerSchemaShape)
  .strict()
  .superRefine((server, ctx) => {
    // The rules of an external server live with the construct, so the config and the construct say the same.
    for (const problem of externalServerProblems(server)) {
      ctx.addIssue({ code: 'custom', path: problem.field.split('.'), input: undefined, message: problem.message });
    }
    // The construct's own checks that span fields (a port the non-root server cannot bind, env and secretEnv
    // naming one variable, a wildcard access rule without a reason...), so a server file gets them when it is
    // loaded and the config before anything renders. External servers are covered above.
    if (server.flavour !== 'external') {
      let problems: string[];
      try {
        problems = mcpServerProblems(server);
      } catch {
        problems = []; // input the fields' own checks already refuse
      }
      const fields = Object.keys(mcpServerSchemaShape);
      for (const message of problems.filter((p) => !SCHEMA_CHECKED.test(p) && !(p.startsWith('port must be ') && !((server.port ?? 0) >= 1 && (server.port ?? 0) < 1024)))) {
        const { segments, rest } = splitField(message, fields);
        ctx.addIssue({ code: 'custom', path: segments ?? [], input: undefined, message: rest });
      }
    }
  });

/** One MCP server as loaded: every default applied. */
export type McpServerConfig = z.output<typeof mcpServerSchema>;

const REPO_SLUG = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** The discovery service: finds MCP servers running in the cluster and opens a pull request per new one. */
const discoverySchema = z
  .object({
    /** @default false */
    enabled: z.boolean().default(false),
    /** @default "ghcr.io/mcp-platform/mcp-discovery:0.1.0" */
    image: pinnedImage.optional(),
    /** The platform repository pull requests go to, "owner/name"; required when enabled. */
    repo: z.string().regex(REPO_SLUG, { error: 'must be "owner/name", e.g. "homelab/platform"' }).optional(),
    /** Branch the servers folder is read from and pull requests target. @default "main" */
    baseBranch: gitRef.default('main'),
    /** The servers folder, as a path from the repository's root. @default "stacks/servers" */
    serversDir: z
      .string()
      .regex(REPO_PATH, { error: 'must be a relative path inside the repository (no leading or trailing "/", no "//", "." or ".." part)' })
      .default('stacks/servers'),
    /**
     * The module the generated server files import `defineMcpServer` from, relative to `serversDir`. Loading the
     * config file sets it from where `serversDir` and the platform's `stacks/servers.ts` lie in the repository;
     * give it only when that module is elsewhere in the checkout. @default computed ("../servers.js" for "stacks/servers")
     */
    serverFileImport: z
      .string()
      .regex(SERVER_FILE_IMPORT, { error: SERVER_FILE_IMPORT_RULE })
      .optional(),
    /** Namespaces to watch, each through its own Role. @default all, through a ClusterRole */
    watchNamespaces: z
      .array(dnsLabel('namespace to watch'))
      .min(1, { error: 'must name at least one namespace; leave it out to watch all of them' })
      .superRefine((list, ctx) => {
        list.forEach((namespace, index) => {
          if (list.indexOf(namespace) !== index) ctx.addIssue({ code: 'custom', path: [index], input: undefined, message: `"${namespace}" is listed twice: list each namespace once` });
        });
      })
      .optional(),
    /** GitHub access; required when enabled. */
    github: z
      .object({
        /** REST API base URL (GitHub Enterprise: "https://github.example.com/api/v3"). @default "https://api.github.com" */
        apiUrl: z
          .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "https://github.example.com/api/v3"' })
          .superRefine(withoutCredentials('the discovery service signs in with github.auth, by reference'))
          .refine((url) => !/[?#]/.test(url), { error: API_BASE_URL_QUERY })
          .optional(),
        /** A token, or a GitHub App's id, installation and private key; each secret by reference. */
        auth: z.union(
          [
            z.object({ token: secretRef }).strict(),
            z
              .object({
                appId: z.string().regex(/^\d+$/, { error: 'must be the App\'s numeric id, e.g. "123456"' }),
                installationId: z.number().int().positive(),
                privateKey: secretRef,
              })
              .strict(),
          ],
          { error: 'must be { token } or { appId, installationId, privateKey }, each secret by reference' },
        ),
        /** The API's addresses (GitHub Enterprise on the LAN). @default the internet on 443, private ranges excluded */
        egressCidrs: z.array(cidr).min(1).optional(),
      })
      .strict()
      .optional(),
    /** The bearer token the write endpoints require, by reference; required when enabled. */
    apiToken: secretRef.optional(),
    /** "platform": the platform's PostgreSQL (database.enabled); "embedded": PGlite in the pod, rebuilt from the cluster after a restart. @default "platform" */
    database: z.enum(['platform', 'embedded'], { error: 'must be "platform" or "embedded"' }).default('platform'),
    probe: z
      .object({
        /** @default 10000 */
        timeoutMs: z.number().int().min(100).max(300_000, { error: 'must be at most 300000 (5 minutes): the discovery service refuses a longer probe timeout' }).default(10_000),
        /** @default 4 */
        concurrency: z.number().int().min(1).max(64).default(4),
      })
      .strict()
      .prefault({}),
    /** Most discovery pull requests open at once. @default 5 */
    maxOpenPullRequests: z.number().int().positive().max(1000, { error: 'must be at most 1000: the discovery service refuses more' }).default(5),
    /** Seconds between full reconciles. @default 300 */
    reconcileIntervalSeconds: z.number().int().min(10).max(86_400, { error: 'must be at most 86400 (a day): the discovery service refuses a longer interval' }).default(300),
    /** @default 50m CPU, 192Mi requested, 512Mi limit */
    resources: resources.optional(),
    /** Addresses that may call its HTTP API. @default none (kubectl port-forward) */
    allowFrom: z.array(cidr).optional(),
  })
  .strict()
  .prefault({});

/**
 * Why Cilium could not compile `pattern`: it compiles each with Go's regexp.Compile (pkg/l2announcer), whose
 * RE2 syntax re2js (a port of RE2J) parses the same way, so Go's own flags and named groups pass and what Go
 * refuses (lookaround, backreferences, `\c`) is refused here, with Go's message.
 */
function goRegexpProblem(pattern: string): string | undefined {
  if (pattern === '') return 'must be a regular expression such as "^eth[0-9]+" (an empty one matches every interface: leave interfaces out instead)';
  if (/\(\?<?[=!]|\\[1-9]|\\k</.test(pattern)) return 'uses lookaround or a backreference, which Cilium\'s regular expressions (Go, RE2 syntax) do not have: use a plain expression such as "^eth[0-9]+"';
  try {
    RE2JS.compile(pattern);
  } catch (error) {
    return `must be a regular expression Cilium (Go's regexp) compiles, such as "^eth[0-9]+": ${(error as Error).message}`;
  }
  return undefined;
}

const ipv4Address = z.string().regex(IPV4_ADDRESS, { error: 'must be an IPv4 address such as "10.30.0.90"' });

/** Cilium's LoadBalancer IP address management and L2 announcements (cluster.cni "cilium" only). */
const ciliumSchema = z
  .object({
    /**
     * Egress to named outside hosts (GitHub for discovery, the npm registry for npm servers, the gateway's
     * JWKS host) by DNS name, through Cilium's DNS proxy (`toFQDNs`), instead of every internet address on
     * 443. @default true
     */
    fqdnEgress: z.boolean().default(true),
    /** Address pools Cilium's LB IPAM gives LoadBalancer Services addresses from. @default none */
    loadBalancerIPPools: z
      .array(
        z
          .object({
            /** Name of the CiliumLoadBalancerIPPool. */
            name: dnsLabel('load-balancer pool name'),
            /** Address blocks: a CIDR, or a first and last address. */
            blocks: z
              .array(
                z.union([z.object({ cidr }).strict(), z.object({ start: ipv4Address, stop: ipv4Address }).strict()], {
                  error: 'must be { cidr: "10.30.0.0/28" } or { start: "10.30.0.90", stop: "10.30.0.99" }',
                }),
              )
              .min(1, { error: 'must list at least one block of addresses' }),
            /** Only Services with these labels get addresses from this pool. @default every LoadBalancer Service */
            serviceLabels: labels.optional(),
          })
          .strict(),
      )
      .min(1, { error: 'must list at least one pool; leave it out when Cilium does not assign LoadBalancer addresses' })
      .optional(),
    /**
     * Answer ARP for LoadBalancer addresses from the nodes (a CiliumL2AnnouncementPolicy), so LAN clients reach
     * them without BGP. Needs Cilium installed with `l2announcements.enabled=true`. @default none
     */
    l2Announcements: z
      .object({
        /** Node interfaces to announce on, as regular expressions, e.g. ["^eth[0-9]+"]. @default every interface */
        interfaces: z
          .array(
            z.string().superRefine((pattern, ctx) => {
              const problem = goRegexpProblem(pattern);
              if (problem) ctx.addIssue({ code: 'custom', input: pattern, message: problem });
            }),
          )
          .min(1)
          .optional(),
        /** Nodes that announce, by labels. @default every node */
        nodeLabels: labels.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const clusterSchema = z
  .object({
    /** "talos": GPU drivers come from system extensions, and the host is read-only. @default "generic" */
    distribution: z.enum(['talos', 'k3s', 'generic'], { error: 'must be "talos", "k3s" or "generic"' }).default('generic'),
    /**
     * Decides how isolation is rendered. "cilium": Kubernetes NetworkPolicies plus CiliumNetworkPolicies for what
     * Cilium does not match by ipBlock (the API server) and for egress by DNS name; "calico" and "other": Kubernetes
     * NetworkPolicies only; "flannel": the same, with a warning that nothing enforces them. @default "other"
     */
    cni: z.enum(['cilium', 'calico', 'flannel', 'other'], { error: 'must be "cilium", "calico", "flannel" or "other"' }).default('other'),
    /** Cilium settings; only with cni "cilium". @default { fqdnEgress: true } */
    cilium: ciliumSchema.optional(),
  })
  .strict()
  .prefault({});

/** A price per million tokens, in monitoring.alerts.currency (agentgateway multiplies the tokens by it and nothing else). */
const perMillion = z.number().nonnegative().max(MAX_MODEL_PRICE, { error: `must be at most ${MAX_MODEL_PRICE} per million tokens` });
const modelPrice = z
  .object({
    /** Per million input (prompt) tokens. */
    inputPerMillion: perMillion,
    /** Per million output (completion) tokens. */
    outputPerMillion: perMillion,
  })
  .strict();
const PLATFORM_MODEL_PRICE =
  'is only for hosted and external models: the platform\'s own models are priced by monitoring.alerts.promptTokenPricePerMillion and completionTokenPricePerMillion (from vLLM\'s token counts), so a price here would count them twice';
const modelFields = {
  /** What clients send as `model`; unique among models and virtual models. */
  name: z.string().regex(MODEL_NAME, { error: 'must be what clients send as "model": 1 to 128 letters, digits and ". _ : / -", starting with a letter or digit' }),
  /** Only reachable through a virtual model. @default false */
  internal: z.boolean().default(false),
};
/** One of the platform's own models: its URL, model name and pods come from that part of the config. */
const platformModel = (provider: 'triageLlm' | 'gpuInference') =>
  z.object({ ...modelFields, provider: z.literal(provider), price: z.never({ error: PLATFORM_MODEL_PRICE }).optional() }).strict();
/** A model at a hosted provider: a key by reference, and a price so that its cost is counted. */
const hostedModel = (provider: 'anthropic' | 'gemini' | 'openai') =>
  z
    .object({
      ...modelFields,
      provider: z.literal(provider),
      /** The provider's model id, e.g. "claude-sonnet-4-5". */
      model: text('the model id at the provider', 'is required: the model id at the provider, e.g. "claude-sonnet-4-5"'),
      /** Required: the provider's API key, by reference; only the gateway reads it. */
      apiKey: secretRef.optional(),
      /** Required: what its tokens cost, for the cost metric and AiDailyCostHigh. */
      price: modelPrice.optional(),
    })
    .strict()
    .superRefine((model, ctx) => {
      if (!model.apiKey) {
        ctx.addIssue({
          code: 'custom',
          path: ['apiKey'],
          input: undefined,
          message: `is required for the hosted model "${model.name}": the provider's API key by reference, which only the gateway reads, e.g. { from: "infisical", name: "llm-provider-keys", key: "${provider.toUpperCase()}_API_KEY", ... }`,
        });
      }
      if (!model.price) {
        ctx.addIssue({
          code: 'custom',
          path: ['price'],
          input: undefined,
          message: `is required for the hosted model "${model.name}": its price per million input and output tokens, e.g. { inputPerMillion: 3, outputPerMillion: 15 }, so that its cost is counted and AiDailyCostHigh sees it`,
        });
      }
    });
const llmModelSchema = z.discriminatedUnion(
  'provider',
  [
    platformModel('triageLlm'),
    platformModel('gpuInference'),
    z
      .object({
        ...modelFields,
        provider: z.literal('openai-compatible'),
        /** The server's OpenAI-compatible API, e.g. "http://192.168.1.50:8000/v1". */
        baseUrl: z
          .url({ protocol: /^https?$/, error: 'must be the http(s) URL of the server\'s OpenAI-compatible API, e.g. "http://192.168.1.50:8000/v1"' })
          .superRefine(withoutCredentials('give the key in apiKey, by reference'))
          .refine((url) => !URL.canParse(url) || (!new URL(url).search && !new URL(url).hash), { error: 'must have no query ("?") or fragment ("#"): agentgateway refuses one' }),
        /** The model name the server serves. */
        model: text('the model name the server serves', 'is required: the model name the server serves'),
        /** The addresses of the server, which the gateway's egress allows; required when baseUrl names a host rather than an IPv4 address. @default the baseUrl's address */
        cidrs: z.array(cidr).min(1).optional(),
        /** A key the server wants, by reference. @default none */
        apiKey: secretRef.optional(),
        /** What its tokens cost, if anything. @default none: not counted */
        price: modelPrice.optional(),
      })
      .strict()
      .superRefine((model, ctx) => {
        const host = URL.canParse(model.baseUrl) ? new URL(model.baseUrl).hostname : undefined;
        if (host !== undefined && !IPV4_ADDRESS.test(host) && !model.cidrs) {
          ctx.addIssue({ code: 'custom', path: ['cidrs'], input: undefined, message: `is required: "${host}" is a name, and the gateway's egress allows the server by its addresses, e.g. ["192.168.1.50/32"]` });
        }
      }),
    hostedModel('anthropic'),
    hostedModel('gemini'),
    hostedModel('openai'),
  ],
  { error: 'must be "triageLlm" or "gpuInference" (the platform\'s own), "openai-compatible" (a server of yours), or "anthropic", "gemini", "openai"' },
);
const virtualModelSchema = z
  .object({
    /** What clients send as `model`. */
    name: modelFields.name,
    /** Exactly one of: failover (in order), weighted, or conditional (the first whose CEL `when` holds). */
    routing: z
      .object({
        failover: z.array(z.string()).optional(),
        weighted: z.array(z.object({ model: z.string(), weight: z.number() }).strict()).optional(),
        conditional: z.array(z.object({ model: z.string(), when: z.string().optional() }).strict()).optional(),
      })
      .strict(),
  })
  .strict();
const cidrList = z.array(cidr).min(1, { error: 'must list at least one CIDR, or be left out' });
const tokenLimit = z
  .object({
    /** Tokens (input and output together) per window. */
    tokens: z
      .number()
      .int({ error: 'must be a whole number of tokens' })
      .min(1, { error: 'must be at least 1' })
      .max(MAX_TOKENS_PER_UNIT, { error: `must be at most ${MAX_TOKENS_PER_UNIT} (the rate limit service counts in 32 bits)` }),
    /** The window. */
    per: z.enum(TOKEN_LIMIT_UNITS, { error: `must be ${TOKEN_LIMIT_UNITS.map((u) => `"${u}"`).join(', ')}` }),
  })
  .strict();
/** The gateway's model routes: local models first, hosted ones behind keys only the gateway holds. */
const gatewayLlmSchema = z
  .object({
    /** Port of the models' listener (/v1/chat/completions). @default 4000 */
    port: port.default(DEFAULT_MODELS_PORT),
    models: z.array(llmModelSchema).min(1, { error: 'must list at least one model, or leave gateway.llm out' }),
    /** @default none */
    virtualModels: z.array(virtualModelSchema).default([]),
    /** The hosted providers' API addresses, required off Cilium (a NetworkPolicy cannot allow a host by name) unless egressProxy is set. @default none: by name on Cilium */
    providerCidrs: z.object({ anthropic: cidrList, gemini: cidrList, openai: cidrList }).partial().strict().optional(),
    /**
     * An HTTP CONNECT proxy (e.g. Squid allowing only the providers' hosts) the gateway reaches the hosted providers
     * through: its egress then allows the proxy alone. For a cluster that cannot allow hosts by name. @default none: direct
     */
    egressProxy: z
      .object({
        /** The proxy's DNS name or IPv4 address, e.g. "squid.egress.svc.cluster.local". */
        host: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, { error: 'must be the proxy\'s DNS name or IPv4 address, e.g. "squid.egress.svc.cluster.local"' }),
        port,
        /** Its addresses, for a proxy outside the cluster. @default the host's address, when it is one */
        cidrs: cidrList.optional(),
        /** Its pods, for a proxy in the cluster: their namespace and labels. */
        pods: z.object({ namespace: dnsLabel('egress proxy namespace'), podLabels: labels.refine((l) => Object.keys(l).length > 0, { error: 'must name at least one label of the proxy\'s pods' }) }).strict().optional(),
      })
      .strict()
      .superRefine((proxy, ctx) => {
        const given = [proxy.cidrs && 'cidrs', proxy.pods && 'pods'].filter(Boolean);
        if (given.length === 2) ctx.addIssue({ code: 'custom', path: ['pods'], input: undefined, message: 'and cidrs are both set: a proxy in the cluster is reached by its pods, one outside it by its addresses; keep one' });
        if (!given.length && !IPV4_ADDRESS.test(proxy.host)) {
          ctx.addIssue({ code: 'custom', path: ['pods'], input: undefined, message: `is required: "${proxy.host}" is a name, so give the proxy's pods (a proxy in the cluster) or its cidrs (outside it), which the gateway's egress allows` });
        }
      })
      .optional(),
    /**
     * Clients that call the models with keys of their own, each by the SHA-256 of its key (the key itself is never
     * in the config): every model request then needs one. Required with hosted models unless gateway.auth is set. @default none
     */
    clientKeys: z
      .array(
        z
          .object({
            /** Who holds the key. */
            name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { error: 'must be 1 to 63 letters, digits and ". _ -", starting with a letter or digit' }),
            /** `printf %s "$KEY" | sha256sum`: 64 lowercase hex digits. */
            sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be the key\'s SHA-256 as 64 lowercase hex digits (printf %s "$KEY" | sha256sum), never the key itself' }),
          })
          .strict(),
      )
      .min(1, { error: 'must list at least one client, or be left out' })
      .optional(),
    /**
     * Token budgets per client, input and output tokens together, in fixed windows (a new one each minute, hour or
     * day, UTC), counted by an Envoy rate limit service rendered beside the gateway. A client over its budget gets
     * 429 from its next request until the window ends. @default none: no budget
     */
    tokenLimits: z
      .object({
        /** Every client's budget: each client key's name, or JWT subject, counts on its own. */
        perClient: tokenLimit,
        /** Budgets of named clients: a client key's name, a JWT's subject, or "anonymous" (requests with neither). @default none */
        clients: z.record(z.string(), tokenLimit).optional(),
        /** While the rate limit service cannot answer, model requests are refused (500) or allowed. @default "refuse" */
        whenUnavailable: z.enum(['refuse', 'allow'], { error: 'must be "refuse" (model requests fail while the limiter is down) or "allow" (they go unlimited)' }).default('refuse'),
      })
      .strict()
      .optional(),
  })
  .strict();

const platformConfigSchemaBase = z
  .object({
    /**
     * Short name of this platform, at most 35 characters: Argo CD application names start with it, and the
     * Argo CD root is the Helm release `<name>-mcp-platform-root`, which Helm allows 53 characters.
     */
    name: dnsLabel('platform name').max(35, { error: 'must be at most 35 characters: the Argo CD root is the Helm release "<name>-mcp-platform-root", and Helm refuses release names over 53 characters' }),
    /** Namespace of the MCP platform's workloads. @default "mcp-system" */
    namespace: dnsLabel('platform namespace').default('mcp-system'),
    kubernetes: z
      .object({
        /** Kubeconfig the Terraform providers read. @default "~/.kube/config" */
        configPath: text('the kubeconfig file').default('~/.kube/config'),
        /** Kubeconfig context of the target cluster. */
        context: text('a kubeconfig context', 'is required: the kubeconfig context of the target cluster, e.g. "admin@homelab"'),
        /**
         * The API server, which PostgreSQL's instance managers, the discovery service, ToolHive's proxy and servers with
         * kubernetesAccess call through the default deny. Its addresses are required unless cluster.cni is "cilium".
         */
        apiServer: z
          .object({
            /** e.g. ["192.168.10.5/32"] (control-plane node IPs or the VIP); on Cilium also rendered, beside the kube-apiserver entity. */
            cidrs: z.array(cidr).min(1, { error: 'must list at least one CIDR: the control-plane addresses' }).optional(),
            /** The port the API server listens on (Cilium sees this one, after the kubernetes Service's 443 is translated). @default 6443 */
            port: port.default(6443),
          })
          .strict()
          .optional(),
      })
      .strict(),
    /** The cluster the output is written for: what only works on some clusters follows from it. */
    cluster: clusterSchema,
    gitops: z
      .object({
        /** Git repository Argo CD syncs from (the rendered `dist/` is committed there). */
        repoUrl: z
          .string({ error: 'is required: the Argo CD repository URL, e.g. "https://github.com/me/homelab-gitops.git"' })
          .regex(GIT_URL, { error: 'must be a git URL with a host and a repository path: "https://host/owner/repo.git", "ssh://git@host/owner/repo.git" or "git@host:owner/repo.git"' })
          .superRefine(withoutCredentials("Argo CD reads the repository's credentials from its repository Secret, and the publish workflow from GITOPS_TOKEN")),
        /** Folder in that repository that holds the contents of `dist/`. */
        path: z
          .string({ error: 'is required: the folder in the GitOps repository that holds dist/, e.g. "clusters/homelab/mcp-platform"' })
          .regex(REPO_PATH, { error: 'must be a relative path inside the repository (no leading or trailing "/", no "//", "." or ".." part)' }),
        /** Branch, tag or commit Argo CD tracks. @default "main" */
        revision: gitRef.default('main'),
      })
      .strict(),
    argocd: z
      .object({
        /** Namespace Argo CD runs in. @default "argocd" */
        namespace: dnsLabel('Argo CD namespace').default('argocd'),
        /** Install Argo CD itself with Helm (off when the cluster already runs it). @default false */
        install: z.boolean().default(false),
        /** argo-cd chart version, used when `install` is true. @default "10.9.2" */
        // renovate: datasource=helm depName=argo-cd registryUrl=https://argoproj.github.io/argo-helm
        version: exactVersion.default('10.9.2'),
        /** Helm values for the argo-cd chart, used when `install` is true. @default none */
        values: chartValues.optional(),
        /** argocd-apps chart version that installs the project and root application. @default "2.0.4" */
        // renovate: datasource=helm depName=argocd-apps registryUrl=https://argoproj.github.io/argo-helm
        appsChartVersion: argocdAppsVersion.default('2.0.4'),
        /** Argo CD project every platform application belongs to; not Argo CD's own "default". @default "mcp-platform" */
        project: dnsLabel('Argo CD project name')
          .refine((name) => projectNameProblem(name) === undefined, { error: (issue) => projectNameProblem(issue.input as string) })
          .default('mcp-platform'),
        /** Sync automatically, with prune and self-heal. @default true */
        autoSync: z.boolean().default(true),
        /**
         * Make the Applications with one ApplicationSet (Argo CD's git directory generator over the folders under
         * gitops.path) instead of the root Application and its folder of Applications (dist/argocd). The
         * Applications then sync all at once, without the sync waves. @default false
         */
        applicationSet: z.boolean().default(false),
        /**
         * The cluster the Applications deploy to, as Argo CD knows it: the one it runs in, or a cluster registered
         * in Argo CD (`argocd cluster add`), by its name or its API server URL. @default the cluster Argo CD runs in
         */
        destination: z
          .union(
            [
              z.object({ name: z.string().regex(DNS_SUBDOMAIN, { error: 'must be the name of a cluster registered in Argo CD (a DNS-1123 subdomain, as `argocd cluster list` shows it)' }) }).strict(),
              z
                .object({
                  server: z
                    .string()
                    .refine((url) => URL.canParse(url) && new URL(url).protocol === 'https:', { error: 'must be the https:// URL of a cluster registered in Argo CD, as `argocd cluster list` shows it' })
                    .superRefine(withoutCredentials("Argo CD reads a cluster's credentials from its cluster Secret")),
                })
                .strict(),
            ],
            { error: 'must be { name: "<cluster in Argo CD>" } or { server: "https://<API server>" }' },
          )
          .optional(),
        /**
         * The kubeconfig context of the cluster Argo CD runs in, where the bootstrap stack installs the AppProject
         * and the root Application; needed when the destination is another cluster. @default this environment's kubernetes context
         */
        kubernetes: z
          .object({
            /** @default the environment's kubernetes.configPath */
            configPath: text('the kubeconfig file').optional(),
            /** Kubeconfig context of the cluster Argo CD runs in. */
            context: text('a kubeconfig context', 'is required: the kubeconfig context of the cluster Argo CD runs in'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    operators: z
      .object({
        /** CloudNativePG operator (PostgreSQL + pgvector). @default enabled, chart 0.29.0 (operator 1.30.0), cnpg-system */
        // renovate: datasource=helm depName=cloudnative-pg registryUrl=https://cloudnative-pg.github.io/charts
        cloudnativePg: operator({ enabled: true, version: '0.29.0', namespace: 'cnpg-system' }),
        /** kmcp CRDs and controller. @default enabled, chart 0.3.0, kmcp-system */
        // renovate: datasource=docker depName=ghcr.io/kagent-dev/kmcp/helm/kmcp
        kmcp: operator({ enabled: true, version: '0.3.0', namespace: 'kmcp-system' }),
        /** ToolHive operator CRDs and operator. @default enabled, chart 0.44.0, toolhive-system */
        // renovate: datasource=docker depName=ghcr.io/stacklok/toolhive/toolhive-operator
        toolhive: operator({ enabled: true, version: '0.44.0', namespace: 'toolhive-system' }),
        /** NVIDIA GPU operator. @default disabled, chart v26.7.0, gpu-operator */
        // renovate: datasource=helm depName=gpu-operator registryUrl=https://helm.ngc.nvidia.com/nvidia
        nvidiaGpu: z
          .object({
            ...operatorFields({ enabled: false, version: 'v26.7.0', namespace: 'gpu-operator' }),
            /**
             * Where the NVIDIA driver and container toolkit come from: "operator" installs them on each GPU
             * node (its driver and toolkit DaemonSets); "host": the node has them already (on Talos, from the
             * system extensions), so the operator installs neither. @default "host" on Talos, else "operator"
             */
            driver: z.enum(['operator', 'host'], { error: 'must be "operator" or "host"' }).optional(),
            /** Where the host's driver files are, when driver is "host" (the chart's `hostPaths.driverInstallDir`). @default "/usr/local" on Talos, else the chart's own */
            driverInstallDir: z.string().startsWith('/', { error: 'must be an absolute path such as "/usr/local"' }).optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    guardrails: z
      .object({
        /** Let every pod in the namespace resolve DNS despite the default-deny policy; false only when a policy outside the platform allows it (the report says so). @default true */
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
          .superRefine((r, ctx) =>
            requestAtMostLimit(
              r.defaultRequestMemory,
              r.defaultLimitMemory,
              ctx,
              'defaultRequestMemory',
              `${r.defaultRequestMemory} is above defaultLimitMemory ${r.defaultLimitMemory}: a container that sets neither would get a request above its limit, which the API server refuses`,
            ),
          )
          .optional(),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        /** Render PostgreSQL with pgvector (CloudNativePG). @default false */
        enabled: z.boolean().default(false),
        /** CloudNativePG Cluster name. @default "mcp-postgres" */
        name: dnsLabel('database cluster name')
          .max(50, { error: 'must be at most 50 characters: CloudNativePG names Secrets and Services such as <name>-replication after it, and those must stay DNS-1123 labels of at most 63' })
          .regex(DNS_1035_LABEL, { error: 'must start with a letter: CloudNativePG names the Services <name>-rw, -ro and -r after it, and a Service name is a DNS-1035 label' })
          .default('mcp-postgres'),
        /** @default 1 */
        instances: z.number().int().min(1).max(9).default(1),
        /** Operand image carrying pgvector. @default "ghcr.io/cloudnative-pg/postgresql:17.11-standard-trixie" */
        image: pinnedImage.optional(),
        storage: storage('10Gi'),
        /** @default 250m CPU, 512Mi requested, 1Gi limit */
        resources: resources.optional(),
        /** The application database CloudNativePG creates; not one every instance has ("postgres", "template0", "template1"). @default "mcp" */
        database: z.string().superRefine(problemOf(databaseNameProblem)).default('mcp'),
        /** The role that owns it, which the discovery service connects as; not "postgres", "streaming_replica", "cnpg_*" or "pg_*". @default "mcp" */
        owner: z.string().superRefine(problemOf(databaseOwnerProblem)).default('mcp'),
        embedding: z
          .object({
            /** The embedding model the vectors come from. @default "nomic-embed-text" */
            model: text('an embedding model name').default('nomic-embed-text'),
            /** Its vector length; checked against the catalogue, required for other models. */
            dimensions: z.number().int().positive().optional(),
          })
          .strict()
          .prefault({}),
        /** Scheduled volume snapshot backups. @default none */
        backup: z
          .object({
            /** Six-field cron, seconds first, or a descriptor such as "@daily" (CloudNativePG's parser). @default "0 0 3 * * *" */
            schedule: checkedString(cnpgScheduleProblem).default('0 0 3 * * *'),
            snapshotClass: objectName('a VolumeSnapshotClass').optional(),
          })
          .strict()
          .optional(),
        /** PgBouncer pooler. @default none */
        pooler: z
          .object({ instances: z.number().int().min(1).max(2_147_483_647, { error: 'must be at most 2147483647: the API server stores it as a 32-bit integer' }).default(2), poolMode: z.enum(['session', 'transaction']).default('transaction') })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    /** The MCP gateway (agentgateway) in front of every MCP server. */
    gateway: z
      .object({
        /** @default false */
        enabled: z.boolean().default(false),
        /** @default "ghcr.io/agentgateway/agentgateway:v1.4.1" */
        image: pinnedImage.optional(),
        /** @default 2 */
        replicas: replicaCount.default(2),
        /** Servers to route to, by name. @default all */
        routes: z
          .array(z.string())
          .min(1, { error: 'lists no server, so the gateway would route nowhere: leave routes out to route to every server, or set gateway.enabled to false' })
          .optional(),
        /** @default { type: "ClusterIP" } */
        service: z
          .discriminatedUnion('type', [
            z.object({ type: z.literal('ClusterIP') }).strict(),
            z
              .object({
                type: z.literal('LoadBalancer'),
                /** A fixed address; with Cilium LB IPAM it must lie in one of cluster.cilium.loadBalancerIPPools. @default one the cluster assigns */
                loadBalancerIP: ipv4Address.optional(),
              })
              .strict(),
          ])
          .default({ type: 'ClusterIP' }),
        /** Who may call it. @default the private IPv4 ranges */
        allowFrom: z
          .array(cidr)
          .min(1, { error: 'must list at least one CIDR: a gateway nobody may call serves nothing (leave it out for the private IPv4 ranges, or disable the gateway)' })
          .optional(),
        /** JWT validation of clients. @default none */
        auth: z
          .object({
            kind: z.literal('jwt').default('jwt'),
            issuer: z
              .string()
              .min(1)
              .superRefine(withoutCredentials('the issuer is only compared with the tokens\' "iss" claim: leave the credentials out')),
            /** Accepted `aud` values of the tokens. */
            audiences: z.array(z.string().refine((a) => a.trim() !== '', { error: 'must be an audience, the "aud" value tokens carry: not blank' })).min(1),
            jwksUrl: z
              .url({ protocol: /^https?$/, error: 'must be an http(s) URL of the issuer\'s JSON Web Key Set' })
              .superRefine(withoutCredentials('a key set is public: leave the credentials out')),
            /** The JWKS host's addresses, for an identity provider on the LAN off Cilium. @default by name on Cilium, else the internet on its port (private ranges excluded); the URL's address when it is one */
            jwksCidrs: z.array(cidr).min(1).optional(),
            /** The identity provider's pods, when jwksUrl is a Service inside the cluster: its namespace, its pods' labels and the port they listen on. @default none */
            jwksPods: z
              .object({
                namespace: dnsLabel('identity provider namespace'),
                podLabels: labels.refine((l) => Object.keys(l).length > 0, { error: 'must name at least one label of the identity provider\'s pods (the Service\'s selector)' }),
                port,
              })
              .strict()
              .optional(),
          })
          .strict()
          .superRefine((auth, ctx) => {
            if (auth.jwksPods && auth.jwksCidrs) {
              ctx.addIssue({ code: 'custom', path: ['jwksPods'], input: undefined, message: 'and jwksCidrs are both set: a Service inside the cluster is reached by its pods, a LAN host by its addresses; keep one' });
            }
          })
          .optional(),
        /** @default none */
        rateLimit: z.object({ requestsPerMinute: z.number().int().positive() }).strict().optional(),
        /** Most tools one endpoint should expose before the synth report warns. @default 40 */
        toolBudget: z.number().int().positive().max(10_000, { error: 'must be at most 10000: the discovery service, which warns on it too, refuses more' }).default(40),
        /** Models the gateway serves at /v1/chat/completions on a port of their own: local and hosted, and virtual models between them. @default none */
        llm: gatewayLlmSchema.optional(),
      })
      .strict()
      .prefault({}),
    /** The small LLM that triages requests: Ollama on CPU (default), vLLM, or an external OpenAI-compatible server. */
    triageLlm: z
      .preprocess(
        withDefaultProvider,
        z.discriminatedUnion(
          'provider',
          [
            z
              .object({
                enabled: z.boolean().default(false),
                provider: z.literal('ollama'),
                /** @default "ollama/ollama:0.21.0" */
                image: pinnedImage.optional(),
                /** @default "qwen2.5:3b-instruct" */
                model: text('an Ollama model name').default('qwen2.5:3b-instruct'),
                /** Download size in GB, for a model outside the catalogue. */
                modelSizeGB: z.number().positive().optional(),
                /**
                 * Tokens of context (OLLAMA_CONTEXT_LENGTH): at most the model's own; its KV cache is added to the memory
                 * the pod requests. A model outside the catalogue needs resources above 4096. @default 4096
                 */
                contextLength: z.number().int().min(512).default(4096),
                storage: storage('10Gi'),
                /** @default sized from the model */
                resources: resources.optional(),
                /** Pull the model at start (egress to the internet on 443). @default true */
                pullModel: z.boolean().default(true),
              })
              .strict(),
            z.object({ enabled: z.boolean().default(false), provider: z.literal('vllm'), ...vllmFields }).strict(),
            z
              .object({
                enabled: z.boolean().default(false),
                provider: z.literal('external'),
                /** IPv4 address or DNS name of the server. */
                address: z
                  .string()
                  .min(1)
                  .refine((address) => !/^[\d.]+$/.test(address) || IPV4_ADDRESS.test(address), {
                    error: 'must be an IPv4 address (four numbers of 0-255) or a DNS name',
                  }),
                port,
                /** Where a DNS name resolves to (required for one). */
                egressCidrs: z.array(cidr).optional(),
                /** Model name to ask for. */
                model: text('the model name the server serves'),
              })
              .strict(),
          ],
          {
            // Typed as a union issue, but a value that is no object at all (a list) comes as invalid_type.
            error: (issue) =>
              (issue as { code: string }).code === 'invalid_type'
                ? `must be an object, { provider: "ollama" | "vllm" | "external", ... }, got ${Array.isArray(issue.input) ? 'a list' : describeValue(issue.input)}`
                : 'must be "ollama", "vllm" or "external"',
          },
        ),
      )
      .prefault({}),
    /** vLLM on the GPU node. */
    gpuInference: z
      .object({
        /** @default false */
        enabled: z.boolean().default(false),
        /** Deployment and Service name. @default "vllm" */
        name: dnsLabel('vLLM deployment name')
          .regex(DNS_1035_LABEL, { error: 'must start with a letter: it names the Service, and a Service name is a DNS-1035 label' })
          .default('vllm'),
        ...vllmFields,
      })
      .strict()
      .prefault({}),
    /** Prometheus-operator monitors, alerts and a Grafana dashboard. */
    monitoring: z
      .object({
        /** The cluster runs the Prometheus operator (kube-prometheus-stack): render monitors and rules. @default false */
        prometheusOperator: z.boolean().default(false),
        /** Namespace Prometheus runs in (its scrapes are let through the NetworkPolicies). @default "monitoring" */
        namespace: dnsLabel('monitoring namespace').default('monitoring'),
        /** Labels of the Prometheus pods. @default { "app.kubernetes.io/name": "prometheus" } */
        prometheusPodLabels: labels
          // An empty selector is every pod of the namespace: each would be let through to the platform's metrics ports.
          .refine((l) => Object.keys(l).length > 0, { error: 'must name at least one label of the Prometheus pods: an empty selector lets every pod of the monitoring namespace through to the metrics ports' })
          .default({ 'app.kubernetes.io/name': 'prometheus' }),
        /** Labels Prometheus selects monitors and rules by, e.g. { release: "kube-prometheus-stack" }; not the platform's own app.kubernetes.io labels. @default none */
        selectorLabels: labels
          .superRefine((l, ctx) => {
            const own = platformLabels('monitoring');
            for (const key of Object.keys(l).filter((k) => Object.hasOwn(own, k))) {
              ctx.addIssue({
                code: 'custom',
                path: [key],
                input: undefined,
                message: `is set by the platform on its monitors and rules (${key}=${own[key]}), so yours would replace it: use the label your Prometheus selects monitors by, e.g. { release: "kube-prometheus-stack" }`,
              });
            }
          })
          .default({}),
        /** Render the Grafana dashboard ConfigMap. @default true */
        dashboard: z.boolean().default(true),
        /** @default { grafana_dashboard: "1" } */
        dashboardLabels: labels.default({ grafana_dashboard: '1' }),
        alerts: z
          .object({
            /** p95 LLM latency, seconds. @default 20 */
            llmLatencySeconds: z.number().positive().default(20),
            /** Free share of the database volume. @default 0.15 */
            databaseDiskFreeRatio: z.number().gt(0).lt(1).default(0.15),
            /** Daily AI cost limit. @default 5 */
            dailyCostLimit: z.number().nonnegative().default(5),
            /** Price per million prompt tokens. @default 0.05 */
            promptTokenPricePerMillion: z.number().nonnegative().default(0.05),
            /** Price per million generated tokens. @default 0.2 */
            completionTokenPricePerMillion: z.number().nonnegative().default(0.2),
            /** @default "USD" */
            currency: z
              .string()
              .regex(CURRENCY, { error: 'must be a currency code or symbol such as "USD" or "€" (at most 12 characters, no spaces or braces: it is written into the alert\'s description, a template Prometheus parses)' })
              .default('USD'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** The discovery service. @default disabled */
    discovery: discoverySchema,
    /** MCP servers declared in the config (more come from the servers folder). */
    mcpServers: z.array(mcpServerSchema).default([]),
    /** The bootstrap stack's Terraform settings. */
    terraform: z
      .object({
        /** Where its state lives; every environment has its own. @default { type: "local" }: terraform.<stack>.tfstate in the project root */
        backend: terraformBackendSchema.default({ type: 'local' }),
      })
      .strict()
      .prefault({}),
    /** Settings shared by every MCP server. */
    mcp: z
      .object({
        /** Prefix of the discovery annotations (`<prefix>/enabled: "true"`, ...). @default "mcp-platform.dev" */
        annotationPrefix: z
          .string()
          .regex(DNS_SUBDOMAIN, { error: 'must be a DNS subdomain such as "mcp-platform.dev" (dot-separated DNS-1123 labels, at most 253 characters): it is the prefix of annotation keys' })
          .default('mcp-platform.dev'),
        /**
         * Folder of one-file-per-server declarations, relative to the config file; or several, layered: a file in a
         * later folder replaces the file of the same name in an earlier one (an environment's own folder over a
         * shared one). @default "servers"
         */
        serversDir: z
          .union([text('a folder'), z.array(text('a folder')).min(1, { error: 'must list at least one folder' })], {
            error: 'must be a folder, or a list of folders layered in order, relative to the config file',
          })
          .default('servers'),
        /**
         * Servers of the servers folders to leave out, by name (an environment without a shared server);
         * `extendPlatformConfig` puts here the servers an override removes that the base config does not list. @default none
         */
        excludeServers: z.array(dnsLabel('MCP server name')).optional(),
        /** A private npm registry mirror the servers install from; the public registry (internet on 443) otherwise. */
        packageRegistry: z
          .object({
            /** The mirror's URL, which npm and npx in every npm server's containers use (npm_config_registry), e.g. "http://192.168.1.30:4873/". */
            url: z
              .url({ protocol: /^https?$/, error: 'is required: the mirror\'s http(s) URL, e.g. "http://192.168.1.30:4873/", which npm installs from' })
              .superRefine(withoutCredentials('give a token in an .npmrc Secret mounted by the server, not in the URL')),
            /** The mirror's addresses, the only ones npm servers may reach for packages. */
            cidrs: z.array(cidr).min(1),
            /** The port the mirror listens on (the URL's). */
            port,
          })
          .strict()
          // Once here, not once per npm server: the URL and the addresses npm may reach must agree.
          .superRefine((registry, ctx) => {
            // Only when each field passed its own checks: otherwise this would echo their problems.
            const fieldsValid = Number.isInteger(registry.port) && registry.port >= 1 && registry.port <= 65535 && registry.cidrs.length > 0 && registry.cidrs.every((c) => IPV4_CIDR.test(c));
            if (!fieldsValid || !URL.canParse(registry.url) || urlCredentialsProblem(registry.url)) return;
            for (const message of packageRegistryUrlProblems(registry)) {
              const { segments, rest } = splitField(message, ['packageRegistry']);
              ctx.addIssue({ code: 'custom', path: segments?.slice(1) ?? [], input: undefined, message: rest });
            }
          })
          .optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The schema of the platform config, with the checks that span fields (a field only required with another, names unique, ...). */
export const platformConfigSchema = platformConfigSchemaBase.superRefine((config, ctx) => {
    // Fields that are only required together; each message names the field and why.
    const destination = config.argocd.destination;
    const remote = !isInCluster(destination);
    if (destination && remote && !config.argocd.kubernetes) {
      ctx.addIssue({
        code: 'custom',
        path: ['argocd', 'kubernetes'],
        input: undefined,
        message: `is required when argocd.destination is another cluster (${'server' in destination ? destination.server : destination.name}): the kubeconfig context of the cluster Argo CD runs in, where the bootstrap installs the AppProject and the root Application, e.g. { context: "admin@production" }`,
      });
    }
    if (remote && config.argocd.install) {
      ctx.addIssue({
        code: 'custom',
        path: ['argocd', 'install'],
        input: undefined,
        message: 'must be false when argocd.destination is another cluster: that cluster\'s Argo CD runs elsewhere (argocd.kubernetes); install Argo CD in the environment of the cluster it runs in',
      });
    }
    // Cilium reaches the API server as its kube-apiserver entity; every other CNI only by its addresses.
    const apiServerUnknown = !config.kubernetes.apiServer?.cidrs?.length && config.cluster.cni !== 'cilium';
    const needsApi = config.mcpServers.filter((server) => server.kubernetesAccess || server.flavour === 'toolhive').map((server) => server.name);
    if (needsApi.length && apiServerUnknown) {
      ctx.addIssue({
        code: 'custom',
        path: ['kubernetes', 'apiServer'],
        input: undefined,
        message: `is required by MCP servers ${needsApi.join(', ')} (kubernetesAccess, or ToolHive's proxy, calls the API server through the default deny): set kubernetes.apiServer.cidrs (not needed with cluster.cni "cilium")`,
      });
    }
    const seen = new Map<string, number>();
    config.mcpServers.forEach((server, index) => {
      const first = seen.get(server.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['mcpServers', index, 'name'], input: undefined, message: `"${server.name}" is also the name of mcpServers[${first}]: names must be unique` });
      } else seen.set(server.name, index);
    });
    const discovery = config.discovery;
    if (discovery.enabled) {
      const required: [keyof typeof discovery, string][] = [
        ['repo', 'the platform repository pull requests go to, "owner/name", e.g. "homelab/platform"'],
        ['github', 'GitHub access, e.g. { auth: { token: { from: "secret", name, key } } } or a GitHub App { auth: { appId, installationId, privateKey } }'],
        ['apiToken', 'the bearer token its write endpoints require, by reference, e.g. { from: "secret", name, key }'],
      ];
      for (const [field, what] of required) {
        if (discovery[field] === undefined) {
          ctx.addIssue({ code: 'custom', path: ['discovery', field], input: undefined, message: `is required when discovery.enabled is true: ${what}` });
        }
      }
      if (apiServerUnknown) {
        ctx.addIssue({
          code: 'custom',
          path: ['kubernetes', 'apiServer'],
          input: undefined,
          message: 'is required when discovery.enabled is true: the discovery service lists and watches the API server through the default deny; set kubernetes.apiServer.cidrs (not needed with cluster.cni "cilium")',
        });
      }
      if (discovery.database === 'platform' && !config.database.enabled) {
        ctx.addIssue({
          code: 'custom',
          path: ['discovery', 'database'],
          input: undefined,
          message: 'is "platform" but database.enabled is false: enable the database, or set discovery.database to "embedded" (PGlite in the pod, rebuilt from the cluster after a restart)',
        });
      }
    }
    if (config.database.enabled && apiServerUnknown) {
      ctx.addIssue({
        code: 'custom',
        path: ['kubernetes', 'apiServer'],
        input: undefined,
        message:
          'is required when database.enabled is true: the PostgreSQL pods talk to the API server through the namespace\'s default-deny egress; ' +
          'set kubernetes.apiServer.cidrs to the control-plane addresses, e.g. ["192.168.10.5/32"] (not needed with cluster.cni "cilium")',
      });
    }
    for (const problem of clusterProblems(config)) ctx.addIssue({ code: 'custom', path: problem.path, input: undefined, message: problem.message });
  });

/**
 * What the cluster profile rules out: Cilium settings on another CNI, a gateway address outside every pool,
 * GPU values the chart or a Talos node would refuse, operator values the chart's own schema refuses.
 */
function clusterProblems(config: z.output<typeof platformConfigSchemaBase>): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const { cluster } = config;
  if (cluster.cilium && cluster.cni !== 'cilium') {
    problems.push({ path: ['cluster', 'cilium'], message: `renders Cilium objects, but cluster.cni is "${cluster.cni}": set cluster.cni to "cilium", or remove cluster.cilium` });
  }
  const cilium = ciliumSettings(config);
  if (cilium?.l2Announcements && !cilium.loadBalancerIPPools) {
    problems.push({ path: ['cluster', 'cilium', 'l2Announcements'], message: 'announces the addresses of cluster.cilium.loadBalancerIPPools: list the pools too' });
  }
  const service = config.gateway.service;
  if (config.gateway.enabled && service.type === 'LoadBalancer' && service.loadBalancerIP && cilium?.loadBalancerIPPools) {
    // An address that is not IPv4 is already reported by the schema.
    if (IPV4_ADDRESS.test(service.loadBalancerIP) && !poolOf(cilium.loadBalancerIPPools, service.loadBalancerIP)) {
      const pools = cilium.loadBalancerIPPools
        .map((pool) => `${pool.name} (${pool.blocks.map((b) => ('cidr' in b ? b.cidr : `${b.start}-${b.stop}`)).join(', ')})`)
        .join('; ');
      problems.push({
        path: ['gateway', 'service', 'loadBalancerIP'],
        message: `${service.loadBalancerIP} lies in no LoadBalancer pool, so Cilium would never assign it and the gateway would stay pending: use an address of ${pools}, or add a pool that holds it`,
      });
    }
    const pool = IPV4_ADDRESS.test(service.loadBalancerIP) ? cilium.loadBalancerIPPools.find((p) => poolOf([p], service.loadBalancerIP!)) : undefined;
    const labels = gatewayLabels();
    const unmatched = Object.entries(pool?.serviceLabels ?? {}).filter(([key, value]) => labels[key] !== value);
    if (pool && unmatched.length) {
      problems.push({
        path: ['gateway', 'service', 'loadBalancerIP'],
        message:
          `${service.loadBalancerIP} lies in pool ${pool.name}, whose serviceLabels (${unmatched.map(([k, v]) => `${k}=${v}`).join(', ')}) the gateway's Service does not carry, ` +
          `so Cilium would never assign it: use an address of a pool that selects the gateway (its labels: ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ')}), or widen that pool's serviceLabels`,
      });
    }
  }
  for (const name of Object.keys(config.operators) as (keyof typeof config.operators)[]) {
    const operator = config.operators[name];
    const values = operator.values ?? {};
    const chart = operatorChart(OPERATORS[name]).chart;
    for (const problem of checkChartValues(chart, operator.version, values).problems) {
      problems.push({ path: ['operators', name, 'values'], message: problem });
    }
  }
  const gpu = config.operators.nvidiaGpu;
  if (gpu.enabled) {
    const talos = cluster.distribution === 'talos';
    if (talos && gpu.driver === 'operator') {
      problems.push({
        path: ['operators', 'nvidiaGpu', 'driver'],
        message: 'must be "host" on Talos: the driver and container toolkit come from the nvidia-container-toolkit and NVIDIA kernel-module system extensions, and the operator cannot install them on Talos',
      });
    } else {
      const merged = mergeValues(gpuOperatorValues({ talos, driver: gpu.driver, driverInstallDir: gpu.driverInstallDir }), gpu.values ?? {});
      for (const problem of gpuOperatorProblems(merged, talos)) problems.push({ path: ['operators', 'nvidiaGpu', 'values'], message: problem });
    }
  }
  return problems;
}

/** The config's cluster profile as the constructs take it. */
export function clusterNetwork(config: { readonly cluster: z.output<typeof clusterSchema> }): ClusterNetwork {
  return { cni: config.cluster.cni, fqdnEgress: config.cluster.cilium?.fqdnEgress ?? true };
}

/** The Cilium settings when the cluster runs Cilium; undefined on any other CNI. */
export function ciliumSettings(config: { readonly cluster: z.output<typeof clusterSchema> }): z.output<typeof ciliumSchema> | undefined {
  return config.cluster.cni === 'cilium' ? config.cluster.cilium : undefined;
}

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
  readonly problems: readonly string[];
  constructor(
    readonly source: string,
    problems: readonly string[],
  ) {
    // Two checks can find one fault in the same words (a port both the schema and a server rule bound): say it once.
    const unique = [...new Set(problems)];
    super(`Invalid platform config (${source}):\n${unique.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = unique;
    this.name = 'ConfigError';
  }
}

/** Validates a raw config object and applies defaults; throws `ConfigError` naming every wrong field. */
export function parsePlatformConfig(raw: unknown, source: string): PlatformConfig {
  // An override's own faults (an entry without a name, a malformed removal) left its entries out of the merge: those alone.
  const overrideProblems = overrideOrigins(raw)?.problems ?? [];
  if (overrideProblems.length) throw new ConfigError(source, overrideProblems);
  const prototypeKeys = prototypeKeyProblems(raw, []);
  // A cycle is refused before the schema walks the value: its copies of values would recurse without end.
  if (prototypeKeys.some((p) => p.includes('(a cycle)'))) throw new ConfigError(source, prototypeKeys);
  const result = platformConfigSchema.safeParse(raw, { reportInput: true });
  if (result.success && !prototypeKeys.length) return result.data;
  throw new ConfigError(source, [...prototypeKeys, ...(result.success ? [] : withoutSafeIntegerEchoes(result.error.issues).map(describeIssue))]);
}

/**
 * zod's int() refuses a number past ±(2^53 - 1) with a bound of its own; where the field has its own, lower
 * bound too, that one says why, and the first would be a second line about the same value.
 */
function withoutSafeIntegerEchoes(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const at = (issue: z.core.$ZodIssue) => JSON.stringify(issue.path);
  const bounded = new Set(issues.filter((i) => (i.code === 'too_big' || i.code === 'too_small') && i.origin !== 'int').map((i) => `${i.code}${at(i)}`));
  return issues.filter((i) => !((i.code === 'too_big' || i.code === 'too_small') && i.origin === 'int' && bounded.has(`${i.code}${at(i)}`)));
}

/**
 * An own "__proto__" key (JSON.parse makes one; an object literal does not) is dropped by every copy the schema
 * makes, since assigning it sets the copy's prototype instead: say so rather than lose the entry silently.
 */
function prototypeKeyProblems(value: unknown, path: (string | number)[], ancestors = new Map<object, (string | number)[]>()): string[] {
  if (!value || typeof value !== 'object') return [];
  const shown = (at: (string | number)[]) => (at.length ? formatPath(at) : '(config)');
  // A .ts or .mjs config can hold an object that contains itself: the walk (and every later copy) would never end.
  const loop = ancestors.get(value);
  if (loop) return [`${shown(path)}: refers back to ${loop.length ? formatPath(loop) : 'the whole config'}, which contains it (a cycle): a config is data; give a copy of the object instead`];
  const problems: string[] = [];
  if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, '__proto__')) {
    problems.push(`${shown(path)}: the key "__proto__" cannot be used: JavaScript reads it as the object's prototype, so the entry would be lost; rename it`);
  }
  ancestors.set(value, path);
  for (const [key, child] of Object.entries(value)) problems.push(...prototypeKeyProblems(child, [...path, Array.isArray(value) ? Number(key) : key], ancestors));
  ancestors.delete(value);
  return problems;
}

/** Validates one MCP server declaration (a file of the servers folder); throws `ConfigError` naming each wrong field. */
export function parseMcpServer(raw: unknown, source: string): McpServerConfig {
  const prototypeKeys = prototypeKeyProblems(raw, []).map((p) => p.replace(/\(config\)/g, '(server)'));
  if (prototypeKeys.length) throw new ConfigError(source, prototypeKeys);
  const result = mcpServerSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  // Described as if it were mcpServers[0] of a config (for the allowed-field lists), then without that prefix.
  throw new ConfigError(
    source,
    withoutSafeIntegerEchoes(result.error.issues).map((issue) =>
      describeIssue({ ...issue, path: ['mcpServers', 0, ...issue.path] } as z.core.$ZodIssue)
        // Every line (unknown fields come several to a problem); the server itself is "(server)".
        .split('\n  - ')
        .map((line) => line.replace(/^mcpServers\[0\](?=:)/, '(server)').replace(/^mcpServers\[0\]\.?/, ''))
        .join('\n  - '),
    ),
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? formatPath(issue.path) : '(config)';
  // A union of object shapes (no discriminator) whose value has the shape of exactly one of them: what is
  // wrong inside that one ("token.from"), not that the object fits none.
  if (issue.code === 'invalid_union') {
    const fitting = issue.errors.filter((branch) => branch.length && branch.every((inner) => inner.path.length > 0));
    if (fitting.length === 1) return fitting[0]!.map((inner) => describeIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue)).join('\n  - ');
  }
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(issue.path, issue.input);
    return issue.keys
      .map((key) => {
        const field = issue.path.length ? `${where}.${key}` : key;
        const hint = closest(key, allowed);
        return `${field}: unknown field${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`;
      })
      .join('\n  - ');
  }
  if (issue.code === 'invalid_key') {
    // A record key the key schema refused: its own message says what a key must be.
    const inner = issue.issues[0];
    const message = inner && !inner.message.startsWith('Invalid') ? inner.message : 'is not an allowed key';
    return `${where}: the key ${JSON.stringify(String(issue.path[issue.path.length - 1]))} ${message.replace(/^must/, 'must')}`;
  }
  const custom = !issue.message.startsWith('Invalid input');
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return custom ? `${where}: ${issue.message}` : `${where}: is required (${withArticle(issue.expected)})`;
  }
  if (issue.code === 'invalid_type') {
    return custom ? `${where}: ${issue.message}` : `${where}: must be ${withArticle(issue.expected)}, got ${describeValue(issue.input)}`;
  }
  let input = 'input' in issue ? issue.input : undefined;
  // A union reports the whole object; the field the message is about is the one at the end of the path.
  const last = issue.path[issue.path.length - 1];
  if (issue.code === 'invalid_union' && input && typeof input === 'object' && typeof last === 'string' && last in input) {
    input = (input as Record<string, unknown>)[last];
  }
  return `${where}: ${boundMessage(issue) ?? issue.message}${input !== undefined ? `, got ${describeValue(input)}` : ''}`;
}

/**
 * zod's own wording of a bound, a choice or a discriminator ("Too small: expected number to be >0") in the
 * config's: what the value must be. Undefined for a message the schema wrote itself.
 */
function boundMessage(issue: z.core.$ZodIssue): string | undefined {
  const quoted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');
  if ((issue.code === 'too_small' || issue.code === 'too_big') && /^Too (small|big): expected/.test(issue.message)) {
    const small = issue.code === 'too_small';
    const bound = Number(small ? issue.minimum : issue.maximum);
    if (issue.origin === 'string') return small ? (bound === 1 ? 'must not be empty' : `must be at least ${bound} characters`) : `must be at most ${bound} characters`;
    if (issue.origin === 'array') return small ? (bound === 1 ? 'must list at least one entry' : `must list at least ${bound} entries`) : `must list at most ${bound} entries`;
    // int() past Number.MAX_SAFE_INTEGER: such a number is no longer the one written (2**53 + 1 reads as 2**53).
    if (issue.origin === 'int') return `must be at ${small ? 'least' : 'most'} ${bound}: a whole number further from 0 is not exact in JavaScript or JSON`;
    if (issue.origin === 'number') return `must be ${small ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than'} ${bound}`;
    return undefined;
  }
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option:')) return `must be one of ${quoted(issue.values)}`;
  // A z.literal: "Invalid input: expected \"jwt\"".
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid input: expected')) return issue.values.length === 1 ? `must be ${quoted(issue.values)}` : `must be one of ${quoted(issue.values)}`;
  // startsWith(), endsWith(), includes(): "Invalid string: must start with \"/\"".
  if (issue.code === 'invalid_format' && issue.message.startsWith('Invalid string: must ')) return issue.message.slice('Invalid string: '.length);
  if (issue.code === 'invalid_union' && issue.message.startsWith('Invalid discriminator value')) {
    const options = (issue as unknown as { options?: readonly unknown[] }).options ?? [];
    return options.length ? `must be one of ${quoted(options)}` : undefined;
  }
  return undefined;
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  // A key that is not an identifier (a label key, "a b") is quoted, so the path still reads as one.
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(p)) ? `${i ? '.' : ''}${String(p)}` : `[${JSON.stringify(String(p))}]`))
    .join('');
}

function describeValue(value: unknown): string {
  return value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? (value.length === 0 ? '[]' : 'an array') : typeof value === 'object' ? 'an object' : String(value);
}

/** The field names the schema allows at `path`, to list them next to an unknown one. */
export function allowedKeysAt(path: readonly PropertyKey[], input?: unknown): string[] {
  let schema: z.core.$ZodType = platformConfigSchema;
  for (const segment of [...path, undefined]) {
    let recordEntry = false;
    for (;;) {
      const def = schema._zod.def as {
        type: string;
        innerType?: z.core.$ZodType;
        element?: z.core.$ZodType;
        out?: z.core.$ZodType;
        options?: z.core.$ZodType[];
        shape?: Record<string, z.core.$ZodType>;
        valueType?: z.core.$ZodType;
      };
      if (def.innerType) schema = def.innerType;
      // A record (secretEnv, a map by name): its key is a name of the config's, its entry the field's schema.
      else if (segment !== undefined && def.type === 'record' && def.valueType) {
        schema = def.valueType;
        recordEntry = true;
        break;
      }
      else if (def.type === 'pipe' && def.out) schema = def.out;
      else if (def.type === 'union' && def.options) {
        // A discriminated union: the fields of every variant (the message cannot know which one was meant).
        const shapeOf = (option: z.core.$ZodType) => (option._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape ?? {};
        if (segment === undefined) {
          // The variant the input chose by its literal field (e.g. provider: "ollama"), else every variant's fields.
          const chosen = def.options.find((option) =>
            Object.entries(shapeOf(option)).some(([key, field]) => {
              const values = (field._zod.def as { type: string; values?: unknown[] }).values;
              return (field._zod.def as { type: string }).type === 'literal' && input && typeof input === 'object' && values?.includes((input as Record<string, unknown>)[key]);
            }),
          );
          return chosen ? Object.keys(shapeOf(chosen)) : [...new Set(def.options.flatMap((option) => Object.keys(shapeOf(option))))];
        }
        const option = def.options.find((o) => typeof segment === 'string' && segment in shapeOf(o));
        if (!option) return [];
        schema = option;
        break;
      }
      else if (segment !== undefined && typeof segment === 'number' && def.element) schema = def.element;
      else break;
    }
    const shape = (schema._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape;
    if (segment === undefined) return shape ? Object.keys(shape) : [];
    if (typeof segment === 'number' || recordEntry) continue;
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
