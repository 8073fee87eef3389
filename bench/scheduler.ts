// Cluster scheduler benchmark: BENCH_SCHED_UNITS units (10,000) with X-Conflicts and metadata
// constraints onto BENCH_SCHED_MACHINES simulated machines (1,000).
// One node runs in this process as `flotilla up` wires it (raft-kv with its WAL and fsync,
// fleet-scheduler, every built-in constraint plugin). The machines are the real fleet agent,
// each with its own heartbeat, its own watch on its own assignments and its own published
// states; only their unit manager is simulated (a unit becomes active the moment it is started).
//   1. The machines register; the units are submitted (launched) with the engine held back.
//   2. The engine starts: time until every unit is assigned (placements/s) and until every
//      unit's state is published as launched by its machine. The first reconcile is split into
//      reading the registry, deciding in memory and writing the assignments.
//   3. The schedule is checked: no two instances of a service on one machine, every metadata
//      requirement met.
// There is no anchor to run: fleet is unmaintained and struggled past about 500 units; Nomad's
// C1M rate was about 3,750 placements/s (5 servers). Prints figures, asserts nothing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { CORE, FLEET_CONSTRAINTS, Kernel, loadNodeConfig, silentLogger } from '../core/index.js';
import { BUILTIN_PLUGINS } from '../plugins/catalog.js';
import { FleetAgent } from '../plugins/fleet-scheduler/agent/fleet-agent.js';
import { LoadedUnits } from '../plugins/fleet-scheduler/agent/loaded-units.js';
import { loadSnapshot } from '../plugins/fleet-scheduler/engine/cluster-snapshot.js';
import { FleetEngine } from '../plugins/fleet-scheduler/engine/fleet-engine.js';
import { reconcileSchedule } from '../plugins/fleet-scheduler/engine/scheduler.js';
import { FLEET_SCHEDULER } from '../plugins/fleet-scheduler/tokens.js';
import type { FleetRegistry } from '../plugins/fleet-scheduler/registry/fleet-registry.js';
import { parseUnitOptions } from '../plugins/fleet-scheduler/unit-file/unit-options.js';
import { envNumber, fmt, removeTempDirs, table, tempDir } from './lib/harness.js';
import { SimulatedUnits } from './lib/simulated-units.js';

export const description = 'cluster scheduler: 10,000 units with conflicts and metadata onto 1,000 simulated machines';

const UNITS = envNumber('BENCH_SCHED_UNITS', 10_000, { integer: true });
const MACHINES = envNumber('BENCH_SCHED_MACHINES', 1_000, { integer: true });
const INSTANCES = 5;
/** The engine's machinesToScore setting (its default); 0 scores every machine, fleet's exact least-loaded. */
const MACHINES_TO_SCORE = envNumber('BENCH_SCHED_SCORE', 100, { integer: true, zero: true });
const REGIONS = ['us-east-1', 'us-west-1', 'eu-west-1'];
const CONSTRAINTS = FLEET_CONSTRAINTS;
/** Simulated machines heartbeat every TTL/3; a longer TTL than the default keeps 1,000 of them from flooding one store. */
const MACHINE_TTL = '15s';
const quiet = silentLogger();

