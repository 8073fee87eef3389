import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExecRuntime, Generated, UnitForRuntime } from '../../../core/index.js';
import { generateFromContainerSection } from '../../../plugins/docker-runtime/container-section.js';
import { ContainerSpecError, type ContainerSpec } from '../../../plugins/docker-runtime/container-spec.js';
import { isDockerProgram, parseDockerCommand } from '../../../plugins/docker-runtime/docker-run-line.js';
import type { SpecifierContext } from '../../../plugins/systemd-unit/unit-file/definition.js';
import { parseEnvironmentSetting } from '../../../plugins/systemd-unit/unit-file/environment.js';
import { expandArgv, parseExecSetting } from '../../../plugins/systemd-unit/unit-file/exec-command.js';
import { expandSpecifiers } from '../../../plugins/systemd-unit/unit-file/specifiers.js';
import { parseUnitText } from '../../../plugins/systemd-unit/unit-file/syntax.js';
import { UnitCatalog } from '../../../plugins/systemd-unit/supervisor/unit-catalog.js';
import { tempDir } from '../../support/temp-dir.js';

const FILE = '/etc/flotilla/units/web.service';

const SPECIFIERS: SpecifierContext = {
  hostname: 'node1',
  machineId: 'c'.repeat(32),
  bootId: 'd'.repeat(32),
  user: { name: 'root', uid: 0, group: 'root', gid: 0, home: '/root', shell: '/bin/sh' },
  runtimeDir: '/run',
  stateDir: '/var/lib',
  cacheDir: '/var/cache',
  logsDir: '/var/log',
  configDir: '/etc',
};

/** A unit as the loader hands it to runtimes: its files parsed, entries in order with file and line. */
function unitFrom(name: string, files: { path: string; text: string }[]): UnitForRuntime {
  const entries = files.flatMap((f) => parseUnitText(f.text, f.path).sections.flatMap((s) => s.entries.map((e) => ({ section: s.name, key: e.key, value: e.value, file: e.file, line: e.line }))));
  return { name, fragmentPath: files[0]!.path, entries };
}

function unit(text: string, name = 'web.service'): UnitForRuntime {
  return unitFrom(name, [{ path: FILE, text }]);
}

function generate(text: string, name = 'web.service'): Generated {
  const generated = generateFromContainerSection(unit(text, name));
  if (!generated) throw new Error('no [Container] section seen');
  return generated;
}

/** The generated ExecStart= value of a unit that has no problems. */
function execStart(text: string, name = 'web.service'): string {
  const generated = generate(text, name);
  assert.equal(generated.problems, []);
  assert.is(generated.settings.length, 1);
  return generated.settings[0]!.value;
}

function problems(text: string): string[] {
  return generate(text).problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
}

/** An ExecStart= value as the supervisor runs it: systemd-parsed, specifiers then variables expanded. */
function argvOf(value: string, unitName = 'web.service', env: Record<string, string> = {}): string[] {
  const commands = parseExecSetting(value, FILE, 1, { key: 'ExecStart', expandWord: (w) => expandSpecifiers(w, { unitName, fragmentPath: FILE, ...SPECIFIERS }) });
  assert.is(commands.length, 1, `one command in ${value}`);
  return expandArgv(commands[0]!, env);
}

function specOf(value: string, unitName = 'web.service', env: Record<string, string> = {}): ContainerSpec {
  const [program, ...args] = argvOf(value, unitName, env);
  assert.ok(isDockerProgram(program!), program);
  const parsed = parseDockerCommand(args);
  if (parsed.kind !== 'run') throw new Error('not a docker run line');
  return parsed.spec;
}

/** The [Container] section and the hand-written docker run ExecStart= give the same container. */
function sameAsHandWritten(section: string, handWritten: string, unitName = 'web.service', env: Record<string, string> = {}): ContainerSpec {
  const generated = specOf(execStart(section, unitName), unitName, env);
  assert.equal(generated, specOf(handWritten, unitName, env));
  return generated;
}

const generation = suite('docker-runtime: [Container] → ExecStart=');

generation('a unit without a [Container] section generates nothing', () => {
  assert.is(generateFromContainerSection(unit('[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n')), undefined);
  assert.is(generateFromContainerSection({ name: 'empty.service', entries: [] }), undefined);
});

