import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { DNS_LABEL, DNS_SUBDOMAIN, httpUrl, urlCredentialsProblem } from '../formats.js';
import { loadPrecompiled, schemaHash, validatorRuntime } from '../validation/precompiled-validator.js';

/**
 * agentgateway's standalone config for the platform's MCP gateway: one aggregated MCP endpoint that multiplexes
 * every server, plus one endpoint per server (a small model chooses better among few tools).
 *
 * Field names follow agentgateway's JSON schema, vendored at {@link AGENTGATEWAY_SCHEMA_PATH}
 * (agentgateway/agentgateway `schema/config.json` at tag v1.4.1, the release the image runs). It uses the top-level `gateways` and
 * `routes` the schema recommends; `binds` is deprecated there.
 */

/** One MCP server as the gateway reaches it inside the cluster. */
export interface GatewayTarget {
  /** DNS-1123 label, unique among targets. agentgateway prefixes the server's tools with it on the aggregated endpoint. */
  readonly name: string;
  /** In-cluster DNS name, e.g. `github.mcp-system.svc.cluster.local`; no scheme, no port. */
  readonly host: string;
  readonly port: number;
  /** The server's MCP endpoint, e.g. `/mcp` or `/sse`. */
  readonly path: string;
  /** `streamable-http` becomes an agentgateway `mcp` target, `sse` an `sse` target. */
  readonly transport: 'streamable-http' | 'sse';
}

/**
 * Clients must present a JWT from `issuer` whose `aud` is one of `audiences`, signed by a key from `jwksUrl`.
 * JWT is the only mode: in the schema, agentgateway's static API keys (`apiKey.keys[].key` or `keyHash`) are plain
 * strings in the config, with no file reference, and the config must not carry secrets.
 */
export interface GatewayAuth {
  readonly kind: 'jwt';
  readonly issuer: string;
  /** At least one: an empty list would make agentgateway skip the audience check. */
  readonly audiences: readonly string[];
  /** http(s) URL the gateway fetches the signing keys from (so its egress must reach it). */
  readonly jwksUrl: string;
}

export interface AgentgatewayRateLimit {
  /** Requests a client may make per minute on each route of each gateway replica (agentgateway's local limit). */
  readonly requestsPerMinute: number;
}

export interface AgentgatewayConfigOptions {
  /** Port of the MCP listener. */
  readonly port: number;
  /** Port of the Prometheus metrics endpoint (`/metrics`), served on all interfaces. */
  readonly statsPort: number;
  readonly targets: readonly GatewayTarget[];
  /**
   * Path of the endpoint that multiplexes every target.
   * @default "/mcp"
   */
  readonly aggregatePath?: string;
  /**
   * Each target is also served alone at this prefix followed by its name. Starts and ends with "/".
   * @default "/mcp/"
   */
  readonly perServerPrefix?: string;
  /** @default - no authentication */
  readonly auth?: GatewayAuth;
  /** @default - no rate limit */
  readonly rateLimit?: AgentgatewayRateLimit;
}

export const DEFAULT_AGGREGATE_PATH = '/mcp';
export const DEFAULT_PER_SERVER_PREFIX = '/mcp/';

/** The one gateway (listener) every route attaches to. */
export const AGENTGATEWAY_GATEWAY_NAME = 'mcp';
export const AGGREGATE_ROUTE_NAME = 'mcp-aggregate';
/** Name of the route that serves one target alone. */
export function serverRouteName(targetName: string): string {
  return `mcp-server-${targetName}`;
}

/** Absolute path of agentgateway's vendored config JSON schema (draft 2020-12). */
export const AGENTGATEWAY_SCHEMA_PATH = join(
  dirname(fileURLToPath(import.meta.url)), '..', '..', 'imports', 'crds', 'agentgateway-config.schema.json',
);

