import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ContainerSpecError, type ContainerSpec, type DockerControlCommand } from '../../../plugins/docker-runtime/container-spec.js';
import { isDockerProgram, parseDockerCommand } from '../../../plugins/docker-runtime/docker-run-line.js';

const BASE: ContainerSpec = { image: 'busybox', cmd: [], env: [], envFiles: [], publish: [], volumes: [], labels: {}, init: false, autoRemove: false };

function words(line: string): string[] {
  return line.split(' ').filter((w) => w !== '');
}

/** The spec of `docker run <args>`, failing on warnings. */
function run(args: readonly string[]): ContainerSpec {
  const result = parseDockerCommand(['run', ...args]);
  if (result.kind !== 'run') throw new Error(`expected a run command, got ${result.kind}`);
  assert.equal(result.warnings, [], `warnings for ${args.join(' ')}`);
  return result.spec;
}

function control(args: readonly string[]): DockerControlCommand {
  const result = parseDockerCommand(args);
  if (result.kind !== 'control') throw new Error(`expected a control command, got ${result.kind}`);
  return result.command;
}

function refuses(args: readonly string[], message: string | RegExp) {
  try {
    parseDockerCommand(args);
  } catch (error) {
    assert.instance(error, ContainerSpecError, args.join(' '));
    const text = (error as Error).message;
    if (typeof message === 'string') assert.is(text, message);
    else assert.match(text, message);
    return;
  }
  assert.unreachable(`docker ${args.join(' ')} was accepted`);
}

const program = suite('docker-runtime: docker programs');

program('docker by name or by any absolute path ending in /docker', () => {
  for (const p of ['docker', '/usr/bin/docker', '/usr/local/bin/docker', '/opt/tools/bin/docker']) assert.ok(isDockerProgram(p), p);
  for (const p of ['dockerd', '/usr/bin/dockerd', '/usr/bin/podman', 'bin/docker', '/usr/bin/my-docker', '/usr/bin/docker/x', '']) assert.not.ok(isDockerProgram(p), p);
});

program.run();

const flags = suite('docker-runtime: docker run flags');

flags("the seed's unit line", () => {
  // ExecStart=/usr/bin/docker run --rm --name app1 busybox /bin/sh -c "while true; do echo Hello World; sleep 1; done"
  const args = ['run', '--rm', '--name', 'app1', 'busybox', '/bin/sh', '-c', 'while true; do echo Hello World; sleep 1; done'];
  assert.equal(parseDockerCommand(args), {
    kind: 'run',
    spec: { ...BASE, name: 'app1', autoRemove: true, cmd: ['/bin/sh', '-c', 'while true; do echo Hello World; sleep 1; done'] },
    warnings: [],
  });
});

flags('no flags: the image alone, defaults everywhere', () => {
  assert.equal(run(['busybox']), BASE);
});

/** Each form of a flag gives the same spec. */
function sameSpec(forms: string[][], expected: Partial<ContainerSpec>) {
  for (const form of forms) assert.equal(run([...form, 'busybox']), { ...BASE, ...expected }, form.join(' '));
}

flags('--rm and --init, bare or with a Go boolean', () => {
  sameSpec([['--rm'], ['--rm=true'], ['--rm=1'], ['--rm=T']], { autoRemove: true });
  sameSpec([['--rm=false'], ['--rm=0'], ['--rm', '--rm=false']], { autoRemove: false });
  sameSpec([['--init'], ['--init=True']], { init: true });
  sameSpec([['--init=F']], { init: false });
  refuses(['run', '--rm=maybe', 'busybox'], "invalid value 'maybe' for --rm: expected true or false");
});

flags('--name', () => {
  sameSpec([['--name', 'web'], ['--name=web'], ['--name', 'x', '--name', 'web']], { name: 'web' });
  sameSpec([['--name', 'web', '--name=']], {});
});

