/**
 * Column alignment as Go's text/tabwriter does it with fleetctl's settings (minwidth 0,
 * tabwidth 8, padding 1, padchar TAB, no flags): a cell is text ended by a tab, the last cell
 * of a line is not part of any column, and a column's width is set per block of consecutive
 * lines that have a cell in it. Padding is made of tabs up to the next tab stop.
 */
export interface TabwriterOptions {
  minWidth: number;
  tabWidth: number;
  padding: number;
}

export const FLEETCTL_TABWRITER: TabwriterOptions = { minWidth: 0, tabWidth: 8, padding: 1 };

/** Width as Go counts it: one per code point. */
const textWidth = (text: string) => [...text].length;

/** Aligns tab-separated text (lines ended by `\n`) into columns padded with tabs. */
export function formatTabbed(text: string, options: TabwriterOptions = FLEETCTL_TABWRITER): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((line) => line.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let line = '';
      cells.forEach((cell, column) => {
        line += cell;
        if (column < widths.length && column < cells.length - 1) line += padding(textWidth(cell), widths[column]!, options);
      });
      out.push(line);
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let line = line0; line < line1; line++) {
      if (column >= lines[line]!.length - 1) continue;
      writeLines(line0, line);
      line0 = line;
      let width = options.minWidth;
      for (; line < line1 && column < lines[line]!.length - 1; line++) {
        width = Math.max(width, textWidth(lines[line]![column]!) + options.padding);
      }
      widths.push(width);
      format(line0, line);
      widths.pop();
      line0 = line;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

/** Tabs from the end of a cell's text to the end of its column, the column rounded up to a tab stop. */
function padding(textW: number, cellW: number, options: TabwriterOptions): string {
  if (options.tabWidth === 0) return '';
  const stop = Math.ceil(cellW / options.tabWidth) * options.tabWidth;
  return '\t'.repeat(Math.ceil((stop - textW) / options.tabWidth));
}

/** A fleetctl table: the header (upper-cased field names) unless `noLegend`, then one line per row. */
export function tabTable(fields: readonly string[], rows: readonly (readonly string[])[], noLegend = false): string {
  const lines = [...(noLegend ? [] : [fields.map((field) => field.toUpperCase())]), ...rows].map((cells) => `${cells.join('\t')}\n`);
  return formatTabbed(lines.join(''));
}
