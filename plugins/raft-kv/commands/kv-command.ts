import { Flags } from '@oclif/core';
import { ClientCommand, NodeClientError } from '../../../core/cli/index.js';
import { errorLine, OUTPUT_FORMATS, responseLines, type OutputFormat } from './output.js';
import { EtcdError, V2Client, type KeysAnswer, type V2Response } from './v2-client.js';

/** etcdctl's exit code for an error answer from the cluster, or no cluster at all. */
export const EXIT_SERVER_ERROR = 4;

/** A `flotilla kv` command: etcdctl v2's requests, output modes, error lines and exit codes. */
export abstract class KvCommand extends ClientCommand {
  static override baseFlags = {
    ...ClientCommand.baseFlags,
    output: Flags.option({
      char: 'o',
      options: OUTPUT_FORMATS,
      default: 'simple' as OutputFormat,
      description: "etcdctl's output format: simple (the value), extended (headers, then the value) or json",
      helpGroup: 'OUTPUT',
    })(),
  };

  protected format: OutputFormat = 'simple';

  protected v2(flags: { endpoint: string; token?: string; output?: OutputFormat }): V2Client {
    this.format = flags.output ?? 'simple';
    return new V2Client(flags.endpoint, flags.token);
  }

  /** Prints a response as etcdctl does, unless --json asked for the raw body instead. */
  protected printResponse(answer: KeysAnswer): void {
    if (this.jsonEnabled()) return;
    for (const line of responseLines(answer, this.format)) this.log(line);
  }

  /** The result --json prints: the body etcd answered. */
  protected raw(answer: KeysAnswer): V2Response {
    return answer.body;
  }

  protected override async catch(error: Error & { exitCode?: number; code?: string }): Promise<unknown> {
    if (printedAsKvError(error, this.jsonEnabled())) this.exit(EXIT_SERVER_ERROR);
    return super.catch(error);
  }
}

/** Prints an etcd or node error as the kv commands do; false for errors that are not one (exits pass through). */
export function printedAsKvError(error: Error & { code?: string }, json: boolean): boolean {
  if (error.code === 'EEXIT') throw error;
  if (!(error instanceof EtcdError || error instanceof NodeClientError)) return false;
  process.stderr.write(`${errorLine(error, json)}\n`);
  return true;
}
