import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import {
  type TerraformBackend,
  TerraformStack,
  TerraformTesting,
} from "../../constructs/terraform.js";
import { parsePlatformConfig } from "../../stacks/config.js";
import { addBackend } from "../../stacks/terraform-backend-stack.js";
import {
  backendBlock,
  type BackendCluster,
  stateLocation,
  terraformBackendSchema,
} from "../../stacks/terraform-backend.js";
import { problemsOf } from "../support/config-problems.js";
import { tempDir } from "../support/files.js";
import { SHARED_POSTGRES } from "../support/postgres.js";
import { runProcess } from "../support/processes.js";
import { terraformBinary, terraformTestApp } from "../support/terraform.js";

const STACK = "bootstrap-production";
/** The cluster of the minimal config below: kubernetes.configPath's default and the context it gives. */
const CLUSTER: BackendCluster = {
  configPath: "~/.kube/config",
  context: "admin@lab",
};
/** A port nothing listens on, on this machine: the stores Terraform is pointed at are refused, not reached. */
const CLOSED = "http://127.0.0.1:9";

/** A backend as the config gives it, with the schema's defaults applied (s3's useLockfile). */
const backend = (input: unknown) => terraformBackendSchema.parse(input);
const block = (input: unknown, stack = STACK, cluster = CLUSTER) =>
  backendBlock(backend(input), stack, cluster);
const locationOf = (input: unknown, stack = STACK, cluster = CLUSTER) =>
  stateLocation(backend(input), stack, cluster);

const minimal = {
  name: "lab",
  kubernetes: { context: "admin@lab", apiServer: { cidrs: ["10.0.0.1/32"] } },
  gitops: { repoUrl: "https://github.com/me/gitops.git", path: "apps/mcp" },
};
const withBackend = (value: unknown) => ({
  ...minimal,
  terraform: { backend: value },
});

