/**
 * Opens (or updates) the pull request for a server given in the request, without a probe: for a server
 * the watch cannot see. The same reconcile logic as a pass decides, so the call is idempotent.
 */
import { Ajv } from 'ajv';
import type { FastifyPluginAsync, FastifySchemaValidationError, RouteShorthandOptions } from 'fastify';
import { DNS_LABEL } from '../../../../../constructs/formats.js';
import { MCP_CAPABILITIES, PLAIN_PATH } from '../../candidates.js';
import type { Candidate } from '../../model.js';
import { toolFingerprint } from '../../probe/probe.js';
import { passOptions } from '../../discovery-pass.js';
import { reconcilePullRequests } from '../../reconcile/pull-requests.js';
import type { DiscoverySettings } from '../../settings.js';
import { requireBearer } from './auth.js';

interface ServerSpecBody {
  readonly name: string;
  readonly transport: 'streamable-http' | 'sse';
  readonly service: { readonly name: string; readonly namespace: string; readonly port: number; readonly targetPort?: number | string };
  readonly path?: string;
  readonly capabilities?: readonly string[];
  readonly tools: readonly { readonly name: string; readonly description?: string }[];
  readonly serverInfo?: { readonly name: string; readonly version: string };
}

const DNS_LABEL_PATTERN = DNS_LABEL.source;
const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'transport', 'service', 'tools'],
  properties: {
    name: { type: 'string', pattern: DNS_LABEL_PATTERN, maxLength: 50 },
    transport: { enum: ['streamable-http', 'sse'] },
    service: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'namespace', 'port'],
      properties: {
        name: { type: 'string', pattern: DNS_LABEL_PATTERN, maxLength: 63 },
        namespace: { type: 'string', pattern: DNS_LABEL_PATTERN, maxLength: 63 },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        targetPort: { anyOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string', pattern: DNS_LABEL_PATTERN, maxLength: 15 }] },
      },
    },
    path: { type: 'string', pattern: PLAIN_PATH.source, maxLength: 256 },
    capabilities: { type: 'array', maxItems: 8, uniqueItems: true, items: { enum: [...MCP_CAPABILITIES] } },
    tools: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,128}$' }, description: { type: 'string', maxLength: 500, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$' } },
      },
    },
    serverInfo: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version'],
      properties: { name: { type: 'string', maxLength: 200 }, version: { type: 'string', maxLength: 100 } },
    },
  },
} as const;

// fastify's default Ajv drops unknown properties and coerces types, so a misspelt field would be ignored
// and the pull request opened without it: this spec is checked as written.
const asWritten = new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false });

/** Ajv's message, with the unknown property it does not name. */
const formatError = (errors: FastifySchemaValidationError[], dataVar: string) =>
  new Error(
    errors
      .map((e) => `${dataVar}${e.instancePath} ${e.message}${e.keyword === 'additionalProperties' ? `: ${JSON.stringify(e.params.additionalProperty)}` : ''}`)
      .join(', '),
  );

const pullRequests: FastifyPluginAsync<{ readonly settings: DiscoverySettings }> = async (app, { settings }) => {
  const route: RouteShorthandOptions = {
    onRequest: requireBearer(settings.apiToken),
    schema: { body: bodySchema },
    validatorCompiler: ({ schema }) => asWritten.compile(schema),
    schemaErrorFormatter: formatError,
  };
  app.post<{ Body: ServerSpecBody }>('/api/v1/pull-requests', route, async (request, reply) => {
    const spec = request.body;
    const transport = spec.transport;
    const candidate: Candidate = {
      name: spec.name,
      namespace: spec.service.namespace,
      source: 'service',
      object: `Service ${spec.service.namespace}/${spec.service.name} (given to the API)`,
      transport,
      service: { ...spec.service },
      host: `${spec.service.name}.${spec.service.namespace}.svc.cluster.local`,
      port: spec.service.port,
      path: spec.path ?? (transport === 'sse' ? '/sse' : '/mcp'),
      capabilities: [...(spec.capabilities ?? ['tools'])].sort(),
    };
    const tools = [...spec.tools].map((t) => ({ name: t.name, description: t.description ?? '' })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const [outcome] = await reconcilePullRequests(
      [
        {
          candidate,
          probe: {
            ok: true,
            transport,
            serverInfo: spec.serverInfo ?? { name: spec.name, version: 'unknown' },
            protocolVersion: 'not probed',
            tools,
            fingerprint: toolFingerprint(tools),
            latencyMs: 0,
          },
        },
      ],
      app.gitHost,
      passOptions(settings).pullRequests,
      app.log,
    );
    app.metrics.pullRequests.inc({ action: outcome!.action });
    const code = outcome!.action === 'opened' ? 201 : outcome!.action === 'failed' ? 502 : outcome!.action === 'capped' ? 429 : 200;
    return reply.code(code).send(outcome);
  });
};

export default pullRequests;
