import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExecCommand, UnitDiagnostic } from '../../../../plugins/systemd-unit/unit-file/definition.js';
import { ExecSyntaxError, expandArgv, parseExecSetting } from '../../../../plugins/systemd-unit/unit-file/exec-command.js';

const test = suite('systemd-unit: exec command lines');

const FILE = '/etc/flotilla/units/app.service';

function parse(value: string, diagnostics: UnitDiagnostic[] = [], expandWord?: (w: string) => string): ExecCommand[] {
  return parseExecSetting(value, FILE, 7, { key: 'ExecStart', section: 'Service', diagnostics, expandWord });
}

/** path, argv0 and args of each command. */
function shapes(value: string): [string, string, string[]][] {
  return parse(value).map((c) => [c.path, c.argv0, c.args]);
}

function throwsExec(value: string, reason: RegExp) {
  assert.throws(
    () => parse(value),
    (error: unknown) => error instanceof ExecSyntaxError && reason.test(error.message),
    value,
  );
}

test('one command: program, unquoted arguments, defaults for every flag', () => {
  assert.equal(parse('/usr/bin/app --flag "a b" \'c\'  d'), [
    {
      text: '/usr/bin/app --flag "a b" \'c\'  d',
      path: '/usr/bin/app',
      argv0: '/usr/bin/app',
      args: ['--flag', 'a b', 'c', 'd'],
      ignoreFailure: false,
      noEnvExpansion: false,
      fullPrivileges: false,
      skipCredentials: false,
      file: FILE,
      line: 7,
    },
  ]);
});

test('an empty value gives no commands', () => {
  assert.equal(parse(''), []);
  assert.equal(parse('   '), []);
});

test('a lone ; separates commands, each with its own text', () => {
  const commands = parse('/bin/a x ; -/bin/b "y z";/c ; /bin/d');
  assert.equal(commands.map((c) => [c.text, c.path, c.args, c.ignoreFailure]), [
    ['/bin/a x', '/bin/a', ['x'], false],
    ['-/bin/b "y z";/c', '/bin/b', ['y z;/c'], true],
    ['/bin/d', '/bin/d', [], false],
  ]);
});

test('\\; is a literal ; argument, as are ; inside a word and a quoted ";"', () => {
  assert.equal(shapes('/usr/bin/find . -exec rm {} \\;'), [['/usr/bin/find', '/usr/bin/find', ['.', '-exec', 'rm', '{}', ';']]]);
  assert.equal(shapes('/bin/echo a; b;c ";" \';\''), [['/bin/echo', '/bin/echo', ['a;', 'b;c', ';', ';']]]);
  assert.is(parse('/usr/bin/find . \\;')[0]!.text, '/usr/bin/find . \\;');
});

test('separators at either end and repeated separators are skipped', () => {
  assert.equal(shapes('/bin/a ;'), [['/bin/a', '/bin/a', []]]);
  assert.equal(shapes('; /bin/a'), [['/bin/a', '/bin/a', []]]);
  assert.equal(shapes('/bin/a ; ; /bin/b'), [
    ['/bin/a', '/bin/a', []],
    ['/bin/b', '/bin/b', []],
  ]);
  assert.equal(parse(';'), []);
});

test('prefixes, alone and combined in any order', () => {
  const flags = (value: string) => {
    const [c] = parse(value);
    return { path: c!.path, argv0: c!.argv0, args: c!.args, i: c!.ignoreFailure, e: c!.noEnvExpansion, p: c!.fullPrivileges, s: c!.skipCredentials };
  };
  assert.equal(flags('-/bin/a'), { path: '/bin/a', argv0: '/bin/a', args: [], i: true, e: false, p: false, s: false });
  assert.equal(flags(':/bin/a'), { path: '/bin/a', argv0: '/bin/a', args: [], i: false, e: true, p: false, s: false });
  assert.equal(flags('+/bin/a'), { path: '/bin/a', argv0: '/bin/a', args: [], i: false, e: false, p: true, s: false });
  assert.equal(flags('!/bin/a'), { path: '/bin/a', argv0: '/bin/a', args: [], i: false, e: false, p: false, s: true });
  assert.equal(flags('!!/bin/a'), { path: '/bin/a', argv0: '/bin/a', args: [], i: false, e: false, p: false, s: true });
  assert.equal(flags('@/bin/sh mysh -c x'), { path: '/bin/sh', argv0: 'mysh', args: ['-c', 'x'], i: false, e: false, p: false, s: false });
  assert.equal(flags('-@:+/bin/sh sh'), { path: '/bin/sh', argv0: 'sh', args: [], i: true, e: true, p: true, s: false });
  assert.equal(flags(':!!-@/bin/sh sh x'), { path: '/bin/sh', argv0: 'sh', args: ['x'], i: true, e: true, p: false, s: true });
});

