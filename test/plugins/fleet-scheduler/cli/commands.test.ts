import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../../../support/temp-dir.js';
import { FakeFleet, fleet, M1, M2 } from './fake-fleet.js';

// `flotilla fleet …` against a fake of the node's fleet API that records what the commands send.
const cli = suite('fleet cli: commands against a fake fleet API');

let api: FakeFleet;
let files: { path: string; cleanup(): void };

const HELLO_FILE = `[Unit]
Description=Hello World

[Service]
# comments are not part of the unit
ExecStart=/bin/bash -c "while true; do echo Hello; sleep 1; done"

[X-Fleet]
Conflicts=hello*
`;
const WEB_TEMPLATE = '[Unit]\nDescription=Web %i\n\n[Service]\nExecStart=/bin/sleep 1000\n';
const GLOBAL = [
  { section: 'Service', name: 'ExecStart', value: '/bin/sleep 1000' },
  { section: 'X-Fleet', name: 'Global', value: 'true' },
];

/** Runs in `dir` as the working directory, as fleetctl users run it next to their unit files. */
async function inDir<T>(dir: string, run: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await run();
  } finally {
    process.chdir(before);
  }
}

const run = (...args: string[]) => fleet(api.url, ...args);

cli.before(async () => {
  api = await new FakeFleet().start();
  files = tempDir();
  mkdirSync(path.join(files.path, 'units'));
  writeFileSync(path.join(files.path, 'units', 'hello.service'), HELLO_FILE);
  writeFileSync(path.join(files.path, 'web@.service'), WEB_TEMPLATE);
});
cli.before.each(() => api.reset());
cli.after(async () => {
  files?.cleanup();
  await api?.stop();
});

cli('list-machines: every page, tab-padded columns, short ids, sorted metadata; --full, --no-legend, --fields', async () => {
  const listed = await run('list-machines');
  assert.is(listed.code, 0, listed.stderr);
  assert.is(listed.stdout, 'MACHINE\t\tIP\t\tMETADATA\n2c4f1e3a...\t10.0.0.1\tdisk=ssd,region=us\n5e1a7c02...\t10.0.0.2\t-\n9f0b1c2d...\t-\t\t-\n');
  assert.equal(api.log(), ['GET /fleet/v1/machines?alt=json', 'GET /fleet/v1/machines?alt=json&nextPageToken=p2']);

  const full = await run('list-machines', '--full', '--no-legend', '--fields=machine,ip');
  assert.is(full.stdout.split('\n')[0], `${M1}\t10.0.0.1`);
  const fleetctlSpelling = await run('list-machines', '--l', '--no-legend', '--fields=machine');
  assert.is(fleetctlSpelling.stdout.split('\n')[1], M2);

  const json = await run('list-machines', '--json');
  assert.equal(JSON.parse(json.stdout).map((m: { id: string }) => m.id), api.machines.map((m) => m.id));

  const bad = await run('list-machines', '--fields=machine,bogus');
  assert.is(bad.code, 1);
  assert.is(bad.stderr, 'Invalid key in output format: "bogus"\n');
  const empty = await run('list-machines', '--fields=');
  assert.is(empty.stderr, 'Must define output format\n');
});

cli('list-units: one row per published state, MACHINE as <short>.../<ip>; the machine pages come after the state pages', async () => {
  api.addUnit({ name: 'hello.service', desiredState: 'launched' });
  api.addUnit({ name: 'web@1.service', desiredState: 'loaded' }, M2);
  const listed = await run('list-units');
  assert.is(listed.code, 0, listed.stderr);
  assert.is(listed.stdout, 'UNIT\t\tMACHINE\t\t\tACTIVE\t\tSUB\nhello.service\t2c4f1e3a.../10.0.0.1\tactive\t\trunning\nweb@1.service\t5e1a7c02.../10.0.0.2\tinactive\tdead\n');
  assert.equal(api.log(), [
    'GET /fleet/v1/state?alt=json',
    'GET /fleet/v1/state?alt=json&nextPageToken=p2',
    'GET /fleet/v1/machines?alt=json',
    'GET /fleet/v1/machines?alt=json&nextPageToken=p2',
  ]);
  const fields = await run('list-units', '--no-legend', '--fields=unit,load,hash', '-l');
  assert.is(fields.stdout, 'hello.service\tloaded\ta1b2c3d4e5f60718293a4b5c6d7e8f9012345678\nweb@1.service\tloaded\ta1b2c3d4e5f60718293a4b5c6d7e8f9012345678\n');
  assert.is(api.log().filter((r) => r.includes('machines')).length, 2, 'no machine listing when no MACHINE column is shown');
});