generation('Image= alone: --rm and the name systemd-%N, at the Image= line', () => {
  const generated = generate('[Unit]\nDescription=Web\n\n[Container]\n# the image\nImage=busybox\n');
  assert.equal(generated, {
    settings: [{ section: 'Service', key: 'ExecStart', value: '/usr/bin/docker run --rm --name systemd-%N busybox', file: FILE, line: 6 }],
    problems: [],
  });
  assert.equal(argvOf(generated.settings[0]!.value), ['/usr/bin/docker', 'run', '--rm', '--name', 'systemd-web', 'busybox']);
});

generation('a template instance is named systemd-%p_%i, as Quadlet names it (no @ in container names)', () => {
  const value = execStart('[Container]\nImage=busybox\n', 'web@blue.service');
  assert.is(value, '/usr/bin/docker run --rm --name systemd-%p_%i busybox');
  assert.equal(specOf(value, 'web@blue.service').name, 'systemd-web_blue');
});

generation('every key, in the exact generated line', () => {
  const text = [
    '[Container]',
    'Image=docker.io/library/nginx:1.25',
    'ContainerName=web-%i',
    'Exec=nginx -g "daemon off;"',
    'Environment=MODE=prod "GREETING=hello world"',
    'Environment=TOKEN=a$b',
    'EnvironmentFile=web.env',
    'EnvironmentFile=/etc/shared.env',
    'PublishPort=127.0.0.1:8080:80',
    'PublishPort=443/udp',
    'Volume=/srv/www:/usr/share/nginx/html:ro',
    'Volume=%h/cache:/cache',
    'Network=bridge',
    'User=101:101',
    'WorkingDir=/srv/my site',
    'Label=tier=front "owner=web team"',
    'HostName=web1',
    'Entrypoint=/docker-entrypoint.sh',
    'StopTimeout=20',
  ].join('\n');
  assert.is(
    execStart(text),
    '/usr/bin/docker run --rm --name web-%i' +
      ' --env-file /etc/flotilla/units/web.env --env-file /etc/shared.env' +
      ' --env MODE=prod --env "GREETING=hello world" --env TOKEN=a$$b' +
      ' --label tier=front --label "owner=web team"' +
      ' --publish 127.0.0.1:8080:80 --publish 443/udp' +
      ' --volume /srv/www:/usr/share/nginx/html:ro --volume %h/cache:/cache' +
      ' --network bridge --user 101:101 --workdir "/srv/my site" --hostname web1 --entrypoint /docker-entrypoint.sh --stop-timeout 20' +
      ' docker.io/library/nginx:1.25 nginx -g "daemon off;"',
  );
});

generation('every key: the same container as the hand-written docker run line', () => {
  const section = [
    '[Container]',
    'Image=nginx:1.25',
    'ContainerName=web-%N',
    'Exec=nginx -g "daemon off;"',
    'Environment=MODE=prod "GREETING=hello world"',
    'EnvironmentFile=web.env',
    'PublishPort=127.0.0.1:8080:80',
    'Volume=%h/cache:/cache',
    'Network=bridge',
    'User=101',
    'WorkingDir=/srv/my site',
    'Label=tier=front',
    'HostName=web1',
    'Entrypoint=/docker-entrypoint.sh',
    'StopTimeout=20',
  ].join('\n');
  const handWritten =
    '/usr/bin/docker run --rm --name web-web --env-file /etc/flotilla/units/web.env -e MODE=prod -e "GREETING=hello world" -p 127.0.0.1:8080:80 ' +
    '-v /root/cache:/cache --net=bridge -u 101 -w "/srv/my site" -l tier=front -h web1 --entrypoint=/docker-entrypoint.sh --stop-timeout=20 ' +
    'nginx:1.25 nginx -g "daemon off;"';
  assert.equal(sameAsHandWritten(section, handWritten), {
    image: 'nginx:1.25',
    name: 'web-web',
    cmd: ['nginx', '-g', 'daemon off;'],
    entrypoint: ['/docker-entrypoint.sh'],
    env: [
      ['MODE', 'prod'],
      ['GREETING', 'hello world'],
    ],
    envFiles: [{ path: '/etc/flotilla/units/web.env', optional: false }],
    publish: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 }],
    volumes: ['/root/cache:/cache'],
    network: 'bridge',
    workdir: '/srv/my site',
    user: '101',
    hostname: 'web1',
    labels: { tier: 'front' },
    init: false,
    stopTimeout: 20,
    autoRemove: true,
  });
});