const URL_PATH = /^\/[^\s?#]*$/;

/** agentgateway's standalone config (a plain JSON object) for the given MCP servers; throws on invalid options. */
export function agentgatewayConfig(options: AgentgatewayConfigOptions): Record<string, unknown> {
  const aggregatePath = options.aggregatePath ?? DEFAULT_AGGREGATE_PATH;
  const perServerPrefix = options.perServerPrefix ?? DEFAULT_PER_SERVER_PREFIX;
  checkPort('port', options.port);
  checkPort('statsPort', options.statsPort);
  if (options.statsPort === options.port) {
    throw new Error(`statsPort ${options.statsPort} is also the listener port: give metrics a port of their own (e.g. 15020)`);
  }
  checkPath('aggregatePath', aggregatePath);
  checkPath('perServerPrefix', perServerPrefix);
  if (!perServerPrefix.endsWith('/')) {
    throw new Error(`perServerPrefix ${JSON.stringify(perServerPrefix)} must end with "/", e.g. "${perServerPrefix}/"`);
  }
  const targets = checkedTargets(options.targets);
  for (const target of targets) {
    if (perServerPrefix + target.name === aggregatePath) {
      throw new Error(`aggregatePath ${JSON.stringify(aggregatePath)} is also the path of target "${target.name}": choose another aggregatePath or perServerPrefix`);
    }
  }
  if (options.auth) checkAuth(options.auth);
  if (options.rateLimit) checkRateLimit(options.rateLimit);

  const route = (name: string, path: Record<string, string>, backend: Record<string, unknown>) => ({
    name,
    gateways: [AGENTGATEWAY_GATEWAY_NAME],
    matches: [{ path }],
    ...(options.rateLimit ? { policies: { localRateLimit: [localRateLimit(options.rateLimit)] } } : {}),
    backends: [{ mcp: backend }],
  });

  return {
    config: { statsAddr: `0.0.0.0:${options.statsPort}` },
    gateways: {
      [AGENTGATEWAY_GATEWAY_NAME]: {
        port: options.port,
        // On the gateway rather than on each route, so no route (nor an unmatched path) escapes it.
        ...(options.auth ? { jwtAuth: jwtAuth(options.auth) } : {}),
      },
    },
    // agentgateway picks the most specific match whatever the order (Gateway API rules: an exact path beats any
    // prefix, a longer prefix beats a shorter one). The aggregate matches its path exactly, so /mcp/github can
    // never reach it; the per-server routes still come first for a reader who assumes first-match.
    routes: [
      ...targets.map((target) => route(serverRouteName(target.name), { pathPrefix: perServerPrefix + target.name }, {
        targets: [mcpTarget(target)],
      })),
      route(AGGREGATE_ROUTE_NAME, { exact: aggregatePath }, {
        targets: targets.map(mcpTarget),
        // Schema, McpBackendFailureMode: `failOpen` skips targets that fail to initialize or fail during fanout
        // and keeps serving from the healthy ones (an error only when all fail); the default `failClosed` fails
        // the whole session when any target does.
        failureMode: 'failOpen',
        // Tool names carry their target's name even while only one target exists, so they do not change when a
        // second server is added. The per-server routes keep the default (`conditional`): one target, no prefix.
        prefixMode: 'always',
      }),
    ],
  };
}

function mcpTarget(target: GatewayTarget): Record<string, unknown> {
  const kind = target.transport === 'sse' ? 'sse' : 'mcp';
  // host + port + path is a plain-HTTP in-cluster connection; a URL in `host` alone would also be accepted.
  return { name: target.name, [kind]: { host: target.host, port: target.port, path: target.path } };
}

function jwtAuth(auth: GatewayAuth): Record<string, unknown> {
  return {
    // agentgateway's default is `optional`, which lets requests without a token through.
    mode: 'strict',
    issuer: auth.issuer,
    audiences: [...auth.audiences],
    jwks: { url: auth.jwksUrl },
  };
}

/** A token bucket of one minute's worth of requests, refilled every minute. */
function localRateLimit(rateLimit: AgentgatewayRateLimit): Record<string, unknown> {
  return {
    maxTokens: rateLimit.requestsPerMinute,
    tokensPerFill: rateLimit.requestsPerMinute,
    fillInterval: '60s',
    type: 'requests',
  };
}

function checkPort(field: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${field} must be an integer from 1 to 65535, got ${JSON.stringify(port)}`);
  }
}

function checkPath(field: string, path: string): void {
  if (typeof path !== 'string' || !URL_PATH.test(path)) {
    throw new Error(`${field} ${JSON.stringify(path)} must be a URL path that starts with "/" (no spaces, query or fragment)`);
  }
}

/** The targets, validated, sorted by name so the same servers always give the same config. */
function checkedTargets(targets: readonly GatewayTarget[]): GatewayTarget[] {
  const firstIndex = new Map<string, number>();
  targets.forEach((target, index) => {
    const field = `targets[${index}]`;
    if (typeof target.name !== 'string' || target.name.length > 63 || !DNS_LABEL.test(target.name)) {
      throw new Error(`${field}.name ${JSON.stringify(target.name)} is not a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)`);
    }
    const previous = firstIndex.get(target.name);
    if (previous !== undefined) {
      throw new Error(
        `targets[${previous}] (${targets[previous].host}) and ${field} (${target.host}) are both named "${target.name}": target names must be unique`,
      );
    }
    firstIndex.set(target.name, index);
    if (typeof target.host !== 'string' || !DNS_SUBDOMAIN.test(target.host)) {
      throw new Error(`${field}.host ${JSON.stringify(target.host)} must be a DNS name such as "${target.name}.mcp-system.svc.cluster.local" (no scheme, no port)`);
    }
    checkPort(`${field}.port`, target.port);
    checkPath(`${field}.path`, target.path);
    if (target.transport !== 'streamable-http' && target.transport !== 'sse') {
      throw new Error(`${field}.transport must be "streamable-http" or "sse", got ${JSON.stringify(target.transport)}`);
    }
  });
  return [...targets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * agentgateway expands `$NAME` and `${NAME}` in the whole config text before it parses it (shellexpand; an unset
 * variable fails the load), so a "$" in a rendered string would change it or break the gateway's start.
 */
export function dollarProblem(field: string, value: string): string | undefined {
  return value.includes('$') ? `${field} ${JSON.stringify(value)} contains "$", which agentgateway reads as an environment variable in its config: remove it` : undefined;
}

function checkAuth(auth: GatewayAuth): void {
  if (auth.kind !== 'jwt') throw new Error(`auth.kind must be "jwt", got ${JSON.stringify(auth.kind)}`);
  if (typeof auth.issuer !== 'string' || auth.issuer.trim() === '') {
    throw new Error(`auth.issuer must be the token issuer (the JWT "iss" claim), got ${JSON.stringify(auth.issuer)}`);
  }
  if (!Array.isArray(auth.audiences) || auth.audiences.length === 0 || auth.audiences.some((a) => typeof a !== 'string' || a.trim() === '')) {
    throw new Error(`auth.audiences must list at least one non-empty audience, got ${JSON.stringify(auth.audiences)}`);
  }
  if (!httpUrl(auth.jwksUrl)) {
    throw new Error(`auth.jwksUrl must be an http(s) URL, got ${JSON.stringify(auth.jwksUrl)}`);
  }
  const credentials = urlCredentialsProblem(auth.jwksUrl);
  if (credentials) throw new Error(`auth.jwksUrl ${credentials}: a key set is public, leave the credentials out`);
  const dollar = [dollarProblem('auth.issuer', auth.issuer), ...auth.audiences.map((a, i) => dollarProblem(`auth.audiences[${i}]`, a)), dollarProblem('auth.jwksUrl', auth.jwksUrl)].find(Boolean);
  if (dollar) throw new Error(dollar);
}

function checkRateLimit(rateLimit: AgentgatewayRateLimit): void {
  if (!Number.isInteger(rateLimit.requestsPerMinute) || rateLimit.requestsPerMinute < 1) {
    throw new Error(`rateLimit.requestsPerMinute must be a positive integer, got ${JSON.stringify(rateLimit.requestsPerMinute)}`);
  }
}

let schemaValidator: ValidateFunction | undefined;

/**
 * Problems with an agentgateway config, checked against the vendored schema; empty when it is valid.
 * Stricter than the schema in one respect: see {@link closeFlattenedObjects}.
 */
export function validateAgentgatewayConfig(config: unknown): string[] {
  schemaValidator ??= agentgatewaySchemaValidator();
  if (schemaValidator(config)) return [];
  return (schemaValidator.errors ?? []).map(formatError);
}

/** Where `npm run import` writes the precompiled validator, under imports/validators/. */
export const AGENTGATEWAY_VALIDATOR_FILE = 'agentgateway-config.cjs';

/** A fresh ajv for the schema; with `code` options for writing it as standalone code. */
export function agentgatewayAjv(code?: object): Ajv2020 {
  return new Ajv2020({ allErrors: true, strict: false, formats: validatorRuntime.agentgatewayFormats, ...(code ? { code } : {}) });
}

/** The schema as validated: the vendored file made stricter by {@link closeFlattenedObjects}. */
export function agentgatewaySchema(text: string = readFileSync(AGENTGATEWAY_SCHEMA_PATH, 'utf8')): Record<string, any> {
  return closeFlattenedObjects(JSON.parse(text));
}

function agentgatewaySchemaValidator(): ValidateFunction {
  const text = readFileSync(AGENTGATEWAY_SCHEMA_PATH, 'utf8');
  return loadPrecompiled(AGENTGATEWAY_VALIDATOR_FILE, schemaHash(text)) ?? agentgatewayAjv().compile(agentgatewaySchema(text));
}

function formatError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const name = params.additionalProperty ?? params.unevaluatedProperty;
  return `${error.instancePath || '/'} ${error.message}${name === undefined ? '' : ` "${String(name)}"`}`;
}

/**
 * A copy of the schema in which the definitions that declare properties but neither close themselves nor combine
 * subschemas (LocalAttachedRoute, LocalConditionalPolicy_*, ...) reject undeclared properties.
 * These are Rust structs that `#[serde(flatten)]` another one, which serde cannot combine with
 * `deny_unknown_fields`: agentgateway silently ignores an unknown key there, so a misspelt `polices` on a route
 * would drop its rate limit without a word.
 */
function closeFlattenedObjects(schema: Record<string, any>): Record<string, any> {
  const defs: Record<string, any> = {};
  for (const [name, def] of Object.entries<Record<string, any>>(schema.$defs ?? {})) {
    const open = def.properties !== undefined && def.additionalProperties === undefined && def.unevaluatedProperties === undefined
      && def.oneOf === undefined && def.anyOf === undefined && def.allOf === undefined;
    defs[name] = open ? { ...def, unevaluatedProperties: false } : def;
  }
  return { ...schema, $defs: defs };
}
