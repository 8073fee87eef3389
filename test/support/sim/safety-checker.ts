import type { ConfState, Entry, HardState, NodeId, SnapshotMeta } from '../../../plugins/raft-kv/raft/types.js';
import type { OverwrittenEntry, SimStorage } from './sim-storage.js';
import { violation } from './violations.js';

interface LedgerEntry {
  term: number;
  type: Entry['type'];
  data: string;
  /** State machine digest after applying this entry. */
  digest: number;
  /**
   * The highest term any node held at the end of the step in which the entry was first
   * applied; every leader of a higher term must hold the entry. Unset until that step ends.
   */
  threshold?: number;
}

interface LogRecord {
  prevTerm: number | undefined;
  type: Entry['type'];
  data: string;
}

/**
 * The Raft safety properties, checked over the whole run: election safety, log matching,
 * leader completeness, state machine safety, durability of applied entries, and the durable
 * hard state rules (terms never go back, one vote per term, commit never goes back).
 */
export class SafetyChecker {
  /** The applied history, by index (slot 0 unused): what every node must apply. */
  private readonly ledger: (LedgerEntry | undefined)[] = [undefined];
  private readonly confChanges: { index: number; conf: ConfState }[] = [];
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly logRecords = new Map<string, LogRecord>();
  private readonly votes = new Map<NodeId, Map<number, NodeId>>();
  private readonly leaderChecked = new Map<string, number>();
  private unthresholded: number[] = [];

  constructor(
    private readonly initialConf: ConfState,
    /** The ids of the nodes whose disks hold the entry (index, term), or a snapshot past it. */
    private readonly durableHolders: (index: number, term: number) => NodeId[],
  ) {}

  get appliedLength(): number {
    return this.ledger.length - 1;
  }

  appliedEntry(index: number): LedgerEntry | undefined {
    return this.ledger[index];
  }

  observeLeader(node: NodeId, term: number): void {
    const known = this.leaderOfTerm.get(term);
    if (known === undefined) this.leaderOfTerm.set(term, node);
    else if (known !== node) violation('election safety', `two leaders in term ${term}: ${known} and ${node}`);
  }

  /** After entries reached a node's disk. */
  onDurableEntries(node: NodeId, storage: SimStorage, entries: readonly Entry[], overwritten: readonly OverwrittenEntry[], appliedEver: number): void {
    for (const old of overwritten) {
      if (old.index <= appliedEver) {
        violation('durability', `${node} overwrote entry ${old.index} (term ${old.term}) with term ${old.byTerm} after applying up to ${appliedEver}`);
      }
      const ledger = this.ledger[old.index];
      if (ledger && ledger.term === old.term) {
        violation('leader completeness', `${node} overwrote applied entry ${old.index} (term ${old.term}) with term ${old.byTerm}`);
      }
    }
    for (const entry of entries) {
      if (entry.index <= storage.offset) continue;
      const prevTerm = storage.term(entry.index - 1);
      const key = `${entry.index}:${entry.term}`;
      const known = this.logRecords.get(key);
      if (!known) {
        this.logRecords.set(key, { prevTerm, type: entry.type, data: entry.data });
        continue;
      }
      if (known.type !== entry.type || known.data !== entry.data) {
        violation('log matching', `${node} holds entry ${key} with different content than another log (${JSON.stringify(entry.data)} vs ${JSON.stringify(known.data)})`);
      }
      if (known.prevTerm !== undefined && prevTerm !== undefined && known.prevTerm !== prevTerm) {
        violation('log matching', `${node} holds entry ${key} after an entry of term ${prevTerm}; another log has it after term ${known.prevTerm}`);
      }
    }
  }

