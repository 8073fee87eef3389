/**
 * A container as a unit's command asks for it, whether written as a `docker run …` line or as a
 * `[Container]` section: what the runtime turns into an Engine API create call.
 */
export interface ContainerSpec {
  image: string;
  /** --name / ContainerName=; generated from the unit when absent. */
  name?: string;
  /** The command after the image (Exec=). */
  cmd: string[];
  /** --entrypoint / Entrypoint=; undefined keeps the image's. */
  entrypoint?: string[];
  /** -e/--env, --env-file, Environment=, EnvironmentFile=: in order, later wins. */
  env: [string, string][];
  /**
   * `-e NAME` without a value: the container gets NAME from the environment the command runs in,
   * and goes without it when that has none. Never also in `env` (the later mention wins).
   */
  passEnv?: string[];
  /** Files to read at start (--env-file / EnvironmentFile=), with their `-` optional marker. */
  envFiles: { path: string; optional: boolean }[];
  /** -p/--publish, PublishPort=: `[ip:][hostPort:]containerPort[/proto]`, parsed. */
  publish: PortBinding[];
  /** -v/--volume, Volume=: `src:dst[:opts]`. */
  volumes: string[];
  /** --network/--net, Network=. */
  network?: string;
  workdir?: string;
  user?: string;
  hostname?: string;
  labels: Record<string, string>;
  /** --memory, bytes. */
  memoryBytes?: number;
  /** --cpus, in nano-CPUs (1e9 = one CPU). */
  nanoCpus?: number;
  /** --init */
  init: boolean;
  /** --stop-signal */
  stopSignal?: string;
  /** --stop-timeout / StopTimeout=, seconds. */
  stopTimeout?: number;
  /** --rm: remove the container once it has exited. */
  autoRemove: boolean;
}

export interface PortBinding {
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIp?: string;
  /** Undefined: the engine picks one. */
  hostPort?: number;
}

/** `docker kill|stop|rm|pull NAME` and `docker info` in Exec*= lines. */
export type DockerControlCommand =
  | { verb: 'kill'; names: string[]; signal?: string }
  | { verb: 'stop'; names: string[]; timeout?: number }
  | { verb: 'rm'; names: string[]; force: boolean }
  | { verb: 'pull'; image: string }
  /** Answers whether the engine is reachable (and prints its version), as docker.service's start. */
  | { verb: 'info' };

/** A unit-file line that cannot run: the message names the flag or key. */
export class ContainerSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerSpecError';
  }
}
