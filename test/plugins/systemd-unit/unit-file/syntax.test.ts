import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_LINE_BYTES, parseUnitText, sectionsToMap } from '../../../../plugins/systemd-unit/unit-file/syntax.js';

const test = suite('systemd-unit: unit file syntax');

const FILE = '/etc/flotilla/units/app.service';

/** Entries as [section, key, value, line] rows, the shape most assertions want. */
function rows(text: string): [string, string, string, number][] {
  const { sections } = parseUnitText(text, FILE);
  return sections.flatMap((s) => s.entries.map((e): [string, string, string, number] => [s.name, e.key, e.value, e.line]));
}

test('sections and assignments, whitespace around = and at the ends trimmed', () => {
  const text = ['[Unit]', 'Description = My app  ', '  After=network.target\t', '', '[Service]', 'ExecStart=/usr/bin/app --flag'].join('\n');
  const { sections, diagnostics } = parseUnitText(text, FILE);
  assert.equal(diagnostics, []);
  assert.equal(sections, [
    {
      name: 'Unit',
      entries: [
        { key: 'Description', value: 'My app', file: FILE, line: 2 },
        { key: 'After', value: 'network.target', file: FILE, line: 3 },
      ],
    },
    { name: 'Service', entries: [{ key: 'ExecStart', value: '/usr/bin/app --flag', file: FILE, line: 6 }] },
  ]);
});

test('# and ; comment lines, also indented; a # inside a value is part of it', () => {
  const text = ['# comment', '; also a comment', '[Unit]', '   # indented comment', '\t; indented too', 'Description=a # not a comment ; nor this'].join('\n');
  assert.equal(rows(text), [['Unit', 'Description', 'a # not a comment ; nor this', 6]]);
});

test('the value keeps quotes and escapes as written', () => {
  assert.equal(rows('[Service]\nEnvironment="A=b c" D=\\x41\n'), [['Service', 'Environment', '"A=b c" D=\\x41', 2]]);
});

test('an empty assignment is kept (the reset is the builder’s job)', () => {
  assert.equal(rows('[Service]\nExecStart=\nExecStart=/bin/true\n'), [
    ['Service', 'ExecStart', '', 2],
    ['Service', 'ExecStart', '/bin/true', 3],
  ]);
});

test('only the first = splits key and value', () => {
  assert.equal(rows('[Service]\nEnvironment=A=1=2\n'), [['Service', 'Environment', 'A=1=2', 2]]);
});

test('a trailing backslash continues the line, the backslash becoming a space', () => {
  const text = ['[Service]', 'ExecStart=/bin/echo one \\', '   two\\', 'three', 'Type=simple'].join('\n');
  assert.equal(rows(text), [
    ['Service', 'ExecStart', '/bin/echo one     two three', 2],
    ['Service', 'Type', 'simple', 5],
  ]);
});

test('comment lines inside a continuation are skipped and the continuation resumes', () => {
  const text = ['[Service]', 'ExecStart=/bin/echo a \\', '# a comment \\', '  ; another', 'b', 'Restart=always'].join('\n');
  const { sections, diagnostics } = parseUnitText(text, FILE);
  assert.equal(diagnostics, []);
  assert.equal(sections[0]!.entries.map((e) => [e.key, e.value, e.line]), [
    ['ExecStart', '/bin/echo a  b', 2],
    ['Restart', 'always', 6],
  ]);
});

test('an empty line ends a continuation', () => {
  assert.equal(rows('[Service]\nExecStart=/bin/a \\\n\nType=oneshot\n'), [
    ['Service', 'ExecStart', '/bin/a', 2],
    ['Service', 'Type', 'oneshot', 4],
  ]);
});

test('a continuation pending at the end of the file is still parsed', () => {
  assert.equal(rows('[Service]\nExecStart=/bin/a \\'), [['Service', 'ExecStart', '/bin/a', 2]]);
});

test('an escaped backslash at the end is not a continuation', () => {
  assert.equal(rows('[Service]\nX-A=a\\\\\nX-B=b\n'), [
    ['Service', 'X-A', 'a\\\\', 2],
    ['Service', 'X-B', 'b', 3],
  ]);
  assert.equal(rows('[Service]\nX-A=a\\\\\\\nb\n'), [['Service', 'X-A', 'a\\\\ b', 2]]);
});

test('a section header or comment-like text after a continuation belongs to the value', () => {
  assert.equal(rows('[Unit]\nDescription=a \\\n[Service]\n'), [['Unit', 'Description', 'a  [Service]', 2]]);
});

test('CRLF, CR and NUL end lines; a leading BOM is ignored', () => {
  assert.equal(rows('\uFEFF[Unit]\r\nA=1\rB=2\0C=3\r\n'), [
    ['Unit', 'A', '1', 2],
    ['Unit', 'B', '2', 3],
    ['Unit', 'C', '3', 4],
  ]);
});

test('repeated sections are merged in order', () => {
  const { sections } = parseUnitText('[Unit]\nA=1\n[Service]\nB=2\n[Unit]\nC=3\n', FILE);
  assert.equal(sections.map((s) => [s.name, s.entries.map((e) => e.key)]), [
    ['Unit', ['A', 'C']],
    ['Service', ['B']],
  ]);
});

test('unknown and X- sections are kept verbatim, empty ones too', () => {
  const text = '[X-Fleet]\nMachineOf=web@1.service\n[Container]\nImage=docker.io/nginx:1.25\nExec=--port "8080"\n[Empty]\n';
  const { sections, diagnostics } = parseUnitText(text, FILE);
  assert.equal(diagnostics, []);
  assert.equal(sections.map((s) => [s.name, s.entries.map((e) => [e.key, e.value])]), [
    ['X-Fleet', [['MachineOf', 'web@1.service']]],
    ['Container', [['Image', 'docker.io/nginx:1.25'], ['Exec', '--port "8080"']]],
    ['Empty', []],
  ]);
});