cli('list-unit-files: HASH computed from the options, DSTATE, STATE ("-" for globals), TARGET (global, -, machine)', async () => {
  api.addUnit({ name: 'a.service', desiredState: 'launched' });
  api.addUnit({ name: 'g.service', desiredState: 'launched', options: GLOBAL });
  api.addUnit({ name: 'idle.service' });
  const listed = await run('list-unit-files');
  assert.is(listed.code, 0, listed.stderr);
  const lines = listed.stdout.split('\n');
  assert.is(lines[0], 'UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET');
  assert.match(lines[1]!, /^a\.service\t[0-9a-f]{7}\tlaunched\tlaunched\t2c4f1e3a\.\.\.\/10\.0\.0\.1$/);
  assert.match(lines[2]!, /^g\.service\t[0-9a-f]{7}\tlaunched\t-\t\tglobal$/);
  assert.match(lines[3]!, /^idle\.service\t[0-9a-f]{7}\tinactive\tinactive\t-$/);

  const deprecated = await run('list-unit-files', '--fields=unit,tmachine,global,desc', '--no-legend');
  assert.is(deprecated.stderr, 'WARNING: The "tmachine" field is deprecated. Use "target" instead\n');
  assert.is(deprecated.stdout.split('\n')[1], 'g.service\tglobal\t\t\ttrue\t-');
});

cli('submit: GET (404), PUT {name, options} without a desired state, GET until inactive, as fleetctl sends them', async () => {
  const submitted = await inDir(files.path, () => run('submit', 'units/hello.service'));
  assert.is(submitted.code, 0, submitted.stderr);
  assert.is(submitted.stdout, 'Unit hello.service inactive\n');
  assert.equal(api.log(), ['GET /fleet/v1/units/hello.service?alt=json', 'PUT /fleet/v1/units/hello.service?alt=json', 'GET /fleet/v1/units/hello.service?alt=json']);
  const put = api.requests[1]!;
  assert.is(put.contentType, 'application/json');
  assert.is(
    put.body,
    '{"name":"hello.service","options":[{"section":"Unit","name":"Description","value":"Hello World"},' +
      '{"section":"Service","name":"ExecStart","value":"/bin/bash -c \\"while true; do echo Hello; sleep 1; done\\""},' +
      '{"section":"X-Fleet","name":"Conflicts","value":"hello*"}]}',
  );

  const cat = await run('cat', 'hello');
  assert.is(cat.stdout, '[Unit]\nDescription=Hello World\n\n[Service]\nExecStart=/bin/bash -c "while true; do echo Hello; sleep 1; done"\n\n[X-Fleet]\nConflicts=hello*\n');
});

cli('submit of a unit already in the registry: nothing when equal, a warning when the file differs, --replace re-PUTs it', async () => {
  await inDir(files.path, () => run('submit', 'units/hello.service'));
  api.requests.length = 0;
  const same = await inDir(files.path, () => run('submit', 'units/hello.service'));
  assert.is(same.code, 0);
  assert.is(same.stdout + same.stderr, '');
  assert.equal(api.log(), ['GET /fleet/v1/units/hello.service?alt=json']);

  api.units.get('hello.service')!.options = [{ section: 'Service', name: 'ExecStart', value: '/bin/old' }];
  const differs = await inDir(files.path, () => run('submit', 'units/hello.service'));
  assert.is(differs.code, 0);
  assert.is(differs.stderr, 'WARNING: Unit hello.service in registry differs from local unit file units/hello.service. Add --replace to override.\n');
  assert.not.ok(api.log().some((r) => r.startsWith('PUT')));

  api.requests.length = 0;
  const replaced = await inDir(files.path, () => run('submit', '--replace', 'units/hello.service'));
  assert.is(replaced.code, 0, replaced.stderr);
  assert.is(replaced.stdout, 'Unit hello.service inactive\n');
  assert.equal(api.log(), ['GET /fleet/v1/units/hello.service?alt=json', 'PUT /fleet/v1/units/hello.service?alt=json', 'GET /fleet/v1/units/hello.service?alt=json']);
  assert.is(api.units.get('hello.service')!.options[0]!.value, 'Hello World');

  api.units.get('hello.service')!.options = [{ section: 'Service', name: 'ExecStart', value: '/bin/old' }];
  api.units.get('hello.service')!.desiredState = 'launched';
  const refused = await inDir(files.path, () => run('submit', '--replace', 'units/hello.service'));
  assert.is(refused.stderr, "Warning: can not replace Unit(hello.service) in state 'launched', use the appropriate command\n");
});

