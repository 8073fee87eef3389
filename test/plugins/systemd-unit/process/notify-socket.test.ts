import { chmodSync, existsSync, lstatSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NotifySocket, parseNotifyMessage, type NotifyMessage } from '../../../../plugins/systemd-unit/process/notify-socket.js';
import { ProcessRuntime } from '../../../../plugins/systemd-unit/process/process-runtime.js';
import { tempDir } from '../../../support/temp-dir.js';
import { eventually, execSpec, killGroup, readAll } from './helpers.js';

const test = suite('systemd-unit: notify socket');

const SEND_NOTIFICATIONS = [
  'import socket, os',
  's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
  "path = os.environ['NOTIFY_SOCKET']",
  "s.sendto(b'READY=1\\nSTATUS=ok', path)",
  "s.sendto(('MAINPID=%d' % os.getpid()).encode(), path)",
  "s.sendto(b'WATCHDOG=1', path)",
].join('\n');

/** Runs the python sender as a unit would run, with NOTIFY_SOCKET set; returns what arrived and its pid. */
async function receiveFromChild(dir: string, user?: string): Promise<{ messages: NotifyMessage[]; pid: number }> {
  const socketPath = path.join(dir, 'notify.sock');
  const socket = NotifySocket.open(socketPath);
  const messages: NotifyMessage[] = [];
  socket.on('message', (message) => messages.push(message));
  let pgid: number | undefined;
  try {
    const handle = await new ProcessRuntime().spawn(execSpec(['/usr/bin/python3', '-c', SEND_NOTIFICATIONS], { env: { NOTIFY_SOCKET: socketPath }, user }));
    pgid = handle.pgid;
    const [, stderr, status] = await Promise.all([readAll(handle.stdout), readAll(handle.stderr), handle.exited]);
    assert.equal(status, { code: 0, signal: null }, stderr);
    await eventually(() => messages.length === 3, 'three notifications');
    return { messages, pid: handle.pid };
  } finally {
    killGroup(pgid);
    socket.close();
  }
}

test('READY=1, STATUS=, MAINPID= and WATCHDOG=1 sent by a child arrive as typed messages', async () => {
  const dir = tempDir();
  try {
    const { messages, pid } = await receiveFromChild(dir.path);
    assert.equal(messages, [
      { ready: true, status: 'ok', fields: { READY: '1', STATUS: 'ok' } },
      { mainPid: pid, fields: { MAINPID: String(pid) } },
      { watchdog: true, fields: { WATCHDOG: '1' } },
    ]);
    assert.not.ok(existsSync(path.join(dir.path, 'notify.sock')), 'close() removes the socket file');
  } finally {
    dir.cleanup();
  }
});

test('a unit running as User=nobody can notify', async () => {
  const dir = tempDir();
  try {
    chmodSync(dir.path, 0o755);
    const { messages } = await receiveFromChild(dir.path, 'nobody');
    assert.ok(messages[0]?.ready);
  } finally {
    dir.cleanup();
  }
});

test('datagrams parse into typed fields; malformed values are kept only as raw fields', () => {
  const message = parseNotifyMessage(
    'RELOADING=1\nSTOPPING=1\nWATCHDOG=trigger\nWATCHDOG_USEC=30000000\nEXTEND_TIMEOUT_USEC=5000000\nERRNO=2\nMONOTONIC_USEC=123\nSTATUS=a=b c\nX_CUSTOM=1\nno equals sign\n',
  );
  assert.equal(message, {
    reloading: true,
    stopping: true,
    watchdog: 'trigger',
    watchdogUsec: 30_000_000,
    extendTimeoutUsec: 5_000_000,
    errno: 2,
    monotonicUsec: 123,
    status: 'a=b c',
    fields: {
      RELOADING: '1',
      STOPPING: '1',
      WATCHDOG: 'trigger',
      WATCHDOG_USEC: '30000000',
      EXTEND_TIMEOUT_USEC: '5000000',
      ERRNO: '2',
      MONOTONIC_USEC: '123',
      STATUS: 'a=b c',
      X_CUSTOM: '1',
    },
  });
  const bad = parseNotifyMessage(Buffer.from('READY=0\nMAINPID=0\nMAINPID=-3\nWATCHDOG=2\nERRNO=x'));
  assert.equal(bad, { fields: { READY: '0', MAINPID: '-3', WATCHDOG: '2', ERRNO: 'x' } });
});

test('a stale socket is replaced; a path too long or a regular file in the way is refused', () => {
  const dir = tempDir();
  try {
    const socketPath = path.join(dir.path, 'n.sock');
    NotifySocket.open(socketPath).close();
    const stale = NotifySocket.open(socketPath);
    // a node killed before close() leaves the file behind
    const replacing = NotifySocket.open(socketPath);
    assert.ok(lstatSync(socketPath).isSocket());
    stale.close();
    replacing.close();

    const long = path.join(dir.path, 'x'.repeat(120));
    assert.throws(() => NotifySocket.open(long), /a unix socket path must be at most 107/);
    const file = path.join(dir.path, 'regular');
    writeFileSync(file, 'keep me');
    assert.throws(() => NotifySocket.open(file), /not a socket is in the way/);
    assert.ok(existsSync(file));
  } finally {
    dir.cleanup();
  }
});

test.run();
