import type { Logger } from '../../../core/index.js';
import type { FleetRegistry } from '../registry/fleet-registry.js';
import type { MachineRecord } from '../registry/records.js';

export interface MachinePresenceOptions {
  registry: FleetRegistry;
  record: () => MachineRecord;
  ttlMs: number;
  intervalMs: number;
  log: Logger;
  /** Called when the store has not taken a heartbeat for long enough that the machine may be declared gone. */
  onCutOff(): void;
  /** Called on the first heartbeat the store takes after a cut-off (and on the very first one). */
  onContact(): void;
}

/**
 * Keeps this machine's key alive with a TTL. The machine counts itself cut off once no
 * heartbeat *sent* in the last TTL minus one interval was taken: the key cannot expire before
 * that (its TTL runs from when the store applied the write), so a machine that lost the store
 * gives up its units before the engine may place them elsewhere.
 */
export class MachinePresence {
  private timer?: NodeJS.Timeout;
  /** When the heartbeat still waiting for the store was sent; 0 when none is. */
  private inFlightSince = 0;
  private lastTakenSentAt = 0;
  private connected = false;
  private stopped = false;

  constructor(private readonly options: MachinePresenceOptions) {}

  get isConnected(): boolean {
    return this.connected;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** A heartbeat now, outside the timer; resolves once the store has taken it. */
  async beat(): Promise<void> {
    const sentAt = Date.now();
    await this.options.registry.heartbeat(this.options.record(), Math.ceil(this.options.ttlMs / 1000));
    this.lastTakenSentAt = Math.max(this.lastTakenSentAt, sentAt);
    if (!this.connected && !this.stopped) {
      this.connected = true;
      this.options.onContact();
    }
  }

  private tick(): void {
    if (this.stopped) return;
    const { ttlMs, intervalMs } = this.options;
    if (this.connected && Date.now() - this.lastTakenSentAt > ttlMs - intervalMs) {
      this.connected = false;
      this.options.log.warn({ lastHeartbeatMsAgo: Date.now() - this.lastTakenSentAt }, 'lost contact with the cluster store; stopping this machine\'s units');
      this.options.onCutOff();
    }
    // A write stuck on a leader that died is not waited for: the next one goes to the new leader.
    if (this.inFlightSince !== 0 && Date.now() - this.inFlightSince < intervalMs) return;
    const sentAt = Date.now();
    this.inFlightSince = sentAt;
    this.beat()
      .catch((err) => this.options.log.debug({ err }, 'heartbeat not taken'))
      .finally(() => {
        if (this.inFlightSince === sentAt) this.inFlightSince = 0;
      });
  }
}