cli('submit errors: no file and no template, an unparsable file, a refused PUT; no arguments is fleetctl\'s no-op', async () => {
  const missing = await inDir(files.path, () => run('submit', 'nothing'));
  assert.is(missing.code, 1);
  assert.is(missing.stderr, 'Error creating units: unable to find Unit(nothing.service) in Registry or on filesystem\n');
  const noTemplate = await inDir(files.path, () => run('submit', 'db@1'));
  assert.is(noTemplate.stderr, 'Error creating units: unable to find Unit(db@1.service) or template Unit(db@.service) in Registry or on filesystem\n');

  writeFileSync(path.join(files.path, 'bad.service'), '[Service\nExecStart=/x\n');
  const bad = await inDir(files.path, () => run('submit', 'bad.service'));
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /^Error creating units: failed getting Unit\(bad\.service\) from file: line 1: unable to find end of section\n$/);

  writeFileSync(path.join(files.path, 'empty.service'), '# nothing\n');
  const empty = await inDir(files.path, () => run('submit', 'empty.service'));
  assert.is(empty.stderr, 'Error creating units: failed creating unit empty.service: Error 409: unit does not exist and options field empty\n');

  const none = await run('submit');
  assert.is(none.code, 0);
  assert.is(none.stderr, 'No units given\n');
});

cli('submit of a global unit prints fleetctl\'s "Unit NAME " with no state; starting a template is refused', async () => {
  writeFileSync(path.join(files.path, 'everywhere.service'), '[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nGlobal=true\n');
  const global = await inDir(files.path, () => run('submit', 'everywhere'));
  assert.is(global.code, 0, global.stderr);
  assert.is(global.stdout, 'Unit everywhere.service \n');

  api.addUnit({ name: 'web@.service' });
  api.rejectTemplates = true;
  const template = await run('start', 'web@.service');
  assert.is(template.code, 1);
  assert.is(template.stderr, 'Error starting units: failed setting the desired state of unit web@.service: Error 400: cannot activate template "web@.service"\n');
});

cli('start web@1.service from ./web@.service: the requests of PART 2, then "launched on <short>.../<ip>"', async () => {
  const started = await inDir(files.path, () => run('start', 'web@1.service'));
  assert.is(started.code, 0, started.stderr);
  assert.is(started.stdout, 'Unit web@1.service inactive\nUnit web@1.service launched on 2c4f1e3a.../10.0.0.1\n');
  assert.equal(api.log(), [
    'GET /fleet/v1/units/web%401.service?alt=json',
    'GET /fleet/v1/units/web%40.service?alt=json',
    'PUT /fleet/v1/units/web%401.service?alt=json',
    'GET /fleet/v1/units/web%401.service?alt=json',
    'GET /fleet/v1/units/web%401.service?alt=json',
    'PUT /fleet/v1/units/web%401.service?alt=json',
    'GET /fleet/v1/units/web%401.service?alt=json',
    'GET /fleet/v1/machines?alt=json',
    'GET /fleet/v1/machines?alt=json&nextPageToken=p2',
    'GET /fleet/v1/state/web%401.service?alt=json',
  ]);
  assert.is(api.requests[2]!.body, JSON.stringify({ name: 'web@1.service', options: api.units.get('web@1.service')!.options }));
  assert.is(api.requests[5]!.body, '{"desiredState":"launched","name":"web@1.service"}');
  assert.is(api.units.get('web@1.service')!.options[0]!.value, 'Web %i');
});

