import { PLUGIN_COMMANDS } from '../plugins/commands.js';
import { buildCommandRegistry } from './command-set.js';
import ClusterDown from './commands/cluster/down.js';
import ClusterUp from './commands/cluster/up.js';
import ConfigRender from './commands/config/render.js';
import ConfigSchema from './commands/config/schema.js';
import ConfigValidate from './commands/config/validate.js';
import Plugins from './commands/plugins.js';
import Status from './commands/status.js';
import Up from './commands/up.js';

/** Every `flotilla` command: the node's own, then each built-in plugin's. */
export const COMMANDS = buildCommandRegistry(
  {
    up: Up,
    status: Status,
    plugins: Plugins,
    'cluster:up': ClusterUp,
    'cluster:down': ClusterDown,
    'config:validate': ConfigValidate,
    'config:render': ConfigRender,
    'config:schema': ConfigSchema,
  },
  ...PLUGIN_COMMANDS,
);
