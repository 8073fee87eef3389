import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isValidEnvironmentName, parseEnvironmentFile, parseEnvironmentSetting } from '../../../../plugins/systemd-unit/unit-file/environment.js';

const test = suite('systemd-unit: environment');

test('Environment=: items, whole-item quoting, empty values', () => {
  assert.equal(parseEnvironmentSetting(`A=1 "B=two words" 'C=it"s' D=`), {
    assignments: [
      ['A', '1'],
      ['B', 'two words'],
      ['C', 'it"s'],
      ['D', ''],
    ],
    warnings: [],
  });
});

test('Environment=: escapes decoded, quotes inside an item joined, no $ expansion', () => {
  assert.equal(parseEnvironmentSetting('A=\\x41\\s "B=a\\tb" C=x"y z" D=$HOME E=${X}').assignments, [
    ['A', 'A '],
    ['B', 'a\tb'],
    ['C', 'xy z'],
    ['D', '$HOME'],
    ['E', '${X}'],
  ]);
});

test('Environment=: every item kept in order, a later one for the same name included', () => {
  assert.equal(parseEnvironmentSetting('A=1 B=2 A=3').assignments, [
    ['A', '1'],
    ['B', '2'],
    ['A', '3'],
  ]);
});

test('Environment=: invalid items are skipped with a warning each', () => {
  const result = parseEnvironmentSetting('A=1 1B=2 C-D=3 =4 E é=5 _ok=6 x9=7');
  assert.equal(result.assignments, [
    ['A', '1'],
    ['_ok', '6'],
    ['x9', '7'],
  ]);
  assert.is(result.warnings.length, 5);
  assert.match(result.warnings[0]!, /invalid environment assignment '1B=2'/);
  assert.match(result.warnings[3]!, /'E'/);
});

test('Environment=: a syntax error drops that item and the rest, keeping what came before', () => {
  const escape = parseEnvironmentSetting('A=1 B=\\q C=3');
  assert.equal(escape.assignments, [['A', '1']]);
  assert.equal(escape.warnings.length, 1);
  assert.match(escape.warnings[0]!, /invalid syntax \(unknown escape \\q\), ignoring from 'B=\\q C=3' on/);

  const quote = parseEnvironmentSetting('A=1 "B=2 C=3');
  assert.equal(quote.assignments, [['A', '1']]);
  assert.match(quote.warnings[0]!, /unbalanced quoting/);
});

test('Environment=: expandWord (specifiers) runs per item; a failure skips only that item', () => {
  const expandWord = (w: string) => {
    if (w.includes('%z')) throw new Error("unknown specifier '%z'");
    return w.replaceAll('%n', 'app service');
  };
  const result = parseEnvironmentSetting('UNIT=%n BAD=%z OK=1', { expandWord });
  assert.equal(result.assignments, [
    ['UNIT', 'app service'],
    ['OK', '1'],
  ]);
  assert.is(result.warnings.length, 1);
  assert.match(result.warnings[0]!, /%z/);
});

test('variable names', () => {
  for (const name of ['A', '_', 'a_b9', 'PATH']) assert.ok(isValidEnvironmentName(name), name);
  for (const name of ['', '9A', 'A-B', 'A.B', 'A B', 'é']) assert.not.ok(isValidEnvironmentName(name), name);
});

const FILE = '/etc/default/app';
const envFile = (text: string) => parseEnvironmentFile(text, FILE).assignments;

test('EnvironmentFile=: lines, comments, blank lines, whitespace around names and values', () => {
  const text = ['# comment', '; comment', '', 'A=1', '  B = two words  ', '\tC\t=\tx\t', 'D=', 'E = comment ; part of the value', 'F=a # b'].join('\n');
  assert.equal(envFile(text), [
    ['A', '1'],
    ['B', 'two words'],
    ['C', 'x'],
    ['D', ''],
    ['E', 'comment ; part of the value'],
    ['F', 'a # b'],
  ]);
});

test('EnvironmentFile=: single quotes are literal and may span lines', () => {
  assert.equal(envFile("A=' x \\n $y '\nB='line1\nline2'\n"), [
    ['A', ' x \\n $y '],
    ['B', 'line1\nline2'],
  ]);
});

test('EnvironmentFile=: double quotes escape only " \\ ` $ and may span lines', () => {
  assert.equal(envFile('A=" \\" \\\\ \\` \\$ \\x \\n "\nB="one\ntwo"\nC="joined \\\nline"\n'), [
    ['A', ' " \\ ` $ \\x \\n '],
    ['B', 'one\ntwo'],
    ['C', 'joined line'],
  ]);
});

test('EnvironmentFile=: unquoted backslashes take the next character and join lines', () => {
  assert.equal(envFile('A=\\a\\b\\$x \\\\ end\nB=split \\\nvalue\nC=keep\\ \n'), [
    ['A', 'ab$x \\ end'],
    ['B', 'split value'],
    ['C', 'keep '],
  ]);
});

test('EnvironmentFile=: a backslash right after = joins the next line into the value', () => {
  assert.equal(envFile('O=\\\nP=p\n'), [['O', 'P=p']]);
});

test('EnvironmentFile=: quoted and unquoted parts run together; a quote after text is literal', () => {
  assert.equal(envFile(`A='single ' works\nB=can't quote inline\nC="x"y 'z'\nD=a "b"\n`), [
    ['A', 'single works'],
    ['B', "can't quote inline"],
    ['C', "xy 'z'"],
    ['D', 'a "b"'],
  ]);
});

test('EnvironmentFile=: a comment ending in a backslash continues onto the next line (systemd 252)', () => {
  assert.equal(envFile('# note \\\nHIDDEN=1\nSHOWN=2\n'), [['SHOWN', '2']]);
});

test('EnvironmentFile=: CRLF line ends', () => {
  assert.equal(envFile('A=1\r\nB = 2 \r\n'), [
    ['A', '1'],
    ['B', '2'],
  ]);
});

test('EnvironmentFile=: the last line needs no line break, whatever state it ends in', () => {
  assert.equal(envFile('A=1'), [['A', '1']]);
  assert.equal(envFile('A='), [['A', '']]);
  assert.equal(envFile('A=x\\'), [['A', 'x']]);
});

test('EnvironmentFile=: invalid lines become warnings with their line numbers', () => {
  const text = ['OK=1', 'no equals sign', 'export A=1', '9X=1', 'just Key = v', 'LAST=2'].join('\n');
  const { assignments, warnings } = parseEnvironmentFile(text, FILE);
  assert.equal(assignments, [
    ['OK', '1'],
    ['LAST', '2'],
  ]);
  assert.equal(warnings.map((w) => [w.severity, w.file, w.line]), [
    ['warning', FILE, 2],
    ['warning', FILE, 3],
    ['warning', FILE, 4],
    ['warning', FILE, 5],
  ]);
  assert.match(warnings[0]!.message, /missing '='/);
  assert.match(warnings[1]!.message, /'export' is not supported/);
  assert.match(warnings[3]!.message, /'just Key'/);
});

test('EnvironmentFile=: line numbers count lines inside quoted values', () => {
  const { warnings } = parseEnvironmentFile("A='x\ny\nz'\nbad\n", FILE);
  assert.equal(warnings.map((w) => w.line), [4]);
});

test('EnvironmentFile=: an unterminated quote keeps the text to the end, with a warning', () => {
  const { assignments, warnings } = parseEnvironmentFile("A=1\nB='open\nC=2", FILE);
  assert.equal(assignments, [
    ['A', '1'],
    ['B', 'open\nC=2'],
  ]);
  assert.equal(warnings.map((w) => w.line), [2]);
});

test.run();