describe("backendBlock", () => {
  it("renders the default local state file in the project root, relative to the stack folder", () => {
    expect(block({ type: "local" })).toEqual({
      type: "local",
      attributes: { path: "../../../terraform.bootstrap-production.tfstate" },
    });
  });

  it("keeps a relative local path relative to the project root, and an absolute one as given", () => {
    expect(
      block({ type: "local", path: "state/production.tfstate" }).attributes
    ).toEqual({ path: "../../../state/production.tfstate" });
    expect(
      block({ type: "local", path: "/var/lib/terraform/production.tfstate" })
        .attributes
    ).toEqual({ path: "/var/lib/terraform/production.tfstate" });
  });

  it("names the kubernetes state Secret after the stack, in the cluster of the environment, with no namespace unless given", () => {
    expect(block({ type: "kubernetes" })).toEqual({
      type: "kubernetes",
      attributes: {
        secret_suffix: "bootstrap-production",
        config_path: "~/.kube/config",
        config_context: "admin@lab",
      },
    });
    expect(
      block({
        type: "kubernetes",
        secretSuffix: "platform",
        namespace: "tfstate",
        configPath: "/etc/kube/state.yaml",
        context: "admin@state",
      }).attributes
    ).toEqual({
      secret_suffix: "platform",
      namespace: "tfstate",
      config_path: "/etc/kube/state.yaml",
      config_context: "admin@state",
    });
  });

  it("keys the s3 state by the stack and locks it with a lock file, on AWS", () => {
    expect(block({ type: "s3", bucket: "state", region: "eu-west-1" })).toEqual(
      {
        type: "s3",
        attributes: {
          bucket: "state",
          key: "mcp-platform/bootstrap-production.tfstate",
          region: "eu-west-1",
          use_lockfile: true,
        },
      }
    );
    expect(
      block({
        type: "s3",
        bucket: "state",
        region: "eu-west-1",
        key: "prod/platform.tfstate",
        useLockfile: false,
      }).attributes
    ).toEqual({
      bucket: "state",
      key: "prod/platform.tfstate",
      region: "eu-west-1",
      use_lockfile: false,
    });
  });

  it("points s3 at an S3-compatible endpoint with path-style URLs and without the AWS checks", () => {
    expect(
      block({
        type: "s3",
        bucket: "state",
        region: "us-east-1",
        endpoint: "https://minio.homelab.lan:9000",
      }).attributes
    ).toEqual({
      bucket: "state",
      key: "mcp-platform/bootstrap-production.tfstate",
      region: "us-east-1",
      use_lockfile: true,
      endpoints: { s3: "https://minio.homelab.lan:9000" },
      use_path_style: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_region_validation: true,
      skip_metadata_api_check: true,
    });
  });

  it("prefixes the gcs state by the stack unless given a prefix", () => {
    expect(block({ type: "gcs", bucket: "state" })).toEqual({
      type: "gcs",
      attributes: {
        bucket: "state",
        prefix: "mcp-platform/bootstrap-production",
      },
    });
    expect(
      block({ type: "gcs", bucket: "state", prefix: "prod" }).attributes
    ).toEqual({ bucket: "state", prefix: "prod" });
  });

  it("names the azurerm blob after the stack, with no resource group unless given", () => {
    expect(
      block({
        type: "azurerm",
        storageAccountName: "acct",
        containerName: "tfstate",
      })
    ).toEqual({
      type: "azurerm",
      attributes: {
        storage_account_name: "acct",
        container_name: "tfstate",
        key: "mcp-platform/bootstrap-production.tfstate",
      },
    });
    expect(
      block({
        type: "azurerm",
        storageAccountName: "acct",
        containerName: "tfstate",
        key: "prod.tfstate",
        resourceGroupName: "rg",
      }).attributes
    ).toEqual({
      storage_account_name: "acct",
      container_name: "tfstate",
      key: "prod.tfstate",
      resource_group_name: "rg",
    });
  });

  it("unlocks http state at the lock URL unless given an unlock URL, and does not lock without one", () => {
    expect(block({ type: "http", address: "https://state.lan/prod" })).toEqual({
      type: "http",
      attributes: { address: "https://state.lan/prod" },
    });
    expect(
      block({
        type: "http",
        address: "https://state.lan/prod",
        lockAddress: "https://state.lan/prod/lock",
      }).attributes
    ).toEqual({
      address: "https://state.lan/prod",
      lock_address: "https://state.lan/prod/lock",
      unlock_address: "https://state.lan/prod/lock",
    });
    expect(
      block({
        type: "http",
        address: "https://state.lan/prod",
        lockAddress: "https://state.lan/lock",
        unlockAddress: "https://state.lan/unlock",
      }).attributes
    ).toEqual({
      address: "https://state.lan/prod",
      lock_address: "https://state.lan/lock",
      unlock_address: "https://state.lan/unlock",
    });
  });

  it("keeps pg state in a schema named after the stack, and leaves the database to PG_CONN_STR unless given", () => {
    expect(block({ type: "pg" })).toEqual({
      type: "pg",
      attributes: { schema_name: "mcp_platform_bootstrap_production" },
    });
    expect(
      block({
        type: "pg",
        connStr: "postgres://db.lan/state",
        schemaName: "platform",
      }).attributes
    ).toEqual({ conn_str: "postgres://db.lan/state", schema_name: "platform" });
  });
});

/** Terraform's words for a block it does not take: none may appear when a rendered block is only refused a connection. */
const CONFIG_REFUSALS = [
  "Extraneous JSON object property",
  "Unsupported argument",
  "Missing required argument",
  "Invalid value",
];

function expectConfigurationAccepted(output: string): void {
  for (const refusal of CONFIG_REFUSALS) expect(output).not.toContain(refusal);
}


interface TerraformRun {
  readonly status: number | null;
  /** stdout, then stderr. */
  readonly output: string;
  /** The project root: the stack folder is <root>/cdktf.out/stacks/<stack>/, as synth writes it. */
  readonly root: string;
  /** Runs another terraform command in the same stack folder. */
  readonly again: (args: string[]) => Promise<TerraformRun>;
}

const INIT = ["init", "-input=false", "-no-color"];

/**
 * Runs `terraform init` on a main.tf.json holding only the `rendered` block, in a fresh project. The environment is
 * Terraform's own and nothing of the machine's: no credentials, kubeconfig or cloud CLI, and the discovery of
 * each cloud's credentials and endpoints pointed where nothing answers, so no request leaves the machine.
 */