export async function run(): Promise<void> {
  const dir = await tempDir('flotilla-bench-sched-');
  const file = path.join(dir, 'node.yaml');
  writeFileSync(
    file,
    stringify({
      dataDir: path.join(dir, 'data'),
      api: { port: 0 },
      log: { level: 'warn' },
      plugins: {
        'raft-kv': { historySize: 100_000, maxWatchers: 100_000 },
        'fleet-scheduler': { engine: false, agent: false, machineTtl: MACHINE_TTL },
        ...Object.fromEntries(CONSTRAINTS.map((id) => [id, {}])),
      },
    }),
  );
  const loaded = await loadNodeConfig({ file, env: {}, catalog: BUILTIN_PLUGINS });
  const kernel = new Kernel({ config: loaded.config, plugins: loaded.plugins });
  await kernel.start();
  const registry = kernel.container.resolve(FLEET_SCHEDULER.Cluster).registry;
  const constraints = () => kernel.container.resolveAll(CORE.SchedulingConstraint);
  const agents: FleetAgent[] = [];
  try {
    let t = performance.now();
    const machineIds = Array.from({ length: MACHINES }, (_, i) => i.toString(16).padStart(32, '0'));
    for (const [i, id] of machineIds.entries()) {
      const agent = new FleetAgent({
        registry,
        units: new SimulatedUnits(),
        loaded: new LoadedUnits(path.join(dir, 'agents', `${id}.json`)),
        machine: () => ({ id, name: `sim-${i}`, publicIp: `127.0.${i >> 8}.${i & 255}`, metadata: metadataOf(i), version: 'bench' }),
        ttlMs: 15_000,
        heartbeatMs: 5_000,
        reconcileMs: 30_000,
        log: quiet,
      });
      agents.push(agent);
      await agent.start();
    }
    await until(async () => (await registry.machines()).length === MACHINES);
    const registerMs = performance.now() - t;

    t = performance.now();
    const units = unitSet();
    await inParallel(units, 256, ([name, text]) => registry.putUnit(name, parseUnitOptions(text), 'launched').then(() => undefined));
    const submitMs = performance.now() - t;

    // The first decision alone, in memory, on the same snapshot the engine will read.
    const snapshot = await loadSnapshot(registry);
    t = performance.now();
    const decided = reconcileSchedule({ ...snapshot, constraints: constraints(), machinesToScore: MACHINES_TO_SCORE });
    const decideMs = performance.now() - t;

    const engine = new FleetEngine({ registry, machineId: machineIds[0]!, constraints, reconcileMs: 2_000, leaseTtlMs: 5_000, machinesToScore: MACHINES_TO_SCORE, log: quiet });
    const start = performance.now();
    engine.start();
    const assignedMs = (await untilCount(() => assignedCount(registry), UNITS)) - start;
    const launchedMs = (await untilCount(() => launchedCount(registry), UNITS)) - start;
    await engine.stop();

    const check = await checkSchedule(registry);
    const rate = UNITS / (assignedMs / 1000);
    process.stdout.write(
      `\nScheduler: ${fmt(UNITS)} units (${fmt(UNITS / INSTANCES)} services × ${INSTANCES} instances, X-Conflicts=svc-N@*.service, ` +
        `a third also with MachineMetadata) onto ${fmt(MACHINES)} simulated machines, ${constraints().length} constraint plugins, machinesToScore ${MACHINES_TO_SCORE}\n\n` +
        table(
          ['step', 'ms', 'rate'],
          [
            ['machines registered', fmt(registerMs), `${fmt(MACHINES / (registerMs / 1000))} machines/s`],
            ['units submitted (unit file, job, unit file again; 256 in flight)', fmt(submitMs), `${fmt(UNITS / (submitMs / 1000))} units/s`],
            ['first decision in memory (no writes)', fmt(decideMs), `${fmt(decided.assign.length / (decideMs / 1000))} placements/s`],
            ['engine start → every unit assigned', fmt(assignedMs), `${fmt(rate)} placements/s`],
            ['engine start → every unit launched (state published by its machine)', fmt(launchedMs), `${fmt(UNITS / (launchedMs / 1000))} units/s`],
          ],
        ) +
        `\nunplaced: ${decided.unplaceable.size}; conflict violations: ${check.conflictViolations}; metadata violations: ${check.metadataViolations}; ` +
        `units per machine: min ${check.minPerMachine}, max ${check.maxPerMachine}\n` +
        `target ≥ 3,750 placements/s (Nomad C1M): ${rate >= 3750 ? 'met' : 'not met'}\n`,
    );
  } finally {
    await Promise.all(agents.map((agent) => agent.stop().catch(() => undefined)));
    await kernel.stop();
    await removeTempDirs();
  }
}

function metadataOf(i: number): Record<string, string[]> {
  return { region: [REGIONS[i % REGIONS.length]!], disk: [i % 2 === 0 ? 'ssd' : 'hdd'], rack: [String(i % 40)] };
}

function unitSet(): [string, string][] {
  const units: [string, string][] = [];
  for (let service = 0; units.length < UNITS; service++) {
    const metadata = service % 3 === 0 ? `MachineMetadata=region=${REGIONS[service % REGIONS.length]}\nMachineMetadata=rack<30\n` : '';
    for (let i = 1; i <= INSTANCES && units.length < UNITS; i++) {
      units.push([
        `svc-${service}@${i}.service`,
        `[Unit]\nDescription=svc ${service}\n\n[Service]\nExecStart=/bin/sleep 3600\n\n[X-Fleet]\nConflicts=svc-${service}@*.service\n${metadata}`,
      ]);
    }
  }
  return units;
}

async function assignedCount(registry: FleetRegistry): Promise<number> {
  let count = 0;
  for (const assignments of (await registry.schedule()).values()) count += assignments.size;
  return count;
}

async function launchedCount(registry: FleetRegistry): Promise<number> {
  let count = 0;
  for (const units of (await registry.states()).values()) for (const state of units.values()) if (state.launched && state.activeState === 'active') count++;
  return count;
}

async function checkSchedule(registry: FleetRegistry) {
  const [schedule, machines] = await Promise.all([registry.schedule(), registry.machines()]);
  const byId = new Map(machines.map((m) => [m.id, m]));
  let conflictViolations = 0;
  let metadataViolations = 0;
  const counts: number[] = [];
  for (const [machine, assignments] of schedule) {
    counts.push(assignments.size);
    const services = new Set<string>();
    for (const unit of assignments.keys()) {
      const service = unit.slice(0, unit.indexOf('@'));
      if (services.has(service)) conflictViolations++;
      services.add(service);
      const n = Number(service.slice('svc-'.length));
      const meta = byId.get(machine)?.metadata;
      if (n % 3 === 0 && (meta?.region?.[0] !== REGIONS[n % REGIONS.length] || !(Number(meta?.rack?.[0]) < 30))) metadataViolations++;
    }
  }
  return { conflictViolations, metadataViolations, minPerMachine: Math.min(...counts), maxPerMachine: Math.max(...counts) };
}

async function until(check: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('bench/scheduler: gave up waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Polls a count until it reaches `target`; returns the time it got there. */
async function untilCount(count: () => Promise<number>, target: number): Promise<number> {
  let at = 0;
  await until(async () => {
    const ok = (await count()) >= target;
    at = performance.now();
    return ok;
  });
  return at;
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

