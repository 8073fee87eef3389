import { z } from 'zod';
import { positiveDurationSetting } from '../../core/index.js';

export const discoveryConfigSchema = z.strictObject({
  /** Serve discovery tokens (`/new?size=N`) from this node's store. */
  serve: z.boolean().default(true),
  /** Where tokens live in the store: etcd's convention, so URLs look like discovery.etcd.io's. */
  registry: z
    .string()
    .regex(/^\/[A-Za-z0-9_.\-/]*[^/]$/, 'a key prefix looks like /_etcd/registry')
    .default('/_etcd/registry'),
  /** A token whose cluster has formed is removed this long after (its members never read it again). */
  formedTokenTtl: positiveDurationSetting('24h'),
  /** A token whose cluster never formed is removed this long after it was made. */
  unformedTokenTtl: positiveDurationSetting('7d'),
  /** Largest `size` a token may ask for. */
  maxSize: z.number().int().min(1).max(1000).default(99),
});

export type DiscoveryConfig = z.output<typeof discoveryConfigSchema>;
