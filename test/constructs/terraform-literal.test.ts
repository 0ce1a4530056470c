/**
 * terraformLiteral, proved with the real Terraform: each string goes into a terraform_data resource (built into
 * Terraform, no provider to download), is applied, and must come back out of `terraform output` as written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { terraformLiteral } from '../../constructs/terraform.js';
import { tempDir } from '../support/files.js';
import { runProcess } from '../support/processes.js';
import { terraformBinary } from '../support/terraform.js';

const STRINGS = [
  'admin@${x}',
  'ctx-${path.module}-%{ if true }x%{ endif }',
  'clientSecret: ${DEX_SECRET}',
  'already $${escaped} and %%{ this }',
  '$ alone, % alone, ${ unclosed, %{ unclosed',
  '{{.path.basename}} stays',
  'plain',
];

async function terraform(dir: string, args: string[]) {
  const env = { PATH: '/usr/bin:/bin', HOME: dir, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' };
  const done = await runProcess(terraformBinary(), [...args, '-no-color'], { cwd: dir, env, deadlineMs: 120_000 });
  if (done.status !== 0) throw new Error(`terraform ${args.join(' ')} failed:\n${done.stdout}${done.stderr}`);
  return done.stdout;
}

describe('terraformLiteral', () => {
  it('escapes the template sequences, and only those', () => {
    expect(terraformLiteral('a ${b} %{c} $d %e {{f}}')).toBe('a $${b} %%{c} $d %e {{f}}');
    expect(terraformLiteral('plain')).toBe('plain');
  });

  it('gives Terraform 1.11 each string back as written', async () => {
    const dir = tempDir('mcp-platform-tf-literal-');
    mkdirSync(dir, { recursive: true });
    const resources = Object.fromEntries(STRINGS.map((text, i) => [`s${i}`, { input: terraformLiteral(text) }]));
    const outputs = Object.fromEntries(STRINGS.map((_, i) => [`s${i}`, { value: `\${terraform_data.s${i}.output}` }]));
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: resources }, output: outputs }));
    await terraform(dir, ['init', '-input=false']);
    await terraform(dir, ['apply', '-auto-approve', '-input=false']);
    const values = JSON.parse(await terraform(dir, ['output', '-json'])) as Record<string, { value: string }>;
    expect(STRINGS.map((_, i) => values[`s${i}`]!.value)).toEqual(STRINGS);
  }, 150_000);
});
