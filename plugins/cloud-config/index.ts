import { CORE, definePlugin, FLOTILLA_VERSION, type UnitManager } from '../../core/index.js';
import { applyFiles } from './apply-files.js';
import { readAppliedRecord, writeAppliedRecord } from './applied-record.js';
import { CloudConfigError, entryKey } from './boot-problem.js';
import { cloudConfigSchema, type CloudConfigSettings } from './config.js';
import { summarize, type AppliedReport } from './report.js';
import { CloudConfigRoutes } from './routes.js';
import { CLOUD_CONFIG } from './tokens.js';
import { applyUnit } from './unit-applier.js';

export default definePlugin<CloudConfigSettings>({
  id: 'cloud-config',
  version: FLOTILLA_VERSION,
  description: "A cloud-config document's write_files and coreos.units: files written before units start, units applied once the node runs.",
  config: cloudConfigSchema,
  configToken: CLOUD_CONFIG.Config,
  register({ container }) {
    const report: AppliedReport = { phase: 'pending', files: [], units: [] };
    container.register(CLOUD_CONFIG.Report, { useValue: report });
    container.register(CORE.HttpRoute, { useClass: CloudConfigRoutes });
  },
  async start({ config, container, dataDir, log }) {
    if (config.units.length > 0 && !container.isRegistered(CORE.UnitManager, true)) {
      throw new CloudConfigError([`${entryKey(config.units[0]!, 'units', 0)}: units need a unit manager; enable the systemd-unit plugin`]);
    }
    const report = container.resolve(CLOUD_CONFIG.Report);
    const previous = await readAppliedRecord(dataDir);
    const nodeConfig = container.resolve(CORE.Config);
    if (nodeConfig.source) report.source = nodeConfig.source;
    report.files = await applyFiles(config.files, previous?.files ?? [], log);
    report.phase = 'files';
  },
  async ready({ config, container, dataDir, log }) {
    const report = container.resolve(CLOUD_CONFIG.Report);
    if (config.units.length > 0) {
      const units: UnitManager = container.resolve(CORE.UnitManager);
      for (const unit of config.units) {
        const applied = await applyUnit(units, unit);
        report.units.push(applied);
        if (applied.command?.result === 'failed') log.error({ unit: unit.name, command: applied.command }, `${unit.command} of ${unit.name} failed: ${applied.command.reason}`);
        if (applied.enableError) log.error({ unit: unit.name }, `enable of ${unit.name} failed: ${applied.enableError}`);
      }
    }
    report.appliedAt = new Date().toISOString();
    report.phase = 'done';
    await writeAppliedRecord(dataDir, report);
    log.info({ files: report.files.length, units: report.units.length }, summarize(report));
  },
});
