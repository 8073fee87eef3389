import { token } from '../../core/index.js';
import type { DockerRuntimeConfig } from './config.js';
import type { DockerRuntime } from './docker-runtime.js';
import type { DockerEngine } from './engine.js';

export const DOCKER_RUNTIME = Object.freeze({
  Config: token<DockerRuntimeConfig>('docker-runtime.Config'),
  /** The client of the engine this node runs containers on. */
  Engine: token<DockerEngine>('docker-runtime.Engine'),
  /** The runtime itself; also registered under CORE.ExecRuntime. */
  Runtime: token<DockerRuntime>('docker-runtime.Runtime'),
});
