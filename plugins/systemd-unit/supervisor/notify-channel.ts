import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { NotifySocket, type NotifyMessage } from '../process/notify-socket.js';

export type { NotifyMessage } from '../process/notify-socket.js';

/** The socket a unit's processes find in $NOTIFY_SOCKET. */
export interface NotifyChannel {
  readonly path: string;
  on(listener: (message: NotifyMessage) => void): void;
  close(): Promise<void>;
}

export interface NotifyChannels {
  open(unit: string): Promise<NotifyChannel>;
}

/** One socket per unit in `dir`, named by a hash of the unit so long unit names fit a socket path. */
export class NotifySocketDirectory implements NotifyChannels {
  constructor(private readonly dir: string) {}

  async open(unit: string): Promise<NotifyChannel> {
    mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    const file = path.join(this.dir, `${createHash('sha256').update(unit).digest('hex').slice(0, 16)}.sock`);
    const socket = NotifySocket.open(file);
    return {
      path: file,
      on: (listener) => socket.on('message', listener),
      close: async () => socket.close(),
    };
  }
}
