/**
 * The discovery service's command line: `serve` or `reconcile --once`. Exit codes: 0 done, 1 the pass
 * failed (or the service could not start), 2 bad usage.
 */
import { startServer } from './http/server.js';
import { createLogger } from './logger.js';
import { reconcileOnce } from './reconcile-once.js';
import { describeSettings, readSettings, SettingsError, USAGE } from './settings.js';
import { isEntry } from '../../../stacks/command-line.js';

export async function main(argv: readonly string[]): Promise<number> {
  let settings;
  try {
    settings = readSettings(argv);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`mcp-discovery: ${error.message}\n`);
    return 2;
  }
  if (settings === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = createLogger(settings.logLevel, settings.command === 'serve' ? 1 : 2);
  log.info({ settings: describeSettings(settings) }, `mcp-discovery ${settings.command}`);
  if (settings.command === 'serve') {
    await startServer(settings, log, { closeOnSignals: true });
    return -1;
  }
  const report = await reconcileOnce(settings, log);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}

if (isEntry(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: Error) => {
      process.stderr.write(`mcp-discovery: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
