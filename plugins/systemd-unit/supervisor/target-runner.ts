import type { UnitActiveState, UnitStatus } from '../../../core/index.js';
import type { UnitDefinition } from '../unit-file/definition.js';
import type { ExecRecord, UnitResult } from '../unit-control.js';
import { evaluateConditions, type ConditionHost } from './conditions.js';

/** A `.target` unit: a synchronization point with no processes, active once started. */
export class TargetRunner {
  activeState: UnitActiveState = 'inactive';
  subState = 'dead';
  result: UnitResult = 'success';
  since?: Date;
  inactiveSince?: Date;
  statusText?: string;
  restarts = 0;
  conditionResult = true;
  conditionFailed?: string;
  mainExec?: ExecRecord;
  controlExecs: ExecRecord[] = [];
  readonly mainPid = undefined;

  constructor(
    public definition: UnitDefinition,
    private readonly host: ConditionHost,
    private readonly changed: (previous: Pick<UnitStatus, 'activeState' | 'subState'>) => void,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  tasks(): number[] {
    return [];
  }

  redefine(definition: UnitDefinition): void {
    this.definition = definition;
  }

  async start(): Promise<void> {
    const outcome = evaluateConditions(this.definition.conditions, this.host);
    this.conditionFailed = outcome.failed;
    this.conditionResult = outcome.ok;
    if (!outcome.asserted) throw new Error(`an assertion failed: ${outcome.failed}`);
    if (!outcome.ok) return;
    this.since = new Date();
    this.set('active', 'active');
  }

  async stop(): Promise<void> {
    if (this.activeState === 'inactive') return;
    this.inactiveSince = new Date();
    this.set('inactive', 'dead');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async reload(): Promise<void> {
    throw new Error('the unit does not support reloading');
  }

  resetFailed(): void {}

  async shutdown(): Promise<void> {
    await this.stop();
  }

  private set(activeState: UnitActiveState, subState: string): void {
    const previous = { activeState: this.activeState, subState: this.subState };
    this.activeState = activeState;
    this.subState = subState;
    this.changed(previous);
  }
}

export type UnitRunner = TargetRunner | import('./service-runner.js').ServiceRunner;
