import { ComponentNames } from '../../constructs/labels.js';
import type { PlatformConfig } from '../config.js';
import type { ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

/**
 * The names a user gives platform parts (the vLLM deployment, the database cluster) must not be the fixed
 * names of other enabled parts: each part names its Deployment, Service, ServiceAccount, NetworkPolicy and
 * scrape target after its name, so two parts of one name render one object twice. (A clash with an MCP
 * server is found where the objects are rendered, and reported under the server.)
 */
export const partNames: ConfigRule = {
  id: 'part-names',
  namesParts: true,
  description: 'The vLLM deployment and the database cluster are named unlike every other enabled part.',
  check(config: PlatformConfig): ConfigProblem[] {
    const taken: { name: string; by: string }[] = [];
    if (config.gateway.enabled) taken.push({ name: ComponentNames.gateway, by: 'the gateway' });
    if (config.discovery.enabled) taken.push({ name: ComponentNames.discovery, by: 'the discovery service' });
    if (config.triageLlm.enabled) taken.push({ name: ComponentNames.triageLlm, by: 'the triage model (triageLlm)' });
    if (config.database.enabled) taken.push({ name: config.database.name, by: 'the database (database.name)' }, { name: ComponentNames.databaseMigrations, by: "the database's migrations" });
    const problems: ConfigProblem[] = [];
    if (config.gpuInference.enabled) {
      const clash = taken.find((t) => t.name === config.gpuInference.name);
      if (clash) {
        problems.push({ path: 'gpuInference.name', message: `"${clash.name}" is the name of ${clash.by}, whose objects would be rendered twice: choose another name (default "vllm")` });
      }
    }
    if (config.database.enabled) {
      const clash = taken.find((t) => t.name === config.database.name && !t.by.startsWith('the database'));
      if (clash) {
        problems.push({ path: 'database.name', message: `"${clash.name}" is the name of ${clash.by}, whose objects would be rendered twice: choose another name (default "mcp-postgres")` });
      }
    }
    return problems;
  },
};