generation("the seed's container as a [Container] section", () => {
  const spec = sameAsHandWritten(
    '[Container]\nImage=busybox\nContainerName=app1\nExec=/bin/sh -c "while true; do echo Hello World; sleep 1; done"\n',
    '/usr/bin/docker run --rm --name app1 busybox /bin/sh -c "while true; do echo Hello World; sleep 1; done"',
  );
  assert.is(spec.image, 'busybox');
  assert.is(spec.name, 'app1');
  assert.ok(spec.autoRemove);
  assert.equal(spec.cmd, ['/bin/sh', '-c', 'while true; do echo Hello World; sleep 1; done']);
});

generation('Environment= gives exactly what systemd makes of it: quotes, escapes, and no $ substitution', () => {
  const values = [
    '"GREETING=hello world" MODE=prod',
    "QUOTED='single \"inner\"' BACKSLASH=a\\\\b TAB=a\\tb",
    'PRICE=$5 BRACED=${HOME} DOUBLE=$$ WHOLE=$HOME',
    'PERCENT=100%% UNIT=%n',
    'EMPTY= EQUALS=a=b',
  ];
  for (const value of values) {
    const spec = specOf(execStart(`[Container]\nImage=busybox\nEnvironment=${value}\n`), 'web.service', { HOME: '/root' });
    const systemd = parseEnvironmentSetting(value, { expandWord: (w) => expandSpecifiers(w, { unitName: 'web.service', ...SPECIFIERS }) });
    assert.equal(systemd.warnings, [], value);
    assert.equal(spec.env, systemd.assignments, value);
  }
});

generation('Exec= is a command line: quotes and escapes as systemd reads them, a lone ; stays an argument', () => {
  const cases: [string, string[]][] = [
    ['/bin/sh -c "echo \\"hi\\"; exit 3"', ['/bin/sh', '-c', 'echo "hi"; exit 3']],
    ["echo 'a  b' c\\td", ['echo', 'a  b', 'c\td']],
    ['echo a ; echo b', ['echo', 'a', ';', 'echo', 'b']],
    ['--verbose -p 80', ['--verbose', '-p', '80']],
    ['echo %N', ['echo', 'web']],
  ];
  for (const [exec, cmd] of cases) assert.equal(specOf(execStart(`[Container]\nImage=busybox\nExec=${exec}\n`)).cmd, cmd, exec);
});

generation('Exec= substitutes variables as any command line does', () => {
  const spec = specOf(execStart('[Container]\nImage=busybox\nExec=echo $WORDS ${WORDS} $$literal\n'), 'web.service', { WORDS: 'two words' });
  assert.equal(spec.cmd, ['echo', 'two', 'words', 'two words', '$literal']);
});

generation('single values with spaces, quotes, backslashes and dollars come back unchanged', () => {
  const odd = `/srv/it's "quoted" \\ $HOME \${X} tab\there`;
  const spec = specOf(execStart(`[Container]\nImage=busybox\nWorkingDir=${odd}\nHostName=$$\nEntrypoint=/bin/sh -c\n`), 'web.service', { HOME: '/root', X: 'x' });
  assert.is(spec.workdir, odd);
  assert.is(spec.hostname, '$$');
  assert.equal(spec.entrypoint, ['/bin/sh -c']);
});

generation('a value that looks like a docker flag stays a value', () => {
  const spec = specOf(execStart('[Container]\nImage=busybox\nUser=--privileged\nVolume=-v\n'));
  assert.is(spec.user, '--privileged');
  assert.equal(spec.volumes, ['-v']);
});

