// Child process for process-ledger.test.ts: a node that starts a unit's process group, records it in
// a ledger, reports "ready <pgid>" and then waits to be SIGKILLed.
import { processesInGroup } from '../../../../plugins/systemd-unit/process/process-group.js';
import { ProcessLedger } from '../../../../plugins/systemd-unit/process/process-ledger.js';
import { ProcessRuntime } from '../../../../plugins/systemd-unit/process/process-runtime.js';

const ledgerFile = process.argv[2]!;
const ledger = new ProcessLedger(ledgerFile);
const handle = await new ProcessRuntime().spawn({
  unit: 'left-behind.service',
  argv: ['/bin/sh', '-c', 'sleep 300 & sleep 300 & wait'],
  env: {},
});
ledger.add('left-behind.service', handle.pgid, handle.startTime);
ledger.flush();
while (processesInGroup(handle.pgid).length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
process.stdout.write(`ready ${handle.pgid}\n`);
setInterval(() => {}, 1 << 30);
