import type { ConfChange, ConfState, Message, NodeId, RaftStatus, ReadState } from '../../../plugins/raft-kv/raft/types.js';
import { type HistoryOperation, HistoryRecorder } from './history.js';
import type { KvCommand, KvResult } from './kv-state-machine.js';
import { createRng, type Rng } from './prng.js';
import { RegisterChecker } from './register-checker.js';
import { SafetyChecker } from './safety-checker.js';
import type { Scenario } from './scenario.js';
import { QUIET_NETWORK, SimNetwork } from './sim-network.js';
import { type CrashPoint, type DriverHost, hardStateText, SimNode } from './sim-node.js';
import { violation } from './violations.js';
import { Workload } from './workload.js';

export interface SimulationStats {
  ticks: number;
  leaders: number;
  applied: number;
  crashes: number;
  restarts: number;
  partitions: number;
  pauses: number;
  snapshotsDelivered: number;
  confChanges: number;
  transfers: number;
  writesAcknowledged: number;
  readsServed: number;
}

export function emptyStats(): SimulationStats {
  return {
    ticks: 0,
    leaders: 0,
    applied: 0,
    crashes: 0,
    restarts: 0,
    partitions: 0,
    pauses: 0,
    snapshotsDelivered: 0,
    confChanges: 0,
    transfers: 0,
    writesAcknowledged: 0,
    readsServed: 0,
  };
}

export interface SimulationResult {
  history: HistoryOperation[];
  stats: SimulationStats;
  /** A digest of everything delivered and applied: equal for two runs of one seed. */
  fingerprint: string;
}

export interface SimulationOptions {
  /** Receives every trace line; without it nothing is formatted. */
  trace?: (line: string) => void;
}

const CRASH_POINTS: readonly CrashPoint[] = ['idle', 'beforePersist', 'afterPersist', 'afterSend', 'afterApply'];

export function nodeIdOf(n: number): NodeId {
  return n.toString(16).padStart(16, '0');
}

/**
 * One seeded run: a cluster under faults and client load for `faultTicks`, then healed and
 * quiet until it converges (or fails liveness). Every invariant is checked after every tick.
 */
export class Simulation implements DriverHost {
  readonly safety: SafetyChecker;
  readonly tracing: boolean;
  readonly history = new HistoryRecorder();
  private readonly registers = new RegisterChecker();
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly network: SimNetwork;
  private readonly workload: Workload;
  private readonly nemesisRng: Rng;
  private readonly scheduleRng: Rng;
  private readonly nodeRng: Rng;
  private readonly initialConf: ConfState;
  private statuses = new Map<NodeId, RaftStatus>();
  private crashDeadline = new Map<NodeId, number>();
  private pendingConf: { change: ConfChange; deadline: number } | undefined;
  private confSeen = new Set<number>();
  private leaderTerms = new Set<number>();
  private nextNode: number;
  private quiet = false;
  private fingerprint = 0x811c9dc5;
  private readonly stats: SimulationStats = emptyStats();
  now = 0;

  private readonly traceSink: ((line: string) => void) | undefined;

  constructor(
    readonly scenario: Scenario,
    private readonly options: SimulationOptions = {},
  ) {
    this.traceSink = options.trace;
    this.tracing = options.trace !== undefined;
    const rng = createRng(scenario.seed);
    this.network = new SimNetwork(rng.fork(), scenario.network);
    this.nemesisRng = rng.fork();
    this.scheduleRng = rng.fork();
    this.nodeRng = rng.fork();
    const voters = Array.from({ length: scenario.nodes }, (_, i) => nodeIdOf(i + 1));
    this.initialConf = { voters, learners: [] };
    this.nextNode = scenario.nodes + 1;
    this.safety = new SafetyChecker(this.initialConf, (index, term) =>
      [...this.nodes.values()].filter((node) => node.storage.term(index) === term || node.storage.offset > index).map((node) => node.id),
    );
    this.workload = new Workload(scenario.clients, scenario.keys, rng.fork(), this.history, this.registers, (line) => this.trace(line));
    for (const id of voters) this.addNode(id);
  }