  onHardState(node: NodeId, before: HardState, after: HardState, lastIndex: number): void {
    if (after.term < before.term) violation('durable hard state', `${node} persisted term ${after.term} after term ${before.term}`);
    if (after.commit < before.commit) violation('durable hard state', `${node} persisted commit ${after.commit} after commit ${before.commit}`);
    if (after.commit > lastIndex) violation('durable hard state', `${node} persisted commit ${after.commit} beyond its durable last index ${lastIndex}`);
    if (after.vote !== null) {
      const votes = this.votes.get(node) ?? new Map<number, NodeId>();
      this.votes.set(node, votes);
      const earlier = votes.get(after.term);
      if (earlier !== undefined && earlier !== after.vote) violation('durable hard state', `${node} voted for ${earlier} and then ${after.vote} in term ${after.term}`);
      votes.set(after.term, after.vote);
    } else if (after.term === before.term && before.vote !== null) {
      violation('durable hard state', `${node} forgot its vote for ${before.vote} in term ${after.term}`);
    }
  }

  /** A node applied `entry`; `digest` is its state machine digest afterwards. */
  onApply(node: NodeId, entry: Entry, storage: SimStorage, digest: number): { first: boolean } {
    const durableTerm = storage.term(entry.index);
    if (durableTerm === undefined && entry.index > storage.offset) {
      violation('durability', `${node} applied entry ${entry.index} (term ${entry.term}) that is not on its disk (durable last index ${storage.lastIndex()})`);
    }
    if (durableTerm !== undefined && durableTerm !== entry.term) {
      violation('durability', `${node} applied entry ${entry.index} of term ${entry.term} but its disk holds term ${durableTerm}`);
    }
    const known = this.ledger[entry.index];
    if (!known) {
      if (entry.index !== this.ledger.length) throw new Error(`harness: ${node} applied ${entry.index} with nothing applied at ${this.ledger.length}`);
      this.ledger.push({ term: entry.term, type: entry.type, data: entry.data, digest });
      this.unthresholded.push(entry.index);
      this.checkQuorumDurable(node, entry);
      return { first: true };
    }
    if (known.term !== entry.term || known.type !== entry.type || known.data !== entry.data) {
      violation(
        'state machine safety',
        `${node} applied ${describe(entry)} at index ${entry.index}, another node applied ${describe({ ...known, index: entry.index })}`,
      );
    }
    if (known.digest !== digest) violation('state machine safety', `${node} reached a different state after applying entry ${entry.index}`);
    return { first: false };
  }

  /**
   * An entry is applied only once a quorum holds it on disk. The leader that committed it may
   * not have applied the latest configuration changes yet, so a majority of any of the last
   * few configurations before the entry will do.
   */
  private checkQuorumDurable(node: NodeId, entry: Entry): void {
    const holders = new Set(this.durableHolders(entry.index, entry.term));
    const confs = [this.initialConf, ...this.confChanges.filter((change) => change.index < entry.index).map((change) => change.conf)].slice(-3);
    const hasQuorum = (conf: ConfState) => conf.voters.filter((id) => holders.has(id)).length > conf.voters.length / 2;
    if (!confs.some(hasQuorum)) {
      violation('quorum durability', `${node} applied entry ${entry.index} (term ${entry.term}) while only ${holders.size} node(s) had it on disk: [${[...holders].map((id) => `n${parseInt(id, 16)}`).join(' ')}]`);
    }
  }

  onConfApplied(node: NodeId, index: number, conf: ConfState): void {
    const known = this.confChanges.find((change) => change.index === index);
    if (!known) {
      this.confChanges.push({ index, conf: normalized(conf) });
      this.confChanges.sort((a, b) => a.index - b.index);
    } else if (!sameConf(known.conf, conf)) {
      violation('configuration safety', `${node} reached ${show(conf)} after conf entry ${index}, another node reached ${show(known.conf)}`);
    }
  }

  /** The configuration in effect after applying everything up to `index`. */
  confAt(index: number): ConfState {
    let conf = this.initialConf;
    for (const change of this.confChanges) if (change.index <= index) conf = change.conf;
    return conf;
  }

  latestConf(): ConfState {
    return this.confChanges.at(-1)?.conf ?? this.initialConf;
  }

