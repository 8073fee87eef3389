/** Where the fleet registry keeps each kind of record in the KV store. */
export class RegistryKeys {
  constructor(readonly prefix: string) {}

  private at(...parts: string[]): string {
    return [this.prefix, ...parts].join('/');
  }

  get jobs(): string {
    return this.at('job');
  }
  job(name: string): string {
    return this.at('job', name);
  }
  get unitContents(): string {
    return this.at('unit');
  }
  unitContent(hash: string): string {
    return this.at('unit', hash);
  }
  get schedule(): string {
    return this.at('schedule');
  }
  machineSchedule(machine: string): string {
    return this.at('schedule', machine);
  }
  assignment(machine: string, unit: string): string {
    return this.at('schedule', machine, unit);
  }
  get machines(): string {
    return this.at('machines');
  }
  machine(id: string): string {
    return this.at('machines', id);
  }
  get metadata(): string {
    return this.at('metadata');
  }
  metadataKey(machine: string, key: string): string {
    return this.at('metadata', machine, key);
  }
  get states(): string {
    return this.at('states');
  }
  machineStates(machine: string): string {
    return this.at('states', machine);
  }
  get engineLease(): string {
    return this.at('engine', 'leader');
  }

  /** The last path segment of a key. */
  static leaf(key: string): string {
    return key.slice(key.lastIndexOf('/') + 1);
  }
}
