import { readFileSync } from 'node:fs';

/** One line of /etc/passwd. */
export interface UserEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** One line of /etc/group. */
export interface GroupEntry {
  name: string;
  gid: number;
}

export interface UserDatabaseFiles {
  passwd: string;
  group: string;
}

export const SYSTEM_USER_DATABASE: UserDatabaseFiles = Object.freeze({ passwd: '/etc/passwd', group: '/etc/group' });

// systemd knows these two even when the database lacks them.
const BUILTIN_USERS: readonly UserEntry[] = [
  { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/sh' },
  { name: 'nobody', uid: 65534, gid: 65534, home: '/', shell: '/usr/sbin/nologin' },
];
const BUILTIN_GROUPS: readonly GroupEntry[] = [
  { name: 'root', gid: 0 },
  { name: 'nobody', gid: 65534 },
];

/** A User=/Group= value that names a numeric id rather than a name. */
export function parseNumericId(value: string): number | undefined {
  if (!/^\d{1,10}$/.test(value)) return undefined;
  const id = Number(value);
  // (uid_t) -1 means "unchanged" to setuid(2), never a real id.
  return id < 0xffffffff ? id : undefined;
}

function readLines(file: string): string[][] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

export function readUsers(file = SYSTEM_USER_DATABASE.passwd): UserEntry[] {
  return readLines(file)
    .filter((fields) => fields.length >= 7)
    .map(([name, , uid, gid, , home, shell]) => ({ name: name!, uid: Number(uid), gid: Number(gid), home: home!, shell: shell! }))
    .filter((user) => Number.isInteger(user.uid) && Number.isInteger(user.gid));
}

export function readGroups(file = SYSTEM_USER_DATABASE.group): GroupEntry[] {
  return readLines(file)
    .filter((fields) => fields.length >= 3)
    .map(([name, , gid]) => ({ name: name!, gid: Number(gid) }))
    .filter((group) => Number.isInteger(group.gid));
}

/** A user by name or numeric uid, as User= takes it. */
export function lookupUser(nameOrId: string, files: UserDatabaseFiles = SYSTEM_USER_DATABASE): UserEntry | undefined {
  const id = parseNumericId(nameOrId);
  const matches = (user: UserEntry) => (id === undefined ? user.name === nameOrId : user.uid === id);
  return readUsers(files.passwd).find(matches) ?? BUILTIN_USERS.find(matches);
}

/** A group by name or numeric gid, as Group= takes it. */
export function lookupGroup(nameOrId: string, files: UserDatabaseFiles = SYSTEM_USER_DATABASE): GroupEntry | undefined {
  const id = parseNumericId(nameOrId);
  const matches = (group: GroupEntry) => (id === undefined ? group.name === nameOrId : group.gid === id);
  return readGroups(files.group).find(matches) ?? BUILTIN_GROUPS.find(matches);
}

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