flags('-e/--env: NAME=value in order, a bare NAME passes through from the environment', () => {
  sameSpec([['-e', 'A=1'], ['-eA=1'], ['-e=A=1'], ['--env', 'A=1'], ['--env=A=1']], { env: [['A', '1']] });
  sameSpec([['-e', 'A=x=y', '-e', 'B=', '-e', 'A=2']], {
    env: [
      ['A', 'x=y'],
      ['B', ''],
      ['A', '2'],
    ],
  });
  sameSpec([['-e', 'HOME'], ['--env=HOME'], ['-e', 'HOME=/x', '-e', 'HOME']], { passEnv: ['HOME'] });
  sameSpec([['-e', 'HOME', '-e', 'HOME=/x']], { env: [['HOME', '/x']] });
  sameSpec([['-e', 'A', '-e', 'B=2', '-e', 'C']], { env: [['B', '2']], passEnv: ['A', 'C'] });
  refuses(['run', '-e', '=1', 'busybox'], "invalid value '=1' for -e: expected NAME=value or NAME");
  refuses(['run', '--env', 'A B=1', 'busybox'], "invalid value 'A B=1' for --env: expected NAME=value or NAME");
});

flags('--env-file', () => {
  sameSpec([['--env-file', '/etc/app.env'], ['--env-file=/etc/app.env']], { envFiles: [{ path: '/etc/app.env', optional: false }] });
  sameSpec([['--env-file', 'a.env', '--env-file=b.env']], {
    envFiles: [
      { path: 'a.env', optional: false },
      { path: 'b.env', optional: false },
    ],
  });
});

flags('-p/--publish: [ip:][hostPort:]containerPort[/proto]', () => {
  sameSpec([['-p', '80'], ['-p80'], ['--publish', '80'], ['--publish=80/tcp']], { publish: [{ containerPort: 80, protocol: 'tcp' }] });
  sameSpec([['-p', '8080:80']], { publish: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080 }] });
  sameSpec([['-p', '127.0.0.1:8080:80/udp']], { publish: [{ containerPort: 80, protocol: 'udp', hostIp: '127.0.0.1', hostPort: 8080 }] });
  sameSpec([['-p', '127.0.0.1::53/sctp']], { publish: [{ containerPort: 53, protocol: 'sctp', hostIp: '127.0.0.1' }] });
  sameSpec([['-p', '[::1]:8443:443']], { publish: [{ containerPort: 443, protocol: 'tcp', hostIp: '::1', hostPort: 8443 }] });
  sameSpec([['-p', '80', '-p', '443']], {
    publish: [
      { containerPort: 80, protocol: 'tcp' },
      { containerPort: 443, protocol: 'tcp' },
    ],
  });
});

flags('bad publications name what is wrong', () => {
  refuses(['run', '-p', '8000-8010:80', 'busybox'], /host port ranges are not supported/);
  refuses(['run', '-p', '80/icmp', 'busybox'], /unknown protocol 'icmp'/);
  refuses(['run', '-p', '70000', 'busybox'], /container port '70000' is not a number from 1 to 65535/);
  refuses(['run', '-p', 'http:80', 'busybox'], /host port 'http' is not a number/);
  refuses(['run', '-p', '8080:', 'busybox'], /no container port/);
  refuses(['run', '-p', '', 'busybox'], /^invalid port publication '': no container port; expected \[ip:\]\[hostPort:\]containerPort\[\/tcp\|udp\|sctp\]$/);
});

flags('-v/--volume kept as written', () => {
  sameSpec([['-v', '/srv/data:/data:ro'], ['-v/srv/data:/data:ro'], ['--volume', '/srv/data:/data:ro'], ['--volume=/srv/data:/data:ro']], {
    volumes: ['/srv/data:/data:ro'],
  });
  sameSpec([['-v', 'cache:/cache', '-v', '/tmp:/tmp']], { volumes: ['cache:/cache', '/tmp:/tmp'] });
});

flags('--network/--net, -w/--workdir, -u/--user, -h/--hostname', () => {
  sameSpec([['--network', 'host'], ['--network=host'], ['--net', 'host'], ['--net=host']], { network: 'host' });
  sameSpec([['-w', '/app'], ['-w/app'], ['--workdir', '/app'], ['--workdir=/app']], { workdir: '/app' });
  sameSpec([['-u', '1000:1000'], ['-u1000:1000'], ['--user', '1000:1000'], ['--user=1000:1000']], { user: '1000:1000' });
  sameSpec([['-h', 'box'], ['-hbox'], ['--hostname', 'box'], ['--hostname=box']], { hostname: 'box' });
  refuses(['run', '--workdir=', 'busybox'], '--workdir needs a non-empty value');
});

