// Preloaded into a benchmarked process: on exit, prints its peak RSS to stderr as one tagged line.
import { writeSync } from 'node:fs';
process.on('exit', () => writeSync(2, `\nBENCH_USAGE ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`));
