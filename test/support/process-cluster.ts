import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { DEV_BIN, spawnCli, type RunningCli } from './cli.js';
import { freePorts } from './ports.js';
import { tempDir } from './temp-dir.js';
import { NoAnswerError, v2 } from './v2-client.js';

export type MemberState = 'running' | 'paused' | 'down';

export interface ProcessMember {
  readonly index: number;
  readonly name: string;
  /** The member's API (client) URL. */
  readonly url: string;
  readonly dataDir: string;
  readonly configFile: string;
  /** Every incarnation's stderr, appended. */
  readonly logFile: string;
  state: MemberState;
  pid?: number;
  /** How many times it was started. */
  starts: number;
  /** The current (or last) incarnation's stderr. */
  log(): string;
}

export interface ProcessClusterOptions {
  size: number;
  /** Settings for plugins.raft-kv besides ports and the cluster list. */
  raftKv?: Record<string, unknown>;
  /** The CLI entry point (DEV_BIN or RUN_BIN). */
  bin?: string;
  startTimeoutMs?: number;
  /** Other plugins each member runs, by id with their settings (`raft-kv` is always there). */
  plugins?: Record<string, unknown>;
  /** Node metadata of member `index`. */
  metadata?: (index: number) => Record<string, unknown>;
  /** Keep the data dirs and logs after `destroy`. */
  keepFiles?: boolean;
}

export interface LeaderInfo {
  member: ProcessMember;
  /** Milliseconds from the call until a member reported it. */
  ms: number;
}

/**
 * N raft-kv members, each a `flotilla up` process on loopback with its own data dir and free
 * ports. Processes are only ever signalled by the PIDs this harness started.
 */
export class ProcessCluster {
  readonly members: ProcessMember[];
  readonly root: string;
  private readonly processes = new Map<number, RunningCli>();
  /** Processes this harness asked to stop, whose exit is expected. */
  private readonly stopping = new WeakSet<RunningCli>();
  private readonly logs = new Map<number, WriteStream>();
  private readonly cleanup: () => void;
  private readonly onExit = () => {
    for (const running of this.processes.values()) if (running.child.pid !== undefined) this.signal(running.child.pid, 'SIGKILL');
  };

  private constructor(
    private readonly options: ProcessClusterOptions,
    apiPorts: number[],
    peerPorts: number[],
  ) {
    const dir = tempDir('flotilla-pc-');
    this.root = dir.path;
    this.cleanup = dir.cleanup;
    const names = apiPorts.map((_, i) => `m${i + 1}`);
    const initialCluster = Object.fromEntries(names.map((name, i) => [name, `http://127.0.0.1:${peerPorts[i]}`]));
    this.members = names.map((name, index) => {
      const home = path.join(this.root, name);
      mkdirSync(home);
      const config = {
        version: 1,
        node: { name, ...(options.metadata ? { metadata: options.metadata(index) } : {}) },
        dataDir: path.join(home, 'data'),
        api: { address: '127.0.0.1', port: apiPorts[index] },
        log: { level: 'info', format: 'json' },
        plugins: {
          'raft-kv': { peerAddress: '127.0.0.1', peerPort: peerPorts[index], initialCluster, clusterToken: 'process-cluster', ...options.raftKv },
          ...options.plugins,
        },
      };
      const configFile = path.join(home, 'node.yaml');
      writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
      const cluster = this;
      return {
        index,
        name,
        url: `http://127.0.0.1:${apiPorts[index]}`,
        dataDir: config.dataDir,
        configFile,
        logFile: path.join(home, 'stderr.log'),
        state: 'down' as MemberState,
        starts: 0,
        log: () => cluster.processes.get(index)?.stderr() ?? '',
      };
    });
    process.on('exit', this.onExit);
  }

