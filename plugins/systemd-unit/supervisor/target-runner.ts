import type { UnitDefinition } from '../unit-file/definition.js';
import { evaluateConditions, type ConditionHost } from './conditions.js';
import { RunnerState, type StateListener } from './runner-state.js';

/** A `.target` unit: a synchronization point with no processes, active once started. */
export class TargetRunner extends RunnerState {
  readonly mainPid = undefined;

  constructor(
    definition: UnitDefinition,
    private readonly host: ConditionHost,
    changed: StateListener,
  ) {
    super(definition, changed);
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
    this.setState('active', 'active');
  }

  async stop(): Promise<void> {
    if (this.activeState === 'inactive') return;
    this.inactiveSince = new Date();
    this.setState('inactive', 'dead');
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

}

export type UnitRunner = TargetRunner | import('./service-runner.js').ServiceRunner;
