import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Flags } from '@oclif/core';
import { ClientCommand, NodeClientError } from '../../../core/cli/index.js';
import { splitCommandWords } from './command-words.js';
import { EXIT_SERVER_ERROR, printedAsKvError } from './kv-command.js';
import { listPrefixes, nextChange, normalizePrefix, type PrefixSnapshot } from './prefix-watch.js';
import { RenderOutput } from './render-output.js';
import { compileTemplate, renderData, TemplateError, type CompiledTemplate } from './render-template.js';
import { exitCodeOf } from './split-command.js';
import { EtcdError, V2Client } from './v2-client.js';

/** What one render did: `changed` is false when the file already held the rendered text. */
export interface RenderResult {
  file: string;
  changed: boolean;
  keys: number;
  index: number;
}

/** A render step that failed (writing, the check, the reload); the watch goes on after one. */
class RenderStepError extends Error {}

/** Where a check or reload command finds the file: the environment variable, and `{}` as a word. */
const FILE_VARIABLE = 'FLOTILLA_RENDER_FILE';
const FILE_WORD = '{}';

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 8_000;

/** `flotilla kv render`, confd's job. A ClientCommand rather than a KvCommand: it prints no etcdctl answers, so it has no --output. */
export default class KvRender extends ClientCommand {
  static override summary = 'Render a template from the keys under a prefix into a file, and keep it current, as confd does.';
  static override description = [
    'Reads every key under each --prefix, renders the Handlebars template with them and writes the result to --out, then runs --reload. ' +
      'The file is replaced atomically (a new file beside it, renamed over it) and keeps its mode; when the rendered text equals what the file holds, nothing is written and nothing is reloaded.',
    'The template sees `keys`, every key under the prefixes sorted by key, each as {key, value, name, dir} (`name` is the last segment), and `tree`, the same keys as nested maps from the root: ' +
      '`tree.services.app.[1]` is the value of /services/app/1. A prefix that does not exist gives no keys. Output is not HTML-escaped. ' +
      'Helpers besides Handlebars\' own (each, if, unless, with, lookup): `json VALUE` parses a JSON value, `base KEY` is its last segment, `split TEXT SEP`, `eq A B`.',
    '--check and --reload are command lines run without a shell: they are split into words at blanks, with \'single\' and "double" quotes and backslashes as in a shell, and nothing else is special (no variables, globs, pipes or ;). ' +
      `Each gets the file in ${FILE_VARIABLE}, and a word that is exactly ${FILE_WORD} is replaced with it. ` +
      '--check runs on the new file before it replaces the old one (a non-zero exit keeps the old file); --reload runs after the file was replaced. ' +
      'For a shell, say so: --reload \'sh -c "nginx -t && nginx -s reload"\'.',
    'With --watch it keeps the file current: a recursive watch of the prefixes from the index it read at, the keys read again after each change. ' +
      'A node that cannot be reached is retried (with a warning) and the watch resumes; an error in a render, check or reload is printed and the watch goes on. Stop it with Ctrl-C.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> kv render --prefix /services/app --template upstreams.tmpl --out /etc/nginx/conf.d/upstreams.conf --reload "nginx -s reload" --watch',
    "<%= config.bin %> kv render --prefix /services/app --template haproxy.tmpl --out /etc/haproxy/haproxy.cfg --check 'haproxy -c -f {}' --reload 'systemctl reload haproxy'",
  ];
  static override flags = {
    prefix: Flags.string({ description: 'a directory whose keys (recursively) the template sees; repeat for several', required: true, multiple: true }),
    template: Flags.string({ description: 'the Handlebars template file', required: true }),
    out: Flags.string({ description: 'the file to write', required: true }),
    check: Flags.string({ description: 'a command that validates the new file before it replaces the old one' }),
    reload: Flags.string({ description: 'a command run after the file changed' }),
    watch: Flags.boolean({ description: 'keep the file current on every change; stop with Ctrl-C', exclusive: ['once'] }),
    once: Flags.boolean({ description: 'render once and exit (the default)', exclusive: ['watch'] }),
  };

  private template!: CompiledTemplate;
  private output!: RenderOutput;
  private check?: string[];
  private reload?: string[];

