import { token } from '../../core/index.js';
import type { CloudConfigSettings } from './config.js';
import type { AppliedReport } from './report.js';

export const CLOUD_CONFIG = Object.freeze({
  Config: token<CloudConfigSettings>('cloud-config.Config'),
  /** What this boot applied so far. */
  Report: token<AppliedReport>('cloud-config.Report'),
});
