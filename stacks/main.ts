/**
 * Entry of `npm run synth`, `npx cdktf synth` and `npx cdk8s synth`.
 *
 *   npm run synth [-- --config FILE] [--env NAME] [--out DIR] [--terraform-out DIR] [--only bootstrap|workloads]
 *
 * The cdktf and cdk8s CLIs run this file with `--only` and name their output folder in CDKTF_OUTDIR /
 * CDK8S_OUTDIR. Exit code 0 on success, 1 on an invalid config or failed validation, 2 on bad arguments.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import { DEFAULT_CONFIG, loadEnvironments } from './load-config.js';
import { preflightToolsFile, readPreflightTools } from './preflight/tools-file.js';
import { formatReport, SynthError, synthesizeEnvironments, type Layer } from './synth.js';
import { isEntry, runCommand } from './command-line.js';

const RUN = runCommand('synth');
const USAGE = `usage: ${RUN} [--config FILE] [--env NAME] [--out DIR] [--terraform-out DIR] [--only bootstrap|workloads]

Renders the platform config: the bootstrap layer as Terraform JSON and the workloads as one folder of
manifests per Argo CD application. Every object is checked against its schema and the policy pack first;
the outputs are replaced only when all of it passes, so a failure leaves the previous output as it was.
An environments file (definePlatformEnvironments) renders each environment into DIR/<env>/<app>/ and the
stack bootstrap-<env>.

  --config FILE         the platform config or environments file (default ${DEFAULT_CONFIG})
  --env NAME            one environment of an environments file: only its folder and stack are replaced
  --out DIR             the manifests folder (default dist, or CDK8S_OUTDIR)
  --terraform-out DIR   the Terraform folder (default cdktf.out, or CDKTF_OUTDIR)
  --only LAYER          write one layer: bootstrap or workloads (default both)
  --help                this text

Exit code: 0 written, 1 invalid config or failed checks, 2 bad arguments.`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', default: DEFAULT_CONFIG },
        env: { type: 'string' },
        out: { type: 'string' },
        'terraform-out': { type: 'string' },
        only: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE.split('\n')[0]}\n(${RUN} --help for more)`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.only !== undefined && args.only !== 'bootstrap' && args.only !== 'workloads') {
    console.error(`--only must be "bootstrap" or "workloads", got "${args.only}"`);
    return 2;
  }
  const layers: Layer[] = args.only ? [args.only as Layer] : ['bootstrap', 'workloads'];

  try {
    const environments = await loadEnvironments(args.config!, args.env);
    const reports = synthesizeEnvironments(environments, {
      manifestsDir: resolve(args.out ?? process.env.CDK8S_OUTDIR ?? 'dist'),
      terraformDir: resolve(args['terraform-out'] ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out'),
      layers,
      knownTools: readPreflightTools(preflightToolsFile(args.config!)),
      source: args.config!,
      only: args.env,
    });
    console.log(reports.map((report) => formatReport(report)).join('\n\n'));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof SynthError) console.error(`${error.reports.map((report) => formatReport(report)).join('\n\n')}\n${error.message}`);
    else {
      // Not a config problem: a fault of this program or of the machine (a full disk, a permission). The message
      // says which; the stack is for a bug report, on request.
      console.error(`synth failed: ${(error as Error).message ?? error}`);
      if (process.env.MCP_PLATFORM_DEBUG) console.error((error as Error).stack);
      else console.error('(set MCP_PLATFORM_DEBUG=1 for the stack trace, and include it in a bug report)');
    }
    console.error(nothingWritten(layers));
    return 1;
  }
}

/**
 * What a failure left behind. `npm run synth` swaps its output in only on success; the cdk8s CLI, though,
 * deletes its output folder before it runs this program (cdk8s-cli's synth command empties `output`), so
 * under `npx cdk8s synth` the previous manifests are already gone and saying otherwise would mislead.
 */
function nothingWritten(layers: readonly Layer[]): string {
  if (layers.length === 1 && layers[0] === 'workloads' && process.env.CDK8S_OUTDIR) {
    return `Nothing was written, but cdk8s synth had already emptied ${process.env.CDK8S_OUTDIR} before running this: run npm run synth, which keeps the previous output when it fails.`;
  }
  return 'Nothing was written: the previous output is unchanged.';
}

if (isEntry(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
