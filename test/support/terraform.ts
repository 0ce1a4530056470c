import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { expect } from '@jest/globals';
import { TerraformStack, TerraformTesting } from '../../constructs/terraform.js';
import { tempDir } from './files.js';

TerraformTesting.setupJest();

/** Matchers cdktf adds to expect (typed here because @jest/globals' expect does not know them). */
interface TerraformMatchers {
  toHaveResource(type: unknown): void;
  toHaveResourceWithProperties(type: unknown, properties: Record<string, unknown>): void;
  toHaveProvider(type: unknown): void;
  toHaveProviderWithProperties(type: unknown, properties: Record<string, unknown>): void;
}

/** `expect` on synthesized Terraform JSON, with the cdktf matchers. */
export function expectTerraform(synthesized: string): TerraformMatchers & { not: TerraformMatchers } {
  return expect(synthesized) as unknown as TerraformMatchers & { not: TerraformMatchers };
}

let outdir: string | undefined;

/**
 * A cdktf test app. cdktf's App creates its outdir when it is built, and `Testing.app()` with none makes a
 * temporary folder per call that nobody removes; these share one per test file, removed after it.
 */
export function terraformTestApp(): ReturnType<typeof TerraformTesting.app> {
  outdir ??= tempDir('mcp-platform-cdktf-');
  return TerraformTesting.app({ outdir });
}

/** Synthesizes whatever `build` adds to a fresh stack; returns the Terraform JSON string and parsed. */
export function synthStack(build: (stack: TerraformStack) => void): { json: string; tf: Record<string, any> } {
  const app = terraformTestApp();
  const stack = new TerraformStack(app, 'test');
  build(stack);
  const json = TerraformTesting.synth(stack);
  return { json, tf: JSON.parse(json) };
}

/** Resources of one type in synthesized Terraform JSON, as a list. */
export function resourcesOf(tf: Record<string, any>, type: string): Record<string, any>[] {
  return Object.values(tf.resource?.[type] ?? {});
}


/** The terraform on PATH (CI's setup-terraform), else this machine's. */
export function terraformBinary(): string {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'terraform'));
  return onPath.find((file) => existsSync(file)) ?? '/usr/local/bin/terraform';
}