  run(): SimulationResult {
    const { scenario } = this;
    this.trace(`scenario ${JSON.stringify(scenario)}`);
    for (const node of this.nodes.values()) node.start(this.nodeRng.fork());
    while (this.now < scenario.faultTicks) this.tick();
    this.healEverything();
    const quietUntil = this.now + scenario.quietTicks;
    while (!this.converged()) {
      if (this.now >= quietUntil) violation('liveness', `no convergence ${scenario.quietTicks} ticks after healing: ${this.clusterText()}`);
      this.tick();
    }
    this.trace(`converged: ${this.clusterText()}`);
    this.stats.ticks = this.now;
    this.stats.applied = this.safety.appliedLength;
    this.stats.leaders = this.leaderTerms.size;
    const history = this.history.history();
    this.stats.writesAcknowledged = history.filter((op) => op.op !== 'read' && op.ret !== undefined).length;
    this.stats.readsServed = history.filter((op) => op.op === 'read' && op.ret !== undefined).length;
    return { history, stats: { ...this.stats }, fingerprint: `${(this.fingerprint >>> 0).toString(16)}-${this.safety.appliedEntry(this.safety.appliedLength)?.digest ?? 0}-${history.length}` };
  }

  trace(line: string): void {
    if (this.traceSink) this.traceSink(`[${this.now}] ${line}`);
  }

  // DriverHost

  send(message: Message, incarnation: number): void {
    this.network.send(message, this.now, incarnation);
  }

  onCommandApplied(node: SimNode, command: KvCommand, result: KvResult, first: boolean): void {
    this.workload.onCommandApplied(node, command, result, node.machine.applied, first, this.now);
    if (this.tracing) this.trace(`${node.name} applied ${command.id} at ${node.machine.applied}${first ? ' (first)' : ''}`);
  }

  onConfApplied(node: SimNode, change: ConfChange, index: number, conf: ConfState): void {
    if (!this.confSeen.has(index)) {
      this.confSeen.add(index);
      this.stats.confChanges++;
      this.trace(`conf change ${change.type} ${this.nameOf(change.node)} applied at ${index} by ${node.name}: voters [${conf.voters.map((id) => this.nameOf(id)).join(' ')}] learners [${conf.learners.map((id) => this.nameOf(id)).join(' ')}]`);
    }
    if (this.pendingConf && this.pendingConf.change.type === change.type && this.pendingConf.change.node === change.node) this.pendingConf = undefined;
    if (change.type === 'removeNode') {
      const removed = this.nodes.get(change.node);
      if (removed) removed.removed = true;
    }
  }

  onReadServable(node: SimNode, read: ReadState): void {
    this.workload.onReadServable(node, read, this.now);
  }

  onCrashed(node: SimNode): void {
    this.stats.crashes++;
    this.crashDeadline.delete(node.id);
    this.network.dropFor(node.id);
    this.workload.abandonOnNode(node.id);
  }

  // The tick

  private tick(): void {
    this.now++;
    const { scenario } = this;
    if (!this.quiet) this.nemesis();
    if (!this.quiet) this.workload.startOperations(this.now, scenario.opRate, this.targets(), this.leader(), scenario.opTimeout);
    this.deliver();
    for (const node of this.live()) {
      if (this.quiet || this.scheduleRng.chance(0.97 * node.tickRate)) node.raft!.tick();
    }
    this.settle();
    for (const node of this.live()) {
      if (node.crashAt && (this.crashDeadline.get(node.id) ?? 0) <= this.now) node.crash();
      else if (!node.removed && this.scheduleRng.chance(0.25)) node.maybeSnapshot(scenario.snapshotEvery, scenario.compactTrailing);
    }
    for (const node of this.nodes.values()) {
      if (node.alive && node.removed) {
        this.trace(`${node.name} shuts down: removed from the cluster`);
        node.crash();
      }
    }
    this.workload.abandonExpired(this.now);
    this.observe();
  }

  /** Handles Readies until every live node is idle (bounded, in case a core never settles). */
  private settle(): void {
    for (let pass = 0; pass < 8; pass++) {
      let any = false;
      for (const node of this.scheduleRng.shuffle(this.live())) if (node.alive && !this.paused(node) && node.handleReady()) any = true;
      if (!any) return;
    }
  }

