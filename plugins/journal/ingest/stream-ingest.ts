import { randomBytes } from 'node:crypto';
import type { Journal, JournalStreamSource } from '../../../core/index.js';
import { LineSplitter, type SplitLine } from './line-splitter.js';
import { parsePriorityPrefix } from './priority-prefix.js';

export type StreamName = JournalStreamSource['stream'];

/** journald logs both streams at info; here stderr defaults to err so it stands out. */
export const DEFAULT_STREAM_PRIORITY: Readonly<Record<StreamName, number>> = { stdout: 6, stderr: 3 };

/** A process stream to journal; the journal's writers fill in lineMax. */
export type StreamSource = JournalStreamSource & { lineMax: number };

/** Turns one process stream into journal entries (_TRANSPORT=stdout), a line each. */
export class StreamIngest {
  private readonly splitter: LineSplitter;
  private readonly base: Record<string, string>;
  private readonly priority: number;

  constructor(
    private readonly journal: Pick<Journal, 'append'>,
    private readonly source: StreamSource,
  ) {
    this.splitter = new LineSplitter(source.lineMax);
    this.priority = source.priority ?? DEFAULT_STREAM_PRIORITY[source.stream];
    this.base = {
      SYSLOG_IDENTIFIER: source.identifier ?? source.unit.replace(/\.[a-z]+$/, ''),
      _SYSTEMD_UNIT: source.unit,
      _TRANSPORT: 'stdout',
      _STREAM_ID: randomBytes(16).toString('hex'),
    };
    if (source.pid !== undefined) this.base._PID = String(source.pid);
    if (source.fields) Object.assign(this.base, source.fields);
  }

  write(chunk: Buffer | string): Promise<void> {
    return this.emit(this.splitter.push(chunk));
  }

  end(): Promise<void> {
    return this.emit(this.splitter.end());
  }

  private emit(lines: SplitLine[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return this.journal.append(lines.map((line) => this.entry(line)));
  }

  private entry(line: SplitLine): Record<string, string> {
    const { priority, message } = this.source.levelPrefix === false ? { priority: undefined, message: line.text } : parsePriorityPrefix(line.text);
    const fields: Record<string, string> = { ...this.base, MESSAGE: message, PRIORITY: String(priority ?? this.priority) };
    if (line.lineBreak !== 'newline') fields._LINE_BREAK = line.lineBreak;
    return fields;
  }
}