async function terraformInit(
  rendered: { type: string; attributes: Record<string, unknown> },
  options: {
    env?: Record<string, string>;
    home?: (home: string) => void;
    stack?: string;
  } = {}
): Promise<TerraformRun> {
  const root = tempDir("mcp-platform-tf-backend-");
  const stackDir = join(root, "cdktf.out", "stacks", options.stack ?? STACK);
  const home = join(root, "home");
  const noTools = join(root, "bin");
  for (const dir of [stackDir, home, noTools])
    mkdirSync(dir, { recursive: true });
  options.home?.(home);
  writeFileSync(
    join(stackDir, "main.tf.json"),
    JSON.stringify({
      terraform: { backend: { [rendered.type]: rendered.attributes } },
    })
  );
  const env = {
    // No az or gcloud for the backends to ask for credentials.
    PATH: noTools,
    HOME: home,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    TF_CLI_CONFIG_FILE: "/dev/null",
    AWS_MAX_ATTEMPTS: "1",
    AWS_ACCESS_KEY_ID: "test-access-key",
    AWS_SECRET_ACCESS_KEY: "test-secret-key",
    KUBECONFIG: join(root, "no-kubeconfig"),
    // Else Google's client library probes the metadata server at 169.254.169.254.
    GOOGLE_APPLICATION_CREDENTIALS: join(root, "no-credentials.json"),
    // Else the azurerm backend reads the Azure cloud's endpoints from management.azure.com.
    ARM_METADATA_HOSTNAME: "127.0.0.1:9",
    TF_HTTP_RETRY_MAX: "0",
    PGUSER: process.env.PGUSER ?? "postgres",
    ...options.env,
  };
  const run = async (args: string[]): Promise<TerraformRun> => {
    const done = await runProcess(terraformBinary(), args, {
      cwd: stackDir,
      env,
      deadlineMs: 120_000,
    });
    return {
      status: done.status,
      output: done.stdout + done.stderr,
      root,
      again: run,
    };
  };
  return run(INIT);
}

/** A kubeconfig whose context admin@lab is a cluster on the closed port. */
function writeKubeconfig(file: string): void {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "lab", cluster: { server: "https://127.0.0.1:9" } }],
      contexts: [
        { name: "admin@lab", context: { cluster: "lab", user: "admin" } },
      ],
      users: [{ name: "admin", user: { token: "test-token" } }],
    })
  );
}

