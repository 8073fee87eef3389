import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkLinearizable, formatHistory } from '../../../support/linearizability/index.js';
import { recordHistory, replayCommand } from '../../../support/sim/seed-runner.js';

// The simulated clients' histories (writes, compare-and-sets and ReadIndex reads under drops,
// partitions, crashes and membership changes) must be linearizable, key by key.
const histories = suite('raft-kv simulation: client histories are linearizable');

const SEEDS = Number(process.env.SIM_HISTORY_SEEDS ?? 300);

histories(`${SEEDS} seeded runs, 3 and 5 members`, () => {
  let ops = 0;
  let checked = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const history = recordHistory(seed);
    ops += history.length;
    const result = checkLinearizable(history, { timeoutMs: 20_000 });
    if (result.ok === true) {
      checked++;
      continue;
    }
    const detail = result.ok === false ? `${result.message}\n${formatHistory(result.ops)}` : `checker gave up on key ${result.key}: ${result.reason}`;
    assert.unreachable(`seed ${seed}: history of key ${result.key} is not linearizable (replay: ${replayCommand(seed)})\n${detail}`);
  }
  assert.is(checked, SEEDS);
  assert.ok(ops > SEEDS, 'the runs recorded operations');
});

histories.run();
