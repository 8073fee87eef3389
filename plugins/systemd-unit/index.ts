import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CORE, definePlugin, FLOTILLA_VERSION, type Disposable, type ExecRuntime, type UnitManager } from '../../core/index.js';
import { systemdUnitConfigSchema, type SystemdUnitConfig } from './config.js';
import { ProcessLedger } from './process/process-ledger.js';
import { ProcessRuntime } from './process/process-runtime.js';
import { UnitRoutes } from './routes.js';
import { CommandLauncher } from './supervisor/command-launcher.js';
import { NotifySocketDirectory } from './supervisor/notify-channel.js';
import { UnitCatalog } from './supervisor/unit-catalog.js';
import { UnitSupervisor } from './supervisor/unit-supervisor.js';
import { SYSTEMD_UNIT } from './tokens.js';
import type { UnitDefaults } from './unit-file/definition.js';
import { hostSpecifierContext } from './unit-file/host-context.js';

/** The supervisor exists once the plugin has started; API routes resolve it lazily. */
export class RunningSupervisor {
  supervisor?: UnitSupervisor;
  events?: Disposable;
  ledger?: ProcessLedger;
  launcher?: CommandLauncher;

  get(): UnitSupervisor {
    if (!this.supervisor) throw new Error('the unit supervisor is not running: it starts with the systemd-unit plugin');
    return this.supervisor;
  }
}

const msToUs = (ms: number) => ms * 1000;

export default definePlugin<SystemdUnitConfig>({
  id: 'systemd-unit',
  version: FLOTILLA_VERSION,
  description: 'Unit files and the supervisor that runs them: systemd for this node.',
  dependsOn: ['journal'],
  // Container runtimes clear their leftovers and reach their engine before any unit starts;
  // cloud-config writes the files units may read.
  startsAfter: ['docker-runtime', 'cloud-config'],
  config: systemdUnitConfigSchema,
  configToken: SYSTEMD_UNIT.Config,
  register({ container }) {
    const running = new RunningSupervisor();
    container.register(SYSTEMD_UNIT.Running, { useValue: running });
    container.register(SYSTEMD_UNIT.Control, { useFactory: () => running.get() });
    container.register(CORE.UnitManager, { useFactory: (): UnitManager => running.get() });
    container.register(CORE.ExecRuntime, { useValue: new ProcessRuntime() });
    container.register(CORE.HttpRoute, { useClass: UnitRoutes });
  },
  async start({ container, config, dataDir, node, log }) {
    const ledger = new ProcessLedger(path.join(dataDir, 'processes.json'));
    const reaped = await ledger.reapLeftovers(log);
    if (reaped.length > 0) log.warn({ groups: reaped.length }, 'stopped processes left by a previous run of this node');

    const searchPath = config.unitPath.map((dir) => path.resolve(dataDir, dir));
    await mkdir(searchPath[0]!, { recursive: true });
    const defaults: UnitDefaults = {
      timeoutStartUs: msToUs(config.defaultTimeoutStart),
      timeoutStopUs: msToUs(config.defaultTimeoutStop),
      restartUs: msToUs(config.defaultRestart),
      startLimitIntervalUs: msToUs(config.defaultStartLimitInterval),
      startLimitBurst: config.defaultStartLimitBurst,
    };
    const writers = container.resolve(CORE.JournalWriters);
    // The process runtime is registered here; others (containers) come first so they can claim their commands.
    const runtimes = () => {
      const all = container.resolveAll(CORE.ExecRuntime) as ExecRuntime[];
      return [...all.filter((r) => r.name !== 'process'), ...all.filter((r) => r.name === 'process')];
    };
    const api = container.resolve(CORE.ApiEndpoint);
    const nodeEnvironment = (): Record<string, string> => ({
      FLOTILLA_MACHINE_ID: node.machineId,
      ...(api.url ? { FLOTILLA_ENDPOINT: api.url } : {}),
    });
    const launcher = new CommandLauncher({ runtimes, writers, recorder: ledger, stderrPriority: config.stderrPriority, log, nodeEnvironment });
    const supervisor = new UnitSupervisor({
      source: new UnitCatalog(searchPath, hostSpecifierContext(node.machineId), defaults, runtimes),
      launcher,
      notify: new NotifySocketDirectory(notifyDirectory(dataDir, node.machineId)),
      conditionHost: { hostname: os.hostname(), machineId: node.machineId, env: process.env },
      log,
      onMainExit: (unit, pid, status) => {
        writers.processExit({ unit, pid, code: status.code, signal: status.signal }).catch(() => undefined);
      },
    });
    const running = container.resolve(SYSTEMD_UNIT.Running);
    running.ledger = ledger;
    running.launcher = launcher;
    running.supervisor = supervisor;
    running.events = writers.unitEvents(supervisor);
    try {
      await supervisor.boot(config.defaultTarget);
    } catch (err) {
      // A unit that fails at boot is the unit's problem, shown by its status; the node runs on.
      log.warn({ err }, `starting ${config.defaultTarget} did not fully succeed`);
    }
  },
  async stop({ container }) {
    const running = container.resolve(SYSTEMD_UNIT.Running);
    await running.supervisor?.shutdown();
    running.events?.dispose();
    // Groups that end later are not written down: the data directory is no longer this node's.
    running.ledger?.close();
    running.launcher?.close();
    running.supervisor = undefined;
    running.ledger = undefined;
  },
});



/**
 * Notify sockets must be reachable by units running as other users (User=), which the node's
 * private data directory is not: as root they live under /run, else in the data directory.
 */
function notifyDirectory(dataDir: string, machineId: string): string {
  return process.getuid?.() === 0 ? path.join('/run/flotilla', machineId.slice(0, 16), 'notify') : path.join(dataDir, 'notify');
}
