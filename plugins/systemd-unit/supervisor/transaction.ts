import type { UnitDependencies } from '../unit-file/definition.js';

/** What a transaction needs to know about units. */
export interface DependencyView {
  /** Dependencies of a loaded unit; undefined for a unit that is not loaded. */
  deps(name: string): UnitDependencies | undefined;
  /** Every loaded unit's name (for reverse dependencies). */
  names(): Iterable<string>;
}

export interface StartTransaction {
  /** Units to stop first (Conflicts=), in stop order. */
  stops: string[];
  /** Units to start, each after the units it is ordered after. */
  starts: string[];
  /** Within the transaction: unit → units whose jobs must finish first. */
  waitsFor: Map<string, Set<string>>;
  /** Units that are pulled in by Requires=/BindsTo= but are not loaded. */
  missing: string[];
}

export interface StopTransaction {
  stops: string[];
  waitsFor: Map<string, Set<string>>;
}

/** A transaction that cannot be carried out: a conflict inside it or an ordering cycle. */
export class TransactionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransactionError';
  }
}

/**
 * The jobs that starting `root` implies: it and what it Requires=, Wants=, BindsTo= (transitively),
 * and stops for what any of them Conflicts= with (either side may name the conflict).
 */
export function planStart(roots: readonly string[], view: DependencyView): StartTransaction {
  const starts = new Set<string>();
  const missing: string[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (starts.has(name)) continue;
    const deps = view.deps(name);
    if (!deps) {
      missing.push(name);
      continue;
    }
    starts.add(name);
    for (const pulled of [...deps.requires, ...deps.bindsTo]) {
      if (!view.deps(pulled)) missing.push(pulled);
      else queue.push(pulled);
    }
    // Wants= of a unit that is not there is no error.
    for (const wanted of deps.wants) if (view.deps(wanted)) queue.push(wanted);
  }
  const stops = new Set<string>();
  for (const name of starts) {
    for (const other of conflictsOf(name, view)) {
      if (starts.has(other)) throw new TransactionError(`${name} and ${other} conflict and are both to be started`);
      stops.add(other);
    }
  }
  const ordered = orderJobs([...starts], view, 'start');
  return { stops: orderJobs([...stops], view, 'stop').order, starts: ordered.order, waitsFor: ordered.waitsFor, missing: [...new Set(missing.filter((m) => !starts.has(m)))] };
}

/** Stopping `root` also stops the units that Requires=, BindsTo= or are PartOf= it (transitively). */
export function planStop(roots: readonly string[], view: DependencyView): StopTransaction {
  const stops = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (stops.has(name)) continue;
    stops.add(name);
    for (const other of view.names()) {
      const deps = view.deps(other);
      if (deps && (deps.requires.includes(name) || deps.bindsTo.includes(name) || deps.partOf.includes(name))) queue.push(other);
    }
  }
  const ordered = orderJobs([...stops], view, 'stop');
  return { stops: ordered.order, waitsFor: ordered.waitsFor };
}

function conflictsOf(name: string, view: DependencyView): Set<string> {
  const out = new Set(view.deps(name)?.conflicts ?? []);
  for (const other of view.names()) if (view.deps(other)?.conflicts.includes(name)) out.add(other);
  out.delete(name);
  return out;
}

/** `a` is ordered after `b` (a After=b or b Before=a). */
function orderedAfter(a: string, b: string, view: DependencyView): boolean {
  return (view.deps(a)?.after.includes(b) ?? false) || (view.deps(b)?.before.includes(a) ?? false);
}

/** Topological order by After=/Before= (reversed for stops); ties keep name order, so runs repeat. */
function orderJobs(units: string[], view: DependencyView, kind: 'start' | 'stop'): { order: string[]; waitsFor: Map<string, Set<string>> } {
  units.sort();
  const waitsFor = new Map<string, Set<string>>(units.map((u) => [u, new Set<string>()]));
  for (const a of units) {
    for (const b of units) {
      if (a === b || !orderedAfter(a, b, view)) continue;
      if (kind === 'start') waitsFor.get(a)!.add(b);
      else waitsFor.get(b)!.add(a);
    }
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (u: string, path: string[]) => {
    const s = state.get(u);
    if (s === 'done') return;
    if (s === 'visiting') throw new TransactionError(`ordering cycle: ${[...path.slice(path.indexOf(u)), u].join(' → ')}`);
    state.set(u, 'visiting');
    for (const first of [...waitsFor.get(u)!].sort()) visit(first, [...path, u]);
    state.set(u, 'done');
    order.push(u);
  };
  for (const u of units) visit(u, []);
  return { order, waitsFor };
}
