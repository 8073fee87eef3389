import { Command, Flags } from '@oclif/core';
import { DEFAULT_ENDPOINT, NodeClient, NodeClientError } from './node-client.js';

/** A command that talks to a running node over its API: `--endpoint`, `--token`, `--json`. */
export abstract class ClientCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    endpoint: Flags.string({
      description: "the node's API address",
      env: 'FLOTILLA_ENDPOINT',
      default: DEFAULT_ENDPOINT,
      helpGroup: 'CLIENT',
    }),
    token: Flags.string({
      description: "bearer token, when the node's API requires one",
      env: 'FLOTILLA_TOKEN',
      helpGroup: 'CLIENT',
    }),
  };

  protected client(flags: { endpoint: string; token?: string }): NodeClient {
    return new NodeClient(flags.endpoint, flags.token);
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (error instanceof NodeClientError) this.error(error.message, { exit: 1 });
    return super.catch(error);
  }
}
