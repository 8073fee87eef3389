#!/usr/bin/env node
// Runs the CLI from the TypeScript sources, without a build: tsx compiles them on load and the
// command registry is read from source instead of dist.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { flush, handle, run, settings } from '@oclif/core';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('../..', import.meta.url));
process.env.TSX_TSCONFIG_PATH ??= `${root}tsconfig.json`;
register();
settings.enableAutoTranspile = false;
const pjson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
pjson.oclif.commands.target = './cli/command-registry.ts';

await run(process.argv.slice(2), { root, pjson }).then(flush, handle);