test('at most one of + ! !!, and each prefix once: the extra mark ends up in the program name', () => {
  throwsExec('+!/bin/a', /neither an absolute path nor a plain file name/);
  throwsExec('!+/bin/a', /neither an absolute path nor a plain file name/);
  throwsExec('!!!/bin/a', /neither an absolute path nor a plain file name/);
  throwsExec('::/bin/a', /neither an absolute path nor a plain file name/);
  throwsExec('@@/bin/a x y', /neither an absolute path nor a plain file name/);
});

test('@ needs a word after the program for argv[0]', () => {
  throwsExec('@', /empty program path/);
  throwsExec('@/bin/a', /no argv\[0\]/);
  throwsExec('@/bin/a ; /bin/b', /no argv\[0\]/);
});

test('program checks', () => {
  assert.equal(shapes('sleep 5'), [['sleep', 'sleep', ['5']]]);
  throwsExec('bin/true', /neither an absolute path nor a plain file name/);
  throwsExec('./true', /neither an absolute path nor a plain file name/);
  throwsExec('..', /neither an absolute path nor a plain file name/);
  throwsExec('/bin/true/', /names a directory/);
  throwsExec('/bin/..', /names a directory/);
  throwsExec('/bin/nothere\\q', /quotes, backslashes or control characters/);
  throwsExec('"/bin/it\'s"', /quotes, backslashes or control characters/);
  throwsExec('$FOO a', /may not be a variable/);
  throwsExec('${FOO} a', /may not be a variable/);
  throwsExec(`/${'a'.repeat(256)}`, /too long/);
});

test('the program path is simplified; argv[0] keeps it as written', () => {
  assert.equal(shapes('/usr//bin/./app x'), [['/usr/bin/app', '/usr//bin/./app', ['x']]]);
  assert.equal(shapes('/bin/../bin/true'), [['/bin/../bin/true', '/bin/../bin/true', []]]);
});

test('quotes and escapes in the program word', () => {
  assert.equal(shapes('"/opt/my app/run" x'), [['/opt/my app/run', '/opt/my app/run', ['x']]]);
  assert.equal(shapes('/bin/tr"ue" a"b c"d'), [['/bin/true', '/bin/true', ['ab cd']]]);
  assert.equal(shapes('/bin/nothere\\x41'), [['/bin/nothereA', '/bin/nothereA', []]]);
});

test('arguments: every escape decoded, unknown escapes kept with a warning', () => {
  const diagnostics: UnitDiagnostic[] = [];
  const [command] = parse('/bin/echo \\t\\n \\x41\\101 "\\u00e9" \\q', diagnostics);
  assert.equal(command!.args, ['\t\n', 'AA', 'é', '\\q']);
  assert.equal(diagnostics.map((d) => [d.severity, d.file, d.line, d.key, d.section]), [['warning', FILE, 7, 'ExecStart', 'Service']]);
  assert.match(diagnostics[0]!.message, /unknown escape/);
});

test('$ text is kept for expansion at spawn time', () => {
  assert.equal(shapes('/bin/echo $FOO ${BAR} $$ a$B'), [['/bin/echo', '/bin/echo', ['$FOO', '${BAR}', '$$', 'a$B']]]);
});

test('unbalanced quotes: an error in arguments, only a warning in the first word (as systemd)', () => {
  throwsExec('/bin/true "a', /unbalanced quoting/);
  throwsExec('/bin/true ; /bin/true "', /unbalanced quoting/);
  const diagnostics: UnitDiagnostic[] = [];
  assert.equal(parse('"/bin/true', diagnostics), []);
  assert.equal(diagnostics.map((d) => d.severity), ['warning']);
  assert.match(diagnostics[0]!.message, /unbalanced quoting/);
});

test('with the - prefix a bad command is a warning and drops the rest of the setting', () => {
  for (const value of ['-', '- /bin/true', '-/bin/true "x', '--/bin/a', '-@/bin/a']) {
    const diagnostics: UnitDiagnostic[] = [];
    assert.equal(parse(value, diagnostics), [], value);
    assert.equal(diagnostics.map((d) => d.severity), ['warning'], value);
    assert.match(diagnostics[0]!.message, /'-' prefix/, value);
  }
  const diagnostics: UnitDiagnostic[] = [];
  const commands = parse('/bin/a ; -/bin/b "x ; /bin/c', diagnostics);
  assert.equal(commands.map((c) => c.path), ['/bin/a']);
  assert.is(diagnostics.length, 1);
});

test('errors carry file, line and key', () => {
  try {
    parse('@');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ExecSyntaxError);
    const e = error as ExecSyntaxError;
    assert.is(e.file, FILE);
    assert.is(e.line, 7);
    assert.is(e.key, 'ExecStart');
    assert.ok(e.message.startsWith(`${FILE}:7: ExecStart=: `), e.message);
  }
});