generation('the last Image=, Exec= and single values win; an empty one unsets', () => {
  const value = execStart('[Container]\nImage=alpine\nImage=busybox\nExec=echo one\nExec=echo two\nUser=1\nUser=\nNetwork=a\nNetwork=b\n');
  assert.is(value, '/usr/bin/docker run --rm --name systemd-%N --network b busybox echo two');
  assert.is(execStart('[Container]\nImage=busybox\nExec=echo one\nExec=\n'), '/usr/bin/docker run --rm --name systemd-%N busybox');
  assert.is(execStart('[Container]\nImage=busybox\nContainerName=x\nContainerName=\n'), '/usr/bin/docker run --rm --name systemd-%N busybox');
});

generation('list keys add up; an empty assignment clears what came before', () => {
  const value = execStart('[Container]\nImage=busybox\nEnvironment=A=1\nEnvironment=\nEnvironment=B=2\nVolume=/a:/a\nVolume=/b:/b\nPublishPort=80\nPublishPort=\nLabel=x=1\nLabel=\n');
  assert.is(value, '/usr/bin/docker run --rm --name systemd-%N --env B=2 --volume /a:/a --volume /b:/b busybox');
});

generation('EnvironmentFile=: relative to the unit file, absolute and specifier paths as written', () => {
  const value = execStart('[Container]\nImage=busybox\nEnvironmentFile=conf/web.env\nEnvironmentFile=../shared.env\nEnvironmentFile=/etc/a b.env\nEnvironmentFile=%E/web.env\n');
  assert.equal(specOf(value).envFiles, [
    { path: '/etc/flotilla/units/conf/web.env', optional: false },
    { path: '/etc/flotilla/shared.env', optional: false },
    { path: '/etc/a b.env', optional: false },
    { path: '/etc/web.env', optional: false },
  ]);
});

generation('drop-ins: their entries apply in order; the setting carries the Image= line that won', () => {
  const dropIn = '/etc/flotilla/units/web.service.d/10-image.conf';
  const generated = generateFromContainerSection(
    unitFrom('web.service', [
      { path: FILE, text: '[Container]\nImage=alpine\nEnvironment=A=1\n' },
      { path: dropIn, text: '# newer image\n[Container]\nImage=busybox:1.36\nEnvironment=B=2\n' },
    ]),
  )!;
  assert.equal(generated.problems, []);
  assert.equal(generated.settings, [
    { section: 'Service', key: 'ExecStart', value: '/usr/bin/docker run --rm --name systemd-%N --env A=1 --env B=2 busybox:1.36', file: dropIn, line: 3 },
  ]);
});

generation.run();

const mistakes = suite('docker-runtime: [Container] problems');

mistakes('an unknown key is a problem at its line; the rest is still generated', () => {
  const generated = generate('[Container]\nImage=busybox\nFoo=bar\nPodmanArgs=--privileged\ntoString=x\n');
  assert.equal(generated.problems, [
    { message: 'unknown key Foo in [Container]', file: FILE, line: 3 },
    { message: 'unknown key PodmanArgs in [Container]', file: FILE, line: 4 },
    { message: 'unknown key toString in [Container]', file: FILE, line: 5 },
  ]);
  assert.is(generated.settings[0]!.value, '/usr/bin/docker run --rm --name systemd-%N busybox');
});

mistakes('Image= is required: a problem at the first [Container] line, nothing generated', () => {
  assert.equal(generate('[Unit]\nDescription=x\n\n[Container]\nExec=echo hi\nVolume=/a:/a\n'), {
    settings: [],
    problems: [{ message: '[Container] needs Image=, the image to run', file: FILE, line: 5 }],
  });
  assert.equal(problems('[Container]\nImage=busybox\nImage=\n'), [`${FILE}:2: [Container] needs Image=, the image to run`]);
});

mistakes('values docker cannot take are problems at their own line', () => {
  assert.equal(problems('[Container]\nImage=busybox\nPublishPort=8000-8010:80\nPublishPort=80/icmp\nPublishPort=%i:80\n'), [
    `${FILE}:3: PublishPort=: invalid port publication '8000-8010:80': host port ranges are not supported; expected [ip:][hostPort:]containerPort[/tcp|udp|sctp]`,
    `${FILE}:4: PublishPort=: invalid port publication '80/icmp': unknown protocol 'icmp'; expected [ip:][hostPort:]containerPort[/tcp|udp|sctp]`,
  ]);
  assert.equal(problems('[Container]\nImage=busybox\nStopTimeout=10s\n'), [`${FILE}:3: invalid StopTimeout=10s in [Container]: expected whole seconds`]);
  assert.equal(problems('[Container]\nImage=busybox\nEnvironmentFile=-/etc/maybe.env\n'), [
    `${FILE}:3: EnvironmentFile=-/etc/maybe.env: an optional file ('-') is not supported in [Container]; docker needs the file`,
  ]);
});

