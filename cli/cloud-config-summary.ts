import path from 'node:path';
import type { LoadedNodeConfig } from '../core/index.js';

interface FileEntry {
  path: string;
  permissions: string;
  owner?: string;
  size: number;
  sha256: string;
}

interface UnitEntry {
  name: string;
  content?: string;
  command?: string;
  enable: boolean;
  dropIns: { name: string }[];
}

/**
 * What the cloud-config plugin will write and do at boot, as YAML comment lines: each file, and
 * each unit with the unit file and drop-ins it writes in systemd-unit's unit directory.
 */
export function cloudConfigSummary({ config }: LoadedNodeConfig): string[] {
  const settings = config.plugins['cloud-config']?.config as { files: FileEntry[]; units: UnitEntry[] } | undefined;
  if (!settings) return [];
  const lines = ['# cloud-config: what this node writes and does at boot'];
  lines.push(settings.files.length === 0 ? '# files: none' : '# files, written before any unit starts:');
  for (const file of settings.files) {
    lines.push(`#   ${file.path} (${file.permissions}${file.owner ? ` ${file.owner}` : ''}, ${file.size} bytes, sha256 ${file.sha256.slice(0, 12)}…)`);
  }
  const unitDir = unitDirectory(config);
  lines.push(settings.units.length === 0 ? '# units: none' : '# units, applied in order once the node runs:');
  for (const unit of settings.units) {
    const parts = [
      ...(unit.content !== undefined ? [`writes ${path.join(unitDir, unit.name)}`] : []),
      ...unit.dropIns.map((dropIn) => `writes ${path.join(unitDir, `${unit.name}.d`, dropIn.name)}`),
      ...(unit.enable ? ['enable'] : []),
      ...(unit.command ? [unit.command] : []),
    ];
    lines.push(`#   ${unit.name}: ${parts.join(', ') || 'nothing'}`);
  }
  return lines;
}

/** Where systemd-unit writes units: the first directory of its unitPath, under its data directory. */
function unitDirectory(config: LoadedNodeConfig['config']): string {
  const unitPath = (config.plugins['systemd-unit']?.config as { unitPath?: string[] } | undefined)?.unitPath ?? ['units'];
  return path.resolve(config.dataDir, 'plugins', 'systemd-unit', unitPath[0]!);
}