  private deliver(): void {
    for (const { message, incarnation, outcome } of this.network.due(this.now)) {
      const target = this.nodes.get(message.to);
      const sender = this.nodes.get(message.from);
      const senderRaft = sender?.incarnation === incarnation ? sender.raft : undefined;
      this.fingerprint = mix(this.fingerprint, message.term * 31 + (message.index ?? 0) * 7 + message.type.length + (outcome === 'delivered' ? 1 : 0));
      if (outcome === 'delivered' && target?.raft && this.paused(target)) {
        this.network.hold(message, incarnation, target.pausedUntil);
        continue;
      }
      if (outcome === 'delivered' && target?.raft) {
        if (this.tracing) this.trace(`deliver ${this.messageText(message)}`);
        target.raft.step(message);
        if (message.type === 'snap') {
          this.stats.snapshotsDelivered++;
          senderRaft?.reportSnapshot(message.to, true);
        }
        if (this.scheduleRng.chance(0.5)) target.handleReady();
        continue;
      }
      if (this.tracing) this.trace(`lost ${this.messageText(message)} (${outcome === 'delivered' ? 'target down' : outcome})`);
      if (message.type === 'snap') senderRaft?.reportSnapshot(message.to, false);
      if (outcome !== 'dropped' && this.scheduleRng.chance(0.3)) senderRaft?.reportUnreachable(message.to);
    }
  }

  private observe(): void {
    let maxTerm = 0;
    this.statuses = new Map();
    for (const node of this.nodes.values()) {
      maxTerm = Math.max(maxTerm, node.storage.hardState.term);
      if (!node.raft) continue;
      const status = node.raft.status();
      this.statuses.set(node.id, status);
      maxTerm = Math.max(maxTerm, status.term);
      if (status.role === 'leader') {
        this.safety.observeLeader(node.name, status.term);
        if (!this.leaderTerms.has(status.term)) {
          this.leaderTerms.add(status.term);
          this.trace(`${node.name} is leader of term ${status.term} (commit ${status.commit}, last index ${status.lastIndex})`);
        }
      }
    }
    this.safety.endStep(maxTerm);
    for (const node of this.live()) {
      const status = this.statuses.get(node.id)!;
      if (status.role === 'leader' && !node.raft!.hasReady()) this.safety.checkLeaderCompleteness(node.name, status.term, node.storage);
    }
  }

  // Faults

  private nemesis(): void {
    const { scenario } = this;
    const rng = this.nemesisRng;
    const members = this.members();
    if (rng.chance(scenario.crash)) {
      const down = members.filter((node) => !node.alive).length;
      const limit = Math.floor(members.length / 2) + (rng.chance(0.15) ? 1 : 0);
      const candidates = members.filter((node) => node.alive && !node.crashAt);
      if (candidates.length > 0 && down < limit) {
        const node = rng.pick(candidates);
        node.crashAt = rng.pick(CRASH_POINTS);
        this.crashDeadline.set(node.id, node.crashAt === 'idle' ? this.now : this.now + 5);
        this.trace(`nemesis: crash ${node.name} (${node.crashAt})`);
      }
    }
    for (const node of members) {
      if (!node.alive && rng.chance(scenario.restart)) this.restart(node);
    }
    if (!this.network.partitioned && rng.chance(scenario.partition)) this.partition(rng);
    else if (this.network.partitioned && rng.chance(scenario.heal)) {
      this.network.heal();
      this.trace('nemesis: partition healed');
    }
    if (scenario.membership && rng.chance(0.03)) this.changeMembership(rng);
    if (scenario.transfers && rng.chance(0.01)) this.transferLeadership(rng);
    if (rng.chance(scenario.pause)) {
      const candidates = members.filter((node) => node.alive && !this.paused(node));
      if (candidates.length > 0) {
        const node = rng.pick(candidates);
        const { electionTick } = scenario.raft;
        node.pausedUntil = this.now + rng.between(electionTick, 4 * electionTick);
        this.stats.pauses++;
        this.trace(`nemesis: pause ${node.name} until tick ${node.pausedUntil}`);
      }
    }
    if (rng.chance(scenario.campaign)) {
      const node = rng.pick(members);
      if (node.raft) {
        this.trace(`nemesis: ${node.name} campaigns`);
        node.raft.campaign();
      }
    }
  }

