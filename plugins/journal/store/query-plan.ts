import type { JournalFields, JournalQuery } from '../../../core/index.js';
import { lowerBound, priorityBit, upperBound, type SegmentIndex, type SegmentMeta } from './segment-index.js';

const ALL_PRIORITIES = 0x1ff;

/** A query reduced to bounds the segment indexes answer, plus the field matches left to check per entry. */
export interface QueryPlan {
  units?: ReadonlySet<string>;
  priorityMask: number;
  minRt: number;
  maxRt: number;
  minSeq: number;
  maxSeq: number;
  /** Field → accepted values, for fields the indexes do not cover. */
  matches: [string, ReadonlySet<string>][];
  lines?: number;
  reverse: boolean;
}

/** Seq and realtime bounds from cursors are resolved by the store; this handles the rest. */
export function planQuery(query: JournalQuery): QueryPlan {
  const plan: QueryPlan = {
    priorityMask: ALL_PRIORITIES,
    minRt: -Infinity,
    maxRt: Infinity,
    minSeq: 1,
    maxSeq: Infinity,
    matches: [],
    reverse: query.reverse === true,
  };
  const units = new Set(query.units ?? []);
  let unitFilter = query.units !== undefined && query.units.length > 0;
  for (const [field, values] of Object.entries(query.matches ?? {})) {
    if (values.length === 0) continue;
    if (field === '_SYSTEMD_UNIT') {
      for (const v of values) units.add(v);
      unitFilter = true;
    } else if (field === 'PRIORITY') {
      let mask = 0;
      for (const v of values) if (/^[0-7]$/.test(v)) mask |= 1 << Number(v);
      plan.priorityMask &= mask;
    } else {
      plan.matches.push([field, new Set(values)]);
    }
  }
  if (unitFilter) plan.units = units;
  if (query.priority) {
    const min = Math.max(0, query.priority.min ?? 0);
    const max = Math.min(7, query.priority.max);
    let mask = 0;
    for (let p = min; p <= max; p++) mask |= 1 << p;
    plan.priorityMask &= mask;
  }
  if (query.since) plan.minRt = query.since.getTime() * 1000;
  if (query.until) plan.maxRt = query.until.getTime() * 1000;
  if (query.lines !== undefined) {
    if (!Number.isInteger(query.lines) || query.lines < 0) throw new TypeError(`lines must be a non-negative integer, not ${query.lines}`);
    plan.lines = query.lines;
  }
  return plan;
}

export function segmentMayMatch(meta: SegmentMeta, plan: QueryPlan): boolean {
  if (meta.count === 0) return false;
  if (meta.firstSeq + meta.count - 1 < plan.minSeq || meta.firstSeq > plan.maxSeq) return false;
  if (meta.maxRt < plan.minRt || meta.minRt > plan.maxRt) return false;
  if ((meta.priorityMask & plan.priorityMask) === 0) return false;
  if (plan.units) {
    let any = false;
    for (const unit of plan.units) if (meta.units.has(unit)) any = true;
    if (!any) return false;
  }
  return true;
}

export function fieldsMatch(fields: JournalFields, plan: QueryPlan): boolean {
  for (const [field, values] of plan.matches) {
    const value = fields[field];
    if (value === undefined || !values.has(value)) return false;
  }
  return true;
}

/** Entry numbers of one segment that pass the index-level checks, in the plan's direction. */
export function* candidates(index: SegmentIndex, firstSeq: number, plan: QueryPlan, backward: boolean): Generator<number> {
  let lo = Math.max(0, plan.minSeq - firstSeq);
  let hi = Math.min(index.count, plan.maxSeq - firstSeq + 1);
  if (plan.minRt > -Infinity) lo = Math.max(lo, lowerBound(index.realtimes, plan.minRt, 0, index.count));
  if (plan.maxRt < Infinity) hi = Math.min(hi, upperBound(index.realtimes, plan.maxRt, 0, index.count));
  if (lo >= hi) return;
  const pri = index.priorities;
  const mask = plan.priorityMask;
  const checkPriority = mask !== ALL_PRIORITIES;
  const ok = (i: number) => !checkPriority || (mask & priorityBit(pri[i]!)) !== 0;
  if (!plan.units) {
    if (backward) {
      for (let i = hi - 1; i >= lo; i--) if (ok(i)) yield i;
    } else {
      for (let i = lo; i < hi; i++) if (ok(i)) yield i;
    }
    return;
  }
  const lists: Uint32Array[] = [];
  for (const unit of plan.units) {
    const all = index.unitList(unit);
    if (!all) continue;
    const list = all.subarray(lowerBound(all, lo), lowerBound(all, hi));
    if (list.length) lists.push(list);
  }
  if (lists.length === 1) {
    const list = lists[0]!;
    if (backward) {
      for (let k = list.length - 1; k >= 0; k--) if (ok(list[k]!)) yield list[k]!;
    } else {
      for (let k = 0; k < list.length; k++) if (ok(list[k]!)) yield list[k]!;
    }
    return;
  }
  // k-way merge of a few sorted lists
  const pos = lists.map((l) => (backward ? l.length - 1 : 0));
  for (;;) {
    let best = -1;
    let bestValue = backward ? -1 : Infinity;
    for (let j = 0; j < lists.length; j++) {
      const p = pos[j]!;
      if (p < 0 || p >= lists[j]!.length) continue;
      const v = lists[j]![p]!;
      if (backward ? v > bestValue : v < bestValue) {
        best = j;
        bestValue = v;
      }
    }
    if (best < 0) return;
    pos[best]! += backward ? -1 : 1;
    if (ok(bestValue)) yield bestValue;
  }
}
