#!/usr/bin/env node
// A stdio MCP server for preflight's tests. Its first argument says how it behaves:
//   tools               answers initialize and tools/list
//   exit-at-once        writes a line to stderr and exits with status 1 before reading anything
//   never-answer        writes a line to stderr, then reads requests and answers none
//   no-tools-list       answers initialize; answers tools/list with an error, as a server without its upstream does
//   exit-on-tools-list  answers initialize; exits with status 1 on tools/list
const mode = process.argv[2];

if (mode === 'exit-at-once') {
  process.stderr.write('fixture: cannot reach its upstream, giving up\n');
  process.exit(1);
}
if (mode === 'never-answer') process.stderr.write('fixture: waiting for an upstream that never answers\n');

const reply = (id, body) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id, ...body })}\n`);

function handle(message) {
  if (mode === 'never-answer' || message.id === undefined) return;
  if (message.method === 'initialize') {
    return reply(message.id, { result: { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'preflight-fixture', version: '1.0.0' } } });
  }
  if (message.method === 'tools/list') {
    if (mode === 'no-tools-list') return reply(message.id, { error: { code: -32603, message: 'fixture: its upstream is unreachable' } });
    if (mode === 'exit-on-tools-list') {
      process.stderr.write('fixture: lost its upstream, exiting\n');
      process.exit(1);
    }
    const tool = (name) => ({ name, description: name, inputSchema: { type: 'object', properties: {} } });
    return reply(message.id, { result: { tools: [tool('fixture_echo'), tool('fixture_add')] } });
  }
  reply(message.id, { error: { code: -32601, message: `Method not found: ${message.method}` } });
}

let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n')) {
    const line = buffer.slice(0, end).trim();
    buffer = buffer.slice(end + 1);
    if (line) handle(JSON.parse(line));
  }
});