/** Runs SQL on the shared PostgreSQL server. */
async function sql<T extends pg.QueryResultRow>(
  text: string,
  values: unknown[] = []
): Promise<T[]> {
  const client = new pg.Client({ connectionString: SHARED_POSTGRES });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe("terraform init on each rendered backend block", () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas)
      await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it("local: configures the backend, and apply writes the state file into the project root", async () => {
    const init = await terraformInit(block({ type: "local" }));
    expect(init.output).toContain(
      'Successfully configured the backend "local"!'
    );
    expect(init.status).toBe(0);
    // An empty configuration still writes a state: where it lands proves the ../../.. of the rendered path.
    const apply = await init.again([
      "apply",
      "-auto-approve",
      "-input=false",
      "-no-color",
    ]);
    expect(apply.status).toBe(0);
    expect(
      existsSync(join(apply.root, "terraform.bootstrap-production.tfstate"))
    ).toBe(true);
  });

  it("pg: creates the state table in the schema named after the stack, on the real PostgreSQL", async () => {
    // GIVEN a stack name of this run's own, so the default schema name is too
    const stack = `bootstrap-t${randomBytes(6).toString("hex")}`;
    const schema = `mcp_platform_${stack.replace(/-/g, "_")}`;
    schemas.push(schema);
    // WHEN terraform init runs on the block of a pg backend with only connStr given
    const run = await terraformInit(
      block(
        {
          type: "pg",
          connStr: "postgres://127.0.0.1:5432/test?sslmode=disable",
        },
        stack
      ),
      { stack }
    );
    // THEN it succeeds and Terraform's state table is in that schema
    expect(run.output).toContain('Successfully configured the backend "pg"!');
    expect(run.status).toBe(0);
    const tables = await sql<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
      [schema]
    );
    expect(tables.map((t) => t.table_name)).toEqual(["states"]);
  });

  it("pg: without connStr, reads the database from PG_CONN_STR", async () => {
    const schema = `tf_backend_test_${randomBytes(6).toString("hex")}`;
    schemas.push(schema);
    const run = await terraformInit(block({ type: "pg", schemaName: schema }), {
      env: { PG_CONN_STR: "postgres://127.0.0.1:5432/test?sslmode=disable" },
    });
    expect(run.output).toContain('Successfully configured the backend "pg"!');
    expect(run.status).toBe(0);
    expect(
      await sql(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = $1",
        [schema]
      )
    ).toHaveLength(1);
  });

  it("http: configures the backend, then fails reading the state from the closed port", async () => {
    const run = await terraformInit(
      block({
        type: "http",
        address: `${CLOSED}/state`,
        lockAddress: `${CLOSED}/lock`,
      })
    );
    expect(run.output).toContain('Successfully configured the backend "http"!');
    expect(run.output).toContain(
      `Error: Error refreshing state: Failed to get state: GET ${CLOSED}/state giving up after 1 attempt(s): Get "${CLOSED}/state": dial tcp 127.0.0.1:9: connect: connection refused`
    );
    expect(run.status).toBe(1);
    expectConfigurationAccepted(run.output);
  });

  it("s3: takes the block with an endpoint, and fails only listing the bucket at the closed port", async () => {
    const run = await terraformInit(
      block({
        type: "s3",
        bucket: "state",
        region: "us-east-1",
        endpoint: CLOSED,
      })
    );
    expect(run.output).toContain(
      'Error: Failed to get existing workspaces: Unable to list objects in S3 bucket "state" with prefix "env:/"'
    );
    expect(run.output).toContain(
      `Get "${CLOSED}/state?list-type=2&max-keys=1000&prefix=env%3A%2F": dial tcp 127.0.0.1:9: connect: connection refused`
    );
    expect(run.status).toBe(1);
    expectConfigurationAccepted(run.output);
  });

  it("kubernetes: reads the default ~/.kube/config and fails only listing the state Secrets at its cluster", async () => {
    const run = await terraformInit(block({ type: "kubernetes" }), {
      home: (home) => writeKubeconfig(join(home, ".kube", "config")),
    });
    expect(run.output).toContain(
      'Error: Failed to get existing workspaces: Get "https://127.0.0.1:9/api/v1/namespaces/default/secrets?labelSelector=tfstate%3Dtrue": dial tcp 127.0.0.1:9: connect: connection refused'
    );
    expect(run.status).toBe(1);
    expectConfigurationAccepted(run.output);
  });

  it("gcs: takes the block, and fails only for want of Google credentials", async () => {
    const run = await terraformInit(block({ type: "gcs", bucket: "state" }));
    expect(run.output).toContain(
      `Error: storage.NewClient() failed: dialing: google: error getting credentials using GOOGLE_APPLICATION_CREDENTIALS environment variable: open ${join(
        run.root,
        "no-credentials.json"
      )}: no such file or directory`
    );
    expect(run.status).toBe(1);
    expectConfigurationAccepted(run.output);
  });

  it("azurerm: takes the block, and fails only reaching the Azure endpoints", async () => {
    const refused =
      'Error: retrieving metadata from endpoint "https://127.0.0.1:9": performing request: Get "https://127.0.0.1:9/metadata/endpoints?api-version=2022-09-01": dial tcp 127.0.0.1:9: connect: connection refused';
    const withGroup = await terraformInit(
      block({
        type: "azurerm",
        storageAccountName: "acct",
        containerName: "tfstate",
        resourceGroupName: "rg",
      })
    );
    expect(withGroup.output).toContain(refused);
    expect(withGroup.status).toBe(1);
    expectConfigurationAccepted(withGroup.output);
    // Without a resource group, the account key comes from ARM_ACCESS_KEY.
    const withKey = await terraformInit(
      block({
        type: "azurerm",
        storageAccountName: "acct",
        containerName: "tfstate",
      }),
      { env: { ARM_ACCESS_KEY: "dGVzdA==" } }
    );
    expect(withKey.output).toContain(refused);
    expectConfigurationAccepted(withKey.output);
  });

  it("refuses a block with an attribute Terraform does not know, so the checks above can fail", async () => {
    const rendered = block({ type: "kubernetes" });
    const run = await terraformInit({
      ...rendered,
      attributes: { ...rendered.attributes, bogus: 1 },
    });
    expect(run.output).toContain("Error: Extraneous JSON object property");
    expect(run.output).toContain('No argument or block type is named "bogus".');
    expect(run.status).toBe(1);
  });

  it('refuses a kubernetes secret_suffix ending in "-<number>", as the schema does', async () => {
    const run = await terraformInit({
      type: "kubernetes",
      attributes: {
        ...block({ type: "kubernetes" }).attributes,
        secret_suffix: "production-1",
      },
    });
    expect(run.output).toContain(
      `Error: secret_suffix must not end with '-<number>', got "production-1"`
    );
    expect(run.status).toBe(1);
  });
});

