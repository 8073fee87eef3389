// Types for the parts of the `unix-dgram` package this plugin uses (AF_UNIX SOCK_DGRAM sockets).
declare module 'unix-dgram' {
  import type { EventEmitter } from 'node:events';

  export interface UnixDgramSocket extends EventEmitter {
    bind(path: string): void;
    send(buf: Buffer, offset: number, length: number, path: string, callback?: (err?: Error) => void): void;
    close(): void;
  }

  export function createSocket(type: 'unix_dgram', listener?: (message: Buffer) => void): UnixDgramSocket;
}
