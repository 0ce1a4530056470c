/**
 * Where the bootstrap stack keeps its Terraform state: `terraform.backend` in the config. Each environment has
 * its own state, so `terraform apply` for one cluster never plans against (and destroys) another's resources.
 *
 * The attributes rendered for each backend are Terraform's own (v1.11: internal/backend/remote-state/<type>);
 * the tests run `terraform init` on the rendered block, so an attribute Terraform does not know fails them.
 * Credentials never go in the config (it is committed): each backend reads them from its usual environment
 * variables (AWS_*, GOOGLE_*, ARM_*, TF_HTTP_*, PG_CONN_STR, a kubeconfig).
 *
 * The schema and the block only: the config module reads them without loading cdktf (an optional peer of the
 * package); stacks/terraform-backend-stack.ts adds the block to a stack.
 */
import { isAbsolute, normalize, posix } from 'node:path';
import { z } from 'zod';
import { DNS_LABEL, urlCredentialsProblem } from '../constructs/formats.js';

const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `is required: ${what}` : `must be a string: ${what}`) }).min(1, { error: `must not be empty: ${what}` });
const url = (what: string, credentials: string) =>
  text(what)
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { error: `must be an http:// or https:// URL: ${what}` })
    .superRefine((value, ctx) => {
      const problem = urlCredentialsProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', input: undefined, message: `${problem}; ${credentials}` });
    });

const local = z
  .object({
    type: z.literal('local'),
    /**
     * The state file, relative to the folder that holds the Terraform output folder (the project root), or
     * absolute. @default "terraform.<stack>.tfstate" (e.g. terraform.bootstrap-production.tfstate)
     */
    path: text('the state file')
      .refine((path) => !normalize(path).split(/[\\/]/).includes('..') || isAbsolute(path), { error: 'must stay inside the project (no ".."), or be an absolute path' })
      .optional(),
  })
  .strict();

const kubernetes = z
  .object({
    type: z.literal('kubernetes'),
    /**
     * Names the state Secret `tfstate-default-<secretSuffix>` (and its lock Lease). Terraform appends
     * `-<n>` itself when it splits a large state, so it must not end in one. @default the stack, e.g. "bootstrap-production"
     */
    secretSuffix: z
      .string()
      .regex(DNS_LABEL, { error: 'must be a DNS-1123 label (lowercase letters, digits and "-"): it ends the state Secret\'s name' })
      .max(40, { error: 'must be at most 40 characters: the state Secret is "tfstate-default-<secretSuffix>" and its Lease "lock-tfstate-default-<secretSuffix>"' })
      .refine((suffix) => !/-\d+$/.test(suffix), { error: 'must not end in "-<number>": Terraform adds that itself when it splits a large state into several Secrets' })
      .optional(),
    /** Namespace of the state Secret. @default Terraform's: "default" */
    namespace: z.string().regex(DNS_LABEL, { error: 'must be a DNS-1123 label: the namespace of the state Secret' }).max(63).optional(),
    /**
     * Kubeconfig Terraform reads the state with (a missing file is not an error to Terraform: it then asks
     * localhost). @default the environment's kubernetes.configPath
     */
    configPath: text('the kubeconfig file').optional(),
    /** Kubeconfig context of the cluster that holds the state. @default the environment's kubernetes.context */
    context: text('the kubeconfig context').optional(),
  })
  .strict();

const s3 = z
  .object({
    type: z.literal('s3'),
    /** The bucket. */
    bucket: text('the bucket').regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'must be an S3 bucket name (3-63 lowercase letters, digits, "." and "-")' }),
    /** The state object's key. @default "mcp-platform/<stack>.tfstate" */
    key: text('the state object key').refine((key) => !key.startsWith('/') && !key.endsWith('/'), { error: 'must not start or end with "/"' }).optional(),
    /** The bucket's region (an S3-compatible store takes any, e.g. "us-east-1"). */
    region: text('the bucket region, e.g. "us-east-1" (an S3-compatible store takes any)'),
    /**
     * An S3-compatible store's URL (MinIO, Garage, Ceph RGW). Set, the AWS account and region checks are
     * skipped and requests use path-style URLs. @default AWS S3
     */
    endpoint: url('the S3 endpoint, e.g. "https://minio.homelab.lan:9000"', 'give the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY').optional(),
    /** Lock the state with a lock object beside it (Terraform 1.10+; needs conditional writes). @default true */
    useLockfile: z.boolean().default(true),
  })
  .strict();