flags('--entrypoint is one word, however many spaces it holds; the command still follows the image', () => {
  sameSpec([['--entrypoint', '/bin/sh'], ['--entrypoint=/bin/sh']], { entrypoint: ['/bin/sh'] });
  assert.equal(run(['--entrypoint', '/bin/sh -c', 'busybox', 'echo hi']), { ...BASE, entrypoint: ['/bin/sh -c'], cmd: ['echo hi'] });
  sameSpec([['--entrypoint=']], { entrypoint: [''] });
});

flags('-l/--label', () => {
  sameSpec([['-l', 'a=b'], ['-la=b'], ['--label', 'a=b'], ['--label=a=b']], { labels: { a: 'b' } });
  sameSpec([['-l', 'tier', '-l', 'x=1=2', '-l', 'x=3']], { labels: { tier: '', x: '3' } });
  refuses(['run', '--label', '=v', 'busybox'], "invalid value '=v' for --label: expected KEY=value");
});

flags('-m/--memory in docker units (binary multiples)', () => {
  const cases: [string, number][] = [
    ['1024', 1024],
    ['512b', 512],
    ['4k', 4096],
    ['512m', 512 * 1024 ** 2],
    ['512M', 512 * 1024 ** 2],
    ['512mb', 512 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['1.5g', 1.5 * 1024 ** 3],
    ['2GiB', 2 * 1024 ** 3],
  ];
  for (const [text, bytes] of cases) sameSpec([['-m', text], [`-m${text}`], ['--memory', text], [`--memory=${text}`]], { memoryBytes: bytes });
  refuses(['run', '-m', 'lots', 'busybox'], "invalid value 'lots' for -m: expected a size such as 512m or 1g (units b, k, m, g)");
  refuses(['run', '--memory=-1g', 'busybox'], /invalid value '-1g' for --memory/);
});

flags('--cpus in nano-CPUs, without float rounding', () => {
  const cases: [string, number][] = [
    ['1', 1e9],
    ['0.5', 5e8],
    ['.25', 2.5e8],
    ['1.5', 1.5e9],
    ['0.1', 1e8],
    ['2.000000001', 2000000001],
    ['0.3000', 3e8],
  ];
  for (const [text, nano] of cases) sameSpec([['--cpus', text], [`--cpus=${text}`]], { nanoCpus: nano });
  refuses(['run', '--cpus', 'two', 'busybox'], "invalid value 'two' for --cpus: expected a number of CPUs such as 0.5 or 2");
  refuses(['run', '--cpus', '.', 'busybox'], /invalid value '\.' for --cpus/);
  refuses(['run', '--cpus', '0.0000000001', 'busybox'], "invalid value '0.0000000001' for --cpus: more precise than a billionth of a CPU");
});

flags('--stop-signal and --stop-timeout', () => {
  sameSpec([['--stop-signal', 'SIGINT'], ['--stop-signal=SIGINT']], { stopSignal: 'SIGINT' });
  sameSpec([['--stop-timeout', '30'], ['--stop-timeout=30']], { stopTimeout: 30 });
  refuses(['run', '--stop-timeout', '30s', 'busybox'], "invalid value '30s' for --stop-timeout: expected a whole number");
});

flags('-i/--interactive and -t/--tty are accepted and ignored', () => {
  sameSpec([['-i'], ['-t'], ['-it'], ['-ti'], ['--interactive'], ['--tty'], ['--tty=false'], ['-i', '-t']], {});
});

flags('short flags bundle; the last one of a bundle may take the next word or the rest of the bundle', () => {
  sameSpec([['-itp', '80'], ['-itp80'], ['-ip=80', '-t']], { publish: [{ containerPort: 80, protocol: 'tcp' }] });
  sameSpec([['-ite', 'A=1'], ['-tieA=1']], { env: [['A', '1']] });
  sameSpec([['-t=false']], {});
  refuses(['run', '-itx', 'busybox'], 'unknown docker run flag -x');
});

flags('-d/--detach is refused, --detach=false is not', () => {
  const message = "docker run -d cannot run as a unit's main process: a unit's main process stays in the foreground; remove -d";
  for (const form of [['-d'], ['--detach'], ['-itd'], ['-dit'], ['--detach=true']]) refuses(['run', ...form, 'busybox'], message);
  sameSpec([['--detach=false'], ['-d=false']], {});
});

flags('--restart is ignored with a warning: Restart= governs', () => {
  for (const form of [
    ['--restart', 'always'],
    ['--restart=always'],
  ]) {
    const result = parseDockerCommand(['run', ...form, 'busybox']);
    assert.equal(result, {
      kind: 'run',
      spec: BASE,
      warnings: ["docker run --restart=always is ignored: the unit's Restart= decides when the container runs again"],
    });
  }
});

flags('an unknown flag before the image is refused by name', () => {
  refuses(['run', '--foo', 'busybox'], 'unknown docker run flag --foo');
  refuses(['run', '--foo=bar', 'busybox'], 'unknown docker run flag --foo');
  refuses(['run', '--privileged', 'busybox'], 'unknown docker run flag --privileged');
  refuses(['run', '-x', 'busybox'], 'unknown docker run flag -x');
  refuses(['run', '--rm', '-P', 'busybox'], 'unknown docker run flag -P');
});

flags('a flag without its value', () => {
  refuses(['run', '--name'], 'docker run flag --name needs a value');
  refuses(['run', '-e'], 'docker run flag -e needs a value');
  refuses(['run', '-it', '-p'], 'docker run flag -p needs a value');
});

flags('a value that looks like a flag is still the value', () => {
  sameSpec([['--name', '-weird-'], ['--name=-weird-']], { name: '-weird-' });
  sameSpec([['-e', 'OPTS=--verbose -x']], { env: [['OPTS', '--verbose -x']] });
  sameSpec([['-v', '-anonymous']], { volumes: ['-anonymous'] });
});

flags('the first word that is no flag is the image; flags after it belong to the command', () => {
  assert.equal(run(['--rm', 'nginx:1.25', 'nginx', '-g', 'daemon off;']), { ...BASE, image: 'nginx:1.25', autoRemove: true, cmd: ['nginx', '-g', 'daemon off;'] });
  assert.equal(run(['busybox', '--rm', '-d', '--foo', '-p', '80']), { ...BASE, cmd: ['--rm', '-d', '--foo', '-p', '80'] });
  assert.equal(run(['--', 'busybox', 'ls']), { ...BASE, cmd: ['ls'] });
  assert.equal(run(['--', '-odd-image']), { ...BASE, image: '-odd-image' });
  assert.equal(run(['-', 'x']), { ...BASE, image: '-', cmd: ['x'] });
});

flags('an image is required', () => {
  const message = 'docker run needs an image: docker run [flags] IMAGE [COMMAND…]';
  refuses(['run'], message);
  refuses(['run', '--rm', '--name', 'x'], message);
  refuses(['run', '--'], message);
  refuses(['run', ''], message);
});

flags('everything at once, in the word order a unit file would hold', () => {
  const args = words(
    '--rm -it --name web -e MODE=prod -e HOME --env-file /etc/web.env -p 127.0.0.1:8080:80 -v /srv/www:/usr/share/nginx/html:ro ' +
      '--network bridge -w /srv -u 101 --entrypoint /docker-entrypoint.sh -l tier=front -h web1 -m 256m --cpus 0.5 --init ' +
      '--stop-signal SIGQUIT --stop-timeout 20 nginx:1.25 nginx -g daemon',
  );
  assert.equal(run(args), {
    image: 'nginx:1.25',
    name: 'web',
    cmd: ['nginx', '-g', 'daemon'],
    entrypoint: ['/docker-entrypoint.sh'],
    env: [['MODE', 'prod']],
    passEnv: ['HOME'],
    envFiles: [{ path: '/etc/web.env', optional: false }],
    publish: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 }],
    volumes: ['/srv/www:/usr/share/nginx/html:ro'],
    network: 'bridge',
    workdir: '/srv',
    user: '101',
    hostname: 'web1',
    labels: { tier: 'front' },
    memoryBytes: 256 * 1024 ** 2,
    nanoCpus: 5e8,
    init: true,
    stopSignal: 'SIGQUIT',
    stopTimeout: 20,
    autoRemove: true,
  });
});