cli("start 'web@{1..3}.service' with the template in the registry: three instances, polled until launched, reported in order", async () => {
  api.addUnit({ name: 'web@.service', options: [{ section: 'Service', name: 'ExecStart', value: '/bin/web' }] });
  api.lag = 3;
  const started = await run('start', 'web@{1..3}.service');
  assert.is(started.code, 0, started.stderr);
  assert.is(
    started.stdout,
    [1, 2, 3].map((i) => `Unit web@${i}.service inactive\n`).join('') + [1, 2, 3].map((i) => `Unit web@${i}.service launched on 2c4f1e3a.../10.0.0.1\n`).join(''),
  );
  for (const i of [1, 2, 3]) {
    const unit = api.units.get(`web@${i}.service`)!;
    assert.equal([unit.desiredState, unit.options[0]!.value], ['launched', '/bin/web']);
  }
  assert.ok(api.log().filter((r) => r === 'GET /fleet/v1/units/web%402.service?alt=json').length >= 4, 'polled until the state showed');
  assert.not.ok(api.log().some((r) => r.includes('/units/web%40.service') && !r.startsWith('GET')), 'the template itself is left alone');
});

cli("start 'app*' matches units in the registry; already launched units are not set again; globals are never waited for", async () => {
  api.addUnit({ name: 'app-a.service' });
  api.addUnit({ name: 'app-b.service', desiredState: 'launched' });
  api.addUnit({ name: 'app-g.service', options: GLOBAL });
  api.addUnit({ name: 'db.service' });
  const started = await inDir(files.path, () => run('start', 'app*'));
  assert.is(started.code, 0, started.stderr);
  assert.is(started.stdout, 'Triggered global unit app-g.service start\nUnit app-a.service launched on 2c4f1e3a.../10.0.0.1\n');
  const puts = api.requests.filter((r) => r.method === 'PUT').map((r) => `${r.url} ${r.body}`);
  assert.equal(puts, [
    '/fleet/v1/units/app-a.service?alt=json {"desiredState":"launched","name":"app-a.service"}',
    '/fleet/v1/units/app-g.service?alt=json {"desiredState":"launched","name":"app-g.service"}',
  ]);
  assert.is(api.units.get('db.service')!.desiredState, 'inactive');

  const none = await inDir(files.path, () => run('start', 'zzz*'));
  assert.is(none.code, 1);
  assert.is(none.stderr, 'Error creating units: no unit in the registry or on disk matches zzz*\n');
});

cli('start --no-block and load --no-block print "Triggered unit X start|load" without waiting', async () => {
  api.addUnit({ name: 'web@.service', options: [{ section: 'Service', name: 'ExecStart', value: '/bin/web' }] });
  api.addUnit({ name: 'web@2.service', options: [{ section: 'Service', name: 'ExecStart', value: '/bin/web' }] });
  api.frozen.add('web@2.service');
  const loaded = await run('load', '--no-block', 'web@2');
  assert.is(loaded.code, 0, loaded.stderr);
  assert.is(loaded.stdout, 'Triggered unit web@2.service load\n');
  assert.is(api.requests.at(-1)!.body, '{"desiredState":"loaded","name":"web@2.service"}');
  assert.is(api.requests.at(-1)!.method, 'PUT');

  const started = await run('start', '--no-block', 'web@2');
  assert.is(started.stdout, 'Triggered unit web@2.service start\n');
  assert.is(api.requests.at(-1)!.method, 'PUT');
});

cli('load waits for loaded: "Unit X loaded on <short>.../<ip>"; start also waits for systemd\'s active state', async () => {
  api.addUnit({ name: 'a.service' });
  const loaded = await run('load', 'a');
  assert.is(loaded.stdout, 'Unit a.service loaded on 2c4f1e3a.../10.0.0.1\n');
  assert.not.ok(api.log().some((r) => r.includes('/state/')), 'load does not look at systemd states');
});

cli('--block-attempts=1 gives up after one 2 s attempt; a unit that stays failed is reported rather than waited for', async () => {
  api.addUnit({ name: 'stuck.service' });
  api.frozen.add('stuck.service');
  const t0 = performance.now();
  const stuck = await run('start', '--block-attempts=1', 'stuck');
  const took = performance.now() - t0;
  assert.is(stuck.code, 1);
  assert.is(stuck.stderr, 'Error waiting for units: timed out waiting for unit stuck.service to report state launched\n');
  assert.ok(took >= 1_700 && took < 4_000, `one attempt is about 2 s (took ${Math.round(took)} ms)`);

  api.addUnit({ name: 'crash.service' });
  api.failing.add('crash.service');
  const crash = await run('start', 'crash');
  assert.is(crash.code, 1);
  assert.is(crash.stdout, 'Unit crash.service launched on 2c4f1e3a.../10.0.0.1\n');
  assert.is(crash.stderr, 'Error waiting for units: unit crash.service failed on 2c4f1e3a.../10.0.0.1\n');
});

