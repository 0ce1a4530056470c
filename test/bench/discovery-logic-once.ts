/**
 * The reconcile logic alone, in a fresh process: candidates from 10,000 Services held in memory, then the
 * pull-request decisions and generated files for the new servers against a git host in memory. No probe,
 * no database, no network. Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { findCandidates } from '../../services/discovery/src/candidates.js';
import type { KubeObject, WatchedKind } from '../../services/discovery/src/model.js';
import { toolFingerprint } from '../../services/discovery/src/probe/probe.js';
import { reconcilePullRequests } from '../../services/discovery/src/reconcile/pull-requests.js';
import { benchServices } from './cluster-of.js';
import { MemoryGitHost } from './memory-git-host.js';

const [total, mcp] = process.argv.slice(2).map(Number);
const services = benchServices(total!, mcp!, [{ port: 3001, path: '/mcp' }]);
const objects = { list: (kind: WatchedKind): readonly KubeObject[] => (kind === 'Service' ? services : []) };
const quiet = { info: () => undefined, warn: () => undefined };
const tools = Array.from({ length: 12 }, (_, i) => ({ name: `tool_${i}`, description: `Does thing ${i}` }));

const started = performance.now();
const scan = findCandidates(objects, { annotationPrefix: 'mcp-platform.dev' });
const scanned = performance.now();
const discovered = scan.candidates.map((candidate) => ({
  candidate,
  probe: { ok: true as const, transport: candidate.transport, serverInfo: { name: candidate.name, version: '1' }, protocolVersion: '2025-11-25', tools, fingerprint: toolFingerprint(tools), latencyMs: 1 },
}));
const host = new MemoryGitHost();
const options = { baseBranch: 'main', serversDir: 'stacks/servers', maxOpenPullRequests: 10_000, toolBudget: 40 };
const first = await reconcilePullRequests(discovered, host, options, quiet);
const reconciled = performance.now();
const writes = host.writes;
await reconcilePullRequests(discovered, host, options, quiet);
const second = performance.now();
console.log(
  JSON.stringify({
    candidates: scan.candidates.length,
    scanMs: scanned - started,
    pullRequestsMs: reconciled - scanned,
    logicMs: reconciled - started,
    opened: first.filter((o) => o.action === 'opened').length,
    secondRunMs: second - reconciled,
    secondRunWrites: host.writes - writes,
  }),
);
