import type { Readable } from 'node:stream';
import type { ExecHandle, JournalStreamSink, JournalStreamSource } from '../../core/index.js';

export type OutputStream = 'stdout' | 'stderr';

/** Where a stream's lines go. */
export type OutputTarget = 'journal' | 'null';


export interface UnitOutputOptions {
  unit: string;
  /** SyslogIdentifier=; the unit name without its suffix when absent. */
  identifier?: string;
  /** Priority of stderr lines without a `<N>` prefix; stdout's is 6. */
  stderrPriority: number;
  /** StandardOutput= */
  standardOutput: string;
  /** StandardError= */
  standardError: string;
  /** The journal's stream ingestion (JournalWriters.stream). */
  openSink: (source: JournalStreamSource) => JournalStreamSink;
  /** A failed journal append; the stream keeps being read so that the process never blocks on a full pipe. */
  onError?: (error: unknown, stream: OutputStream) => void;
}

const STDOUT_PRIORITY = 6;

/**
 * StandardOutput=/StandardError= as this node can honour them. The unit's stdin is /dev/null, so
 * StandardOutput=inherit discards; StandardError=inherit follows stdout. Settings the node cannot
 * provide (tty, kmsg, files, sockets) go to the journal, which is where systemd's default sends
 * them too.
 */
export function outputTarget(setting: string, stream: OutputStream, stdoutTarget?: OutputTarget): OutputTarget {
  const value = setting.trim();
  if (value === 'null') return 'null';
  if (value === 'inherit') return stream === 'stdout' ? 'null' : (stdoutTarget ?? 'journal');
  // Unset: systemd's defaults, StandardOutput=journal and StandardError=inherit.
  if (value === '') return stream === 'stdout' ? 'journal' : (stdoutTarget ?? 'journal');
  return 'journal';
}

async function drain(stream: Readable, sink: JournalStreamSink | undefined, report: (error: unknown) => void): Promise<void> {
  let failed = false;
  const write = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      // One report per stream: a broken journal would otherwise report every chunk.
      if (!failed) report(error);
      failed = true;
    }
  };
  try {
    for await (const chunk of stream) {
      if (sink && !failed) await write(() => sink.write(chunk as Buffer));
    }
  } catch (error) {
    report(error);
  }
  if (sink && !failed) await write(() => sink.end());
}

/**
 * Feeds a unit process's stdout and stderr to the journal (or discards them), with _PID set.
 * Resolves once both streams have ended and their last partial lines are written.
 */
export function pipeUnitOutput(handle: ExecHandle, opts: UnitOutputOptions): Promise<void> {
  const stdoutTarget = outputTarget(opts.standardOutput, 'stdout');
  const stderrTarget = outputTarget(opts.standardError, 'stderr', stdoutTarget);
  const sinkFor = (stream: OutputStream, target: OutputTarget): JournalStreamSink | undefined =>
    target === 'journal'
      ? opts.openSink({
          unit: opts.unit,
          stream,
          pid: handle.pid,
          identifier: opts.identifier,
          fields: handle.journalFields,
          priority: stream === 'stdout' ? STDOUT_PRIORITY : opts.stderrPriority,
        })
      : undefined;
  const report = (stream: OutputStream) => (error: unknown) => opts.onError?.(error, stream);
  return Promise.all([
    drain(handle.stdout, sinkFor('stdout', stdoutTarget), report('stdout')),
    drain(handle.stderr, sinkFor('stderr', stderrTarget), report('stderr')),
  ]).then(() => undefined);
}
