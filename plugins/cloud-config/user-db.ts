import { readFileSync } from 'node:fs';

/** The user database a file's owner is looked up in. */
export interface UserDatabase {
  passwd: string;
  group: string;
}

export const SYSTEM_USERS: UserDatabase = Object.freeze({ passwd: '/etc/passwd', group: '/etc/group' });

function records(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.split(':'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

const numericId = (value: string) => (/^\d{1,10}$/.test(value) && Number(value) < 0xffffffff ? Number(value) : undefined);

/** A user by name or uid: its uid and primary group. A uid without an entry has no primary group. */
export function findUser(nameOrId: string, db: UserDatabase = SYSTEM_USERS): { uid: number; gid?: number } | undefined {
  const entry = records(db.passwd).find((fields) => fields.length >= 7 && (fields[0] === nameOrId || fields[2] === nameOrId));
  if (entry) return { uid: Number(entry[2]), gid: Number(entry[3]) };
  if (nameOrId === 'root') return { uid: 0, gid: 0 };
  const uid = numericId(nameOrId);
  return uid === undefined ? undefined : { uid };
}

/** A group by name or gid. */
export function findGroup(nameOrId: string, db: UserDatabase = SYSTEM_USERS): number | undefined {
  const entry = records(db.group).find((fields) => fields.length >= 3 && (fields[0] === nameOrId || fields[2] === nameOrId));
  if (entry) return Number(entry[2]);
  if (nameOrId === 'root') return 0;
  return numericId(nameOrId);
}
