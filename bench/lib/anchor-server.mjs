// The anchor for the API benchmarks: a bare node:http server answering the same small JSON as a
// Flotilla node's /health and /version, with the same keep-alive timeout. Whatever a Node.js HTTP
// API costs at the least, this pays too. Usage: node anchor-server.mjs PORT [VERSION]
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const flotillaVersion = process.argv[3] ?? '0.0.0';
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write('usage: node anchor-server.mjs PORT [VERSION]\n');
  process.exit(64);
}

const bodies = {
  '/health': JSON.stringify({ health: 'true', node: 'anchor', checks: {} }),
  '/version': JSON.stringify({ flotilla: flotillaVersion, node: process.version }),
};

const server = createServer((req, res) => {
  const body = req.method === 'GET' ? bodies[req.url ?? ''] : undefined;
  if (body === undefined) {
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end('{"error":"not found"}');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 5000;
server.listen({ host: '127.0.0.1', port }, () => {
  process.stderr.write(`anchor: listening on http://127.0.0.1:${port}\n`);
});

// Stop like a node does: stop accepting, drop idle keep-alive connections, exit 0.
let stopping = false;
const stop = () => {
  if (stopping) process.exit(130);
  stopping = true;
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), 500).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
