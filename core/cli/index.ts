// What CLI commands (the node's and the plugins') build on: a base for commands that talk to a
// node over its API, the client itself, streamed answers read line by line, and table output.
// Kept apart from core/index.ts so that a running node does not load the CLI, and a client
// command does not load the kernel.
export { ClientCommand } from './client-command.js';
export { DEFAULT_ENDPOINT, NodeClient, NodeClientError, normalizeEndpoint } from './node-client.js';
export { streamLines } from './stream-lines.js';
export { printTable } from './table.js';
