/**
 * Entry of `npm run verify-pins`: proves, before anything reaches a cluster, that every image, Helm chart
 * and npm package the rendered platform pins exists in its registry. See USAGE for flags and exit codes.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';
import { DEFAULT_CONFIG, loadConfigFile } from '../load-config.js';
import { preflightToolsFile, readPreflightTools } from '../preflight/tools-file.js';
import { collectPins } from './collect.js';
import { NPM_REGISTRY } from './npm-registry.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, formatResults, summarize, verifyPins } from './verify-pins.js';
import { isEntry, runCommand } from '../command-line.js';

const USAGE_LINE =
  `usage: ${runCommand('verify-pins')} [--config FILE] [--env NAME] [--json] [--timeout-ms N] [--concurrency N] [--npm-registry URL] [--registry-endpoint HOST=URL]...`;

const USAGE = `${USAGE_LINE}

Checks every image, Helm chart and npm package the platform renders against its registry.

  --config FILE               platform config (default ${DEFAULT_CONFIG})
  --env NAME                  one environment of an environments file
  --json                      print the results as JSON instead of the table
  --timeout-ms N              per-request timeout in milliseconds (default ${DEFAULT_TIMEOUT_MS})
  --concurrency N             artifacts checked at once (default ${DEFAULT_CONCURRENCY})
  --npm-registry URL          npm registry to ask (default ${NPM_REGISTRY}, where the pods install from)
  --registry-endpoint HOST=URL
                              send requests for HOST to URL instead of https://HOST (a mirror, or a test
                              registry); repeatable. Docker Hub's API host is registry-1.docker.io.

Exit codes: 0 every artifact exists; 1 an artifact is MISSING (every registry answered) or the config is
invalid; 2 bad usage; 3 a registry could not be reached, so the check is incomplete.`;

class UsageError extends Error {}

interface CliOptions {
  readonly config: string;
  /** The environment of an environments file. @default none */
  readonly env?: string;
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly npmRegistry: string;
  readonly endpoints: Record<string, string>;
}

function parseCli(argv: string[]): CliOptions | 'help' {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', default: DEFAULT_CONFIG },
        env: { type: 'string' },
        json: { type: 'boolean', default: false },
        'timeout-ms': { type: 'string' },
        concurrency: { type: 'string' },
        'npm-registry': { type: 'string', default: NPM_REGISTRY },
        'registry-endpoint': { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const endpoints: Record<string, string> = {};
  for (const mapping of values['registry-endpoint']!) {
    const [, host, url] = /^([^=\s/]+)=(\S+)$/.exec(mapping) ?? [];
    if (!host || !isHttpUrl(url)) throw new UsageError(`--registry-endpoint must be HOST=URL, e.g. ghcr.io=http://127.0.0.1:5000, got "${mapping}"`);
    endpoints[host] = url;
  }
  if (!isHttpUrl(values['npm-registry']!)) throw new UsageError(`--npm-registry must be an http(s) URL, got "${values['npm-registry']}"`);
  return {
    config: values.config!,
    ...(values.env !== undefined ? { env: values.env } : {}),
    json: values.json!,
    timeoutMs: positiveInteger('--timeout-ms', values['timeout-ms'], DEFAULT_TIMEOUT_MS),
    concurrency: positiveInteger('--concurrency', values.concurrency, DEFAULT_CONCURRENCY),
    npmRegistry: values['npm-registry']!,
    endpoints,
  };
}

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  return Number(value);
}

function isHttpUrl(value: string | undefined): boolean {
  try {
    return value !== undefined && ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE_LINE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }

  let rendered;
  try {
    const config = await loadConfigFile(options.config, options.env);
    // Imported here, so usage errors and --help do not wait for every construct to load.
    const { renderPlatformInMemory } = await import('../synth.js');
    rendered = renderPlatformInMemory(config, { knownTools: readPreflightTools(preflightToolsFile(options.config)), source: options.config });
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `verify-pins: cannot render the platform: ${(error as Error).message}`);
    return 1;
  }
  const pins = collectPins(rendered);
  const count = (kind: string) => pins.filter((p) => p.kind === kind).length;
  console.error(`verify-pins: checking ${pins.length} artifacts (${count('image')} images, ${count('chart')} charts, ${count('npm')} npm packages) ...`);

  const results = await verifyPins(pins, options);
  const summary = summarize(results);
  if (options.json) {
    console.log(JSON.stringify({ results, summary }, null, 2));
  } else {
    console.log(formatResults(results));
  }
  return summary.exitCode;
}

if (isEntry(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
