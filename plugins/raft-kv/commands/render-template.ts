import Handlebars from 'handlebars';
import type { V2Node } from './v2-client.js';

/** One key under the rendered prefixes, as a template sees it. */
export interface RenderKey {
  key: string;
  value: string;
  /** The last segment of the key: `1` for `/services/app/1`. */
  name: string;
  /** The directory holding the key: `/services/app`. */
  dir: string;
}

/** A nested map of the keys, from the root: `tree.services.app["1"]` is the value of `/services/app/1`. */
export interface RenderTree {
  [segment: string]: RenderTree | string;
}

/** What a template is rendered with. */
export interface RenderData {
  /** Every key under the prefixes, sorted by key (as strings, as `etcdctl ls --sort` sorts). */
  keys: RenderKey[];
  tree: RenderTree;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** The keys (not directories) in listings of the prefixes, each once, sorted. */
export function renderData(listings: readonly V2Node[]): RenderData {
  const values = new Map<string, string>();
  const collect = (node: V2Node) => {
    if (node.dir) for (const child of node.nodes ?? []) collect(child);
    else if (node.key !== undefined) values.set(node.key, node.value ?? '');
  };
  for (const listing of listings) collect(listing);
  const keys = [...values.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => {
      const at = key.lastIndexOf('/');
      return { key, value, name: key.slice(at + 1), dir: key.slice(0, at) || '/' };
    });
  // Null-prototype objects: a key may be named `__proto__` or `constructor`.
  const tree: RenderTree = Object.create(null);
  for (const { key, value } of keys) {
    const segments = key.split('/').filter((segment) => segment !== '');
    let at = tree;
    for (const segment of segments.slice(0, -1)) {
      const next = at[segment];
      if (typeof next === 'object') at = next;
      else at = at[segment] = Object.create(null) as RenderTree;
    }
    at[segments.at(-1) ?? ''] = value;
  }
  return { keys, tree };
}

/** The helpers templates get besides Handlebars' own (`each`, `if`, `unless`, `with`, `lookup`). */
function templateEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  env.registerHelper('json', (text: unknown) => {
    try {
      return JSON.parse(String(text));
    } catch {
      throw new TemplateError(`json: not JSON: ${String(text).slice(0, 200)}`);
    }
  });
  env.registerHelper('base', (key: unknown) => String(key).split('/').filter(Boolean).at(-1) ?? '');
  env.registerHelper('split', (text: unknown, separator: unknown) => String(text).split(String(separator)));
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return env;
}

export type CompiledTemplate = (data: RenderData) => string;

/** Compiles a template, refusing one Handlebars cannot parse; `source` names it in messages. */
export function compileTemplate(text: string, source: string): CompiledTemplate {
  const env = templateEnvironment();
  const options = { noEscape: true };
  try {
    env.precompile(text, options);
  } catch (error) {
    throw new TemplateError(`bad template ${source}: ${(error as Error).message}`);
  }
  const template = env.compile(text, options);
  return (data) => {
    try {
      return template(data);
    } catch (error) {
      throw new TemplateError(`template ${source}: ${(error as Error).message}`);
    }
  };
}
