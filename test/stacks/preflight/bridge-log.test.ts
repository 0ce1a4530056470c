import { describe, expect, it } from '@jest/globals';
import { bridgedServerExit, bridgedServerStderr } from '../../../stacks/preflight/bridge-log.js';

/** The bridge's stderr as supergateway 4.0.0 writes it around a server process that fails at start-up. */
const BRIDGE_STDERR = [
  '[supergateway] Child stderr: Error: no current-context is set',
  "Configure a context with 'kubectl config set-context <name>'",
  '',
  '[supergateway] Child exited: code=1, signal=null',
  '[supergateway] Called dec() on non-existent session 1234, ignoring',
  '',
].join('\n');

describe('the bridge log', () => {
  it('gives the server process\'s stderr, chunks of several lines included, without the bridge\'s own lines', () => {
    expect(bridgedServerStderr(BRIDGE_STDERR)).toEqual(['Error: no current-context is set', "Configure a context with 'kubectl config set-context <name>'"]);
  });

  it('gives how the server process exited, and nothing while it runs', () => {
    expect(bridgedServerExit(BRIDGE_STDERR)).toBe('code=1, signal=null');
    expect(bridgedServerExit('[supergateway] Child stderr: starting\n')).toBeUndefined();
  });
});
