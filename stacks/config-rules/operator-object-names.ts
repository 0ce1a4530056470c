import { ComponentNames } from '../../constructs/labels.js';
import type { PlatformConfig } from '../config.js';
import { serverLabel, serverPath, type ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

/** An object an operator creates at run time, which no rendered manifest shows. */
interface OperatorObject {
  readonly name: string;
  /** e.g. "proxy Service", "Service". */
  readonly kind: string;
  readonly operator: 'ToolHive' | 'kmcp' | 'CloudNativePG';
  /** What it is created for, e.g. 'MCP server mcpServers[2] (server "acme")'. */
  readonly createdFor: string;
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
 * - kmcp v0.3.0 (pkg/controller/transportadapter/transportadapter_translator.go), for an MCPServer N: Deployment, Service
 *   and ConfigMap N (the ServiceAccount N is the platform's own, named in the MCPServer).
 * - CloudNativePG 1.30.0, for a Cluster C: Services `C-rw`, `C-ro`, `C-r`; ServiceAccount, Role and
 *   RoleBinding C; for a Pooler P: its Service, Deployment and ServiceAccount P (pkg/specs).
 */
/** e.g. 'the proxy Service the ToolHive operator creates for MCP server mcpServers[2] (server "acme")'. */
function describeObject(object: OperatorObject): string {
  const operator = { ToolHive: 'the ToolHive operator', kmcp: 'the kmcp controller', CloudNativePG: 'CloudNativePG' }[object.operator];
  return `the ${object.kind} ${operator} creates for ${object.createdFor}`;
}

function operatorObjects(config: PlatformConfig): OperatorObject[] {
  const objects: OperatorObject[] = [];
  config.mcpServers.forEach((server, index) => {
    if (server.flavour === 'kmcp') {
      objects.push({
        name: server.name,
        kind: 'Deployment, Service and ConfigMap',
        operator: 'kmcp',
        createdFor: `MCP server ${serverLabel(config, index)}`,
        owner: `server:${server.name}`,
        ownerPath: serverPath(config, index, 'name'),
      });
    }
    if (server.flavour !== 'toolhive') return;
    const of = (name: string, kind: string): OperatorObject => ({
      name,
      kind,
      operator: 'ToolHive',
      createdFor: `MCP server ${serverLabel(config, index)}`,
      owner: `server:${server.name}`,
      ownerPath: serverPath(config, index, 'name'),
    });
    objects.push(
      of(server.name, 'proxy Deployment and StatefulSet'),
      of(`mcp-${server.name}-proxy`, 'proxy Service'),
      of(`${server.name}-proxy-runner`, "proxy's ServiceAccount"),
      of(`${server.name}-runconfig`, 'ConfigMap'),
    );
    if (server.transport !== 'stdio') objects.push(of(`mcp-${server.name}`, 'Service'), of(`mcp-${server.name}-headless`, 'headless Service'));
  });
  const db = config.database;
  if (db.enabled) {
    const of = (name: string, kind: string): OperatorObject => ({
      name,
      kind,
      operator: 'CloudNativePG',
      createdFor: `the database (database.name "${db.name}")`,
      owner: 'database',
      ownerPath: 'database.name',
    });
    objects.push(
      of(db.name, 'ServiceAccount'),
      of(`${db.name}-rw`, 'Service'),
      of(`${db.name}-ro`, 'Service'),
      of(`${db.name}-r`, 'Service'),
    );
    if (db.pooler) objects.push(of(`${db.name}-pooler-rw`, "pooler's Service and Deployment"));
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
    [config.database.enabled, `${config.database.name}-migrate`, 'database', "the database's migration Job"],
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
  description: 'No rendered part takes the name of an object ToolHive, kmcp or CloudNativePG creates for another part, and no two of those objects share a name.',
  check(config: PlatformConfig): ConfigProblem[] {
    const created = operatorObjects(config);
    const named = new Set<string>();
    const byRendered = renderedNames(config).flatMap((rendered) => {
      // Any object of that name made for another part: a server's own objects share its name.
      const object = created.find((o) => o.name === rendered.name && o.owner !== rendered.owner);
      if (!object) return [];
      named.add(`${rendered.fixed ? object.ownerPath : rendered.path} ${rendered.name}`);
      // A fixed part name cannot change: the problem is then the entry whose name made the operator's object.
      if (rendered.fixed) {
        return [
          {
            path: object.ownerPath,
            message: `makes the ${object.operator} operator create its ${object.kind} "${rendered.name}", the name of ${rendered.fixed}'s own objects: choose another name`,
          },
        ];
      }
      return [
        {
          path: rendered.path,
          message: `"${rendered.name}" is the name of ${describeObject(object)}: objects of that name would clash with it; choose another name${rendered.fallback ? ` (default "${rendered.fallback}")` : ''}`,
        },
      ];
    });
    return [...byRendered, ...operatorClashes(created, named)];
  },
};

/**
 * Two operators (or one, for two parts) that would create objects of one name (their suffixes keep
 * objects of different kinds apart): each takes the
 * object over from the other (ToolHive applies its Services with force and deletes them by name), so the
 * later server in the config is refused (a server rather than the database, whose name is usually the
 * default), naming the other one. `named`: "path name" pairs already refused for that name.
 */
function operatorClashes(created: readonly OperatorObject[], named: ReadonlySet<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const reported = new Set(named);
  const ordered = [...created.filter((o) => o.owner === 'database'), ...created.filter((o) => o.owner !== 'database')];
  ordered.forEach((object, i) => {
    const earlier = ordered.slice(0, i).find((o) => o.name === object.name && o.owner !== object.owner);
    if (!earlier || reported.has(`${object.ownerPath} ${object.name}`)) return;
    reported.add(`${object.ownerPath} ${object.name}`);
    problems.push({
      path: object.ownerPath,
      message: `makes ${object.operator === 'CloudNativePG' ? 'CloudNativePG' : `the ${object.operator} operator`} create its ${object.kind} "${object.name}", which is also ${describeObject(earlier)}: the two would take the object over from each other; choose another name`,
    });
  });
  return problems;
}

