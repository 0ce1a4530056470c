/** Every policy rule's id, in one place: suppressions and tests refer to rules through these. */
export const RuleIds = {
  podSecurityRestricted: 'MCP-PodSecurityRestricted',
  resources: 'MCP-ContainerResources',
  probes: 'MCP-ContainerProbes',
  pinnedImage: 'MCP-PinnedImage',
  readOnlyRootFilesystem: 'MCP-ReadOnlyRootFilesystem',
  serviceAccountToken: 'MCP-NoDefaultServiceAccountToken',
  networkPolicyCoverage: 'MCP-NetworkPolicyCoverage',
  podDisruptionBudget: 'MCP-PodDisruptionBudget',
  noSecretValues: 'MCP-NoSecretValues',
  serviceSelector: 'MCP-ServiceSelectorMatchesPod',
  gpuToleration: 'MCP-GpuTolerationOnlyWithGpu',
  toolBudget: 'MCP-GatewayToolBudget',
} as const;

/** The id of one of the pack's rules. */
export type RuleId = (typeof RuleIds)[keyof typeof RuleIds];
