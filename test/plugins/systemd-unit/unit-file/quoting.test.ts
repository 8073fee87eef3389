import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { quoteWord, quoteWords, readWord, splitWords, unescapeC } from '../../../../plugins/systemd-unit/unit-file/quoting.js';

const test = suite('systemd-unit: quoting');

const words = (value: string) => splitWords(value).words;

test('splits on spaces, tabs and line breaks, any number of them', () => {
  assert.equal(words('  a  b\tc\nd\re  '), ['a', 'b', 'c', 'd', 'e']);
  assert.equal(splitWords(''), { words: [], warnings: [] });
  assert.equal(splitWords('   '), { words: [], warnings: [] });
});

test('double and single quotes wrap an item and are removed', () => {
  assert.equal(words(`"a b" 'c  d' e`), ['a b', 'c  d', 'e']);
  assert.equal(words(`"it's" 'say "hi"'`), ["it's", 'say "hi"']);
  assert.equal(words(`"" ''`), ['', '']);
});

test('quotes inside a word are joined with the text around them (systemd 252)', () => {
  assert.equal(words(`--name="hello world" a"b c"d 'x'y`), ['--name=hello world', 'ab cd', 'xy']);
});

test('strictQuotes refuses quotes that do not wrap a whole item', () => {
  assert.match(splitWords(`--name="a b"`, { strictQuotes: true }).error ?? '', /quote opened inside a word/);
  assert.match(splitWords(`"a b"c`, { strictQuotes: true }).error ?? '', /closing quote not followed by whitespace/);
  assert.equal(splitWords(`"a b" 'c'`, { strictQuotes: true }), { words: ['a b', 'c'], warnings: [] });
});

test('every C escape', () => {
  const cases: [string, string][] = [
    ['\\a', '\x07'],
    ['\\b', '\b'],
    ['\\f', '\f'],
    ['\\n', '\n'],
    ['\\r', '\r'],
    ['\\t', '\t'],
    ['\\v', '\v'],
    ['\\\\', '\\'],
    ['\\"', '"'],
    ["\\'", "'"],
    ['\\s', ' '],
    ['\\x41', 'A'],
    ['\\x7e', '~'],
    ['\\x7E', '~'],
    ['\\101', 'A'],
    ['\\040', ' '],
    ['\\u00e9', 'é'],
    ['\\u20AC', '€'],
    ['\\U0001F600', '😀'],
    ['\\xc3\\xa9', 'é'],
    ['\\303\\251', 'é'],
  ];
  for (const [input, expected] of cases) {
    assert.equal(splitWords(`x${input}y`), { words: [`x${expected}y`], warnings: [] }, input);
  }
});

test('escapes are decoded inside both kinds of quotes', () => {
  assert.equal(words(`"a\\tb\\"c" 'd\\ne\\'f'`), ['a\tb"c', "d\ne'f"]);
});

test('an escaped space is not a separator; \\s is a space', () => {
  assert.equal(words('a\\sb c'), ['a b', 'c']);
});

test('unknown or invalid escapes are kept as written, with a warning per word', () => {
  const cases: [string, string][] = [
    ['\\q', '\\q'],
    ['\\ ', '\\ '],
    ['\\x4', '\\x4'],
    ['\\xzz', '\\xzz'],
    ['\\x00', '\\x00'],
    ['\\000', '\\000'],
    ['\\400', '\\400'],
    ['\\18', '\\18'],
    ['\\u0000', '\\u0000'],
    ['\\ud800', '\\ud800'],
    ['\\uFFFE', '\\uFFFE'],
    ['\\U00110000', '\\U00110000'],
    ['\\e', '\\e'],
  ];
  for (const [input, expected] of cases) {
    const result = splitWords(`a${input}z`);
    assert.equal(result.words, [`a${expected}z`], input);
    assert.is(result.warnings.length, 1, input);
    assert.is(result.error, undefined);
  }
  assert.equal(splitWords('ok \\q \\w'), {
    words: ['ok', '\\q', '\\w'],
    warnings: ['unknown escape sequences kept as written in "\\q"', 'unknown escape sequences kept as written in "\\w"'],
  });
});

test('a backslash ending the value outside quotes is kept, with a warning', () => {
  const result = splitWords('a b\\');
  assert.equal(result.words, ['a', 'b\\']);
  assert.is(result.warnings.length, 1);
});

test('unbalanced quotes are an error; the words before it are returned', () => {
  const result = splitWords(`a "b c`);
  assert.equal(result.words, ['a']);
  assert.match(result.error ?? '', /unbalanced quoting/);
  assert.ok(splitWords(`'abc`).error);
  assert.ok(splitWords(`"a\\"`).error, 'escaped closing quote leaves the quote open');
  assert.ok(splitWords(`"a\\`).error, 'a backslash ending the text inside quotes');
});

test('shell-style backslashes without C escapes (cEscapes: false)', () => {
  assert.equal(splitWords('a\\ b \\n "c\\"d" \'e\\\'f\'', { cEscapes: false }).words, ['a b', 'n', 'c"d', "e'f"]);
});

test('relaxed: an unclosed quote or a trailing backslash ends the word', () => {
  assert.equal(splitWords('a "b c', { relaxed: true }), { words: ['a', 'b c'], warnings: [] });
  assert.equal(splitWords('a b\\', { relaxed: true }), { words: ['a', 'b'], warnings: [] });
});

test('readWord reports where the word is in the text', () => {
  const result = readWord('  "a b"  c', 0);
  assert.equal(result, { kind: 'word', word: 'a b', start: 2, end: 7, unknownEscapes: [] });
  assert.equal(readWord('  "a b"  c', 7), { kind: 'word', word: 'c', start: 9, end: 10, unknownEscapes: [] });
  assert.equal(readWord('   ', 0), { kind: 'end' });
});

test('unescapeC decodes escapes in a whole text, quotes untouched', () => {
  assert.equal(unescapeC('"a\\tb" \\x41\\101'), { value: '"a\tb" AA', warnings: [] });
  const unknown = unescapeC('a\\qb');
  assert.is(unknown.value, 'a\\qb');
  assert.is(unknown.warnings.length, 1);
});

test('quoteWord leaves plain words alone and quotes the rest', () => {
  assert.is(quoteWord('/usr/bin/app'), '/usr/bin/app');
  assert.is(quoteWord('--opt=1,2'), '--opt=1,2');
  assert.is(quoteWord(''), '""');
  assert.is(quoteWord('a b'), '"a b"');
  assert.is(quoteWord('say "hi"'), '"say \\"hi\\""');
  assert.is(quoteWord('back\\slash'), '"back\\\\slash"');
  assert.is(quoteWord('tab\there'), '"tab\\there"');
  assert.is(quoteWord('\x01'), '"\\x01"');
  assert.is(quoteWord(';'), '";"');
  assert.throws(() => quoteWord('nul\0'), /NUL/);
});

test('quoteWord round-trips through splitWords', () => {
  const samples = ['', ' ', 'a b', "it's", 'a"b', '\\', '\\\\x41', 'line\nbreak\r', '\x07\b\f\v\x7f', 'é 😀', ';', '"', "'", '$HOME ${X}', '%n'];
  for (const sample of samples) {
    assert.equal(splitWords(quoteWord(sample)), { words: [sample], warnings: [] }, JSON.stringify(sample));
  }
  assert.equal(splitWords(quoteWords(samples)).words, samples);
});

test.run();
