interface Window {
  begin: number;
  count: number;
  suppressed: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Entries dropped in the key's previous window, to report before this one; 0 when none. */
  suppressedBefore: number;
}

/**
 * journald's per-service limiter: at most `burst` entries per `intervalMs` window per key; the
 * window starts with the first entry after the previous one ended. Either setting 0 disables it.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly intervalMs: number,
    private readonly burst: number,
  ) {}

  get enabled(): boolean {
    return this.intervalMs > 0 && this.burst > 0;
  }

  check(key: string, nowMs: number): RateDecision {
    if (!this.enabled) return { allowed: true, suppressedBefore: 0 };
    const w = this.windows.get(key);
    if (!w || nowMs >= w.begin + this.intervalMs) {
      const suppressedBefore = w?.suppressed ?? 0;
      if (w) {
        w.begin = nowMs;
        w.count = 1;
        w.suppressed = 0;
      } else {
        if (this.windows.size >= 4096) this.prune(nowMs);
        this.windows.set(key, { begin: nowMs, count: 1, suppressed: 0 });
      }
      return { allowed: true, suppressedBefore };
    }
    if (w.count < this.burst) {
      w.count++;
      return { allowed: true, suppressedBefore: 0 };
    }
    w.suppressed++;
    return { allowed: false, suppressedBefore: 0 };
  }

  private prune(nowMs: number): void {
    for (const [key, w] of this.windows) if (w.suppressed === 0 && nowMs >= w.begin + this.intervalMs) this.windows.delete(key);
  }
}

export const JOURNAL_DROPPED_MESSAGE_ID = 'a596d6fe7bfa4994828e72309e95d61e';

/** The entry that reports a unit's suppressed messages (fields as journald writes them). */
export function suppressionEntry(unit: string, dropped: number): Record<string, string> {
  const entry: Record<string, string> = {
    MESSAGE: `Suppressed ${dropped} messages from ${unit || 'unknown'}`,
    MESSAGE_ID: JOURNAL_DROPPED_MESSAGE_ID,
    PRIORITY: '4',
    SYSLOG_IDENTIFIER: 'flotilla-journald',
    N_DROPPED: String(dropped),
    _TRANSPORT: 'driver',
  };
  if (unit) {
    entry.OBJECT_SYSTEMD_UNIT = unit;
    entry._SYSTEMD_UNIT = unit;
  }
  return entry;
}