  /** A node's state machine was replaced by a snapshot. */
  onSnapshotRestored(node: NodeId, meta: SnapshotMeta, digest: number, appliedBefore: number): void {
    if (meta.index < appliedBefore) violation('state machine safety', `${node} restored a snapshot at ${meta.index} after applying up to ${appliedBefore}`);
    const known = this.ledger[meta.index];
    if (!known) violation('state machine safety', `${node} restored a snapshot at ${meta.index}, beyond anything applied (${this.appliedLength})`);
    if (known.term !== meta.term) violation('state machine safety', `${node} restored a snapshot at ${meta.index} of term ${meta.term}; the applied entry there has term ${known.term}`);
    if (known.digest !== digest) violation('state machine safety', `${node} restored a snapshot at ${meta.index} whose state differs from the applied history`);
    this.checkSnapshotConf(node, meta);
  }

  checkSnapshotConf(node: NodeId, meta: SnapshotMeta): void {
    const expected = this.confAt(meta.index);
    if (!sameConf(expected, meta.conf)) violation('configuration safety', `${node} has a snapshot at ${meta.index} with ${show(meta.conf)}; the applied log says ${show(expected)}`);
  }

  /** A crashed node comes back: its disk must still hold everything it had applied. */
  onRestart(node: NodeId, storage: SimStorage, appliedEver: number): void {
    if (storage.lastIndex() < appliedEver) {
      violation('durability', `${node} restarted with durable last index ${storage.lastIndex()} after applying up to ${appliedEver}`);
    }
    for (let index = storage.offset + 1; index <= appliedEver; index++) {
      if (storage.term(index) !== this.ledger[index]?.term) violation('durability', `${node} restarted with entry ${index} of term ${storage.term(index)}; it had applied term ${this.ledger[index]?.term}`);
    }
  }

  /** Called once per step, after all nodes settled; `maxTerm` covers live and durable terms. */
  endStep(maxTerm: number): void {
    for (const index of this.unthresholded) this.ledger[index]!.threshold = maxTerm;
    this.unthresholded = [];
  }

  /** Every applied entry first applied before this leader's term began is in its log. */
  checkLeaderCompleteness(node: NodeId, term: number, storage: SimStorage): void {
    const key = `${node}:${term}`;
    let index = (this.leaderChecked.get(key) ?? 0) + 1;
    for (; index < this.ledger.length; index++) {
      const entry = this.ledger[index]!;
      if (entry.threshold === undefined || entry.threshold >= term) break;
      if (index <= storage.offset) {
        const snapshotEntry = this.ledger[storage.offset];
        if (snapshotEntry && snapshotEntry.term !== storage.term(storage.offset)) {
          violation('leader completeness', `leader ${node} (term ${term}) has a snapshot at ${storage.offset} of term ${storage.term(storage.offset)}; applied term there is ${snapshotEntry.term}`);
        }
        continue;
      }
      const held = storage.term(index);
      if (held !== entry.term) {
        violation('leader completeness', `leader ${node} (term ${term}) lacks applied entry ${index} (term ${entry.term}); its log has ${held === undefined ? 'nothing' : `term ${held}`} there`);
      }
    }
    this.leaderChecked.set(key, index - 1);
  }
}

function describe(entry: { index: number; term: number; type: string; data: string }): string {
  return `${entry.type} entry of term ${entry.term} ${JSON.stringify(entry.data)}`;
}

function normalized(conf: ConfState): ConfState {
  return { voters: [...conf.voters].sort(), learners: [...conf.learners].sort() };
}

export function sameConf(a: ConfState, b: ConfState): boolean {
  const x = normalized(a);
  const y = normalized(b);
  return x.voters.join() === y.voters.join() && x.learners.join() === y.learners.join();
}

function show(conf: ConfState): string {
  const c = normalized(conf);
  return `voters [${c.voters.join(', ')}] learners [${c.learners.join(', ')}]`;
}
