import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatTabbed, tabTable } from '../../../../plugins/fleet-scheduler/commands/tabwriter.js';

const tab = suite('fleet cli: tabwriter (Go text/tabwriter, minwidth 0, tabwidth 8, padding 1, padchar TAB)');

tab('golden: fleetctl list-units header, as seen with cat -A (UNIT\\t\\tMACHINE\\t\\t\\tACTIVE\\t\\tSUB)', () => {
  const rows = [
    ['hello.service', '2c4f1e3a.../127.0.0.1', 'inactive', 'dead'],
    ['hello.service', '5e1a7c02.../127.0.0.2', 'active', 'running'],
  ];
  assert.is(
    tabTable(['unit', 'machine', 'active', 'sub'], rows),
    'UNIT\t\tMACHINE\t\t\tACTIVE\t\tSUB\n' +
      'hello.service\t2c4f1e3a.../127.0.0.1\tinactive\tdead\n' +
      'hello.service\t5e1a7c02.../127.0.0.2\tactive\t\trunning\n',
  );
  // With only "active" in the column, ACTIVE (6) + padding fits the first tab stop.
  assert.is(tabTable(['active', 'sub'], [['active', 'running']]), 'ACTIVE\tSUB\nactive\trunning\n');
});

tab('a cell is padded with tabs to the tab stop after its column width plus one', () => {
  // Width 7 + padding 1 = 8: exactly one tab stop, so a 7-wide cell gets one tab and a 1-wide one gets one too.
  assert.is(formatTabbed('abcdefg\tx\na\ty\n'), 'abcdefg\tx\na\ty\n');
  // Width 8 + 1 = 9 rounds up to 16: an 8-wide cell needs one tab, a 1-wide cell two.
  assert.is(formatTabbed('abcdefgh\tx\na\ty\n'), 'abcdefgh\tx\na\t\ty\n');
  assert.is(formatTabbed('a\tb\n'), 'a\tb\n');
});

tab('the last cell of a line belongs to no column and is never padded', () => {
  assert.is(formatTabbed('UNIT\tSUB\nx.service\trunning-a-very-long-sub-state\n'), 'UNIT\t\tSUB\nx.service\trunning-a-very-long-sub-state\n');
});

tab('column widths are per block of consecutive lines that have the cell', () => {
  const text = 'a\tb\tc\nlonger-than-8\tb\tc\nsingle\nx\ty\n';
  // The single-cell line ends the block: the last line's column is measured alone.
  assert.is(formatTabbed(text), 'a\t\tb\tc\nlonger-than-8\tb\tc\nsingle\nx\ty\n');
});

tab('empty cells are padded like others; widths count characters, not bytes', () => {
  assert.is(formatTabbed('\tx\nabc\ty\n'), '\tx\nabc\ty\n');
  assert.is(formatTabbed('ééééééé\tx\nabcdefgh\ty\n'), 'ééééééé\t\tx\nabcdefgh\ty\n');
});

tab('--no-legend drops the header; the remaining rows align among themselves', () => {
  assert.is(tabTable(['machine', 'ip'], [['2c4f1e3a...', '10.0.0.1']], true), '2c4f1e3a...\t10.0.0.1\n');
  assert.is(tabTable(['machine', 'ip', 'metadata'], []), 'MACHINE\tIP\tMETADATA\n');
});

tab.run();
