/**
 * Entry of `npm run synth`, `npx cdktf synth` and `npx cdk8s synth`.
 *
 *   npm run synth [-- --config FILE] [--out DIR] [--terraform-out DIR] [--only bootstrap|workloads]
 *
 * The cdktf and cdk8s CLIs run this file with `--only` and name their output folder in CDKTF_OUTDIR /
 * CDK8S_OUTDIR. Exit code 0 on success, 1 on an invalid config or failed validation, 2 on bad arguments.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import { DEFAULT_CONFIG, loadConfigFile } from './load-config.js';
import { preflightToolsFile, readPreflightTools } from './preflight/tools-file.js';
import { formatReport, SynthError, synthesize, type Layer } from './synth.js';

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', default: DEFAULT_CONFIG },
        out: { type: 'string' },
        'terraform-out': { type: 'string' },
        only: { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: npm run synth -- [--config FILE] [--out DIR] [--terraform-out DIR] [--only bootstrap|workloads]`);
    return 2;
  }
  if (args.only !== undefined && args.only !== 'bootstrap' && args.only !== 'workloads') {
    console.error(`--only must be "bootstrap" or "workloads", got "${args.only}"`);
    return 2;
  }
  const layers: Layer[] = args.only ? [args.only as Layer] : ['bootstrap', 'workloads'];

  try {
    const config = await loadConfigFile(args.config!);
    const report = synthesize(config, {
      manifestsDir: resolve(args.out ?? process.env.CDK8S_OUTDIR ?? 'dist'),
      terraformDir: resolve(args['terraform-out'] ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out'),
      layers,
      knownTools: readPreflightTools(preflightToolsFile(args.config!)),
    });
    console.log(formatReport(report));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof SynthError) console.error(`${formatReport(error.report)}\n${error.message}`);
    else console.error(`synth failed: ${(error as Error).stack ?? error}`);
    console.error('Nothing was written: the previous output is unchanged.');
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