  static async start(options: ProcessClusterOptions): Promise<ProcessCluster> {
    const ports = await freePorts(options.size * 2);
    const cluster = new ProcessCluster(options, ports.slice(0, options.size), ports.slice(options.size));
    try {
      await cluster.startAll();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** Members that run and are not paused. */
  live(): ProcessMember[] {
    return this.members.filter((member) => member.state === 'running');
  }

  byName(name: string): ProcessMember | undefined {
    return this.members.find((member) => member.name === name);
  }

  async startAll(): Promise<void> {
    await Promise.all(this.members.filter((member) => member.state === 'down').map((member) => this.startMember(member.index)));
  }

  /** Starts a member that is down, on its config and data dir; resolves once it serves its API. */
  async startMember(index: number): Promise<number> {
    const member = this.members[index]!;
    if (member.state !== 'down') throw new Error(`${member.name} is ${member.state}, not down`);
    const started = performance.now();
    const running = spawnCli(['up', '--config', member.configFile], { FORCE_COLOR: '0' }, { bin: this.options.bin ?? DEV_BIN });
    const pid = running.child.pid;
    if (pid === undefined) throw new Error(`could not start ${member.name}`);
    this.processes.set(index, running);
    member.pid = pid;
    member.state = 'running';
    member.starts++;
    let log = this.logs.get(index);
    if (!log) this.logs.set(index, (log = createWriteStream(member.logFile, { flags: 'a' })));
    log.write(`--- start ${member.starts} pid ${pid} at ${new Date().toISOString()}\n`);
    running.child.stderr!.on('data', (chunk) => log.write(chunk));
    void running.exited.then(({ code, signal }) => {
      log.write(`--- pid ${pid} exited: code ${code} signal ${signal}\n`);
      if (member.state !== 'down' && !this.stopping.has(running)) {
        // A member that dies by itself is a bug: show why, since the files go with the run.
        const tail = running.stderr().trim().split('\n').slice(-15).join('\n    ');
        console.log(`  [process-cluster] ${member.name} (pid ${pid}) exited by itself: code ${code} signal ${signal}; its last log lines:\n    ${tail}`);
      }
      if (this.processes.get(index) === running) {
        this.processes.delete(index);
        member.state = 'down';
        member.pid = undefined;
      }
    });
    await running.waitFor(/flotilla: node \S+ is up; API at/, this.options.startTimeoutMs ?? 60_000);
    return performance.now() - started;
  }

  /** kill -9; resolves once the process is gone. */
  async kill(index: number): Promise<void> {
    const running = this.running(index);
    this.signal(running.child.pid!, 'SIGKILL');
    this.members[index]!.state = 'down';
    await running.exited;
  }

  /** SIGTERM (a graceful stop); resolves with how it exited, SIGKILLing it after `timeoutMs`. */
  async stop(index: number, timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const running = this.running(index);
    const member = this.members[index]!;
    if (member.state === 'paused') this.resume(index);
    this.stopping.add(running);
    this.signal(running.child.pid!, 'SIGTERM');
    const timer = setTimeout(() => this.signal(running.child.pid!, 'SIGKILL'), timeoutMs);
    const exit = await running.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Stops a member (kill -9 or SIGTERM) and starts it again on the same data dir; resolves with the start time. */
  async restart(index: number, how: 'kill' | 'term' = 'kill'): Promise<number> {
    if (how === 'kill') await this.kill(index);
    else await this.stop(index);
    return this.startMember(index);
  }

  pause(index: number): void {
    const member = this.members[index]!;
    if (member.state !== 'running') throw new Error(`${member.name} is ${member.state}, not running`);
    this.signal(this.running(index).child.pid!, 'SIGSTOP');
    member.state = 'paused';
  }

  resume(index: number): void {
    const member = this.members[index]!;
    if (member.state !== 'paused') throw new Error(`${member.name} is ${member.state}, not paused`);
    this.signal(this.running(index).child.pid!, 'SIGCONT');
    member.state = 'running';
  }

  /**
   * Waits until a live member (not in `excluding`) reports, on GET /v2/members/leader, a leader
   * that is live and not excluded.
   */
  async waitForLeader(options: { excluding?: ProcessMember[]; timeoutMs?: number } = {}): Promise<LeaderInfo> {
    const started = performance.now();
    const excluded = new Set((options.excluding ?? []).map((member) => member.name));
    const deadline = started + (options.timeoutMs ?? 15_000);
    const seen: string[] = [];
    while (performance.now() < deadline) {
      const answers = await Promise.all(
        this.live()
          .filter((member) => !excluded.has(member.name))
          .map((member) => v2(`${member.url}/v2/members/leader`, { timeoutMs: 1_000 }).catch(() => undefined)),
      );
      for (const answer of answers) {
        if (answer?.status !== 200) continue;
        const leader = this.byName(answer.body.name);
        if (leader && leader.state === 'running' && !excluded.has(leader.name)) return { member: leader, ms: performance.now() - started };
        seen.push(String(answer.body.name));
      }
      await sleep(25);
    }
    throw new Error(`no live leader within ${options.timeoutMs ?? 15_000} ms (reported: ${[...new Set(seen)].join(', ') || 'none'})`);
  }

  /** Each live member's own view: its role (from /v2/stats/self) and the leader it follows. */
  async views(): Promise<{ member: ProcessMember; state?: string; leader?: string }[]> {
    return Promise.all(
      this.live().map(async (member) => {
        const [self, leader] = await Promise.all([
          v2(`${member.url}/v2/stats/self`, { timeoutMs: 1_000 }).catch(() => undefined),
          v2(`${member.url}/v2/members/leader`, { timeoutMs: 1_000 }).catch(() => undefined),
        ]);
        return {
          member,
          ...(self?.status === 200 && { state: self.body.state as string }),
          ...(leader?.status === 200 && { leader: leader.body.name as string }),
        };
      }),
    );
  }

  /**
   * Waits until exactly one live member says it leads and every live member follows it; resolves
   * with that leader and how long it took.
   */
  async waitForOneLeader(timeoutMs = 10_000): Promise<LeaderInfo> {
    const started = performance.now();
    let last = '';
    while (performance.now() - started < timeoutMs) {
      const views = await this.views();
      const leaders = views.filter((view) => view.state === 'StateLeader');
      const agreed = leaders.length === 1 && views.every((view) => view.leader === leaders[0]!.member.name);
      if (agreed) return { member: leaders[0]!.member, ms: performance.now() - started };
      last = views.map((view) => `${view.member.name}: ${view.state ?? '?'} following ${view.leader ?? '?'}`).join('; ');
      await sleep(25);
    }
    throw new Error(`not exactly one agreed leader within ${timeoutMs} ms; last views: ${last}`);
  }

  /** Stops every process this harness started (SIGCONT first if paused, then SIGTERM, then SIGKILL). */
  async destroy(): Promise<void> {
    await Promise.all(
      this.members.map(async (member) => {
        if (member.state === 'down') return;
        await this.stop(member.index, 5_000).catch(() => undefined);
      }),
    );
    await Promise.all([...this.logs.values()].map((log) => new Promise((resolve) => log.end(resolve))));
    process.off('exit', this.onExit);
    if (!this.options.keepFiles) this.cleanup();
  }

  private running(index: number): RunningCli {
    const running = this.processes.get(index);
    if (!running) throw new Error(`${this.members[index]!.name} is not running`);
    return running;
  }

  private signal(pid: number, signal: NodeJS.Signals): void {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `attempt` until it resolves (errors and NoAnswerError alike), up to `timeoutMs`. */
export async function eventually<T>(what: string, attempt: () => Promise<T>, timeoutMs: number, everyMs = 50): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  let lastError: unknown;
  while (performance.now() - started < timeoutMs) {
    try {
      return { value: await attempt(), ms: performance.now() - started };
    } catch (error) {
      lastError = error;
      await sleep(everyMs);
    }
  }
  const reason = lastError instanceof NoAnswerError || lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`${what}: not within ${timeoutMs} ms; last error: ${reason}`);
}
