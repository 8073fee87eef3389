import type { UnitActiveState, UnitStatus } from '../../../core/index.js';
import type { UnitDefinition } from '../unit-file/definition.js';
import type { ExecRecord, UnitResult } from '../unit-control.js';

export type StateListener = (previous: Pick<UnitStatus, 'activeState' | 'subState'>) => void;

/** What every kind of unit reports: its state, when it got there, and how the last run went. */
export abstract class RunnerState {
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

  constructor(
    public definition: UnitDefinition,
    private readonly onChange: StateListener,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  protected setState(activeState: UnitActiveState, subState: string): void {
    if (this.activeState === activeState && this.subState === subState) return;
    const previous = { activeState: this.activeState, subState: this.subState };
    this.activeState = activeState;
    this.subState = subState;
    this.onChange(previous);
  }
}
