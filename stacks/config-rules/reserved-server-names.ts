import { ComponentNames } from '../../constructs/labels.js';
import type { PlatformConfig } from '../config.js';
import { serverPath, type ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

/** What each component name is, for the message. */
const PARTS: ReadonlyMap<string, string> = new Map([
  [ComponentNames.gateway, 'the gateway'],
  [ComponentNames.discovery, 'the discovery service'],
  [ComponentNames.triageLlm, 'the triage model'],
  [ComponentNames.vllm, 'the vLLM deployment'],
  [ComponentNames.databaseMigrations, "the database's migration job"],
]);

/**
 * An MCP server's pods carry `app.kubernetes.io/name: <server name>` (with the platform's part-of label), and
 * the platform selects its own components by exactly these labels (constructs/labels.ts ComponentNames): the
 * vLLM Service, the database's and the models' NetworkPolicies, the monitors. A server named like a component
 * would be selected as that component (served by its Service, let through its policies) whether or not the
 * component is enabled, so these names are the platform's.
 */
export const reservedServerNames: ConfigRule = {
  id: 'reserved-server-names',
  namesParts: true,
  description: "No MCP server takes the name the platform's own components are selected by.",
  check(config: PlatformConfig): ConfigProblem[] {
    return config.mcpServers.flatMap((server, index) => {
      const part = PARTS.get(server.name);
      if (!part) return [];
      return [
        {
          path: serverPath(config, index, 'name'),
          message:
            `"${server.name}" is the app.kubernetes.io/name of ${part}'s pods, which the platform's Services and NetworkPolicies select by: ` +
            `a server of that name would be selected as ${part}; choose another name (reserved: ${[...PARTS.keys()].join(', ')})`,
        },
      ];
    });
  },
};