const gcs = z
  .object({
    type: z.literal('gcs'),
    /** The bucket. */
    bucket: text('the bucket'),
    /** The folder of the state in the bucket. @default "mcp-platform/<stack>" */
    prefix: text('the state prefix').optional(),
  })
  .strict();

const azurerm = z
  .object({
    type: z.literal('azurerm'),
    /** The storage account. */
    storageAccountName: text('the storage account'),
    /** The blob container. */
    containerName: text('the blob container'),
    /** The state blob's name. @default "mcp-platform/<stack>.tfstate" */
    key: text('the state blob name').optional(),
    /**
     * The storage account's resource group: Terraform needs it unless ARM_ACCESS_KEY, ARM_SAS_TOKEN or Azure AD
     * (use_azuread_auth) gives access to the account. @default none
     */
    resourceGroupName: text('the resource group').optional(),
  })
  .strict();

const http = z
  .object({
    type: z.literal('http'),
    /** The state's URL (GET, POST). */
    address: url('the state URL', 'give them in TF_HTTP_USERNAME and TF_HTTP_PASSWORD'),
    /** The lock URL. @default none (no locking) */
    lockAddress: url('the lock URL', 'give them in TF_HTTP_USERNAME and TF_HTTP_PASSWORD').optional(),
    /** The unlock URL. @default lockAddress */
    unlockAddress: url('the unlock URL', 'give them in TF_HTTP_USERNAME and TF_HTTP_PASSWORD').optional(),
  })
  .strict();

