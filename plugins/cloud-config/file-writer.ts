import { chmod, chown, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FilePlan } from './file-plan.js';

/** Directories write_files makes, as coreos-cloudinit made them. */
const DIRECTORY_MODE = 0o755;

/**
 * Makes the disk match the plan: new content goes to a temporary file in the same directory
 * (owner and mode set, synced) that then replaces the old one, so that the path always holds the
 * old file or the new. A file with the right content only has its owner and mode changed.
 */
export async function applyFilePlan({ file, bytes, mode, changes }: FilePlan): Promise<void> {
  const uid = file.uid ?? -1;
  const gid = file.gid ?? -1;
  if (!changes.includes('content')) {
    // chown may clear set-user-id bits, so the mode comes after it.
    if (changes.includes('owner')) await chown(file.path, uid, gid);
    if (changes.includes('mode') || changes.includes('owner')) await chmod(file.path, mode);
    return;
  }
  const dir = path.dirname(file.path);
  await mkdir(dir, { recursive: true, mode: DIRECTORY_MODE });
  const temporary = path.join(dir, `.${path.basename(file.path)}.${process.pid}.tmp`);
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(bytes);
      if (uid !== -1 || gid !== -1) await handle.chown(uid, gid);
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file.path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
