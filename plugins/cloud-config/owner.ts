import { lookupGroup, lookupUser, parseNumericId, SYSTEM_USER_DATABASE, type UserDatabaseFiles } from '../../core/index.js';

/** Who a file should belong to; an id left out is not changed (as chown leaves it). */
export interface FileOwner {
  uid?: number;
  gid?: number;
}

/**
 * chown's forms: `user` (the owner only), `user:group`, `user:` (the user's login group) and
 * `:group` (the group only); names or numeric ids.
 */
export function resolveOwner(spec: string, db: UserDatabaseFiles = SYSTEM_USER_DATABASE): { ok: true; owner: FileOwner } | { ok: false; problem: string } {
  const match = /^([^:\s]*)(?::([^:\s]*))?$/.exec(spec.trim());
  if (!match || (match[1] === '' && !match[2])) return { ok: false, problem: 'must be user, user:group, user: or :group' };
  const [, userName, groupName] = match;
  const owner: FileOwner = {};
  if (userName) {
    const user = findUser(userName, db);
    if (!user) return { ok: false, problem: `no user ${userName} in ${db.passwd}` };
    owner.uid = user.uid;
    if (groupName === '') {
      if (user.gid === undefined) return { ok: false, problem: `user ${userName} has no entry in ${db.passwd}, so it has no login group; name the group` };
      owner.gid = user.gid;
    }
  }
  if (groupName) {
    const gid = findGroup(groupName, db);
    if (gid === undefined) return { ok: false, problem: `no group ${groupName} in ${db.group}` };
    owner.gid = gid;
  }
  return { ok: true, owner };
}

/** chown takes a numeric id that has no entry; such a user has no login group. */
function findUser(nameOrId: string, db: UserDatabaseFiles): { uid: number; gid?: number } | undefined {
  const entry = lookupUser(nameOrId, db);
  if (entry) return { uid: entry.uid, gid: entry.gid };
  const uid = parseNumericId(nameOrId);
  return uid === undefined ? undefined : { uid };
}

function findGroup(nameOrId: string, db: UserDatabaseFiles): number | undefined {
  return lookupGroup(nameOrId, db)?.gid ?? parseNumericId(nameOrId);
}
