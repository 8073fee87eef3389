import { accessSync, constants, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { lookupGroup } from '../../../core/index.js';
import type { UnitCondition } from '../unit-file/definition.js';

export interface ConditionOutcome {
  /** False when a condition failed: the start is skipped, the unit stays inactive. */
  ok: boolean;
  /** False when an assertion failed: the start job fails. */
  asserted: boolean;
  /** The failing check as written, e.g. `ConditionPathExists=!/run/x`. */
  failed?: string;
}

export interface ConditionHost {
  hostname: string;
  machineId: string;
  env: Readonly<Record<string, string | undefined>>;
}

const describe = (c: UnitCondition) => `${c.assert ? 'Assert' : 'Condition'}${c.kind}=${c.trigger ? '|' : ''}${c.negate ? '!' : ''}${c.value}`;

function safe(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

/** The check itself, before `!` is applied. */
export function conditionHolds(condition: UnitCondition, host: ConditionHost): boolean {
  const v = condition.value;
  switch (condition.kind) {
    case 'PathExists':
      return safe(() => (statSync(v), true));
    case 'PathExistsGlob':
      return safe(() => globMatches(v));
    case 'PathIsDirectory':
      return safe(() => statSync(v).isDirectory());
    case 'PathIsSymbolicLink':
      return safe(() => lstatSync(v).isSymbolicLink());
    case 'PathIsReadWrite':
      return safe(() => (accessSync(v, constants.W_OK), true));
    case 'DirectoryNotEmpty':
      return safe(() => statSync(v).isDirectory() && readdirSync(v).length > 0);
    case 'FileNotEmpty':
      return safe(() => {
        const st = statSync(v);
        return st.isFile() && st.size > 0;
      });
    case 'FileIsExecutable':
      return safe(() => statSync(v).isFile() && (accessSync(v, constants.X_OK), true));
    case 'Environment': {
      const eq = v.indexOf('=');
      return eq < 0 ? host.env[v] !== undefined : host.env[v.slice(0, eq)] === v.slice(eq + 1);
    }
    case 'Host':
      return v.toLowerCase() === host.hostname.toLowerCase() || v.toLowerCase() === host.machineId.toLowerCase();
    case 'User': {
      const me = os.userInfo();
      return v === String(me.uid) || v === me.username || (v === '@system' && me.uid < 1000);
    }
    case 'Group':
      return lookupGroup(v)?.gid === os.userInfo().gid;
    case 'Architecture':
      return v === archName();
    case 'CPUs':
      return compareNumber(v, os.availableParallelism());
    case 'Memory':
      return compareNumber(v, os.totalmem());
    case 'Virtualization':
    case 'KernelCommandLine':
    case 'FirstBoot':
      return safe(() => otherCondition(condition.kind, v));
  }
}

/**
 * systemd's rules: every non-trigger condition must hold, and when there are trigger (`|`)
 * conditions at least one of them must; the same for assertions separately.
 */
export function evaluateConditions(conditions: readonly UnitCondition[], host: ConditionHost): ConditionOutcome {
  for (const assert of [true, false]) {
    const group = conditions.filter((c) => c.assert === assert);
    let triggers = 0;
    let triggered = false;
    let firstFailedTrigger: UnitCondition | undefined;
    for (const c of group) {
      const holds = conditionHolds(c, host) !== c.negate;
      if (c.trigger) {
        triggers++;
        if (holds) triggered = true;
        else firstFailedTrigger ??= c;
      } else if (!holds) {
        return assert ? { ok: true, asserted: false, failed: describe(c) } : { ok: false, asserted: true, failed: describe(c) };
      }
    }
    if (triggers > 0 && !triggered) {
      const failed = describe(firstFailedTrigger!);
      return assert ? { ok: true, asserted: false, failed } : { ok: false, asserted: true, failed };
    }
  }
  return { ok: true, asserted: true };
}

function archName(): string {
  const map: Record<string, string> = { x64: 'x86-64', arm64: 'arm64', ia32: 'x86', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64' };
  return map[process.arch] ?? process.arch;
}

/** `4`, `>=2`, `<8G`-style comparisons for ConditionCPUs= and ConditionMemory=. */
function compareNumber(spec: string, actual: number): boolean {
  const m = /^\s*(<=|>=|!=|<|>|=)?\s*(\d+(?:\.\d+)?)\s*([KMGT]?)\s*$/i.exec(spec);
  if (!m) return false;
  const scale: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  const n = Number(m[2]) * scale[m[3]!.toLowerCase()]!;
  switch (m[1] ?? '=') {
    case '<=':
      return actual <= n;
    case '>=':
      return actual >= n;
    case '<':
      return actual < n;
    case '>':
      return actual > n;
    case '!=':
      return actual !== n;
    default:
      return actual === n;
  }
}

function globMatches(pattern: string): boolean {
  const dir = pattern.slice(0, pattern.lastIndexOf('/') + 1) || '/';
  const base = pattern.slice(dir.length);
  const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return readdirSync(dir).some((name) => re.test(name));
}

function otherCondition(kind: string, value: string): boolean {
  if (kind === 'KernelCommandLine') {
    const words = readFileSync('/proc/cmdline', 'utf8').trim().split(/\s+/);
    return value.includes('=') ? words.includes(value) : words.some((w) => w === value || w.startsWith(`${value}=`));
  }
  // This is never a first boot, and virtualization is not detected: only the negative answers hold.
  return value === 'no' || value === 'false' || value === '0';
}