test('assignment before any section: error, ignored', () => {
  const { sections, diagnostics } = parseUnitText('Description=x\n[Unit]\nA=1\n', FILE);
  assert.equal(sections, [{ name: 'Unit', entries: [{ key: 'A', value: '1', file: FILE, line: 3 }] }]);
  assert.is(diagnostics.length, 1);
  assert.is(diagnostics[0]!.severity, 'error');
  assert.is(diagnostics[0]!.file, FILE);
  assert.is(diagnostics[0]!.line, 1);
  assert.is(diagnostics[0]!.key, 'Description');
  assert.match(diagnostics[0]!.message, /outside of any section/);
});

test('a line without = is an error with file and line, and is ignored', () => {
  const { sections, diagnostics } = parseUnitText('[Unit]\nA=1\njust words\nB=2\n', FILE);
  assert.equal(sections[0]!.entries.map((e) => e.key), ['A', 'B']);
  assert.equal(diagnostics.map((d) => [d.severity, d.file, d.line, d.section]), [['error', FILE, 3, 'Unit']]);
  assert.match(diagnostics[0]!.message, /missing '='/);
});

test('invalid and empty key names are warnings (systemd skips unknown keys) and ignored', () => {
  const { sections, diagnostics } = parseUnitText('[Unit]\nBad Key=1\n=2\nK$y=3\nGood-Key_1.x=4\n', FILE);
  assert.equal(sections[0]!.entries.map((e) => e.key), ['Good-Key_1.x']);
  assert.equal(diagnostics.map((d) => d.line), [2, 3, 4]);
  assert.ok(diagnostics.every((d) => d.severity === 'warning'));
  assert.match(diagnostics[0]!.message, /invalid key name 'Bad Key'/);
  assert.match(diagnostics[1]!.message, /missing key name/);
});

test('a bad section header is an error and its assignments are dropped', () => {
  const { sections, diagnostics } = parseUnitText('[Unit\nA=1\n[Service]\nB=2\n[Bad"Name]\nC=3\n', FILE);
  assert.equal(sections.map((s) => [s.name, s.entries.map((e) => e.key)]), [['Service', ['B']]]);
  assert.equal(diagnostics.map((d) => [d.severity, d.line]), [
    ['error', 1],
    ['error', 5],
  ]);
});

test('a line of exactly 1 MiB is accepted; one byte more is an error', () => {
  const prefix = 'X-Long=';
  const fits = prefix + 'a'.repeat(MAX_LINE_BYTES - prefix.length);
  const ok = parseUnitText(`[Service]\n${fits}\n`, FILE);
  assert.equal(ok.diagnostics, []);
  assert.is(ok.sections[0]!.entries[0]!.value.length, MAX_LINE_BYTES - prefix.length);

  const tooLong = parseUnitText(`[Service]\n${fits}a\nType=simple\n`, FILE);
  assert.equal(tooLong.sections[0]!.entries.map((e) => e.key), ['Type']);
  assert.equal(tooLong.diagnostics.map((d) => [d.severity, d.line]), [['error', 2]]);
  assert.match(tooLong.diagnostics[0]!.message, /longer than 1048576 bytes/);
});

test('the line limit counts UTF-8 bytes', () => {
  const prefix = 'X-Long=';
  const half = (MAX_LINE_BYTES - prefix.length) / 2 + 1;
  const { diagnostics } = parseUnitText(`[Service]\n${prefix}${'é'.repeat(half)}\n`, FILE);
  assert.is(diagnostics.length, 1);
});

test('a continued line longer than 1 MiB in total is an error', () => {
  const part = 'a'.repeat(MAX_LINE_BYTES / 2);
  const { sections, diagnostics } = parseUnitText(`[Service]\nX-Long=${part}\\\n${part}\\\nrest\nType=simple\n`, FILE);
  assert.equal(diagnostics.map((d) => [d.severity, d.line]), [['error', 2]]);
  assert.match(diagnostics[0]!.message, /continued line/);
  assert.equal(sections[0]!.entries.map((e) => e.key), ['Type']);
});

test('lines continuing an over-long line are dropped with it', () => {
  const long = 'a'.repeat(MAX_LINE_BYTES + 1);
  const { sections, diagnostics } = parseUnitText(`[Service]\nX-A=1 \\\n${long}\\\n# comment\nstill dropped\nType=simple\n`, FILE);
  assert.equal(sections[0]!.entries.map((e) => [e.key, e.line]), [['Type', 6]]);
  assert.equal(diagnostics.map((d) => [d.severity, d.line]), [['error', 2]]);
  assert.match(diagnostics[0]!.message, /line 3 is longer/);
});

test('a section name keeps spaces inside the brackets', () => {
  assert.equal(parseUnitText('[ Service ]\nA=1\n', FILE).sections.map((s) => s.name), [' Service ']);
});

test('sectionsToMap gives each section its key/value pairs in order', () => {
  const { sections } = parseUnitText('[Unit]\nA=1\nA=2\n[X-Fleet]\nB=3\n', FILE);
  const map = sectionsToMap(sections);
  assert.equal([...map.keys()], ['Unit', 'X-Fleet']);
  assert.equal(map.get('Unit'), [
    ['A', '1'],
    ['A', '2'],
  ]);
  assert.equal(map.get('X-Fleet'), [['B', '3']]);
});

test('empty text has no sections', () => {
  assert.equal(parseUnitText('', FILE), { sections: [], diagnostics: [] });
  assert.equal(parseUnitText('\n\n# only comments\n', FILE), { sections: [], diagnostics: [] });
});

test.run();
