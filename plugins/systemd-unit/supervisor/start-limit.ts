/**
 * StartLimitIntervalSec= / StartLimitBurst=: at most `burst` starts within `intervalUs`; once hit,
 * further starts (manual or by Restart=) are refused until the window has moved on or the
 * counter is reset (reset-failed). An interval or burst of 0 turns the limit off.
 */
export class StartLimit {
  private starts: number[] = [];

  constructor(
    private readonly intervalMs: number,
    private readonly burst: number,
  ) {}

  /** Records a start at `nowMs`; false when it would exceed the limit (and is not recorded). */
  admit(nowMs: number): boolean {
    if (this.intervalMs <= 0 || this.burst <= 0) return true;
    this.starts = this.starts.filter((t) => nowMs - t < this.intervalMs);
    if (this.starts.length >= this.burst) return false;
    this.starts.push(nowMs);
    return true;
  }

  reset(): void {
    this.starts = [];
  }
}
