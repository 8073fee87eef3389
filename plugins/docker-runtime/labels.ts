/** Labels the runtime puts on every container it creates, to find its own again. */
export const NODE_LABEL = 'org.flotilla.node';
export const UNIT_LABEL = 'org.flotilla.unit';

/** The labels that mark a container as started by `machineId` for `unit`. */
export function ownerLabels(machineId: string, unit: string): Record<string, string> {
  return { [NODE_LABEL]: machineId, [UNIT_LABEL]: unit };
}

/** Whether a container's labels say it was started by `machineId` (for `unit`, when given). */
export function isOwnedBy(labels: Readonly<Record<string, string>> | undefined, machineId: string, unit?: string): boolean {
  if (!labels || labels[NODE_LABEL] !== machineId) return false;
  return unit === undefined || labels[UNIT_LABEL] === unit;
}
