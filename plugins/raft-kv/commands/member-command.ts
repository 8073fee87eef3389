import { ClientCommand, NodeClientError } from '../../../core/cli/index.js';
import { MembersError, V2Client } from './v2-client.js';

/** A `flotilla member` command: etcdctl's member output; an error is its message on stderr and exit code 1, as there. */
export abstract class MemberCommand extends ClientCommand {
  protected v2(flags: { endpoint: string; token?: string }): V2Client {
    return new V2Client(flags.endpoint, flags.token);
  }

  protected override async catch(error: Error & { exitCode?: number; code?: string }): Promise<unknown> {
    if (error.code === 'EEXIT') throw error;
    if (error instanceof MembersError || error instanceof NodeClientError) {
      this.logToStderr(error.message);
      this.exit(1);
    }
    return super.catch(error);
  }
}
