import type { CommandSet } from '../../../core/index.js';
import KvExecWatch from './exec-watch.js';
import KvGet from './get.js';
import KvLock from './lock.js';
import KvLs from './ls.js';
import MemberAdd from './member-add.js';
import MemberList from './member-list.js';
import MemberPromote from './member-promote.js';
import MemberRemove from './member-remove.js';
import KvMk from './mk.js';
import KvMkdir from './mkdir.js';
import KvRender from './render.js';
import KvRm from './rm.js';
import KvRmdir from './rmdir.js';
import KvSet from './set.js';
import KvSetdir from './setdir.js';
import KvUpdate from './update.js';
import KvUpdatedir from './updatedir.js';
import KvWatch from './watch.js';

export const RAFT_KV_COMMANDS: CommandSet = {
  'kv:ls': KvLs,
  'kv:get': KvGet,
  'kv:set': KvSet,
  'kv:mk': KvMk,
  'kv:mkdir': KvMkdir,
  'kv:setdir': KvSetdir,
  'kv:rm': KvRm,
  'kv:rmdir': KvRmdir,
  'kv:update': KvUpdate,
  'kv:updatedir': KvUpdatedir,
  'kv:watch': KvWatch,
  'kv:exec-watch': KvExecWatch,
  'kv:lock': KvLock,
  'kv:render': KvRender,
  'member:list': MemberList,
  'member:add': MemberAdd,
  'member:remove': MemberRemove,
  'member:promote': MemberPromote,
};
