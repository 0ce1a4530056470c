import { ComponentNames } from '../../constructs/labels.js';
import type { PlatformConfig } from '../config.js';
import { serverLabel, serverPath, type ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

/** An object an operator creates at run time, which no rendered manifest shows. */
interface OperatorObject {
  readonly name: string;
  /** e.g. "proxy Service", "Service". */
  readonly kind: string;
  /** e.g. 'the Service the ToolHive operator creates for MCP server "acme" (mcpServers[2])'. */
  readonly what: string;
  /** The config entry it is created for (it may share its own name). */
  readonly owner: string;
  /** That entry's name field. */
  readonly ownerPath: string;
}

/** A name the platform renders objects under (Deployment, Service, ServiceAccount, NetworkPolicy...). */
interface RenderedName {
  readonly name: string;
  readonly path: string;
  readonly owner: string;
  /** What the part is, when its name is fixed (the problem is then the operator object's owner). */
  readonly fixed?: string;
  readonly fallback?: string;
}

/**
 * Objects the operators create for what the platform renders, read from their source at the pinned versions:
 * - ToolHive operator v0.44.0 (chart 0.44.0), for an MCPServer N: Deployment N (the proxy), its Service
 *   `mcp-N-proxy`, ServiceAccount, Role and RoleBinding `N-proxy-runner`, ConfigMap `N-runconfig`; the proxy
 *   then creates StatefulSet N and, for the sse and streamable-http transports, Services `mcp-N` and
 *   `mcp-N-headless` (cmd/thv-operator/controllers/mcpserver_controller.go, pkg/container/kubernetes).
 * - CloudNativePG 1.30.0, for a Cluster C: Services `C-rw`, `C-ro`, `C-r`; ServiceAccount, Role and
 *   RoleBinding C; for a Pooler P: its Service, Deployment and ServiceAccount P (pkg/specs).
 */
function operatorObjects(config: PlatformConfig): OperatorObject[] {
  const objects: OperatorObject[] = [];
  config.mcpServers.forEach((server, index) => {
    if (server.flavour !== 'toolhive') return;
    const owner = `server:${server.name}`;
    const ownerPath = serverPath(config, index, 'name');
    const of = (kind: string) => `the ${kind} the ToolHive operator creates for MCP server ${serverLabel(config, index)}`;
    objects.push(
      { name: server.name, kind: 'proxy Deployment and StatefulSet', what: of('proxy Deployment and StatefulSet'), owner, ownerPath },
      { name: `mcp-${server.name}-proxy`, kind: 'proxy Service', what: of('proxy Service'), owner, ownerPath },
      { name: `${server.name}-proxy-runner`, kind: "proxy's ServiceAccount", what: of("proxy's ServiceAccount"), owner, ownerPath },
      { name: `${server.name}-runconfig`, kind: 'ConfigMap', what: of('ConfigMap'), owner, ownerPath },
    );
    if (server.transport !== 'stdio') {
      objects.push({ name: `mcp-${server.name}`, kind: 'Service', what: of('Service'), owner, ownerPath }, { name: `mcp-${server.name}-headless`, kind: 'headless Service', what: of('headless Service'), owner, ownerPath });
    }
  });
  const db = config.database;
  if (db.enabled) {
    const what = (kind: string) => `the ${kind} CloudNativePG creates for the database (database.name "${db.name}")`;
    const [owner, ownerPath] = ['database', 'database.name'];
    objects.push(
      { name: db.name, kind: 'ServiceAccount', what: what('ServiceAccount'), owner, ownerPath },
      { name: `${db.name}-rw`, kind: 'Service', what: what('Service'), owner, ownerPath },
      { name: `${db.name}-ro`, kind: 'Service', what: what('Service'), owner, ownerPath },
      { name: `${db.name}-r`, kind: 'Service', what: what('Service'), owner, ownerPath },
      ...(db.pooler ? [{ name: `${db.name}-pooler-rw`, kind: "pooler's Service and Deployment", what: what("pooler's Service and Deployment"), owner, ownerPath }] : []),
    );
  }
  return objects;
}

function renderedNames(config: PlatformConfig): RenderedName[] {
  const names: RenderedName[] = config.mcpServers.flatMap((server, index) =>
    server.flavour === 'external' ? [] : [{ name: server.name, path: serverPath(config, index, 'name'), owner: `server:${server.name}` }],
  );
  if (config.gpuInference.enabled) names.push({ name: config.gpuInference.name, path: 'gpuInference.name', owner: 'gpuInference', fallback: 'vllm' });
  if (config.database.enabled) names.push({ name: config.database.name, path: 'database.name', owner: 'database', fallback: 'mcp-postgres' });
  const fixed: [boolean, string, string, string][] = [
    [config.gateway.enabled, ComponentNames.gateway, 'gateway', 'the gateway'],
    [config.discovery.enabled, ComponentNames.discovery, 'discovery', 'the discovery service'],
    [config.triageLlm.enabled, ComponentNames.triageLlm, 'triageLlm', 'the triage model'],
  ];
  for (const [enabled, name, path, what] of fixed) if (enabled) names.push({ name, path, owner: path, fixed: what });
  return names;
}

/**
 * The operators name objects after what the platform renders; another part of the platform with one of those
 * names would clash with them at run time (the operator's update fails on an object it does not own, or
 * takes it over), and the rendered manifests alone never show it.
 */
export const operatorObjectNames: ConfigRule = {
  id: 'operator-object-names',
  namesParts: true,
  description: 'No rendered part takes the name of an object ToolHive or CloudNativePG creates for another part.',
  check(config: PlatformConfig): ConfigProblem[] {
    const created = new Map<string, OperatorObject>();
    for (const object of operatorObjects(config)) if (!created.has(object.name)) created.set(object.name, object);
    return renderedNames(config).flatMap((rendered) => {
      const object = created.get(rendered.name);
      if (!object || object.owner === rendered.owner) return [];
      // A fixed part name cannot change: the problem is then the entry whose name made the operator's object.
      if (rendered.fixed) {
        return [
          {
            path: object.ownerPath,
            message: `makes the ${object.owner === 'database' ? 'CloudNativePG' : 'ToolHive'} operator create its ${object.kind} "${rendered.name}", the name of ${rendered.fixed}'s own objects: choose another name`,
          },
        ];
      }
      return [
        {
          path: rendered.path,
          message: `"${rendered.name}" is the name of ${object.what}: objects of that name would clash with it; choose another name${rendered.fallback ? ` (default "${rendered.fallback}")` : ''}`,
        },
      ];
    });
  },
};