cli('stop: GET /units, PUT loaded for launched units, wait; globals triggered; "Successfully stopped units [..]." on stderr', async () => {
  api.addUnit({ name: 'a.service', desiredState: 'launched' });
  api.addUnit({ name: 'b.service', desiredState: 'loaded' });
  api.addUnit({ name: 'g.service', desiredState: 'launched', options: GLOBAL });
  api.lag = 2;
  const stopped = await run('stop', 'a', 'b.service', 'g', 'missing');
  assert.is(stopped.code, 0, stopped.stderr);
  assert.is(stopped.stdout, 'Triggered global unit g.service stop\nUnit a.service loaded on 2c4f1e3a.../10.0.0.1\n');
  assert.is(stopped.stderr, 'Successfully stopped units [a.service].\n');
  const log = api.log();
  assert.equal(log.slice(0, 4), [
    'GET /fleet/v1/units?alt=json',
    'GET /fleet/v1/units?alt=json&nextPageToken=p2',
    'PUT /fleet/v1/units/a.service?alt=json',
    'PUT /fleet/v1/units/g.service?alt=json',
  ]);
  assert.is(api.requests[2]!.body, '{"desiredState":"loaded","name":"a.service"}');
  assert.ok(log.slice(4).every((r) => r.startsWith('GET /fleet/v1/units/a.service') || r.startsWith('GET /fleet/v1/machines')));

  const inactive = await run('stop', 'missing', 'idle');
  assert.is(inactive.code, 0);
  assert.is(inactive.stderr, 'Units not found in registry\n');
  api.addUnit({ name: 'idle.service' });
  const refused = await run('stop', 'idle');
  assert.is(refused.code, 1);
  assert.is(refused.stderr, 'Unable to stop unit idle.service in state inactive\n');

  const noBlock = await run('stop', '--no-block', 'missing', 'g');
  assert.is(noBlock.stdout, 'Triggered global unit g.service stop\n');
  assert.is(noBlock.stderr, 'Successfully stopped units [].\n');
});

cli('unload: PUT inactive, wait for inactive, "Successfully unloaded units [..]."; inactive units are skipped', async () => {
  api.addUnit({ name: 'a.service', desiredState: 'launched' });
  api.addUnit({ name: 'idle.service' });
  const unloaded = await run('unload', 'a', 'idle');
  assert.is(unloaded.code, 0, unloaded.stderr);
  assert.is(unloaded.stdout, 'Unit a.service inactive\n');
  assert.is(unloaded.stderr, 'Successfully unloaded units [a.service].\n');
  assert.equal(
    api.requests.filter((r) => r.method === 'PUT').map((r) => r.body),
    ['{"desiredState":"inactive","name":"a.service"}'],
  );
});

cli('destroy: GET /units, then DELETE each → "Destroyed X"; globs and braces; nothing found is not an error', async () => {
  for (const name of ['a.service', 'b.service', 'web@1.service', 'web@2.service']) api.addUnit({ name });
  const destroyed = await run('destroy', 'a', 'b');
  assert.is(destroyed.code, 0, destroyed.stderr);
  assert.is(destroyed.stdout, 'Destroyed a.service\nDestroyed b.service\n');
  assert.equal(api.log(), [
    'GET /fleet/v1/units?alt=json',
    'GET /fleet/v1/units?alt=json&nextPageToken=p2',
    'GET /fleet/v1/units?alt=json&nextPageToken=p3',
    'DELETE /fleet/v1/units/a.service?alt=json',
    'DELETE /fleet/v1/units/b.service?alt=json',
  ]);
  const globbed = await run('destroy', 'web@*');
  assert.is(globbed.stdout, 'Destroyed web@1.service\nDestroyed web@2.service\n');
  const none = await run('destroy', 'a', 'web@{1..2}');
  assert.is(none.code, 0);
  assert.is(none.stderr, 'Units not found in registry\n');
});

