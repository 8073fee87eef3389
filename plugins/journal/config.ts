import { z } from 'zod';
import { durationSetting, positiveDurationSetting, sizeSetting } from '../../core/index.js';

export const journalConfigSchema = z.strictObject({
  /** Most disk the journal's segments may use (journald's SystemMaxUse=). */
  maxUse: sizeSetting('4GiB'),
  /** A segment is sealed and a new one started before it grows past this (SystemMaxFileSize=). */
  maxFileSize: sizeSetting('128MiB').refine((n) => n >= 4096 && n < 2 ** 32, 'must be between 4KiB and 4GiB'),
  /** Sealed segments whose newest entry is older than this are dropped; 0 keeps them (MaxRetentionSec=). */
  maxRetention: durationSetting('0'),
  /** Oldest sealed segments are dropped while the filesystem has less free space than this (SystemKeepFree=). */
  keepFree: sizeSetting('1GiB'),
  /** Per-unit rate-limit window; 0 disables rate limiting (RateLimitIntervalSec=). */
  rateLimitInterval: durationSetting('30s'),
  /** Entries a unit may write per window; 0 disables rate limiting (RateLimitBurst=). */
  rateLimitBurst: z.number().int().min(0).default(10_000),
  /** Queued entries are written and synced at least this often. */
  flushInterval: positiveDurationSetting('100ms'),
  /** Stream lines longer than this many bytes are split (LineMax=). */
  lineMax: sizeSetting('48KiB').refine((n) => n >= 79, 'must be at least 79 bytes'),
});

export type JournalConfig = z.output<typeof journalConfigSchema>;
