/** The benchmark's cluster: `total` Services, of which `mcp` say they serve MCP (round-robin onto the given servers). */
import type { KubeObject } from '../../services/discovery/src/model.js';

export function benchServices(total: number, mcp: number, targets: readonly { port: number; path: string }[]): KubeObject[] {
  const services: KubeObject[] = [];
  for (let i = 0; i < total; i++) {
    const namespace = `team-${i % 50}`;
    if (i < mcp) {
      const target = targets[i % targets.length]!;
      services.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `mcp-${i}`, namespace, annotations: { 'mcp-platform.dev/enabled': 'true', 'mcp-platform.dev/path': target.path } },
        spec: { type: 'ClusterIP', clusterIP: '127.0.0.1', ports: [{ name: 'mcp', port: target.port, targetPort: target.port, protocol: 'TCP' }] },
      });
    } else {
      services.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `svc-${i}`, namespace, labels: { app: `svc-${i}` }, annotations: { 'example.com/owner': 'team' } },
        spec: { type: 'ClusterIP', clusterIP: `10.43.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
      });
    }
  }
  return services;
}