describe("stateLocation", () => {
  it("says where each backend keeps the state", () => {
    expect(locationOf({ type: "local" })).toBe(
      "local state file terraform.bootstrap-production.tfstate"
    );
    expect(
      locationOf({ type: "local", path: "state/production.tfstate" })
    ).toBe("local state file state/production.tfstate");
    expect(
      locationOf({
        type: "local",
        path: "/var/lib/terraform/production.tfstate",
      })
    ).toBe("local state file /var/lib/terraform/production.tfstate");
    expect(locationOf({ type: "kubernetes" })).toBe(
      'Secret default/tfstate-default-bootstrap-production in kubeconfig context "admin@lab" of ~/.kube/config'
    );
    expect(
      locationOf({
        type: "kubernetes",
        namespace: "tfstate",
        secretSuffix: "platform",
      })
    ).toBe(
      'Secret tfstate/tfstate-default-platform in kubeconfig context "admin@lab" of ~/.kube/config'
    );
    expect(
      locationOf({ type: "s3", bucket: "state", region: "eu-west-1" })
    ).toBe(
      "S3 object s3://state/mcp-platform/bootstrap-production.tfstate at AWS"
    );
    expect(
      locationOf({
        type: "s3",
        bucket: "state",
        region: "us-east-1",
        endpoint: "https://minio.lan:9000",
      })
    ).toBe(
      "S3 object s3://state/mcp-platform/bootstrap-production.tfstate at https://minio.lan:9000"
    );
    expect(locationOf({ type: "gcs", bucket: "state" })).toBe(
      "GCS gs://state/mcp-platform/bootstrap-production/"
    );
    expect(
      locationOf({
        type: "azurerm",
        storageAccountName: "acct",
        containerName: "tfstate",
      })
    ).toBe("Azure blob acct/tfstate/mcp-platform/bootstrap-production.tfstate");
    expect(
      locationOf({ type: "http", address: "https://state.lan/prod" })
    ).toBe("HTTP state https://state.lan/prod");
    expect(locationOf({ type: "pg" })).toBe(
      "PostgreSQL schema mcp_platform_bootstrap_production of PG_CONN_STR"
    );
    expect(locationOf({ type: "pg", connStr: "postgres://db.lan/state" })).toBe(
      "PostgreSQL schema mcp_platform_bootstrap_production of postgres://db.lan/state"
    );
  });

  it("gives two stacks with the default local backend different state files", () => {
    expect(locationOf({ type: "local" }, "bootstrap-a")).not.toBe(
      locationOf({ type: "local" }, "bootstrap-b")
    );
  });

  it("gives two backends that point at the same state the same location", () => {
    const shared = {
      type: "s3",
      bucket: "state",
      key: "platform.tfstate",
      region: "us-east-1",
      endpoint: "https://minio.lan:9000",
    };
    expect(locationOf(shared, "bootstrap-a")).toBe(
      locationOf(
        { ...shared, region: "eu-west-1", useLockfile: false },
        "bootstrap-b"
      )
    );
    expect(
      locationOf({ type: "local", path: "shared.tfstate" }, "bootstrap-a")
    ).toBe(
      locationOf({ type: "local", path: "./shared.tfstate" }, "bootstrap-b")
    );
    // Terraform's gcs backend trims a leading "/" from the prefix and adds a trailing one.
    for (const prefix of ["/state", "state/", "//state"]) {
      expect(locationOf({ type: "gcs", bucket: "b", prefix }, "bootstrap-a")).toBe(
        locationOf({ type: "gcs", bucket: "b", prefix: "state" }, "bootstrap-b")
      );
    }
    expect(locationOf({ type: "gcs", bucket: "b", prefix: "state" })).not.toBe(
      locationOf({ type: "gcs", bucket: "b", prefix: "state/a" })
    );
  });
});

