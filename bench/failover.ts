// Failover benchmark: three `flotilla up` members (the built CLI; raft-kv, journal, systemd-unit,
// fleet-scheduler with its default machine TTL, and the built-in constraints), one unit
// (`ExecStart=/bin/sleep 3600`) submitted through the fleet API. Its machine is killed with
// SIGKILL; the other two are polled every 10 ms until the unit is active on one of them.
// Each run on a fresh cluster (BENCH_RUNS, default 5). Split into: kill → the machine leaves the
// machine list (its key's TTL ran out) → the unit is assigned to another machine → active there.
// The unit's process on the killed machine outlives its node (it is in a process group of its
// own); it is stopped by its PID after each run. There is no fleet to run as an anchor; fleet's
// failover needs its agent_ttl (30 s by default) plus a reconcile. Prints figures, asserts nothing.
import { performance } from 'node:perf_hooks';
import { FLEET_CONSTRAINTS } from '../core/index.js';
import { ensureBuilt, envNumber, fmt, LOOPBACK, median, removeTempDirs, stopChild, table } from './lib/harness.js';
import { startFlotilla, stopCluster, type Cluster, type Member } from './lib/kv-cluster.js';

export const description = 'fleet-scheduler: kill -9 the machine of a running unit, time until it is active elsewhere';

const RUNS = envNumber('BENCH_RUNS', 5, { integer: true });
const PLUGINS = ['journal', 'systemd-unit', 'fleet-scheduler', ...FLEET_CONSTRAINTS];
const UNIT = 'failover.service';
const OPTIONS = [
  { section: 'Unit', name: 'Description', value: 'failover benchmark' },
  { section: 'Service', name: 'ExecStart', value: '/bin/sleep 3600' },
];

const url = (member: Member, path: string) => `http://${LOOPBACK}:${member.clientPort}${path}`;

async function json(member: Member, path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(url(member, path), { ...init, signal: AbortSignal.timeout(2_000) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function poll<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 10): Promise<{ value: T; at: number }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return { value, at: performance.now() };
    if (performance.now() > deadline) throw new Error(`bench/failover: gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

interface Run {
  leftMs: number;
  assignedMs: number;
  activeMs: number;
}

async function oneRun(): Promise<Run> {
  const cluster: Cluster = await startFlotilla(PLUGINS);
  const orphans: number[] = [];
  try {
    const first = cluster.members[0]!;
    const machines = (
      await poll('three machines', async () => {
        const { body } = await json(first, '/v1/fleet/machines');
        return body?.machines?.length === 3 ? (body.machines as { id: string; apiUrl: string }[]) : undefined;
      })
    ).value;
    const memberOf = (machineId: string) => {
      const apiUrl = machines.find((m) => m.id === machineId)!.apiUrl;
      return cluster.members.find((m) => apiUrl === `http://${LOOPBACK}:${m.clientPort}`)!;
    };
    const put = await json(first, `/fleet/v1/units/${UNIT}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: UNIT, desiredState: 'launched', options: OPTIONS }),
    });
    if (put.status !== 201) throw new Error(`bench/failover: PUT answered ${put.status}`);
    const { value: victimId } = await poll('the unit active', async () => {
      const { body } = await json(first, `/fleet/v1/state/${UNIT}`);
      return body?.systemdActiveState === 'active' ? (body.machineID as string) : undefined;
    });
    const victim = memberOf(victimId);
    const others = cluster.members.filter((m) => m !== victim);
    const pid = (await json(victim, `/v1/units/${UNIT}`)).body?.mainPid as number | undefined;
    if (pid) orphans.push(pid);

    const killedAt = performance.now();
    await stopChild(victim.child, 'SIGKILL');
    const watcher = others[0]!;
    const left = poll('the machine gone from the list', async () => {
      const { body } = await json(watcher, '/v1/fleet/machines');
      return body?.machines?.some((m: { id: string }) => m.id === victimId) === false ? true : undefined;
    });
    const assigned = poll('the unit assigned elsewhere', async () => {
      const { body } = await json(watcher, `/fleet/v1/units/${UNIT}`);
      return body?.machineID && body.machineID !== victimId ? true : undefined;
    });
    const active = poll('the unit active elsewhere', async () => {
      for (const member of others) {
        const { body } = await json(member, `/v1/units/${UNIT}`);
        if (body?.activeState === 'active') return true;
      }
      return undefined;
    });
    const [l, a, r] = await Promise.all([left, assigned, active]);
    return { leftMs: l.at - killedAt, assignedMs: a.at - killedAt, activeMs: r.at - killedAt };
  } finally {
    for (const pid of orphans) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await stopCluster(cluster);
  }
}

export async function run(): Promise<void> {
  await ensureBuilt();
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await oneRun();
    process.stderr.write(`bench: failover run ${i + 1}: active elsewhere ${fmt(result.activeMs)} ms after the kill\n`);
    runs.push(result);
  }
  await removeTempDirs();
  const row = (label: string, pick: (r: Run) => number) => {
    const values = runs.map(pick);
    return [label, fmt(median(values)), fmt(Math.max(...values)), values.map((v) => fmt(v)).join(' ')];
  };
  process.stdout.write(
    `\nFailover: three members, default machineTtl (3 s), kill -9 of the unit's machine, ${RUNS} runs (ms after the kill)\n\n` +
      table(['step', 'median', 'max', 'runs'], [
        row('machine gone from the machine list', (r) => r.leftMs),
        row('unit assigned to another machine', (r) => r.assignedMs),
        row('unit active on another machine', (r) => r.activeMs),
      ]) +
      `\ntarget < 5 s: ${Math.max(...runs.map((r) => r.activeMs)) < 5000 ? 'met' : 'not met'} (worst run); fleet: its agent_ttl (30 s) plus a reconcile\n`,
  );
}
