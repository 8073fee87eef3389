/**
 * Runs a job now, or once more right after the run in progress when asked during it: any
 * number of wake-ups while a run is busy cost one more run, not one each.
 */
export class CoalescingRunner {
  private current?: Promise<void>;
  private again = false;

  constructor(
    private readonly job: () => Promise<unknown>,
    /** Checked before every run: false skips it (stopped, not leading). */
    private readonly enabled: () => boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resolves when the run that covers this call is done. */
  run(): Promise<void> {
    if (!this.enabled()) return Promise.resolve();
    if (this.current) {
      this.again = true;
      return this.current;
    }
    this.current = (async () => {
      do {
        this.again = false;
        await this.job().catch(this.onError);
      } while (this.again && this.enabled());
    })().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  /** The run in progress, if any. */
  get inProgress(): Promise<void> {
    return this.current ?? Promise.resolve();
  }
}