mistakes('Environment= items must be NAME=value; quoting must balance', () => {
  assert.equal(problems('[Container]\nImage=busybox\nEnvironment=A=1 justaword\n'), [
    `${FILE}:3: invalid Environment= item justaword in [Container]: expected NAME=value, NAME of letters, digits and '_'`,
  ]);
  assert.equal(problems('[Container]\nImage=busybox\nEnvironment=1A=x\n'), [
    `${FILE}:3: invalid Environment= item 1A=x in [Container]: expected NAME=value, NAME of letters, digits and '_'`,
  ]);
  assert.equal(problems('[Container]\nImage=busybox\nEnvironment="A=1\n'), [`${FILE}:3: Environment=: unbalanced quoting: " is never closed in "A=1`]);
  assert.equal(problems('[Container]\nImage=busybox\nExec=sh -c \'echo\n'), [`${FILE}:3: Exec=: unbalanced quoting: ' is never closed in 'echo`]);
});

mistakes("the unit's own ExecStart= would stand beside the generated one", () => {
  assert.equal(problems('[Service]\nExecStart=/bin/true\n[Container]\nImage=busybox\n'), [
    `${FILE}:2: ExecStart= cannot be set in a unit with a [Container] section, which generates its ExecStart=`,
  ]);
  assert.equal(problems('[Service]\nExecStart=/bin/true\nExecStart=\n[Container]\nImage=busybox\n'), []);
});

mistakes.run();

const loading = suite('docker-runtime: [Container] through the unit catalog');

/** The generate and inspect hooks as the runtime wires them. */
const containerRuntime: ExecRuntime = {
  name: 'docker',
  accepts: () => false,
  check: async () => ({ ok: true }),
  spawn: async () => {
    throw new Error('not used here');
  },
  generate: generateFromContainerSection,
  inspect: (command) => {
    if (!isDockerProgram(command.program)) return undefined;
    try {
      parseDockerCommand(command.args);
      return undefined;
    } catch (error) {
      if (error instanceof ContainerSpecError) return error.message;
      throw error;
    }
  },
};

loading('a unit file with [Container] loads with the generated ExecStart=, specifiers expanded', async () => {
  const dir = tempDir();
  try {
    const units = path.join(dir.path, 'units');
    mkdirSync(units);
    writeFileSync(
      path.join(units, 'hello.service'),
      '[Unit]\nDescription=Hello\n\n[Container]\nImage=busybox\nExec=/bin/sh -c "echo Hello from %N"\nEnvironment="GREETING=hello world"\n',
    );
    writeFileSync(path.join(units, 'typo.service'), '[Container]\nImage=busybox\nPublishPorts=80\n');
    const catalog = new UnitCatalog([units], SPECIFIERS, { timeoutStartUs: 1e7, timeoutStopUs: 5e6, restartUs: 1e5, startLimitIntervalUs: 1e7, startLimitBurst: 5 }, () => [
      containerRuntime,
    ]);

    const hello = await catalog.read('hello.service');
    assert.is(hello.loadState, 'loaded', hello.reason);
    const [command] = hello.definition!.service!.execStart;
    assert.equal([command!.path, ...command!.args], ['/usr/bin/docker', 'run', '--rm', '--name', 'systemd-hello', '--env', 'GREETING=hello world', 'busybox', '/bin/sh', '-c', 'echo Hello from hello']);
    assert.is(command!.line, 5);

    const typo = await catalog.read('typo.service');
    assert.is(typo.loadState, 'bad-setting');
    assert.match(typo.reason!, /typo\.service:3: unknown key PublishPorts in \[Container\]/);
  } finally {
    dir.cleanup();
  }
});

loading.run();
