import type { Disposable, Journal, JournalProcessExit, JournalStreamSink, JournalStreamSource, JournalWriters, Logger, UnitManager } from '../../core/index.js';
import { StreamIngest } from './ingest/stream-ingest.js';
import { journalUnitEvents, processExitEntry } from './ingest/supervisor-events.js';

/** What the journal offers writers such as the unit supervisor, bound to the open journal. */
export class JournalWritersOf implements JournalWriters {
  constructor(
    private readonly journal: () => Pick<Journal, 'append'>,
    private readonly lineMax: number,
    private readonly log: Logger,
  ) {}

  stream(source: JournalStreamSource): JournalStreamSink {
    return new StreamIngest(this.journal(), { ...source, lineMax: source.lineMax ?? this.lineMax });
  }

  unitEvents(units: UnitManager): Disposable {
    return journalUnitEvents(units, this.journal(), this.log);
  }

  processExit(exit: JournalProcessExit): Promise<void> {
    return this.journal().append(processExitEntry(exit));
  }
}