test('expandWord runs on each unquoted word, so an expansion with spaces stays one argument', () => {
  const expand = (w: string) => w.replaceAll('%I', 'a b').replaceAll('%n', 'app.service');
  const [command] = parse('/bin/%n-run %I "x %I" %%', [], (w) => expand(w));
  assert.is(command!.path, '/bin/app.service-run');
  assert.is(command!.argv0, '/bin/app.service-run');
  assert.equal(command!.args, ['a b', 'x a b', '%%']);
  const expanded: string[] = [];
  parse('@/bin/sh %n ";" \\;', [], (w) => (expanded.push(w), w));
  assert.equal(expanded, ['/bin/sh', '%n', ';'], 'the literal \\; is not expanded');
});

test('a failing expandWord is an error, or a warning with -', () => {
  const failing = (w: string) => {
    if (w.includes('%z')) throw new Error("unknown specifier '%z'");
    return w;
  };
  assert.throws(() => parse('/bin/a %z', [], failing), (e: unknown) => e instanceof ExecSyntaxError && /%z/.test(e.message));
  assert.throws(() => parse('/bin/%z', [], failing), (e: unknown) => e instanceof ExecSyntaxError);
  const diagnostics: UnitDiagnostic[] = [];
  assert.equal(parse('-/bin/a %z', diagnostics, failing), []);
  assert.is(diagnostics.length, 1);
});

function command(value: string): ExecCommand {
  return parse(value)[0]!;
}

const ENV = { FOO: 'BAR BAR', BAR: 'waldo', Q: `one "two three" 'four'`, EMPTY: '', BS: 'a\\ b c' };
const argvOf = (value: string, env: Record<string, string> = ENV) => expandArgv(command(value), env);

// Vectors from systemd's own tests of its argv expansion.
test('environment expansion matches systemd', () => {
  const words = [
    'FOO$FOO',
    'FOO$FOOFOO',
    'FOO${FOO}$FOO',
    'FOO${FOO}',
    '${FOO}',
    '$FOO',
    '$FOO$FOO',
    '${FOO}${BAR}',
    '${FOO',
    'FOO$$${FOO}',
    '$$FOO${FOO}',
    '${FOO:-${BAR}}',
    '${QUUX:-${FOO}}',
    '${FOO:+${BAR}}',
    '${QUUX:+${BAR}}',
    '${FOO:+|${BAR}|}}',
    '${FOO:+|${BAR}{|}',
  ];
  const value = `/bin/x ${words.map((w) => `'${w}'`).join(' ')}`;
  assert.equal(argvOf(value).slice(1), [
    'FOO$FOO',
    'FOO$FOOFOO',
    'FOOBAR BAR$FOO',
    'FOOBAR BAR',
    'BAR BAR',
    'BAR',
    'BAR',
    'BAR BARwaldo',
    '${FOO',
    'FOO$BAR BAR',
    '$FOOBAR BAR',
    '${FOO:-waldo}',
    '${QUUX:-BAR BAR}',
    '${FOO:+waldo}',
    '${QUUX:+waldo}',
    '${FOO:+|waldo|}}',
    '${FOO:+|waldo{|}',
  ]);
});

test('$NAME as a whole word splits on whitespace, respecting then removing quotes', () => {
  assert.equal(argvOf('/bin/x $Q end'), ['/bin/x', 'one', 'two three', 'four', 'end']);
  assert.equal(argvOf('/bin/x $BS'), ['/bin/x', 'a b', 'c']);
  assert.equal(argvOf('/bin/x "${Q}"'), ['/bin/x', `one "two three" 'four'`]);
});

test('unset or empty: $NAME gives no word, ${NAME} an empty one', () => {
  assert.equal(argvOf('/bin/x a $EMPTY $UNSET b'), ['/bin/x', 'a', 'b']);
  assert.equal(argvOf('/bin/x ${UNSET} ${EMPTY} x${UNSET}y'), ['/bin/x', '', '', 'xy']);
  assert.equal(argvOf('/bin/x $'), ['/bin/x'], 'a lone $ names the empty variable');
  assert.equal(argvOf('/bin/x $FOO/bar'), ['/bin/x'], 'the name is the rest of the word');
});

test('$$ is a literal $', () => {
  assert.equal(argvOf('/bin/x $$ $$FOO a$$b'), ['/bin/x', '$', '$FOO', 'a$b']);
});

test('the : prefix turns expansion off', () => {
  assert.equal(argvOf(':/bin/x $FOO ${BAR} $$'), ['/bin/x', '$FOO', '${BAR}', '$$']);
});

test('argv[0] is expanded too, the program path never', () => {
  const cmd = command('@/bin/sh ${BAR} -c $FOO');
  assert.is(cmd.path, '/bin/sh');
  assert.equal(expandArgv(cmd, ENV), ['waldo', '-c', 'BAR', 'BAR']);
});

test('env keys are looked up as own properties only', () => {
  assert.equal(argvOf('/bin/x $toString ${constructor}'), ['/bin/x', '']);
});

test.run();
