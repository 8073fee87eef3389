import { z } from 'zod';
import { durationSetting, positiveDurationSetting } from '../../core/index.js';

export const fleetSchedulerConfigSchema = z
  .strictObject({
    /** Where the registry lives in the KV store. */
    keyPrefix: z
      .string()
      .regex(/^\/[A-Za-z0-9_.\-/]*[^/]$/, 'a key prefix looks like /_flotilla/fleet')
      .default('/_flotilla/fleet'),
    /**
     * How long a machine stays in the cluster without a heartbeat (fleet's agent_ttl, 30 s there).
     * A machine gone this long has its units placed elsewhere; a machine that cannot reach the
     * store for about this long stops its units.
     */
    machineTtl: positiveDurationSetting('3s'),
    /** How often a machine renews its presence; 0 means a third of machineTtl. */
    heartbeatInterval: durationSetting('0'),
    /** The address list-machines shows for this machine; the API's host when absent. */
    publicIp: z.string().min(1).optional(),
    /** Run the engine (placement) on this machine; it still only acts while it holds the lease. */
    engine: z.boolean().default(true),
    /** Run the agent: this machine takes units. */
    agent: z.boolean().default(true),
    /** The engine reconciles at least this often, besides reacting to changes at once. */
    reconcileInterval: positiveDurationSetting('2s'),
    /**
     * How long the engine lease lasts without renewal: when the engine's machine dies, another
     * takes over after this, so it should not be longer than machineTtl.
     */
    engineLeaseTtl: positiveDurationSetting('3s'),
    /** The agent re-reads its assignments and its units' states at least this often. */
    agentReconcileInterval: positiveDurationSetting('5s'),
    /**
     * The engine picks the best of the first this-many machines that accept a unit, starting
     * where the previous unit's search stopped (as Kubernetes and Nomad limit scoring in large
     * clusters); 0 scores every machine, which is fleet's exact least-loaded choice.
     */
    machinesToScore: z.number().int().min(0).default(100),
    /** Items per page in the fleet API (fleet's token_limit). */
    pageSize: z.number().int().min(1).max(65535).default(100),
  })
  .superRefine((config, ctx) => {
    if (config.heartbeatInterval * 2 > config.machineTtl) {
      ctx.addIssue({ code: 'custom', path: ['heartbeatInterval'], message: 'must be at most half of machineTtl' });
    }
    if (config.machineTtl < 1000) ctx.addIssue({ code: 'custom', path: ['machineTtl'], message: 'must be at least 1s (KV TTLs are whole seconds)' });
  });

export type FleetSchedulerConfig = z.output<typeof fleetSchedulerConfigSchema>;