  async run(): Promise<RenderResult | undefined> {
    const { flags } = await this.parse(KvRender);
    this.check = flags.check === undefined ? undefined : this.commandWords('--check', flags.check);
    this.reload = flags.reload === undefined ? undefined : this.commandWords('--reload', flags.reload);
    const text = await readFile(flags.template, 'utf8').catch((error: Error) => this.fail(`cannot read the template: ${error.message}`));
    try {
      this.template = compileTemplate(text, flags.template);
    } catch (error) {
      this.fail((error as Error).message);
    }
    this.output = new RenderOutput(flags.out);
    const prefixes = [...new Set(flags.prefix.map(normalizePrefix))];
    const client = new V2Client(flags.endpoint, flags.token);

    if (!flags.watch) {
      try {
        return await this.render(await listPrefixes(client, prefixes));
      } catch (error) {
        if (error instanceof TemplateError || error instanceof RenderStepError) this.fail(error.message);
        throw error;
      }
    }

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    try {
      await this.watch(client, prefixes, stop.signal);
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
    return undefined;
  }

  protected override async catch(error: Error & { exitCode?: number; code?: string }): Promise<unknown> {
    if (printedAsKvError(error, this.jsonEnabled())) this.exit(EXIT_SERVER_ERROR);
    return super.catch(error);
  }

  /** An error line as the kv commands print theirs, and exit code 1. */
  private fail(message: string): never {
    this.logToStderr(`Error:  ${message}`);
    return this.exit(1);
  }

  private commandWords(flag: string, line: string): string[] {
    let words: string[] = [];
    try {
      words = splitCommandWords(line);
    } catch (error) {
      this.fail(`${flag}: ${(error as Error).message}`);
    }
    if (words.length === 0) this.fail(`${flag}: no command given`);
    return words;
  }

  /** Lists, renders, and waits for the next change, until stopped; a node that fails is retried. */
  private async watch(client: V2Client, prefixes: string[], stop: AbortSignal): Promise<void> {
    const watched = prefixes.join(' ');
    let retryMs = RETRY_FIRST_MS;
    let started = false;
    let failing = false;
    const retry = async (error: Error) => {
      if (!(error instanceof EtcdError || error instanceof NodeClientError)) throw error;
      this.logToStderr(`warning: ${error.message}; retrying in ${retryMs / 1000}s`);
      failing = true;
      await sleep(retryMs, undefined, { signal: stop }).catch(() => {});
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    };
    while (!stop.aborted) {
      let snapshot: PrefixSnapshot;
      try {
        snapshot = await listPrefixes(client, prefixes, stop);
      } catch (error) {
        if (stop.aborted) return;
        await retry(error as Error);
        continue;
      }
      if (!started || failing) this.logToStderr(`watching ${watched}${started ? ' again' : ''} from index ${snapshot.index + 1}`);
      started = true;
      failing = false;
      retryMs = RETRY_FIRST_MS;
      try {
        await this.render(snapshot);
      } catch (error) {
        if (!(error instanceof TemplateError || error instanceof RenderStepError)) throw error;
        this.logToStderr(`error: ${error.message}`);
      }
      try {
        await nextChange(client, prefixes, snapshot.index + 1, stop);
      } catch (error) {
        if (stop.aborted) return;
        // 401: the history from that index is gone; listing again catches up.
        if (error instanceof EtcdError && error.errorCode === 401) continue;
        await retry(error as Error);
      }
    }
  }

  private async render(snapshot: PrefixSnapshot): Promise<RenderResult> {
    const data = renderData(snapshot.listings);
    const text = this.template(data);
    const result = { file: this.output.path, keys: data.keys.length, index: snapshot.index };
    if (text === (await this.output.current().catch(() => undefined))) return { ...result, changed: false };
    const staged = await this.output.stage(text).catch((error: Error) => {
      throw new RenderStepError(`cannot write ${this.output.path}: ${error.message}`);
    });
    try {
      if (this.check) {
        const code = await this.runCommand(this.check, staged.path);
        if (code !== 0) throw new RenderStepError(`the check exited with ${code}; ${this.output.path} was not replaced`);
      }
      await staged.commit();
    } catch (error) {
      await staged.discard();
      if (error instanceof RenderStepError) throw error;
      throw new RenderStepError(`cannot replace ${this.output.path}: ${(error as Error).message}`);
    }
    this.logToStderr(`rendered ${this.output.path}: ${data.keys.length} ${data.keys.length === 1 ? 'key' : 'keys'} at index ${snapshot.index}`);
    if (this.reload) {
      const code = await this.runCommand(this.reload, this.output.path);
      if (code !== 0) throw new RenderStepError(`the reload command exited with ${code}`);
    }
    return { ...result, changed: true };
  }

  /** Runs a check or reload command to its end, without a shell; its output is this process's. */
  private async runCommand(words: string[], file: string): Promise<number> {
    const [program, ...args] = words.map((word) => (word === FILE_WORD ? file : word));
    const child = spawn(program!, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, [FILE_VARIABLE]: file } });
    try {
      const [code, signal] = (await Promise.race([once(child, 'exit'), once(child, 'error').then(([error]) => Promise.reject(error))])) as [
        number | null,
        NodeJS.Signals | null,
      ];
      return exitCodeOf(code, signal, constants.signals);
    } catch (error) {
      throw new RenderStepError(`cannot run ${program}: ${(error as Error).message}`);
    }
  }
}