flags.run();

const verbs = suite('docker-runtime: docker control verbs');

verbs('docker kill [-s SIG|--signal SIG] NAME...', () => {
  assert.equal(control(['kill', 'app1']), { verb: 'kill', names: ['app1'] });
  assert.equal(control(['kill', 'a', 'b']), { verb: 'kill', names: ['a', 'b'] });
  for (const form of [
    ['-s', 'HUP', 'app1'],
    ['-sHUP', 'app1'],
    ['--signal', 'HUP', 'app1'],
    ['--signal=HUP', 'app1'],
    ['app1', '-s', 'HUP'],
  ]) {
    assert.equal(control(['kill', ...form]), { verb: 'kill', names: ['app1'], signal: 'HUP' }, form.join(' '));
  }
  refuses(['kill'], 'docker kill needs at least one container name');
  refuses(['kill', '-s', 'HUP'], 'docker kill needs at least one container name');
  refuses(['kill', '-s'], 'docker kill flag -s needs a value');
  refuses(['kill', '--force', 'app1'], 'unknown docker kill flag --force');
});

verbs('docker stop [-t N|--time N] NAME...', () => {
  assert.equal(control(['stop', 'app1']), { verb: 'stop', names: ['app1'] });
  for (const form of [
    ['-t', '5', 'app1'],
    ['-t5', 'app1'],
    ['--time', '5', 'app1'],
    ['--time=5', 'app1'],
    ['--timeout', '5', 'app1'],
    ['app1', '-t', '5'],
  ]) {
    assert.equal(control(['stop', ...form]), { verb: 'stop', names: ['app1'], timeout: 5 }, form.join(' '));
  }
  refuses(['stop', '-t', 'soon', 'app1'], "invalid value 'soon' for -t: expected a whole number");
  refuses(['stop'], 'docker stop needs at least one container name');
});

