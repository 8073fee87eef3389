export { WalCorruptionError, WalUnusableError, WalUsageError } from './errors.js';
export { SnapshotStore } from './snapshot-store.js';
export { Wal, type WalContents, type WalLog, type WalOptions, type WalStats } from './wal.js';
