import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { settings } from '@oclif/core';
import { runCommand } from '@oclif/test';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../../../support/temp-dir.js';
import { startUnitNode, type UnitNode } from './unit-node.js';

// `flotilla unit …` against a node whose /v1/units is backed by the fake.
const cli = suite('systemd-unit api: flotilla unit commands');

const root = path.resolve(import.meta.dirname, '../../../..');
const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
// The source registry, so the suite needs no build.
pjson.oclif.commands = { ...pjson.oclif.commands, target: './cli/command-registry.ts' };

let unitNode: UnitNode;
let files: { path: string; cleanup(): void };

async function unit(...args: string[]) {
  settings.enableAutoTranspile = false;
  const result = await runCommand(['unit', ...args, '--endpoint', unitNode.node.url], { root, pjson });
  return { ...result, code: result.error ? (result.error.oclif?.exit ?? 1) : 0 };
}

cli.before(async () => {
  unitNode = await startUnitNode();
  files = tempDir();
  await unitNode.control.start('app.service');
  await unitNode.control.start('broken.service').catch(() => undefined);
  unitNode.journal.add({ _SYSTEMD_UNIT: 'app.service', SYSLOG_IDENTIFIER: 'app', _PID: '1000', _HOSTNAME: 'node-1', MESSAGE: 'listening on :8080' }, 1_795_828_346_000_000n);
  unitNode.journal.add({ _SYSTEMD_UNIT: 'idle.service', SYSLOG_IDENTIFIER: 'idle', _PID: '7', _HOSTNAME: 'node-1', MESSAGE: 'not app' }, 1_795_828_347_000_000n);
});
cli.after(async () => {
  files?.cleanup();
  await unitNode?.node.stop();
});

cli('list shows active and failed units in systemctl columns; --all adds inactive ones; --state filters', async () => {
  const listed = await unit('list');
  assert.is(listed.code, 0, listed.stderr);
  const lines = listed.stdout.split('\n');
  assert.match(lines[0]!, /^ {2}UNIT +LOAD +ACTIVE +SUB +DESCRIPTION$/);
  assert.match(lines[1]!, /^ {2}app\.service +loaded +active +running +The app$/);
  assert.match(lines[2]!, /^● broken\.service +loaded +failed +failed +Always fails$/);
  assert.is(lines[3], '');
  assert.is(lines[4], '2 loaded units listed. Pass --all to see loaded but inactive units, too.');

  const all = await unit('list', '--all', '--no-legend');
  assert.equal(
    all.stdout.trimEnd().split('\n').map((line) => line.split(/\s+/).slice(0, 5).join(' ')),
    [' app.service loaded active running', '● broken.service loaded failed failed', ' idle.service loaded inactive dead', ' tpl@.service loaded inactive dead'],
  );
  const failed = await unit('list', '--state=failed', '--no-legend');
  assert.equal(failed.stdout.trim().split('\n').length, 1);
  assert.match(failed.stdout, /broken\.service/);
  const inactive = await unit('list', '--state', 'inactive,running', '--json');
  assert.equal(JSON.parse(inactive.stdout).map((u: { name: string }) => u.name), ['app.service', 'idle.service', 'tpl@.service']);
});

cli('status prints the unit and its journal lines; exits 0 active, 3 inactive, 4 not found', async () => {
  const active = await unit('status', 'app');
  assert.is(active.code, 0, active.stderr);
  const lines = active.stdout.trimEnd().split('\n');
  assert.is(lines[0], '● app.service - The app');
  assert.is(lines[1], `     Loaded: loaded (${path.join(unitNode.control.unitDir, 'app.service')}; disabled)`);
  assert.is(lines[2], `    Drop-In: ${path.join(unitNode.control.unitDir, 'app.service.d')}`);
  assert.is(lines[3], '             └─override.conf');
  assert.match(lines[4]!, /^ {5}Active: active \(running\) since \w{3} 2026-11-28 \d\d:\d\d:26 \S+; .+ (ago|left)$/);
  assert.match(lines[5]!, /^ {3}Main PID: \d+ \(sleep\)$/);
  assert.is(lines[6], '');
  assert.match(lines[7]!, /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d node-1 app\[1000\]: listening on :8080$/);
  assert.is(lines.length, 8);

  const quiet = await unit('status', 'app.service', '-n', '0');
  assert.not.match(quiet.stdout, /listening/);

  const inactive = await unit('status', 'idle.service');
  assert.is(inactive.code, 3);
  assert.match(inactive.stdout, /Active: inactive \(dead\)/);
  assert.match(inactive.stdout, /idle\[7\]: not app/);

  const failed = await unit('status', 'broken.service');
  assert.is(failed.code, 3);
  assert.match(failed.stdout, /Active: failed \(Result: exit-code\)/);

  const missing = await unit('status', 'ghost.service');
  assert.is(missing.code, 4);
  assert.match(missing.stderr, /Unit ghost\.service could not be found\./);

  const both = await unit('status', 'app.service', 'ghost.service');
  assert.is(both.code, 4);
  assert.match(both.stdout, /app\.service - The app/);

  const json = await unit('status', 'app.service', '--json');
  assert.is(json.code, 0);
  assert.is(JSON.parse(json.stdout)[0].activeState, 'active');
  const jsonInactive = await unit('status', 'idle.service', '--json');
  assert.is(jsonInactive.code, 3);
  assert.is(JSON.parse(jsonInactive.stdout)[0].activeState, 'inactive');
});

