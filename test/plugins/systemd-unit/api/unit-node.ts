import { mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { CORE, definePlugin, type Disposable, type UnitFiles, type UnitFilesWritten, type UnitStatus } from '../../../../core/index.js';
import { JournalRoutes } from '../../../../plugins/journal/routes.js';
import { UnitRoutes } from '../../../../plugins/systemd-unit/routes.js';
import { SYSTEMD_UNIT } from '../../../../plugins/systemd-unit/tokens.js';
import { NoSuchUnitError, UnitJobError, type UnitControl, type UnitStatusDetail } from '../../../../plugins/systemd-unit/unit-control.js';
import { MemoryJournal } from '../../../support/memory-journal.js';
import { startTestNode, type TestNode } from '../../../support/test-node.js';

export const STARTED_AT = new Date('2026-11-28T01:12:26Z');

interface FakeUnit {
  detail: UnitStatusDetail;
  content: string;
  dropIns: { path: string; text: string }[];
  /** Its start job fails, as a service whose ExecStart exits 1 would. */
  failsToStart: boolean;
  /** What enable reports making: a real link under the unit dir, or one the fake never makes. */
  links: 'real' | 'phantom';
}

/**
 * An in-memory UnitControl for the routes and the CLI: a test double of the supervisor that keeps
 * states in a map and records the calls without a name (daemon-reload, reset-failed of all).
 */
export class FakeUnitControl implements UnitControl {
  readonly units = new Map<string, FakeUnit>();
  readonly calls: string[] = [];
  private nextPid = 1000;

  constructor(readonly unitDir: string) {}

  /** Makes the directory enable links into. */
  prepare(): void {
    mkdirSync(path.join(this.unitDir, 'multi-user.target.wants'), { recursive: true });
  }

  add(name: string, content: string, options: Partial<Pick<FakeUnit, 'failsToStart' | 'links' | 'dropIns'>> & Partial<UnitStatusDetail> = {}): FakeUnit {
    const { failsToStart = false, links = 'real', dropIns = [], ...detail } = options;
    const unit: FakeUnit = {
      content,
      dropIns,
      failsToStart,
      links,
      detail: {
        name,
        description: /^Description=(.*)$/m.exec(content)?.[1],
        loadState: 'loaded',
        activeState: 'inactive',
        subState: 'dead',
        fragmentPath: path.join(this.unitDir, name),
        dropInPaths: dropIns.map((d) => d.path),
        unitFileState: 'disabled',
        result: 'success',
        controlExecs: [],
        restarts: 0,
        conditionResult: true,
        diagnostics: [],
        ...detail,
      },
    };
    this.units.set(name, unit);
    return unit;
  }

  private unit(name: string): FakeUnit {
    const unit = this.units.get(name);
    if (!unit) throw new NoSuchUnitError(name);
    return unit;
  }

  private statusOf(unit: FakeUnit): UnitStatus {
    const { name, description, loadState, activeState, subState, mainPid, since } = unit.detail;
    return { name, description, loadState, activeState, subState, mainPid, since };
  }

  async load(name: string, content: string): Promise<UnitStatus> {
    const existing = this.units.get(name);
    const unit = this.add(name, content, existing ? { ...existing.detail, description: /^Description=(.*)$/m.exec(content)?.[1] } : {});
    if (/^Bogus=/m.test(content)) unit.detail.loadState = 'bad-setting';
    return this.statusOf(unit);
  }

  async install(name: string, files: UnitFiles): Promise<UnitFilesWritten> {
    const status = files.content === undefined ? this.statusOf(this.unit(name)) : await this.load(name, files.content);
    return { status, unitFile: files.content !== undefined, dropIns: (files.dropIns ?? []).map((d) => d.name) };
  }

  async unload(name: string): Promise<void> {
    this.unit(name);
    this.units.delete(name);
  }

  async start(name: string): Promise<UnitStatus> {
    const unit = this.unit(name);
    if (unit.failsToStart) {
      Object.assign(unit.detail, { activeState: 'failed', subState: 'failed', result: 'exit-code', inactiveSince: STARTED_AT, mainPid: undefined });
      throw new UnitJobError(name, 'start', 'the control process exited with error code');
    }
    const pid = this.nextPid++;
    Object.assign(unit.detail, {
      activeState: 'active',
      subState: 'running',
      mainPid: pid,
      since: STARTED_AT,
      mainExec: { setting: 'ExecStart', text: '/bin/sleep infinity', pid, startedAt: STARTED_AT },
    });
    return this.statusOf(unit);
  }

  async stop(name: string): Promise<UnitStatus> {
    const unit = this.unit(name);
    Object.assign(unit.detail, { activeState: 'inactive', subState: 'dead', mainPid: undefined, inactiveSince: STARTED_AT });
    return this.statusOf(unit);
  }

  async restart(name: string): Promise<UnitStatus> {
    await this.stop(name);
    return this.start(name);
  }

  async reload(name: string): Promise<UnitStatus> {
    const unit = this.unit(name);
    if (unit.detail.activeState !== 'active') throw new UnitJobError(name, 'reload', 'the unit is not active');
    return this.statusOf(unit);
  }

  async status(name: string): Promise<UnitStatus> {
    return this.statusOf(this.unit(name));
  }

  async detail(name: string): Promise<UnitStatusDetail> {
    return { ...this.unit(name).detail };
  }

  async list(): Promise<UnitStatus[]> {
    return [...this.units.values()].map((unit) => this.statusOf(unit));
  }

  onStateChange(): Disposable {
    return { dispose() {} };
  }

  async enable(name: string): Promise<string[]> {
    const unit = this.unit(name);
    unit.detail.unitFileState = 'enabled';
    if (unit.links === 'phantom') return [`/nowhere/multi-user.target.wants/${name}`];
    const link = path.join(this.unitDir, 'multi-user.target.wants', name);
    symlinkSync(unit.detail.fragmentPath!, link);
    return [link];
  }

  async disable(name: string): Promise<string[]> {
    const unit = this.unit(name);
    unit.detail.unitFileState = 'disabled';
    const link = path.join(this.unitDir, 'multi-user.target.wants', name);
    if (unit.links === 'phantom') return [`/nowhere/multi-user.target.wants/${name}`];
    unlinkSync(link);
    return [link];
  }

  async resetFailed(name?: string): Promise<void> {
    if (name === undefined) this.calls.push('reset-failed');
    for (const unit of name === undefined ? this.units.values() : [this.unit(name)]) {
      if (unit.detail.activeState === 'failed') Object.assign(unit.detail, { activeState: 'inactive', subState: 'dead', result: 'success' });
    }
  }

  async cat(name: string): Promise<{ path: string; text: string }[]> {
    const unit = this.unit(name);
    return [{ path: unit.detail.fragmentPath!, text: unit.content }, ...unit.dropIns];
  }

  async daemonReload(): Promise<void> {
    this.calls.push('daemon-reload');
  }
}

export const APP_UNIT = '[Unit]\nDescription=The app\n\n[Service]\nExecStart=/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n';
export const BROKEN_UNIT = '[Unit]\nDescription=Always fails\n\n[Service]\nExecStart=/bin/false\n';

/** Known units: app (loaded, enabled by a real link), broken (fails to start), idle (inactive), tpl@ (a template). */
export function seedUnits(control: FakeUnitControl, dir: string): void {
  control.add('app.service', APP_UNIT, { dropIns: [{ path: path.join(dir, 'app.service.d', 'override.conf'), text: '[Service]\nNice=5\n' }] });
  control.add('broken.service', BROKEN_UNIT, { failsToStart: true });
  control.add('idle.service', '[Unit]\nDescription=Sits there\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n', { links: 'phantom' });
  control.add('tpl@.service', '[Unit]\nDescription=A template for %i\n\n[Service]\nExecStart=/bin/echo %i\n');
}

export interface UnitNode {
  node: TestNode;
  control: FakeUnitControl;
  journal: MemoryJournal;
}

/** A node serving /v1/units over the fake and /v1/journal over an in-memory journal. */
export async function startUnitNode(config: Record<string, unknown> = {}): Promise<UnitNode> {
  const journal = new MemoryJournal();
  let control: FakeUnitControl | undefined;
  const plugin = definePlugin({
    id: 'unit-routes-test',
    register({ container, dataDir }) {
      control = new FakeUnitControl(path.join(dataDir, 'units'));
      seedUnits(control, path.join(dataDir, 'units'));
      container.register(SYSTEMD_UNIT.Control, { useValue: control });
      container.register(CORE.HttpRoute, { useClass: UnitRoutes });
      container.register(CORE.Journal, { useValue: journal });
      container.register(CORE.HttpRoute, { useClass: JournalRoutes });
    },
    start() {
      control!.prepare();
    },
  });
  const node = await startTestNode({ catalog: [plugin], config: { ...config, plugins: { 'unit-routes-test': {} } } });
  return { node, control: control!, journal };
}