cli('restart: loaded then launched, waiting for each state (no hang); a loaded unit is just started; globals via each node', async () => {
  api.addUnit({ name: 'a.service', desiredState: 'launched' });
  api.lag = 2;
  const restarted = await run('restart', 'a');
  assert.is(restarted.code, 0, restarted.stderr);
  assert.is(restarted.stdout, 'Unit a.service loaded on 2c4f1e3a.../10.0.0.1\nUnit a.service launched on 2c4f1e3a.../10.0.0.1\n');
  assert.equal(
    api.requests.filter((r) => r.method === 'PUT').map((r) => r.body),
    ['{"desiredState":"loaded","name":"a.service"}', '{"desiredState":"launched","name":"a.service"}'],
  );

  api.reset();
  api.addUnit({ name: 'b.service', desiredState: 'loaded' });
  const started = await run('restart', 'b');
  assert.is(started.stdout, 'Unit b.service launched on 2c4f1e3a.../10.0.0.1\n');

  api.addUnit({ name: 'idle.service' });
  const refused = await run('restart', 'idle');
  assert.is(refused.code, 1);
  assert.is(refused.stderr, 'Unable to restart unit idle.service in state inactive\n');

  api.addUnit({ name: 'g.service', desiredState: 'launched', options: GLOBAL });
  for (const machineID of [M1, M2]) {
    api.states.set(`g.service@${machineID}`, { name: 'g.service', machineID, systemdLoadState: 'loaded', systemdActiveState: 'active', systemdSubState: 'running' });
  }
  api.requests.length = 0;
  const global = await run('restart', 'g');
  assert.is(global.code, 0, global.stderr);
  assert.is(global.stdout, 'Restarted global unit g.service on 2c4f1e3a.../10.0.0.1\nRestarted global unit g.service on 5e1a7c02.../10.0.0.2\n');
  assert.equal(api.log().filter((r) => r.startsWith('POST')), ['POST /v1/units/g.service/restart', 'POST /v1/units/g.service/restart']);
  assert.not.ok(api.log().some((r) => r.startsWith('PUT')));
});

cli('cat prints the serialized options; a missing unit and a wrong argument count exit 1', async () => {
  api.addUnit({ name: 'a.service', options: [{ section: 'Service', name: 'ExecStart', value: '/x' }, { section: 'Unit', name: 'Description', value: 'A' }, { section: 'Service', name: 'Restart', value: 'always' }] });
  const cat = await run('cat', 'a.service');
  assert.is(cat.stdout, '[Service]\nExecStart=/x\nRestart=always\n\n[Unit]\nDescription=A\n');
  const missing = await run('cat', 'nope');
  assert.is(missing.code, 1);
  assert.is(missing.stderr, 'Unit nope.service not found\n');
  const two = await run('cat', 'a', 'b');
  assert.is(two.stderr, 'One unit file must be provided.\n');
});

cli("status: the unit's machine from the registry, its node from /v1/fleet/machines, the status from that node", async () => {
  api.addUnit({ name: 'a.service', desiredState: 'launched' });
  const status = await run('status', 'a');
  assert.is(status.code, 0, status.stderr);
  const lines = status.stdout.trimEnd().split('\n');
  assert.is(lines[0], '● a.service - The app');
  assert.is(lines[1], '     Loaded: loaded (/run/flotilla/units/a.service; static)');
  assert.match(lines[2]!, /^ {5}Active: active \(running\) since \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+; 1min 3\ds ago$/);
  assert.is(lines[3], '   Main PID: 1000');
  assert.is(lines[4], '');
  assert.is(lines[5], api.journal[0]);
  assert.equal(api.log(), [
    'GET /fleet/v1/units/a.service?alt=json',
    'GET /v1/fleet/machines',
    'GET /v1/units/a.service',
    'GET /v1/journal?unit=a.service&lines=10&output=short',
  ]);

  api.addUnit({ name: 'idle.service' });
  api.addUnit({ name: 'g.service', desiredState: 'launched', options: GLOBAL });
  assert.is((await run('status', 'idle')).stderr, 'Unit idle.service does not appear to be loaded.\n');
  assert.is((await run('status', 'g')).stderr, 'Unable to determine status of global unit g.service.\n');
  const missing = await run('status', 'a', 'nope');
  assert.is(missing.code, 1);
  assert.is(missing.stderr, 'Unit nope.service does not exist.\n');
  assert.is(missing.stdout, '', 'every unit is checked before any status is shown');

  api.hidden.add(M1);
  const hidden = await run('status', 'a');
  assert.is(hidden.code, 1);
  assert.is(hidden.stderr, 'Unable to reach machine 2c4f1e3a... of unit a.service: it publishes no API address.\n');
});

