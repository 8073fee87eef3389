import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type BatchReport, failureReport, runSeeds, seedsFor, tracingRequested } from './seed-runner.js';

/**
 * A uvu suite running many seeds of `nodes`-node clusters; with SIM_SEED set it runs that one
 * seed (if it is a `nodes`-node seed) and prints its trace.
 */
export function defineSeedSuite(nodes: 3 | 5, defaultCount: number): void {
  const sim = suite(`raft-kv sim: ${nodes} nodes`);

  sim('every seed keeps the Raft invariants, serves no stale read and converges once healed', () => {
    const seeds = seedsFor(nodes, defaultCount);
    if (seeds.length === 0) return;
    const report = runSeeds(seeds, tracingRequested() ? { trace: (line) => console.log(line), maxFailures: 1 } : {});
    console.log(summaryOf(nodes, report));
    for (const failure of report.failures) console.log(failureReport(failure));
    assert.equal(
      report.failures.map((failure) => `seed ${failure.seed}: ${failure.problem.split('\n')[0]}`),
      [],
      `${report.failures.length} seed(s) failed; replay commands are printed above`,
    );
    if (report.seeds >= 200) {
      // Guards the harness itself: a run that injected no faults would pass vacuously.
      const { totals } = report;
      for (const key of ['crashes', 'restarts', 'partitions', 'pauses', 'snapshotsDelivered', 'confChanges', 'transfers', 'writesAcknowledged', 'readsServed'] as const) {
        assert.ok(totals[key] > 0, `no ${key} across ${report.seeds} seeds`);
      }
    }
  });

  sim.run();
}

function summaryOf(nodes: number, report: BatchReport): string {
  const t = report.totals;
  return (
    `raft-kv sim (${nodes} nodes): ${report.seeds} seeds, ${report.failures.length} failed; ` +
    `${t.ticks} ticks, ${t.leaders} elections won, ${t.applied} entries applied, ${t.writesAcknowledged} writes and ${t.readsServed} reads acknowledged, ` +
    `${t.crashes} crashes, ${t.restarts} restarts, ${t.partitions} partitions, ${t.pauses} pauses, ${t.snapshotsDelivered} snapshots delivered, ${t.confChanges} conf changes, ${t.transfers} transfers`
  );
}
