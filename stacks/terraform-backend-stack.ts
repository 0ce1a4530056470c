/**
 * Adds `terraform.backend` (stacks/terraform-backend.ts) to a cdktf stack: kept apart so reading a config never
 * loads cdktf, which only the bootstrap stack needs.
 */
import type { Construct } from 'constructs';
import { LocalBackend, TerraformBackend, TerraformRemoteState } from '../constructs/terraform.js';
import { backendBlock, type BackendCluster, type TerraformBackendConfig } from './terraform-backend.js';

/** A backend block of any type Terraform knows, with Terraform's own attribute names. */
class ConfiguredBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    type: string,
    private readonly attributes: Record<string, unknown>,
  ) {
    super(scope, 'backend', type);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return this.attributes;
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return this.attributes;
  }

  getRemoteStateDataSource(scope: Construct, name: string): TerraformRemoteState {
    // Nothing reads one stack's outputs from another; the platform's stacks share no state.
    throw new Error(`the ${this.name} backend of ${scope.node.path} offers no remote state (${name}): the platform's stacks do not read each other's state`);
  }
}

/** Adds the configured backend to a stack. */
export function addBackend(stack: Construct, backend: TerraformBackendConfig, stackName: string, cluster: BackendCluster): void {
  const { type, attributes } = backendBlock(backend, stackName, cluster);
  if (type === 'local') new LocalBackend(stack, { path: attributes.path as string });
  else new ConfiguredBackend(stack, type, attributes);
}

