/** A WAL record that cannot be trusted and cannot be explained by a crash mid-write. */
export class WalCorruptionError extends Error {
  override readonly name = 'WalCorruptionError';
  readonly file: string;
  readonly offset: number;

  constructor(file: string, offset: number, reason: string) {
    super(`WAL corrupt: ${file} at byte offset ${offset}: ${reason}`);
    this.file = file;
    this.offset = offset;
  }
}

/** The WAL refuses further writes: it was closed, or an earlier write or fsync failed. */
export class WalUnusableError extends Error {
  override readonly name = 'WalUnusableError';
}

/** A save() argument that would make the log inconsistent; nothing was written. */
export class WalUsageError extends Error {
  override readonly name = 'WalUsageError';
}
