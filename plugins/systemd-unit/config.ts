import { z } from 'zod';
import { durationSetting, positiveDurationSetting } from '../../core/index.js';

export const systemdUnitConfigSchema = z.strictObject({
  /**
   * Directories searched for unit files, highest precedence first. Relative paths are under the
   * node's data directory. The first one is where `load` writes units and `enable` makes links.
   */
  unitPath: z.array(z.string().min(1)).min(1).default(['units']),
  /** The target started when the node starts; enabled units are wanted by it. */
  defaultTarget: z.string().default('multi-user.target'),
  /** DefaultTimeoutStartSec= */
  defaultTimeoutStart: positiveDurationSetting('90s'),
  /** DefaultTimeoutStopSec= */
  defaultTimeoutStop: positiveDurationSetting('90s'),
  /** DefaultRestartSec= */
  defaultRestart: durationSetting('100ms'),
  /** DefaultStartLimitIntervalSec= */
  defaultStartLimitInterval: durationSetting('10s'),
  /** DefaultStartLimitBurst= */
  defaultStartLimitBurst: z.number().int().min(0).default(5),
  /** Priority of stderr lines without a `<N>` prefix (stdout's is 6, info). */
  stderrPriority: z.number().int().min(0).max(7).default(3),
});

export type SystemdUnitConfig = z.output<typeof systemdUnitConfigSchema>;
