/*
 * Environment knobs of the simulation suites:
 *   SIM_SEED=n              run exactly seed n, printing its step trace
 *   SIM_SEEDS=n             seeds per suite (3-node seeds are odd, 5-node seeds even)
 *   SIM_SEED_START=n        start further along the seed sequence
 *   SIM_TICKS_SCALE=x       stretch the faulty part of every run
 */
import type { HistoryOperation } from './history.js';
import { clusterSizeOf, type Scenario, scenarioFor } from './scenario.js';
import { emptyStats, Simulation, type SimulationOptions, type SimulationResult, type SimulationStats } from './simulation.js';
import { SimViolation } from './violations.js';

export type SeedOutcome =
  | { ok: true; seed: number; scenario: Scenario; result: SimulationResult }
  | { ok: false; seed: number; scenario: Scenario; tick: number; problem: string; history: HistoryOperation[] };

export interface RunOptions extends SimulationOptions {
  ticksScale?: number;
}

export function runSeed(seed: number, options: RunOptions = {}): SeedOutcome {
  const scenario = scenarioFor(seed, options.ticksScale ?? ticksScaleFromEnv());
  const simulation = new Simulation(scenario, { ...options });
  try {
    return { ok: true, seed, scenario, result: simulation.run() };
  } catch (error) {
    const problem = error instanceof SimViolation ? error.message : `${thrower(error)} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    return { ok: false, seed, scenario, tick: simulation.now, problem, history: simulation.history.history() };
  }
}

function thrower(error: unknown): string {
  const firstFrame = (error instanceof Error ? (error.stack ?? '') : '').split('\n').find((line) => line.trim().startsWith('at '));
  return firstFrame?.includes('/plugins/raft-kv/raft/') ? 'the core' : 'the harness';
}

/**
 * The client history of one seeded run, in the linearizability checker's format (up to the
 * failing tick when the run breaks an invariant).
 */
export function recordHistory(seed: number): HistoryOperation[] {
  const outcome = runSeed(seed);
  return outcome.ok ? outcome.result.history : outcome.history;
}

export const SIM_SUITE_PATTERN = "'sim.*\\.test\\.ts$'";

export function replayCommand(seed: number): string {
  return `SIM_SEED=${seed} node --import @swc-node/register/esm-register node_modules/uvu/bin.js test ${SIM_SUITE_PATTERN}`;
}

/**
 * The seeds a suite for `nodes`-node clusters runs: SIM_SEED alone (when it is such a seed),
 * else SIM_SEEDS (or `defaultCount`) seeds from SIM_SEED_START on.
 */
export function seedsFor(nodes: 3 | 5, defaultCount: number): number[] {
  const single = process.env.SIM_SEED;
  if (single !== undefined && single !== '') {
    const seed = Number(single);
    return clusterSizeOf(seed) === nodes ? [seed] : [];
  }
  const count = Number(process.env.SIM_SEEDS ?? defaultCount);
  const start = Number(process.env.SIM_SEED_START ?? 0);
  return Array.from({ length: count }, (_, i) => 2 * (start + i) + (nodes === 3 ? 1 : 2));
}

export function tracingRequested(): boolean {
  return process.env.SIM_SEED !== undefined && process.env.SIM_SEED !== '';
}

function ticksScaleFromEnv(): number {
  return Number(process.env.SIM_TICKS_SCALE ?? 1);
}

export interface SeedFailure {
  seed: number;
  tick: number;
  problem: string;
  profile: string;
  /** The trace lines leading up to the failure, from a second, traced run of the seed. */
  traceTail: string[];
  /** The traced second run failed at the same tick with the same problem. */
  replayedIdentically: boolean;
}

export interface BatchReport {
  seeds: number;
  failures: SeedFailure[];
  totals: SimulationStats;
}

/** Runs seeds, stopping after `maxFailures` failures; each failure is replayed once with a trace. */
export function runSeeds(seeds: readonly number[], options: { maxFailures?: number; trace?: (line: string) => void } = {}): BatchReport {
  const maxFailures = options.maxFailures ?? 5;
  const failures: SeedFailure[] = [];
  const totals: SimulationStats = emptyStats();
  let ran = 0;
  for (const seed of seeds) {
    ran++;
    const outcome = runSeed(seed, options.trace ? { trace: options.trace } : {});
    if (outcome.ok) {
      for (const key of Object.keys(totals) as (keyof SimulationStats)[]) totals[key] += outcome.result.stats[key];
      continue;
    }
    const lines: string[] = [];
    const replay = options.trace ? outcome : runSeed(seed, { trace: (line) => lines.push(line) });
    failures.push({
      seed,
      tick: outcome.tick,
      problem: outcome.problem,
      profile: outcome.scenario.profile,
      traceTail: lines.slice(-60),
      replayedIdentically: !replay.ok && replay.tick === outcome.tick && replay.problem === outcome.problem,
    });
    if (failures.length >= maxFailures) break;
  }
  return { seeds: ran, failures, totals };
}

export function failureReport(failure: SeedFailure): string {
  return [
    `seed ${failure.seed} (${clusterSizeOf(failure.seed)} nodes, ${failure.profile}) failed at tick ${failure.tick}: ${failure.problem}`,
    `  replay: ${replayCommand(failure.seed)}`,
    `  the traced replay ${failure.replayedIdentically ? 'failed identically' : 'did NOT fail identically (nondeterminism in the harness or the core)'}`,
    ...(failure.traceTail.length ? ['  last trace lines:', ...failure.traceTail.map((line) => `    ${line}`)] : []),
  ].join('\n');
}