verbs('docker rm [-f|--force] NAME...', () => {
  assert.equal(control(['rm', 'app1']), { verb: 'rm', names: ['app1'], force: false });
  for (const form of [['-f'], ['--force'], ['--force=true']]) assert.equal(control(['rm', ...form, 'app1', 'app2']), { verb: 'rm', names: ['app1', 'app2'], force: true });
  assert.equal(control(['rm', '--force=false', 'app1']), { verb: 'rm', names: ['app1'], force: false });
  assert.equal(control(['rm', 'app1', '-f']), { verb: 'rm', names: ['app1'], force: true });
  refuses(['rm', '-fv', 'app1'], 'unknown docker rm flag -v');
});

verbs('docker info checks the engine and takes no arguments', () => {
  assert.equal(control(['info']), { verb: 'info' });
  refuses(['info', 'extra'], 'docker info takes no arguments');
});

verbs('docker pull IMAGE', () => {
  assert.equal(control(['pull', 'busybox:latest']), { verb: 'pull', image: 'busybox:latest' });
  refuses(['pull'], 'docker pull takes exactly one image, got 0');
  refuses(['pull', 'a', 'b'], 'docker pull takes exactly one image, got 2');
  refuses(['pull', '-q', 'busybox'], 'unknown docker pull flag -q');
});

verbs('other verbs are refused with the supported list', () => {
  refuses(['exec', 'app1', 'ls'], 'docker exec is not supported in unit files; supported: run, kill, stop, rm, pull, info');
  refuses(['start', 'app1'], 'docker start is not supported in unit files; supported: run, kill, stop, rm, pull, info');
  refuses(['compose', 'up'], 'docker compose is not supported in unit files; supported: run, kill, stop, rm, pull, info');
  refuses([], 'docker needs a command; supported: run, kill, stop, rm, pull, info');
  refuses(['-H', 'tcp://x', 'run', 'busybox'], 'docker option -H before the command is not supported in unit files; supported: run, kill, stop, rm, pull, info');
});

verbs.run();
