/** Why a line ended, as journald records it in _LINE_BREAK (absent for a plain newline). */
export type LineBreak = 'newline' | 'nul' | 'line-max' | 'eof';

export interface SplitLine {
  text: string;
  lineBreak: LineBreak;
}

const EMPTY = Buffer.alloc(0);

/**
 * Cuts a byte stream into lines at "\n" or NUL. A partial line waits for the next chunk; a line
 * longer than `lineMax` bytes is emitted in pieces of at most `lineMax` bytes, cut on a UTF-8
 * character boundary.
 */
export class LineSplitter {
  private rest: Buffer = EMPTY;

  constructor(private readonly lineMax: number) {
    if (!(lineMax >= 4)) throw new RangeError('lineMax must be at least 4 bytes');
  }

  push(chunk: Buffer | string): SplitLine[] {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const buf = this.rest.length ? Buffer.concat([this.rest, data]) : data;
    const lines: SplitLine[] = [];
    let start = 0;
    for (;;) {
      const limit = Math.min(buf.length, start + this.lineMax + 1);
      let end = start;
      while (end < limit && buf[end] !== 0x0a && buf[end] !== 0x00) end++;
      if (end < limit && end - start <= this.lineMax) {
        lines.push({ text: buf.toString('utf8', start, end), lineBreak: buf[end] === 0x0a ? 'newline' : 'nul' });
        start = end + 1;
        continue;
      }
      if (buf.length - start > this.lineMax) {
        let cut = start + this.lineMax;
        while (cut > start && (buf[cut]! & 0xc0) === 0x80) cut--;
        if (cut === start) cut = start + this.lineMax;
        lines.push({ text: buf.toString('utf8', start, cut), lineBreak: 'line-max' });
        start = cut;
        continue;
      }
      break;
    }
    this.rest = start < buf.length ? Buffer.from(buf.subarray(start)) : EMPTY;
    return lines;
  }

  /** The partial line left at the end of the stream, if any. */
  end(): SplitLine[] {
    const rest = this.rest;
    this.rest = EMPTY;
    return rest.length ? [{ text: rest.toString('utf8'), lineBreak: 'eof' }] : [];
  }
}
