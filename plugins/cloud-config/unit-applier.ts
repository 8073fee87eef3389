import type { UnitManager, UnitStatus } from '../../core/index.js';
import type { UnitCommand, UnitSettings } from './config.js';
import type { CommandReport, UnitReport } from './report.js';

/**
 * Applies one unit: its file and drop-ins (each written only when it differs), the links
 * `enable` asks for, then its command. A write that fails throws; a failed enable or command is
 * the unit's problem, reported as systemd-unit reports a unit that fails at boot.
 */
export async function applyUnit(units: UnitManager, unit: UnitSettings): Promise<UnitReport> {
  const report: UnitReport = { name: unit.name, outcome: 'unchanged', unitFile: false, dropIns: [], links: [] };
  if (unit.content !== undefined || unit.dropIns.length > 0) {
    const written = await units.install(unit.name, {
      ...(unit.content !== undefined ? { content: unit.content } : {}),
      dropIns: unit.dropIns,
    });
    report.unitFile = written.unitFile;
    report.dropIns = written.dropIns;
    report.loadState = written.status.loadState;
  }
  if (unit.enable) {
    try {
      report.links = await units.enable(unit.name);
    } catch (error) {
      report.enableError = (error as Error).message;
    }
  }
  if (report.unitFile || report.dropIns.length > 0 || report.links.length > 0) report.outcome = 'written';
  if (unit.command !== undefined) report.command = await runCommand(units, unit.name, unit.command);
  return report;
}

async function runCommand(units: UnitManager, name: string, command: UnitCommand): Promise<CommandReport> {
  try {
    const status = await commandJob(units, name, command);
    return status === undefined
      ? { command, result: 'skipped', reason: 'the unit is not active' }
      : { command, result: 'done', activeState: status.activeState };
  } catch (error) {
    return { command, result: 'failed', reason: (error as Error).message };
  }
}

/** systemctl's verbs over the unit manager; undefined when a try- verb finds the unit inactive. */
async function commandJob(units: UnitManager, name: string, command: UnitCommand): Promise<UnitStatus | undefined> {
  switch (command) {
    case 'start':
      return units.start(name);
    case 'stop':
      return units.stop(name);
    case 'restart':
      return units.restart(name);
    case 'reload':
      return units.reload(name);
  }
  const status = await units.status(name);
  const active = status.activeState === 'active' || status.activeState === 'reloading' || status.activeState === 'activating';
  if (!active && command !== 'reload-or-restart') return undefined;
  if (active && command !== 'try-restart' && status.canReload) return units.reload(name);
  return units.restart(name);
}