cli('enable and disable print the links as systemctl does; --now starts and stops', async () => {
  const link = path.join(unitNode.control.unitDir, 'multi-user.target.wants', 'app.service');
  const fragment = path.join(unitNode.control.unitDir, 'app.service');
  const enabled = await unit('enable', 'app.service');
  assert.is(enabled.code, 0, enabled.stderr);
  assert.is(enabled.stdout, `Created symlink ${link} → ${fragment}.\n`);
  const disabled = await unit('disable', 'app');
  assert.is(disabled.code, 0, disabled.stderr);
  assert.is(disabled.stdout, `Removed "${link}".\n`);

  await unitNode.control.stop('idle.service');
  const now = await unit('enable', '--now', 'idle.service');
  assert.is(now.code, 0, now.stderr);
  assert.is(unitNode.control.units.get('idle.service')!.detail.activeState, 'active');
  await unit('disable', '--now', 'idle.service');
  assert.is(unitNode.control.units.get('idle.service')!.detail.activeState, 'inactive');

  const missing = await unit('enable', 'ghost.service');
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /Failed to enable unit: Unit ghost\.service not found\./);
});

cli('start, stop, restart: a failed job exits 1 with its reason, an unknown unit 5', async () => {
  const stopped = await unit('stop', 'app.service');
  assert.is(stopped.code, 0, stopped.stderr);
  assert.is(unitNode.control.units.get('app.service')!.detail.activeState, 'inactive');
  assert.is((await unit('start', 'app')).code, 0);
  assert.is((await unit('restart', 'app.service')).code, 0);
  assert.is(unitNode.control.units.get('app.service')!.detail.activeState, 'active');

  const failed = await unit('start', 'broken.service');
  assert.is(failed.code, 1);
  assert.match(failed.stderr, /Job for broken\.service failed because the control process exited with error code\./);
  assert.match(failed.stderr, /flotilla unit status broken\.service/);
  const missing = await unit('start', 'ghost.service', 'app.service');
  assert.is(missing.code, 5);
  assert.match(missing.stderr, /Failed to start ghost\.service: Unit ghost\.service not found\./);
  const reloadInactive = await unit('reload', 'idle.service');
  assert.is(reloadInactive.code, 1);
  const badName = await unit('start', 'bad!name');
  assert.is(badName.code, 1);
  assert.match(badName.stderr, /Invalid unit name/);
});

cli('cat prints each file under a "# path" line', async () => {
  const shown = await unit('cat', 'app.service');
  assert.is(shown.code, 0, shown.stderr);
  const dir = unitNode.control.unitDir;
  assert.is(
    shown.stdout,
    `# ${dir}/app.service\n[Unit]\nDescription=The app\n\n[Service]\nExecStart=/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n\n` +
      `# ${dir}/app.service.d/override.conf\n[Service]\nNice=5\n`,
  );
  const missing = await unit('cat', 'ghost.service');
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /No files found for ghost\.service\./);
});

cli('daemon-reload, reset-failed and load go through the API', async () => {
  const reload = await unit('daemon-reload');
  assert.is(reload.code, 0, reload.stderr);
  assert.ok(unitNode.control.calls.includes('daemon-reload'));

  await unitNode.control.start('broken.service').catch(() => undefined);
  assert.is((await unit('reset-failed', 'broken.service')).code, 0);
  assert.is(unitNode.control.units.get('broken.service')!.detail.activeState, 'inactive');
  assert.is((await unit('reset-failed')).code, 0);
  assert.ok(unitNode.control.calls.includes('reset-failed'));

  const file = path.join(files.path, 'fresh.service');
  writeFileSync(file, '[Unit]\nDescription=Fresh\n\n[Service]\nExecStart=/bin/true\n');
  const loaded = await unit('load', file);
  assert.is(loaded.code, 0, loaded.stderr);
  assert.is(unitNode.control.units.get('fresh.service')!.content, readFileSync(file, 'utf8'));

  const bogus = path.join(files.path, 'bogus.service');
  writeFileSync(bogus, '[Service]\nBogus=1\n');
  const bad = await unit('load', bogus);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /Unit bogus\.service is bad-setting/);

  const misnamed = path.join(files.path, 'notes.txt');
  writeFileSync(misnamed, '[Unit]\n');
  const refused = await unit('load', misnamed);
  assert.is(refused.code, 1);
  assert.match(refused.error!.message, /Invalid unit name "notes\.txt"/);
});

cli('an unreachable node is exit 1 with the reason', async () => {
  settings.enableAutoTranspile = false;
  const down = await runCommand(['unit', 'list', '--endpoint', 'http://127.0.0.1:1'], { root, pjson });
  assert.match(down.error!.message, /cannot reach a node/);
  assert.is(down.error!.oclif?.exit, 1);
});

cli('verify checks files locally: a bad line is reported as file:line and exits 1', async () => {
  const good = path.join(files.path, 'good.service');
  writeFileSync(good, '[Unit]\nDescription=Good\n\n[Service]\nExecStart=/bin/true\n');
  const clean = await runCommand(['unit', 'verify', good], { root, pjson });
  assert.is(clean.error, undefined, clean.stderr);
  assert.is(clean.stderr, '');

  const broken = path.join(files.path, 'broken-file.service');
  writeFileSync(broken, '[Unit]\nDescription=Broken\n\n[Service]\nthis line has no equals sign\nExecStart=/bin/true\n');
  const checked = await runCommand(['unit', 'verify', good, broken], { root, pjson });
  assert.is(checked.error?.oclif?.exit, 1, checked.stderr);
  const lines = checked.stderr.trim().split('\n');
  assert.ok(lines.length > 0 && lines.every((line) => line.startsWith(`${broken}:5: `)), checked.stderr);
});

cli.run();
