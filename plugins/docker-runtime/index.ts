import { CORE, definePlugin, FLOTILLA_VERSION } from '../../core/index.js';
import { dockerRuntimeConfigSchema, type DockerRuntimeConfig } from './config.js';
import { DockerRuntime } from './docker-runtime.js';
import { engineFromConfig } from './engine.js';
import { DOCKER_RUNTIME } from './tokens.js';

export default definePlugin<DockerRuntimeConfig>({
  id: 'docker-runtime',
  version: FLOTILLA_VERSION,
  description: "Runs units' `docker run` lines and [Container] sections as containers through the Docker Engine API.",
  dependsOn: ['journal'],
  config: dockerRuntimeConfigSchema,
  configToken: DOCKER_RUNTIME.Config,
  register({ container, config, node, log }) {
    const engine = engineFromConfig(config);
    const runtime = new DockerRuntime({ engine, machineId: node.machineId, pull: config.pull, log });
    container.register(DOCKER_RUNTIME.Engine, { useValue: engine });
    container.register(DOCKER_RUNTIME.Runtime, { useValue: runtime });
    container.register(CORE.ExecRuntime, { useValue: runtime });
  },
  // Before systemd-unit starts any unit (it starts after this plugin): reach the engine, clear leftovers.
  async start({ container, config, log }) {
    const runtime = container.resolve(DOCKER_RUNTIME.Runtime);
    try {
      const removed = await runtime.prepare();
      log.info({ engine: runtime.engine.host, leftovers: removed.length }, `using the Docker engine at ${runtime.engine.host}`);
    } catch (error) {
      if (config.required) throw error;
      const reason = (error as Error).message;
      log.warn({ engine: runtime.engine.host, err: reason }, `${reason}; units that run containers fail until it answers (plugins.docker-runtime.required is false)`);
    }
  },
  stop({ container }) {
    container.resolve(DOCKER_RUNTIME.Runtime).close();
  },
});
