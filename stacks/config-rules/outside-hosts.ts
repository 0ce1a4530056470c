import { HOST_NAME, outsideHostProblem, urlHostPort } from '../../constructs/network/cluster-network.js';
import { clusterNetwork, type PlatformConfig } from '../config.js';
import { serverPath, type ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';
import { jwksHostProblem } from '../../constructs/gateway/jwks-egress.js';

/**
 * Every outside host a part calls (the gateway's JWKS URL, or the identity provider's pods for a Service URL, the discovery service's GitHub API, an MCP server's
 * named egress, an external server's Service) is one its NetworkPolicy can let through on this cluster's network (and whose own
 * namespace lets it in: not the platform's): not a Service inside the
 * cluster, not a name without a domain, not a LAN name where only internet addresses can be allowed
 * (constructs/network/cluster-network.ts `outsideHostProblem` says why each fails). The constructs check the
 * same; here the problem names the config field.
 */
export const outsideHosts: ConfigRule = {
  id: 'outside-hosts',
  description: "Each outside host a part calls is one its NetworkPolicy can allow on the cluster's network.",
  check(config: PlatformConfig): ConfigProblem[] {
    const network = clusterNetwork(config);
    const problems: ConfigProblem[] = [];
    const urlProblem = (path: string, url: string, cidrs: readonly string[] | undefined, cidrsField: string) => {
      if (cidrs?.length || !URL.canParse(url)) return;
      const message = outsideHostProblem(urlHostPort(url).host, network, cidrsField);
      if (message) problems.push({ path, message });
    };
    const auth = config.gateway.enabled ? config.gateway.auth : undefined;
    const jwksProblem = auth && jwksHostProblem(auth, network, { cidrs: 'gateway.auth.jwksCidrs', pods: 'gateway.auth.jwksPods' });
    if (jwksProblem) problems.push({ path: 'gateway.auth.jwksUrl', message: jwksProblem });
    // The platform's namespace denies all ingress but its own parts': an identity provider there is never reached.
    if (auth?.jwksPods?.namespace === config.namespace) {
      problems.push({
        path: 'gateway.auth.jwksPods.namespace',
        message:
          `"${config.namespace}" is the platform's namespace, whose default-deny policy admits only the platform's own parts, so the gateway would never reach the identity provider: ` +
          'run it in a namespace of its own, whose policy admits the gateway',
      });
    }
    const github = config.discovery.enabled ? config.discovery.github : undefined;
    if (github?.apiUrl) urlProblem('discovery.github.apiUrl', github.apiUrl, github.egressCidrs, 'discovery.github.egressCidrs');
    config.mcpServers.forEach((server, index) => {
      // Likewise an external server's Service there: the gateway would be allowed out, and never let in.
      if (server.flavour === 'external' && 'service' in server.source && server.source.service.namespace === config.namespace) {
        problems.push({
          path: serverPath(config, index, 'source.service.namespace'),
          message:
            `"${config.namespace}" is the platform's namespace, whose default-deny policy admits only the platform's own parts, so the gateway and the discovery service would never reach the server's pods: ` +
            'run it in a namespace of its own, or let the platform deploy it (flavour "standalone", "kmcp" or "toolhive")',
        });
      }
      (server.egress ?? []).forEach((egress, i) => {
        ('hosts' in egress ? egress.hosts : []).forEach((host, h) => {
          const message = HOST_NAME.test(host) ? outsideHostProblem(host, network, `egress[${i}] as { cidrs: [...], ports: [...] } instead`) : undefined;
          if (message) problems.push({ path: serverPath(config, index, `egress[${i}].hosts[${h}]`), message });
        });
      });
    });
    return problems;
  },
};
