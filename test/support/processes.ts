/** Test helpers for local processes: the same free-port finder preflight uses. */
export { freePort } from '../../stacks/preflight/local-run.js';
