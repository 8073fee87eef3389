/** What retention needs to know of a segment, oldest first. */
export interface RetainedSegment {
  diskBytes: number;
  maxRt: number;
}

export interface RetentionLimits {
  /** Most bytes all segments may use; Infinity for no limit. */
  maxUse: number;
  /** Free bytes to leave on the filesystem; 0 for no limit. */
  keepFree: number;
  /** Drop segments whose newest entry is older than this many µs; 0 keeps them. */
  maxAgeUs: number;
}

/**
 * How many of the oldest segments to drop, journald-style: only sealed segments go (the caller
 * passes those), oldest first, while the journal uses more than maxUse, the filesystem has less
 * than keepFree left, or the oldest segment's newest entry is older than maxAge.
 */
export function segmentsToDrop(sealed: readonly RetainedSegment[], usedBytes: number, freeBytes: number, nowUs: number, limits: RetentionLimits): number {
  let used = usedBytes;
  let free = freeBytes;
  let n = 0;
  for (const seg of sealed) {
    const tooBig = used > limits.maxUse;
    const tooFull = limits.keepFree > 0 && free < limits.keepFree;
    const tooOld = limits.maxAgeUs > 0 && seg.maxRt < nowUs - limits.maxAgeUs;
    if (!tooBig && !tooFull && !tooOld) break;
    used -= seg.diskBytes;
    free += seg.diskBytes;
    n++;
  }
  return n;
}
