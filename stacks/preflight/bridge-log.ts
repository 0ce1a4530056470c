/**
 * What the stdio bridge says about the server process behind it. The pinned bridge (supergateway 4.0.0,
 * `dist/gateways/stdioToStatefulStreamableHttp.js`) starts one server process per MCP session and stays up
 * when that process dies: its health endpoint keeps answering, and a request in flight gets the JSON-RPC
 * error "MCP server process failed". On its stderr it relays each chunk of the server's stderr as
 * `[supergateway] Child stderr: <chunk>` and logs the exit as `[supergateway] Child exited: code=1, signal=null`.
 * Those lines are how preflight tells a server that crashed from one that is slow or waits for its upstream.
 */

const PREFIX = '[supergateway] ';
const CHILD_STDERR = `${PREFIX}Child stderr: `;
const CHILD_EXITED = /^\[supergateway\] Child exited: (code=\S+, signal=\S+)$/m;

/** The JSON-RPC error message the bridge answers a request with when the server process has failed. */
export const BRIDGE_CHILD_FAILED = 'MCP server process failed';

/** "code=1, signal=null" once the server process behind the bridge has exited, else undefined. */
export function bridgedServerExit(bridgeStderr: string): string | undefined {
  return CHILD_EXITED.exec(bridgeStderr)?.[1];
}

/** The server process's own stderr lines, out of the bridge's stderr (without the bridge's own lines). */
export function bridgedServerStderr(bridgeStderr: string): string[] {
  const lines: string[] = [];
  let inChunk = false;
  for (const line of bridgeStderr.split('\n')) {
    if (line.startsWith(CHILD_STDERR)) {
      inChunk = true;
      lines.push(line.slice(CHILD_STDERR.length));
    } else if (line.startsWith(PREFIX)) {
      inChunk = false;
    } else if (inChunk) {
      // A chunk of several lines: the lines after its first carry no prefix.
      lines.push(line);
    }
  }
  return lines.filter((line) => line.trim() !== '');
}
