import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { UnitSection } from '../../../../plugins/systemd-unit/unit-file/definition.js';
import { serializeUnit } from '../../../../plugins/systemd-unit/unit-file/serialize.js';
import { parseUnitText } from '../../../../plugins/systemd-unit/unit-file/syntax.js';

const test = suite('systemd-unit: unit file serialization');

/** Sections without file and line, for comparing a parse with a re-parse. */
function shape(sections: UnitSection[]) {
  return sections.map((s) => ({ name: s.name, entries: s.entries.map((e) => [e.key, e.value]) }));
}

function assertRoundTrip(text: string, label = text) {
  const first = parseUnitText(text, 'a.service');
  const written = serializeUnit(first.sections);
  const second = parseUnitText(written, 'b.service');
  assert.equal(second.diagnostics, [], `${label}: the written text parses cleanly`);
  assert.equal(shape(second.sections), shape(first.sections), label);
  assert.is(serializeUnit(second.sections), written, `${label}: writing is stable`);
}

test('writes one header per section and one line per entry', () => {
  const sections: UnitSection[] = [
    {
      name: 'Unit',
      entries: [
        { key: 'Description', value: 'My app', file: 'f', line: 1 },
        { key: 'After', value: 'network.target', file: 'f', line: 2 },
      ],
    },
    { name: 'Service', entries: [{ key: 'ExecStart', value: '/bin/app "a b"', file: 'f', line: 4 }] },
    { name: 'X-Empty', entries: [] },
  ];
  assert.is(serializeUnit(sections), '[Unit]\nDescription=My app\nAfter=network.target\n\n[Service]\nExecStart=/bin/app "a b"\n\n[X-Empty]\n');
  assert.is(serializeUnit([]), '');
});

test('round trip: every syntax feature of the parser', () => {
  const corpus = [
    '[Unit]\nDescription = spaced  \n',
    '[Service]\nExecStart=/bin/echo a \\\n# comment inside\n  b \\\n; another\nc\n',
    '[Service]\nExecStart=\nExecStart=/bin/true\nEnvironment="A=b c" D=\\x41 \'q\'\n',
    '[Service]\nX-A=a\\\\\nX-B=#not a comment\nX-C=;nor this\nX-D=[not a section]\nX-E=a=b=c\n',
    '[X-Fleet]\nMachineOf=a@1.service\n[Container]\nImage=nginx\n[Unit]\nA=1\n[X-Fleet]\nB=2\n',
    '\uFEFF[Unit]\r\nA=1\rB=2\0C=\t tab\t inside \t\n',
    '[Service]\nX-Odd=a\\ \\\n\nX-Next=1\n',
    '[Service]\nX-Odd=\\ \\\n\n',
    '[Service]\nX-Odd=x\\\\\\ \\\n\n',
    '[Service]\nX-Cont=last \\',
    '[Empty]\n[Unit]\nA=é 😀 \\u00e9\n',
  ];
  for (const text of corpus) assertRoundTrip(text, JSON.stringify(text));
});

test('a value ending in an odd run of backslashes is written so that it reads back', () => {
  const { sections } = parseUnitText('[Service]\nX-Odd=a\\ \\\n\nX-Next=1\n', 'f');
  assert.equal(shape(sections), [{ name: 'Service', entries: [['X-Odd', 'a\\'], ['X-Next', '1']] }]);
  const written = serializeUnit(sections);
  assert.is(written, '[Service]\nX-Odd=a\\ \\\n\nX-Next=1\n');
  assert.equal(shape(parseUnitText(written, 'f').sections), shape(sections));
});

test('round trip: random texts built from the characters that matter', () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const alphabet = ['a', 'b', ' ', ' ', '\t', '\\', '\\', '=', '#', ';', '"', "'", '[', ']', '\n', '\n', 'é'];
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  for (let round = 0; round < 500; round++) {
    const lines = ['[S]'];
    for (let i = 0; i < 6; i++) {
      const kind = random();
      if (kind < 0.1) lines.push(pick(['[T]', '[S]', '# c \\', '; c', '']));
      else {
        let value = '';
        const length = Math.floor(random() * 12);
        for (let j = 0; j < length; j++) value += pick(alphabet);
        lines.push(`${pick(['K', 'X-Y', 'k.1'])}${pick(['', ' '])}=${value}`);
      }
    }
    const text = lines.join('\n');
    const first = parseUnitText(text, 'a');
    assertRoundTrip(text, `round ${round}: ${JSON.stringify(text)}`);
    assert.ok(first.sections.length > 0);
  }
});

test('values no parse can produce are refused', () => {
  const section = (key: string, value: string): UnitSection[] => [{ name: 'S', entries: [{ key, value, file: 'f', line: 1 }] }];
  assert.throws(() => serializeUnit(section('K', 'a\nb')), /line break/);
  assert.throws(() => serializeUnit(section('K', 'a\rb')), /line break/);
  assert.throws(() => serializeUnit(section('K', 'a\0b')), /NUL/);
  assert.throws(() => serializeUnit(section('K', ' a')), /whitespace/);
  assert.throws(() => serializeUnit(section('K', 'a\t')), /whitespace/);
  assert.throws(() => serializeUnit(section('Bad Key', 'a')), /cannot write key 'Bad Key'/);
  assert.throws(() => serializeUnit(section('K', 'x'.repeat(1024 * 1024))), /longer than 1048576 bytes/);
  assert.throws(() => serializeUnit([{ name: 'A]B', entries: [] }]), /cannot write section name/);
  assert.throws(() => serializeUnit([{ name: '', entries: [] }]), /cannot write section name/);
});

test.run();