cli("journal: the unit's node's /v1/journal with --lines and -f; fleetctl's refusals for inactive and global units", async () => {
  api.addUnit({ name: 'a.service', desiredState: 'launched' });
  const journal = await run('journal', '--lines', '5', '-f', 'a');
  assert.is(journal.code, 0, journal.stderr);
  assert.is(journal.stdout, `${api.journal[0]}\n`);
  assert.equal(api.log(), ['GET /fleet/v1/units/a.service?alt=json', 'GET /v1/fleet/machines', 'GET /v1/journal?unit=a.service&lines=5&output=short&follow=true']);

  api.journal = [];
  const empty = await run('journal', 'a');
  assert.is(empty.stdout, '-- No entries --\n');
  assert.is(api.log().at(-1), 'GET /v1/journal?unit=a.service&lines=10&output=short');

  api.addUnit({ name: 'idle.service' });
  api.addUnit({ name: 'g.service', desiredState: 'launched', options: GLOBAL });
  const idle = await run('journal', 'idle');
  assert.is(idle.code, 1);
  assert.is(idle.stderr, 'Unit idle.service does not appear to be running.\n');
  assert.is((await run('journal', 'g')).stderr, 'Unable to retrieve journal of global unit g.service.\n');
  assert.is((await run('journal', 'nope')).stderr, 'Unit nope.service does not exist.\n');
  assert.is((await run('journal')).stderr, 'One unit file must be provided.\n');
});

cli('explain: per machine the verdict, the refusing rules and their reasons, and the score', async () => {
  api.addUnit({ name: 'a.service' });
  api.explanation = {
    unit: 'a.service',
    global: false,
    placedOn: [],
    machines: [
      { id: M1, name: 'node-1', accepted: false, rejections: [{ constraint: 'metadata', reason: 'has no region=eu' }], scores: [{ constraint: 'least-loaded', score: -1 }], total: -1, chosen: false },
      { id: M2, name: 'node-2', accepted: true, rejections: [], scores: [{ constraint: 'least-loaded', score: 0 }, { constraint: 'spread', score: 0.5 }], total: 0.5, chosen: true },
    ],
  };
  const explained = await run('explain', 'a');
  assert.is(explained.code, 0, explained.stderr);
  assert.is(
    explained.stdout,
    'MACHINE\t\t\tVERDICT\t\tCONSTRAINT\tREASON\t\t\tSCORE\n' +
      '2c4f1e3a.../10.0.0.1\trejected\tmetadata\thas no region=eu\t-\n' +
      '5e1a7c02.../10.0.0.2\tchosen\t\t-\t\t-\t\t\t0.50\n',
  );
  const detail = await run('explain', 'a', '--fields=name,verdict,scores', '--no-legend');
  assert.is(detail.stdout, 'node-1\trejected\tleast-loaded=-1\nnode-2\tchosen\t\tleast-loaded=0,spread=0.50\n');
  const json = await run('explain', 'a', '--json');
  assert.is(JSON.parse(json.stdout).machines[1].chosen, true);
  const missing = await run('explain', 'nope');
  assert.is(missing.code, 1);
  assert.is(missing.stderr, 'Unit nope.service does not exist.\n');
});

cli('a node that cannot be reached: fleetctl\'s wording, exit 1', async () => {
  const { createServer } = await import('node:net');
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  const units = await fleet(`http://127.0.0.1:${port}`, 'list-units');
  assert.is(units.code, 1);
  assert.match(units.stderr, /^Error retrieving list of units from repository: cannot reach a node at http:\/\/127\.0\.0\.1:\d+: connection refused/);
  const machines = await fleet(`http://127.0.0.1:${port}`, 'list-machines');
  assert.match(machines.stderr, /^Error retrieving list of active machines from fleet API \(cannot reach a node .*\)\nPossible issues:\n/);
  const start = await fleet(`http://127.0.0.1:${port}`, 'start', 'x');
  assert.is(start.code, 1);
  assert.match(start.stderr, /cannot reach a node at/);
});

cli.run();