  private restart(node: SimNode): void {
    this.safety.onRestart(node.name, node.storage, node.appliedEver);
    node.start(this.nodeRng.fork());
    this.stats.restarts++;
    this.trace(`nemesis: restart ${node.name} from disk (snapshot ${node.storage.offset}, last index ${node.storage.lastIndex()}, ${hardStateText(node.storage.hardState)})`);
  }

  private partition(rng: Rng): void {
    const ids = rng.shuffle(this.members().map((node) => node.id));
    const kind = rng.pick(['split', 'split', 'isolateLeader', 'bridge', 'oneWay'] as const);
    const leader = this.leader();
    const names = (group: NodeId[]) => `{${group.map((id) => this.nameOf(id)).join(' ')}}`;
    this.stats.partitions++;
    if (kind === 'isolateLeader' && leader) {
      const rest = ids.filter((id) => id !== leader.id);
      this.network.partition([[leader.id], rest]);
      this.trace(`nemesis: isolate leader ${leader.name} from ${names(rest)}`);
    } else if (kind === 'bridge' && ids.length >= 3) {
      const [bridge, ...rest] = ids;
      const k = rng.between(1, Math.floor(rest.length / 2));
      this.network.partition([rest.slice(0, k), rest.slice(k)]);
      this.trace(`nemesis: partition ${names(rest.slice(0, k))} | ${names(rest.slice(k))}, bridged by ${this.nameOf(bridge!)}`);
    } else if (kind === 'oneWay') {
      const [mute, ...rest] = ids;
      this.network.heal();
      for (const other of rest) this.network.cutLink(mute!, other);
      this.trace(`nemesis: ${this.nameOf(mute!)} can hear but not be heard`);
    } else {
      const k = rng.between(1, Math.floor(ids.length / 2));
      this.network.partition([ids.slice(0, k), ids.slice(k)]);
      this.trace(`nemesis: partition ${names(ids.slice(0, k))} | ${names(ids.slice(k))}`);
    }
  }

  /** Add a learner, promote it, remove a voter: one change in flight at a time, ids never reused. */
  private changeMembership(rng: Rng): void {
    if (this.pendingConf && this.now < this.pendingConf.deadline) return;
    const leader = this.leader();
    if (!leader) return;
    const conf = this.safety.latestConf();
    let change: ConfChange;
    let joining: NodeId | undefined;
    if (conf.learners.length > 0) change = { type: 'addNode', node: conf.learners[0]! };
    else if (conf.voters.length > this.scenario.nodes) change = { type: 'removeNode', node: rng.pick(conf.voters) };
    else {
      joining = nodeIdOf(this.nextNode);
      change = { type: 'addLearner', node: joining, context: JSON.stringify({ name: `n${this.nextNode}` }) };
    }
    const result = leader.raft!.proposeConfChange(change);
    this.trace(`nemesis: propose ${change.type} ${joining ? `n${this.nextNode}` : this.nameOf(change.node)} at ${leader.name}: ${result.accepted ? 'accepted' : `refused (${result.reason})`}`);
    if (!result.accepted) return;
    this.pendingConf = { change, deadline: this.now + 20 * this.scenario.raft.electionTick };
    if (joining) {
      this.nextNode++;
      this.addNode(joining).start(this.nodeRng.fork());
    }
  }

  private transferLeadership(rng: Rng): void {
    const leader = this.leader();
    if (!leader) return;
    const others = this.safety.latestConf().voters.filter((id) => id !== leader.id);
    if (others.length === 0) return;
    const target = rng.pick(others);
    this.stats.transfers++;
    this.trace(`nemesis: transfer leadership ${leader.name} -> ${this.nameOf(target)}`);
    leader.raft!.transferLeadership(target);
  }

  private healEverything(): void {
    this.quiet = true;
    this.network.heal();
    this.network.faults = { ...QUIET_NETWORK };
    for (const node of this.nodes.values()) {
      node.crashAt = undefined;
      node.pausedUntil = 0;
    }
    for (const node of this.members()) if (!node.alive) this.restart(node);
    this.trace('all faults healed; the network is quiet from now on');
  }

