import { lookupGroup, lookupUser, parseNumericId, SYSTEM_USER_DATABASE, type UserDatabaseFiles, type UserEntry } from '../../../core/index.js';

/** What a process runs as, and the variables systemd sets for User=. */
export interface Credentials {
  uid: number;
  gid: number;
  /** The passwd entry of User=, when it has one. */
  user?: UserEntry;
  /** HOME, USER, LOGNAME, SHELL for User=; empty otherwise. */
  env: Record<string, string>;
}

export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

/**
 * Resolves User= and Group= (names or ids). Without Group=, the user's primary group. A numeric
 * uid missing from /etc/passwd is accepted only with Group=, since there is no primary group to
 * take. Undefined when neither is set: the process runs as this one does.
 */
export function resolveCredentials(user: string | undefined, group: string | undefined, files: UserDatabaseFiles = SYSTEM_USER_DATABASE): Credentials | undefined {
  if (user === undefined && group === undefined) return undefined;
  let groupId: number | undefined;
  if (group !== undefined) {
    groupId = lookupGroup(group, files)?.gid ?? parseNumericId(group);
    if (groupId === undefined) throw new CredentialsError(`group ${group} does not exist`);
  }
  if (user === undefined) {
    return { uid: process.getuid?.() ?? 0, gid: groupId!, env: {} };
  }
  const entry = lookupUser(user, files);
  if (entry) {
    return {
      uid: entry.uid,
      gid: groupId ?? entry.gid,
      user: entry,
      env: { HOME: entry.home, USER: entry.name, LOGNAME: entry.name, SHELL: entry.shell },
    };
  }
  const uid = parseNumericId(user);
  if (uid === undefined) throw new CredentialsError(`user ${user} does not exist`);
  if (groupId === undefined) throw new CredentialsError(`user ${user} has no entry in ${files.passwd}, so it has no primary group; set Group=`);
  return { uid, gid: groupId, env: {} };
}
