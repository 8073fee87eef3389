import { setTimeout as sleep } from 'node:timers/promises';

/** fleetctl polls this often while it waits for a state. */
export const POLL_INTERVAL_MS = 250;
/** One block attempt: fleetctl's waitForState gives up on a state after this long. */
export const ATTEMPT_MS = 2_000;

/**
 * How long a command blocks: `undefined` for --no-block (fleetctl's -1), 0 for no limit,
 * otherwise that many attempts of ATTEMPT_MS each.
 */
export type BlockAttempts = number | undefined;

export function blockAttemptsOf(flags: { 'no-block'?: boolean; 'block-attempts'?: number }): BlockAttempts {
  if (flags['no-block']) return undefined;
  return Math.max(0, flags['block-attempts'] ?? 0);
}

/**
 * Asks `probe` every POLL_INTERVAL_MS until it answers something other than undefined; gives up
 * (answers undefined) once `attempts` attempts have passed, never when attempts is 0.
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, attempts: number, interval = POLL_INTERVAL_MS): Promise<T | undefined> {
  const deadline = attempts === 0 ? Infinity : performance.now() + attempts * ATTEMPT_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (performance.now() + interval > deadline) return undefined;
    await sleep(interval);
  }
}

/** The outcome of one unit's wait: lines for stdout, or why it failed. */
export type Outcome = { ok: true; lines: string[] } | { ok: false; error: string; lines?: string[] };

/**
 * Runs the waits at once, as fleetctl does, but reports them in the order given so that the
 * output does not depend on which answer came first. Answers whether all succeeded.
 */
export async function reportInOrder(
  waits: readonly (() => Promise<Outcome>)[],
  out: (line: string) => void,
  err: (line: string) => void,
  describe: (error: string) => string = (error) => `Error waiting for units: ${error}`,
): Promise<boolean> {
  const running = waits.map((wait) => wait().catch((error: Error): Outcome => ({ ok: false, error: error.message })));
  let ok = true;
  for (const outcome of running) {
    const done = await outcome;
    for (const line of done.lines ?? []) out(line);
    if (!done.ok) {
      err(describe(done.error));
      ok = false;
    }
  }
  return ok;
}

const FRAMES = ['|', '/', '-', '\\'];
const SPIN_MS = 120;

/** A spinner on stderr while the command blocks; silent unless stderr is a terminal. */
export class Spinner {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private shown = false;
  private label = '';

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  start(label: string): void {
    this.label = label;
    if (!this.enabled || this.timer) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), SPIN_MS);
    this.timer.unref();
  }

  /** Runs `print` with the spinner line cleared, so that output does not mix with it. */
  around(print: () => void): void {
    this.clear();
    print();
    if (this.timer) this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private draw(): void {
    this.stream.write(`\r\x1b[2K${FRAMES[this.frame++ % FRAMES.length]} ${this.label}`);
    this.shown = true;
  }

  private clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
