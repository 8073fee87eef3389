// Writes docs/config.schema.json from the core schema and every built-in plugin's schema.
import { writeFileSync } from 'node:fs';
import { builtinConfigSchema } from '../cli/config-schema.js';

const target = new URL('../docs/config.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(await builtinConfigSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