describe("terraform.backend in the platform config", () => {
  it("defaults to the local backend", () => {
    expect(
      parsePlatformConfig(minimal, "test.config.ts").terraform.backend
    ).toEqual({ type: "local" });
  });

  it("refuses an unknown backend type, naming the ones there are", () => {
    expect(problemsOf(withBackend({ type: "consul" }))).toEqual([
      'terraform.backend.type: must be one of the backends "local", "kubernetes", "s3", "gcs", "azurerm", "http" or "pg", given as { type: ..., ... }, got "consul"',
    ]);
  });

  // Each value breaks one rule; a message about a credential leaves the value out.
  it.each([
    ["a kubernetes secretSuffix ending in -<number>", { type: "kubernetes", secretSuffix: "production-1" }, 'terraform.backend.secretSuffix: must not end in "-<number>": Terraform adds that itself when it splits a large state into several Secrets, got "production-1"'],
    ["a kubernetes secretSuffix over 40 characters", { type: "kubernetes", secretSuffix: "a".repeat(41) }, `terraform.backend.secretSuffix: must be at most 40 characters: the state Secret is "tfstate-default-<secretSuffix>" and its Lease "lock-tfstate-default-<secretSuffix>", got "${"a".repeat(41)}"`],
    ["a kubernetes secretSuffix that is no DNS label", { type: "kubernetes", secretSuffix: "Prod_State" }, 'terraform.backend.secretSuffix: must be a DNS-1123 label (lowercase letters, digits and "-"): it ends the state Secret\'s name, got "Prod_State"'],
    ["an invalid s3 bucket name", { type: "s3", bucket: "My_Bucket", region: "us-east-1" }, 'terraform.backend.bucket: must be an S3 bucket name (3-63 lowercase letters, digits, "." and "-"), got "My_Bucket"'],
    ["an s3 backend without region", { type: "s3", bucket: "state" }, 'terraform.backend.region: is required: the bucket region, e.g. "us-east-1" (an S3-compatible store takes any)'],
    ["an s3 endpoint with credentials", { type: "s3", bucket: "state", region: "us-east-1", endpoint: "https://key:secret@minio.lan:9000" }, "terraform.backend.endpoint: must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is; give the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"],
    ["a local path that leaves the project", { type: "local", path: "state/../../production.tfstate" }, 'terraform.backend.path: must stay inside the project (no ".."), or be an absolute path, got "state/../../production.tfstate"'],
    ["an http address with credentials", { type: "http", address: "https://user:hunter2@state.lan/prod" }, "terraform.backend.address: must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is; give them in TF_HTTP_USERNAME and TF_HTTP_PASSWORD"],
    ["a pg connStr with a password", { type: "pg", connStr: "postgres://app:hunter2@db.lan/state" }, "terraform.backend.connStr: must not hold a password: the config is committed to git and the state block is rendered as it is; give the whole URL in PG_CONN_STR, or the password in ~/.pgpass"],
    ["a pg schemaName that is not a PostgreSQL identifier", { type: "pg", schemaName: "MCP-state" }, 'terraform.backend.schemaName: must be a PostgreSQL identifier (lowercase letters, digits and "_", at most 63 characters), got "MCP-state"'],
  ])("refuses %s", (_what, backend, message) => {
    expect(problemsOf(withBackend(backend))).toEqual([message]);
  });

  it("refuses a field the backend does not have, listing those it has", () => {
    expect(
      problemsOf(
        withBackend({
          type: "s3",
          bucket: "state",
          region: "us-east-1",
          dynamodbTable: "locks",
        })
      )
    ).toEqual([
      "terraform.backend.dynamodbTable: unknown field; allowed: type, bucket, key, region, endpoint, useLockfile",
    ]);
  });
});

describe("addBackend", () => {
  function synth(input: unknown): {
    stack: TerraformStack;
    tf: Record<string, any>;
  } {
    const stack = new TerraformStack(terraformTestApp(), STACK);
    addBackend(stack, backend(input), STACK, CLUSTER);
    return { stack, tf: JSON.parse(TerraformTesting.synth(stack)) };
  }

  it("synthesizes the local backend block", () => {
    const rendered = block({ type: "local" });
    expect(synth({ type: "local" }).tf.terraform.backend).toEqual({
      [rendered.type]: rendered.attributes,
    });
  });

  it("synthesizes any other backend block as rendered", () => {
    const input = {
      type: "s3",
      bucket: "state",
      region: "us-east-1",
      endpoint: "https://minio.lan:9000",
    };
    const rendered = block(input);
    expect(synth(input).tf.terraform.backend).toEqual({
      s3: rendered.attributes,
    });
  });

  it("offers no remote state of a configured backend", () => {
    const { stack } = synth({ type: "gcs", bucket: "state" });
    const configured = stack.node.findChild("backend") as TerraformBackend;
    expect(() =>
      configured.getRemoteStateDataSource(stack, "platform", STACK)
    ).toThrow(
      `the gcs backend of ${STACK} offers no remote state (platform): the platform's stacks do not read each other's state`
    );
  });
});
