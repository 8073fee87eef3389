import { readFileSync } from 'node:fs';

// The system's user database (/etc/passwd, /etc/group), read when asked, as getpwnam(3) does.

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
