/**
 * The folders the platform renders, one Argo CD application each, named `<platform name>-<folder>` in Argo CD.
 * Environments that share one Argo CD must not make one Application name twice, so they check against this list.
 */
export const APP_FOLDERS = ['cluster-network', 'platform', 'database', 'mcp-servers', 'discovery', 'triage-llm', 'gpu-inference', 'monitoring'] as const;

export type AppFolder = (typeof APP_FOLDERS)[number];