  /** A leader among the members, every member applied its commit index, and a fresh write committed. */
  private converged(): boolean {
    const conf = this.safety.latestConf();
    const members = [...conf.voters, ...conf.learners].map((id) => this.nodes.get(id));
    if (members.some((node) => !node?.raft)) return false;
    const leader = members.find((node) => conf.voters.includes(node!.id) && this.statuses.get(node!.id)?.role === 'leader');
    if (!leader) return false;
    if (!this.workload.probeAcknowledged) {
      if (!this.workload.probePending()) this.workload.probe(leader, this.now, 6 * this.scenario.raft.electionTick);
      return false;
    }
    const leaderStatus = this.statuses.get(leader.id)!;
    if (leaderStatus.commit !== leaderStatus.lastIndex) return false;
    return members.every((node) => this.statuses.get(node!.id)?.commit === leaderStatus.commit && node!.machine.applied === leaderStatus.commit);
  }

  // Helpers

  private addNode(id: NodeId): SimNode {
    const n = parseInt(id, 16);
    const { raft } = this.scenario;
    const node = new SimNode(id, `n${n}`, { ...raft }, this.initialConf, this);
    if (this.scenario.clockSkew && this.scheduleRng.chance(0.3)) node.tickRate = 0.5 + 0.5 * this.scheduleRng.next();
    this.nodes.set(id, node);
    return node;
  }

  private members(): SimNode[] {
    return [...this.nodes.values()].filter((node) => !node.removed);
  }

  /** Nodes that are up and not paused. */
  private live(): SimNode[] {
    return [...this.nodes.values()].filter((node) => node.alive && !this.paused(node));
  }

  private paused(node: SimNode): boolean {
    return node.pausedUntil > this.now;
  }

  private targets(): SimNode[] {
    return this.members().filter((node) => !this.paused(node));
  }

  private leader(): SimNode | undefined {
    let best: { node: SimNode; term: number } | undefined;
    for (const [id, status] of this.statuses) {
      const node = this.nodes.get(id)!;
      if (status.role === 'leader' && node.alive && !this.paused(node) && (!best || status.term > best.term)) best = { node, term: status.term };
    }
    return best?.node;
  }

  private nameOf(id: NodeId): string {
    return this.nodes.get(id)?.name ?? `n${parseInt(id, 16)}`;
  }

  private clusterText(): string {
    const conf = this.safety.latestConf();
    const parts = [...this.nodes.values()].map((node) => {
      const status = this.statuses.get(node.id);
      const role = conf.voters.includes(node.id) ? 'voter' : conf.learners.includes(node.id) ? 'learner' : node.removed ? 'removed' : 'not a member';
      if (!status) return `${node.name} (${role}) down`;
      const progress = status.progress
        ? ` progress {${Object.entries(status.progress)
            .map(([id, p]) => `${this.nameOf(id)}: ${p.state} match ${p.match} next ${p.next}`)
            .join(', ')}} snapshot ${node.storage.offset}`
        : '';
      return `${node.name} (${role}) ${status.role} term ${status.term} leader ${status.leader ? this.nameOf(status.leader) : '-'} commit ${status.commit} applied ${node.machine.applied} last ${status.lastIndex}${progress}`;
    });
    return parts.join('; ');
  }

  private messageText(m: Message): string {
    const parts = [`${m.type} ${this.nameOf(m.from)}->${this.nameOf(m.to)} term ${m.term}`];
    if (m.logTerm !== undefined || m.index !== undefined) parts.push(`log ${m.index ?? '-'}/${m.logTerm ?? '-'}`);
    if (m.entries?.length) parts.push(`entries ${m.entries[0]!.index}..${m.entries.at(-1)!.index}`);
    if (m.commit !== undefined) parts.push(`commit ${m.commit}`);
    if (m.reject) parts.push(`reject hint ${m.rejectHint ?? '-'}/${m.rejectTerm ?? '-'}`);
    if (m.snapshot) parts.push(`snapshot ${m.snapshot.meta.index}/${m.snapshot.meta.term}`);
    if (m.context) parts.push(`context ${m.context}`);
    return parts.join(' ');
  }
}

function mix(hash: number, value: number): number {
  return Math.imul((hash ^ value) >>> 0, 0x01000193) >>> 0;
}