const pg = z
  .object({
    type: z.literal('pg'),
    /**
     * The database, as a postgres:// URL without a password (`PG_CONN_STR` or a ~/.pgpass entry gives it).
     * @default PG_CONN_STR
     */
    connStr: text('the database URL')
      .superRefine((value, ctx) => {
        // input undefined: the message must not repeat a password it is about.
        if (!/^postgres(ql)?:\/\//.test(value)) ctx.addIssue({ code: 'custom', input: undefined, message: 'must be a postgres:// URL' });
        else if (URL.canParse(value) && new URL(value).password) {
          ctx.addIssue({ code: 'custom', input: undefined, message: 'must not hold a password: the config is committed to git and the state block is rendered as it is; give the whole URL in PG_CONN_STR, or the password in ~/.pgpass' });
        }
      })
      .optional(),
    /** The schema holding the state table; one per environment. @default "mcp_platform_<stack>" (e.g. mcp_platform_bootstrap_production) */
    schemaName: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a PostgreSQL identifier (lowercase letters, digits and "_", at most 63 characters)' }).optional(),
  })
  .strict();

/** `terraform.backend`: where the bootstrap stack's state lives. */
export const terraformBackendSchema = z.discriminatedUnion('type', [local, kubernetes, s3, gcs, azurerm, http, pg], {
  error: 'must be one of the backends "local", "kubernetes", "s3", "gcs", "azurerm", "http" or "pg", given as { type: ..., ... }',
});

export type TerraformBackendConfig = z.output<typeof terraformBackendSchema>;

/** The cluster a kubernetes backend defaults to: the environment's own. */
export interface BackendCluster {
  readonly configPath: string;
  readonly context: string;
}

/** The Terraform backend block the stack renders: its type and Terraform's attribute names and values. */
export function backendBlock(backend: TerraformBackendConfig, stack: string, cluster: BackendCluster): { type: string; attributes: Record<string, unknown> } {
  const compact = (attributes: Record<string, unknown>) => Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined));
  switch (backend.type) {
    case 'local': {
      // Rendered relative to the stack's folder (<out>/stacks/<stack>/), which Terraform runs in, so the output
      // does not depend on where the repository is checked out.
      const path = backend.path ?? `terraform.${stack}.tfstate`;
      return { type: 'local', attributes: { path: isAbsolute(path) ? path : posix.join('../../..', path.split('\\').join('/')) } };
    }
    case 'kubernetes':
      return {
        type: 'kubernetes',
        attributes: compact({
          secret_suffix: backend.secretSuffix ?? stack,
          namespace: backend.namespace,
          config_path: backend.configPath ?? cluster.configPath,
          config_context: backend.context ?? cluster.context,
        }),
      };
    case 's3':
      return {
        type: 's3',
        attributes: compact({
          bucket: backend.bucket,
          key: backend.key ?? `mcp-platform/${stack}.tfstate`,
          region: backend.region,
          use_lockfile: backend.useLockfile,
          ...(backend.endpoint
            ? {
                endpoints: { s3: backend.endpoint },
                use_path_style: true,
                // Not AWS: no account, region or instance metadata to ask AWS about.
                skip_credentials_validation: true,
                skip_requesting_account_id: true,
                skip_region_validation: true,
                skip_metadata_api_check: true,
              }
            : {}),
        }),
      };
    case 'gcs':
      return { type: 'gcs', attributes: { bucket: backend.bucket, prefix: backend.prefix ?? `mcp-platform/${stack}` } };
    case 'azurerm':
      return {
        type: 'azurerm',
        attributes: compact({
          storage_account_name: backend.storageAccountName,
          container_name: backend.containerName,
          key: backend.key ?? `mcp-platform/${stack}.tfstate`,
          resource_group_name: backend.resourceGroupName,
        }),
      };
    case 'http':
      return { type: 'http', attributes: compact({ address: backend.address, lock_address: backend.lockAddress, unlock_address: backend.unlockAddress ?? backend.lockAddress }) };
    case 'pg':
      return { type: 'pg', attributes: compact({ conn_str: backend.connStr, schema_name: backend.schemaName ?? `mcp_platform_${stack.replace(/-/g, '_')}` }) };
  }
}

/**
 * Where a stack's state is, as one string: two stacks with the same location share one state (and each
 * apply would destroy what the other created). Paths are compared as written, relative to the project root.
 */
export function stateLocation(backend: TerraformBackendConfig, stack: string, cluster: BackendCluster): string {
  const { type, attributes: a } = backendBlock(backend, stack, cluster);
  switch (type) {
    case 'local':
      return `local state file ${backend.type === 'local' && backend.path !== undefined && isAbsolute(backend.path) ? normalize(backend.path) : normalize(posix.relative('../../..', a.path as string))}`;
    case 'kubernetes':
      return `Secret ${a.namespace ?? 'default'}/tfstate-default-${a.secret_suffix} in kubeconfig context "${a.config_context}" of ${a.config_path}`;
    case 's3':
      return `S3 object s3://${a.bucket}/${a.key} at ${(a.endpoints as { s3?: string } | undefined)?.s3?.replace(/\/+$/, '') ?? 'AWS'}`;
    case 'gcs': {
      // Terraform's gcs backend trims the prefix's leading "/" and ends it with one (remote-state/gcs/backend.go),
      // so "state", "/state" and "state/" are one folder of the bucket.
      const prefix = String(a.prefix).replace(/^\/+/, '');
      return `GCS gs://${a.bucket}/${prefix}${prefix.endsWith('/') ? '' : '/'}`;
    }
    case 'azurerm':
      return `Azure blob ${a.storage_account_name}/${a.container_name}/${a.key}`;
    case 'http':
      return `HTTP state ${(a.address as string).replace(/\/+$/, '')}`;
    default:
      return `PostgreSQL schema ${a.schema_name} of ${a.conn_str ?? 'PG_CONN_STR'}`;
  }
}
