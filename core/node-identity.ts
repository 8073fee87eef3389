import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FLOTILLA_VERSION } from './version.js';

export interface NodeIdentity {
  readonly name: string;
  /** 32 lower-case hex digits, kept in the data dir for the node's whole life (like /etc/machine-id). */
  readonly machineId: string;
  readonly metadata: Readonly<Record<string, readonly string[]>>;
  readonly dataDir: string;
  readonly version: string;
}

const MACHINE_ID = /^[0-9a-f]{32}$/;
const lockedInThisProcess = new Set<string>();

export class DataDirInUseError extends Error {
  constructor(dataDir: string, holder: string) {
    super(`data dir ${dataDir} is in use by ${holder}; give each node its own dataDir`);
    this.name = 'DataDirInUseError';
  }
}

/** Takes the data dir for this node (one node per dir) and reads or creates its machine id. */
export async function claimNodeIdentity(options: {
  name: string;
  dataDir: string;
  metadata: Readonly<Record<string, readonly string[]>>;
}): Promise<{ identity: NodeIdentity; release(): Promise<void> }> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const release = await lockDataDir(dataDir);
  try {
    const machineId = await readOrCreateMachineId(dataDir);
    const identity = Object.freeze({ name: options.name, machineId, metadata: options.metadata, dataDir, version: FLOTILLA_VERSION });
    return { identity, release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = path.join(dataDir, 'LOCK');
  if (lockedInThisProcess.has(dataDir)) throw new DataDirInUseError(dataDir, 'another node in this process');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      lockedInThisProcess.add(dataDir);
      return async () => {
        lockedInThisProcess.delete(dataDir);
        await rm(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DataDirInUseError(dataDir, `process ${holder}`);
      }
      await rm(lockFile, { force: true });
    }
  }
  throw new DataDirInUseError(dataDir, 'a process that keeps re-creating its LOCK file');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOrCreateMachineId(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'machine-id');
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) {
    const id = existing.trim();
    if (!MACHINE_ID.test(id)) throw new Error(`${file} does not hold a machine id (32 hex digits)`);
    return id;
  }
  const id = randomBytes(16).toString('hex');
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${id}\n`, { mode: 0o644, flush: true });
  await rename(temp, file);
  return id;
}
