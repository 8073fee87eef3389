import type Docker from 'dockerode';
import type { ContainerSpec, PortBinding } from './container-spec.js';

/**
 * The Engine API create body for a container spec, as `docker run` (without -d, -t or -i) sends
 * it: output attached, no TTY, no stdin. `env` is the container's environment, env files already
 * read; `labels` are added to the spec's (and win over them).
 */
export function createOptions(spec: ContainerSpec, env: readonly string[], labels: Readonly<Record<string, string>>): Docker.ContainerCreateOptions {
  const binds = spec.volumes.filter((volume) => volume.includes(':'));
  const anonymous = spec.volumes.filter((volume) => !volume.includes(':'));
  const hostConfig: Docker.HostConfig = {
    ...(binds.length > 0 ? { Binds: binds } : {}),
    ...(spec.publish.length > 0 ? { PortBindings: portBindings(spec.publish) } : {}),
    ...(spec.network !== undefined ? { NetworkMode: spec.network } : {}),
    ...(spec.memoryBytes !== undefined ? { Memory: spec.memoryBytes } : {}),
    ...(spec.nanoCpus !== undefined ? { NanoCpus: spec.nanoCpus } : {}),
    ...(spec.init ? { Init: true } : {}),
  };
  return {
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    Image: spec.image,
    ...(spec.cmd.length > 0 ? { Cmd: [...spec.cmd] } : {}),
    ...(spec.entrypoint !== undefined ? { Entrypoint: [...spec.entrypoint] } : {}),
    Env: [...env],
    ...(spec.publish.length > 0 ? { ExposedPorts: Object.fromEntries(spec.publish.map((p) => [portKey(p), {}])) } : {}),
    ...(anonymous.length > 0 ? { Volumes: Object.fromEntries(anonymous.map((dir) => [dir, {}])) } : {}),
    ...(spec.workdir !== undefined ? { WorkingDir: spec.workdir } : {}),
    ...(spec.user !== undefined ? { User: spec.user } : {}),
    ...(spec.hostname !== undefined ? { Hostname: spec.hostname } : {}),
    Labels: { ...spec.labels, ...labels },
    ...(spec.stopSignal !== undefined ? { StopSignal: spec.stopSignal } : {}),
    ...(spec.stopTimeout !== undefined ? { StopTimeout: spec.stopTimeout } : {}),
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    HostConfig: hostConfig,
  };
}

/** `80/tcp`, as the Engine API keys ports. */
function portKey(port: PortBinding): string {
  return `${port.containerPort}/${port.protocol}`;
}

function portBindings(ports: readonly PortBinding[]): Record<string, { HostIp: string; HostPort: string }[]> {
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of ports) {
    (bindings[portKey(port)] ??= []).push({ HostIp: port.hostIp ?? '', HostPort: port.hostPort === undefined ? '' : String(port.hostPort) });
  }
  return bindings;
}
