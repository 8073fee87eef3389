import { violation } from './violations.js';

export interface ReadWindow {
  key: string;
  /** The newest write a read starting now must observe: acknowledged writes and completed reads. */
  floor: number;
  floorCause: string;
}

/**
 * The stale-read check on per-key registers. Every write value is unique, so a value read maps
 * to the log index of the write that produced it; a read may not return a value older than a
 * write acknowledged, or a value returned by a read completed, before the read started.
 */
export class RegisterChecker {
  private readonly writeIndex = new Map<string, number>();
  private readonly ackedFloor = new Map<string, { index: number; cause: string }>();
  private readonly readFloor = new Map<string, { index: number; cause: string }>();
  private readonly rejected = new Set<string>();

  /** A write or successful compare-and-set took effect at `index` (its first application). */
  onEffect(commandId: string, key: string, value: string, index: number): void {
    if (this.rejected.has(commandId)) violation('rejected proposal', `command ${commandId} was refused by propose() but took effect at index ${index}`);
    this.writeIndex.set(`${key}=${value}`, index);
  }

  onRejected(commandId: string): void {
    this.rejected.add(commandId);
  }

  onWriteAcknowledged(key: string, value: string, index: number, client: number): void {
    const floor = this.ackedFloor.get(key);
    if (!floor || floor.index < index) this.ackedFloor.set(key, { index, cause: `client ${client}'s acknowledged write of ${JSON.stringify(value)} at index ${index}` });
  }

  readStarted(key: string): ReadWindow {
    const acked = this.ackedFloor.get(key);
    const read = this.readFloor.get(key);
    const best = (read?.index ?? 0) > (acked?.index ?? 0) ? read : acked;
    return { key, floor: best?.index ?? 0, floorCause: best?.cause ?? 'nothing' };
  }

  readServed(window: ReadWindow, value: string | null, client: number, node: string, readIndex: number): void {
    const index = value === null ? 0 : this.writeIndex.get(`${window.key}=${value}`);
    if (index === undefined) violation('stale read', `client ${client} read ${window.key}=${JSON.stringify(value)} from ${node}, a value never written`);
    if (index < window.floor) {
      violation(
        'stale read',
        `client ${client} read ${window.key}=${JSON.stringify(value)} (written at index ${index}) from ${node} with read index ${readIndex}, but ${window.floorCause} completed before the read started`,
      );
    }
    const floor = this.readFloor.get(window.key);
    if (!floor || floor.index < index) this.readFloor.set(window.key, { index, cause: `client ${client}'s completed read of ${JSON.stringify(value)} (index ${index})` });
  }
}
