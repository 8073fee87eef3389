import { EventEmitter } from 'node:events';
import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { createSocket, type UnixDgramSocket } from 'unix-dgram';

/** One sd_notify datagram, typed (sd_notify(3)). */
export interface NotifyMessage {
  /** READY=1 */
  ready?: true;
  /** RELOADING=1 */
  reloading?: true;
  /** STOPPING=1 */
  stopping?: true;
  /** STATUS=… */
  status?: string;
  /** MAINPID=… */
  mainPid?: number;
  /** WATCHDOG=1 (true) or WATCHDOG=trigger. */
  watchdog?: true | 'trigger';
  /** WATCHDOG_USEC=… */
  watchdogUsec?: number;
  /** EXTEND_TIMEOUT_USEC=… */
  extendTimeoutUsec?: number;
  /** ERRNO=… */
  errno?: number;
  /** MONOTONIC_USEC=…, sent with RELOADING=1 by Type=notify-reload services. */
  monotonicUsec?: number;
  /** Every assignment as sent, the ones above included. */
  fields: Record<string, string>;
}

/** sockaddr_un.sun_path holds 108 bytes, the terminating NUL included. */
export const MAX_SOCKET_PATH_BYTES = 107;

function nonNegativeInteger(value: string): number | undefined {
  return /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
}

type NumericField = 'watchdogUsec' | 'extendTimeoutUsec' | 'errno' | 'monotonicUsec';

function setNumber(message: NotifyMessage, field: NumericField, value: string): void {
  const number = nonNegativeInteger(value);
  if (number !== undefined) message[field] = number;
}

/** Parses a datagram of newline-separated KEY=VALUE lines; lines without `=` are ignored. */
export function parseNotifyMessage(datagram: Buffer | string): NotifyMessage {
  const message: NotifyMessage = { fields: {} };
  for (const line of datagram.toString().split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    message.fields[key] = value;
    switch (key) {
      case 'READY':
        if (value === '1') message.ready = true;
        break;
      case 'RELOADING':
        if (value === '1') message.reloading = true;
        break;
      case 'STOPPING':
        if (value === '1') message.stopping = true;
        break;
      case 'STATUS':
        message.status = value;
        break;
      case 'MAINPID': {
        const pid = nonNegativeInteger(value);
        if (pid !== undefined && pid > 0) message.mainPid = pid;
        break;
      }
      case 'WATCHDOG':
        if (value === '1') message.watchdog = true;
        else if (value === 'trigger') message.watchdog = 'trigger';
        break;
      case 'WATCHDOG_USEC':
        setNumber(message, 'watchdogUsec', value);
        break;
      case 'EXTEND_TIMEOUT_USEC':
        setNumber(message, 'extendTimeoutUsec', value);
        break;
      case 'ERRNO':
        setNumber(message, 'errno', value);
        break;
      case 'MONOTONIC_USEC':
        setNumber(message, 'monotonicUsec', value);
        break;
    }
  }
  return message;
}

interface NotifySocketEvents {
  message: [message: NotifyMessage];
  error: [error: Error];
}

/**
 * The receiving end of sd_notify for one unit invocation: an AF_UNIX datagram socket whose path
 * goes into the unit's NOTIFY_SOCKET. The sender is not identified (no SCM_CREDENTIALS), so every
 * message is taken as NotifyAccess=all would.
 */
export class NotifySocket extends EventEmitter<NotifySocketEvents> {
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly socket: UnixDgramSocket,
  ) {
    super();
    socket.on('message', (datagram: Buffer) => this.emit('message', parseNotifyMessage(datagram)));
    socket.on('error', (error: Error) => {
      // An error of one unit's socket must not take the node down when nobody listens for it.
      if (this.listenerCount('error') > 0) this.emit('error', error);
    });
  }

  /**
   * Binds a socket at `path`, replacing a stale socket left there. The socket is writable by every
   * user, as a unit with User= must reach it; the directory decides who can.
   */
  static open(path: string, mode = 0o666): NotifySocket {
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
      throw new Error(`notify socket path ${path} is ${Buffer.byteLength(path)} bytes long; a unix socket path must be at most ${MAX_SOCKET_PATH_BYTES}`);
    }
    removeStaleSocket(path);
    const socket = createSocket('unix_dgram');
    try {
      // bind() reports failure as a synchronous 'error' event.
      let bindError: Error | undefined;
      socket.once('error', (error: Error) => (bindError = error));
      socket.bind(path);
      if (bindError) throw bindError;
      chmodSync(path, mode);
    } catch (error) {
      socket.close();
      rmSync(path, { force: true });
      throw new Error(`cannot bind notify socket ${path}: ${(error as Error).message}`);
    }
    return new NotifySocket(path, socket);
  }

  /** Stops receiving and removes the socket file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    rmSync(this.path, { force: true });
  }
}

function removeStaleSocket(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) throw new Error(`cannot bind notify socket ${path}: a file that is not a socket is in the way`);
  rmSync(path);
}
