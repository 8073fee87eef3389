import { Flags } from '@oclif/core';
import { ClientCommand, NodeClientError } from '../../../core/cli/index.js';
import { machineLegend, type MachineLookup } from './columns.js';
import { FleetApi, FleetApiError, type FleetMachine } from './fleet-api.js';
import { Spinner } from './wait.js';

/** The machines of the cluster, fetched once per command and only when a legend needs them. */
export class MachineDirectory {
  private loaded: Promise<Map<string, FleetMachine>> | undefined;

  constructor(private readonly api: FleetApi) {}

  /** Best effort, as fleetctl's: a failed listing leaves machines known by id only. */
  load(): Promise<Map<string, FleetMachine>> {
    this.loaded ??= this.api.machines().then(
      (machines) => new Map(machines.map((m) => [m.id, m])),
      () => new Map(),
    );
    return this.loaded;
  }

  async lookup(): Promise<MachineLookup> {
    const machines = await this.load();
    return (id) => machines.get(id) ?? { id };
  }

  /** `2c4f1e3a.../10.0.0.1`, or undefined for a machine not in the cluster. */
  async legend(id: string | undefined): Promise<string | undefined> {
    if (!id) return undefined;
    const machine = (await this.load()).get(id);
    return machine ? machineLegend(machine, false) : undefined;
  }
}

export const BLOCK_FLAGS = {
  'no-block': Flags.boolean({ description: 'do not wait for the units to reach their state; always the case for global units' }),
  'block-attempts': Flags.integer({
    description: 'give up waiting after N attempts of 2 s each (polling every 250 ms); 0 waits as long as it takes',
    default: 0,
    min: 0,
  }),
};

export const REPLACE_FLAG = {
  replace: Flags.boolean({ description: 'replace units in the registry whose local unit file differs' }),
};

/** A `flotilla fleet` command: talks to a node's fleet API and ends with fleetctl's messages and exit codes. */
export abstract class FleetCommand extends ClientCommand {
  static override enableJsonFlag = false;

  protected readonly spinner = new Spinner();

  protected fleetApi(flags: { endpoint: string; token?: string }): FleetApi {
    return new FleetApi(flags.endpoint, flags.token);
  }

  protected out(line: string): void {
    this.spinner.around(() => this.log(line));
  }

  protected err(line: string): void {
    this.spinner.around(() => this.logToStderr(line));
  }

  /** Prints the message on stderr and exits 1, as fleetctl does on every error. */
  protected fail(message: string): never {
    this.err(message);
    return this.exit(1);
  }

  /** Runs `work`; when it fails, ends the command with `prefix: message`. */
  protected async orFail<T>(prefix: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      return this.fail(`${prefix}: ${(error as Error).message}`);
    }
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    this.spinner.stop();
    return super.finally(error);
  }

  protected override async catch(error: Error & { exitCode?: number; code?: string }): Promise<unknown> {
    if (error.code === 'EEXIT') throw error;
    if (error instanceof FleetApiError || error instanceof NodeClientError) {
      this.spinner.stop();
      this.logToStderr(error.message);
      return this.exit(1);
    }
    return super.catch(error);
  }
}
