import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { V2Store } from '../../../plugins/raft-kv/store/v2-store.js';
import { compareKeys, normalizeKey } from '../../../plugins/raft-kv/store/key-path.js';
import { T0, body, del, failure, ok, put, transcriptStore } from './v2-store-support.js';

const keys = suite('v2 store: keys and reads');

keys('keys are cleaned like path.Join("/", key)', () => {
  const cases: [string, string][] = [
    ['', '/'],
    ['/', '/'],
    ['message', '/message'],
    ['/trail/', '/trail'],
    ['a//b', '/a/b'],
    ['/a/../b', '/b'],
    ['/a/./b', '/a/b'],
    ['/../../x', '/x'],
    ['/.hidden/..x', '/.hidden/..x'],
    ['/sp ace', '/sp ace'],
    ['/✓', '/✓'],
  ];
  for (const [input, expected] of cases) assert.is(normalizeKey(input), expected, input);
});

keys('sorting compares code points, as Go compares UTF-8 bytes', () => {
  assert.ok(compareKeys('/a', '/b') < 0);
  assert.ok(compareKeys('/a', '/a/b') < 0);
  assert.ok(compareKeys('/\uffff', '/😀') < 0);
  assert.ok(compareKeys('/😀', '/\uffff') > 0);
  assert.is(compareKeys('/x', '/x'), 0);
});

keys('the empty root is a directory without key, indexes or nodes', () => {
  const store = transcriptStore();
  const result = ok(store.get('/', {}, T0));
  assert.equal(result, { action: 'get', node: { key: '', dir: true, modifiedIndex: 0, createdIndex: 0 }, index: 3 });
  assert.equal(ok(store.get('', {}, T0)).node, result.node);
});

keys('set, get, overwrite, delete, then 404', () => {
  const store = transcriptStore();
  let r = ok(put(store, '/message', 'Hello world', T0));
  assert.equal(body(r), { action: 'set', node: { key: '/message', value: 'Hello world', modifiedIndex: 4, createdIndex: 4 } });
  assert.is(r.index, 4);
  r = ok(store.get('/message', {}, T0));
  assert.equal(body(r), { action: 'get', node: { key: '/message', value: 'Hello world', modifiedIndex: 4, createdIndex: 4 } });
  r = ok(put(store, '/message', 'Hello etcd', T0));
  assert.equal(body(r), {
    action: 'set',
    node: { key: '/message', value: 'Hello etcd', modifiedIndex: 5, createdIndex: 5 },
    prevNode: { key: '/message', value: 'Hello world', modifiedIndex: 4, createdIndex: 4 },
  });
  ok(put(store, '/message', 'quiet', T0));
  r = ok(del(store, '/message', T0));
  assert.equal(body(r), {
    action: 'delete',
    node: { key: '/message', modifiedIndex: 7, createdIndex: 6 },
    prevNode: { key: '/message', value: 'quiet', modifiedIndex: 6, createdIndex: 6 },
  });
  assert.is(r.index, 7);
  assert.equal(failure(store.get('/message', {}, T0)), { errorCode: 100, message: 'Key not found', cause: '/message', index: 7 });
  r = ok(put(store, '/novalue', undefined, T0));
  assert.equal(r.node, { key: '/novalue', value: '', modifiedIndex: 8, createdIndex: 8 });
});

keys('a missing key reports the first missing segment; a path through a file is 104', () => {
  const store = transcriptStore();
  ok(put(store, '/dir/a', '1', T0));
  assert.equal(failure(store.get('/dir/nope/deeper', {}, T0)), { errorCode: 100, message: 'Key not found', cause: '/dir/nope', index: 4 });
  assert.equal(failure(store.get('/dir/a/child', {}, T0)), { errorCode: 104, message: 'Not a directory', cause: '/dir/a', index: 4 });
  assert.equal(failure(store.get('/a/../b', {}, T0)).cause, '/b');
  assert.equal(failure(put(store, '/dir/a/child', 'x', T0)), { errorCode: 104, message: 'Not a directory', cause: '/dir/a', index: 4 });
});

keys('keys are stored cleaned: a trailing slash is dropped, spaces and UTF-8 are kept', () => {
  const store = transcriptStore();
  assert.equal(ok(put(store, '/trail/', 'x', T0)).node.key, '/trail');
  assert.equal(ok(store.get('/trail', {}, T0)).node, { key: '/trail', value: 'x', modifiedIndex: 4, createdIndex: 4 });
  assert.equal(ok(put(store, '/sp ace', 'x', T0)).node.key, '/sp ace');
  assert.equal(ok(put(store, '/✓', 'check', T0)).node, { key: '/✓', value: 'check', modifiedIndex: 6, createdIndex: 6 });
});

const atomic = suite('v2 store: create, update, compare-and-swap, compare-and-delete');

atomic('the transcript sequence from index 17 to 20', () => {
  const store = transcriptStore();
  while (store.index < 16) ok(put(store, '/filler', String(store.index), T0));
  let r = ok(put(store, '/cas', 'one', T0, { prevExist: false }));
  assert.equal(body(r), { action: 'create', node: { key: '/cas', value: 'one', modifiedIndex: 17, createdIndex: 17 } });
  assert.equal(failure(put(store, '/cas', 'two', T0, { prevExist: false })), { errorCode: 105, message: 'Key already exists', cause: '/cas', index: 17 });
  assert.equal(failure(put(store, '/missing', 'x', T0, { prevExist: true })), { errorCode: 100, message: 'Key not found', cause: '/missing', index: 17 });
  r = ok(put(store, '/cas', 'one', T0, { prevExist: true }));
  assert.equal(body(r), {
    action: 'update',
    node: { key: '/cas', value: 'one', modifiedIndex: 18, createdIndex: 17 },
    prevNode: { key: '/cas', value: 'one', modifiedIndex: 17, createdIndex: 17 },
  });
  assert.equal(failure(put(store, '/cas', 'three', T0, { prevValue: 'two' })), { errorCode: 101, message: 'Compare failed', cause: '[two != one]', index: 18 });
  assert.equal(failure(put(store, '/cas', 'three', T0, { prevIndex: 1 })), { errorCode: 101, message: 'Compare failed', cause: '[1 != 18]', index: 18 });
  assert.equal(failure(put(store, '/cas', 'three', T0, { prevValue: 'two', prevIndex: 1 })), {
    errorCode: 101,
    message: 'Compare failed',
    cause: '[two != one] [1 != 18]',
    index: 18,
  });
  r = ok(put(store, '/cas', 'three', T0, { prevValue: 'one' }));
  assert.equal(body(r), {
    action: 'compareAndSwap',
    node: { key: '/cas', value: 'three', modifiedIndex: 19, createdIndex: 17 },
    prevNode: { key: '/cas', value: 'one', modifiedIndex: 18, createdIndex: 17 },
  });
  assert.equal(failure(put(store, '/cas', 'x', T0, { prevValue: '' })), {
    errorCode: 201,
    message: 'PrevValue is Required in POST form',
    cause: '"prevValue" cannot be empty',
    index: 0,
  });
  assert.equal(failure(put(store, '/missing', 'x', T0, { prevValue: 'a' })), { errorCode: 100, message: 'Key not found', cause: '/missing', index: 19 });
  assert.equal(failure(del(store, '/cas', T0, { prevValue: 'wrong' })), { errorCode: 101, message: 'Compare failed', cause: '[wrong != three]', index: 19 });
  r = ok(del(store, '/cas', T0, { prevValue: 'three' }));
  assert.equal(body(r), {
    action: 'compareAndDelete',
    node: { key: '/cas', modifiedIndex: 20, createdIndex: 17 },
    prevNode: { key: '/cas', value: 'three', modifiedIndex: 19, createdIndex: 17 },
  });
  assert.is(store.index, 20);
});

atomic('prevIndex on a delete compares the modifiedIndex; CAS and CAD refuse directories', () => {
  const store = transcriptStore();
  ok(put(store, '/spam', 'byindex', T0));
  assert.equal(failure(put(store, '/spam', 'byindex', T0, { prevIndex: 9 })).cause, '[9 != 4]');
  assert.equal(failure(del(store, '/spam', T0, { prevIndex: 9 })), { errorCode: 101, message: 'Compare failed', cause: '[9 != 4]', index: 4 });
  ok(put(store, '/d', undefined, T0, { dir: true }));
  assert.equal(failure(put(store, '/d', 'x', T0, { prevValue: 'a' })), { errorCode: 102, message: 'Not a file', cause: '/d', index: 5 });
  assert.equal(failure(del(store, '/d', T0, { prevIndex: 5 })), { errorCode: 102, message: 'Not a file', cause: '/d', index: 5 });
  assert.is(ok(del(store, '/spam', T0, { prevIndex: 4 })).action, 'compareAndDelete');
});

atomic('prevExist=true with prevValue or prevIndex is a compare-and-swap; prevExist=false ignores them', () => {
  const store = transcriptStore();
  ok(put(store, '/k', 'a', T0));
  assert.is(failure(put(store, '/k', 'b', T0, { prevExist: true, prevValue: 'zz' })).errorCode, 101);
  assert.is(ok(put(store, '/k', 'b', T0, { prevExist: true, prevIndex: 4 })).action, 'compareAndSwap');
  assert.is(ok(put(store, '/new', 'b', T0, { prevExist: false, prevValue: 'zz', prevIndex: 99 })).action, 'create');
});

const dirs = suite('v2 store: directories');

dirs('the transcript sequence from index 21 to 29', () => {
  const store = transcriptStore();
  while (store.index < 20) ok(put(store, '/filler', String(store.index), T0));
  assert.equal(body(ok(put(store, '/dir', undefined, T0, { dir: true }))), { action: 'set', node: { key: '/dir', dir: true, modifiedIndex: 21, createdIndex: 21 } });
  assert.equal(failure(put(store, '/dir', undefined, T0, { dir: true, prevExist: false })), { errorCode: 105, message: 'Key already exists', cause: '/dir', index: 21 });
  ok(put(store, '/dir/a', '1', T0));
  assert.equal(ok(put(store, '/dir/sub/b', '2', T0)).node, { key: '/dir/sub/b', value: '2', modifiedIndex: 23, createdIndex: 23 });
  assert.equal(body(ok(store.get('/dir', { sorted: true }, T0))), {
    action: 'get',
    node: {
      key: '/dir',
      dir: true,
      nodes: [
        { key: '/dir/a', value: '1', modifiedIndex: 22, createdIndex: 22 },
        { key: '/dir/sub', dir: true, modifiedIndex: 23, createdIndex: 23 },
      ],
      modifiedIndex: 21,
      createdIndex: 21,
    },
  });
  assert.equal(body(ok(store.get('/dir', { recursive: true, sorted: true }, T0))), {
    action: 'get',
    node: {
      key: '/dir',
      dir: true,
      nodes: [
        { key: '/dir/a', value: '1', modifiedIndex: 22, createdIndex: 22 },
        { key: '/dir/sub', dir: true, nodes: [{ key: '/dir/sub/b', value: '2', modifiedIndex: 23, createdIndex: 23 }], modifiedIndex: 23, createdIndex: 23 },
      ],
      modifiedIndex: 21,
      createdIndex: 21,
    },
  });
  assert.equal(failure(put(store, '/dir', 'x', T0)), { errorCode: 102, message: 'Not a file', cause: '/dir', index: 23 });
  assert.equal(failure(put(store, '/dir/a/child', 'x', T0)), { errorCode: 104, message: 'Not a directory', cause: '/dir/a', index: 23 });
  assert.equal(failure(del(store, '/dir', T0)), { errorCode: 102, message: 'Not a file', cause: '/dir', index: 23 });
  assert.equal(failure(del(store, '/dir', T0, { dir: true })), { errorCode: 108, message: 'Directory not empty', cause: '/dir', index: 23 });
  assert.equal(body(ok(del(store, '/dir/a', T0, { dir: true }))), {
    action: 'delete',
    node: { key: '/dir/a', modifiedIndex: 24, createdIndex: 22 },
    prevNode: { key: '/dir/a', value: '1', modifiedIndex: 22, createdIndex: 22 },
  });
  assert.equal(body(ok(del(store, '/dir', T0, { recursive: true }))), {
    action: 'delete',
    node: { key: '/dir', dir: true, modifiedIndex: 25, createdIndex: 21 },
    prevNode: { key: '/dir', dir: true, modifiedIndex: 21, createdIndex: 21 },
  });
  assert.is(failure(store.get('/dir/sub/b', {}, T0)).errorCode, 100);
  const tdir = ok(put(store, '/tdir', undefined, T0, { dir: true, ttl: 30 }));
  assert.equal(tdir.node, { key: '/tdir', dir: true, expiration: '2026-11-25T04:05:34Z', ttl: 30, modifiedIndex: 26, createdIndex: 26 });
  const updated = ok(put(store, '/tdir', undefined, T0 + 500, { dir: true, ttl: 60, prevExist: true }));
  assert.equal(body(updated), {
    action: 'update',
    node: { key: '/tdir', dir: true, expiration: '2026-11-25T04:06:04.5Z', ttl: 60, modifiedIndex: 27, createdIndex: 26 },
    prevNode: { key: '/tdir', dir: true, expiration: '2026-11-25T04:05:34Z', ttl: 30, modifiedIndex: 26, createdIndex: 26 },
  });
  // The stored directory keeps its modifiedIndex; only the event carried 27.
  assert.is(ok(store.get('/tdir', {}, T0 + 500)).node.modifiedIndex, 26);
  ok(put(store, '/edir', undefined, T0, { dir: true }));
  assert.equal(body(ok(del(store, '/edir', T0, { dir: true }))), {
    action: 'delete',
    node: { key: '/edir', dir: true, modifiedIndex: 29, createdIndex: 28 },
    prevNode: { key: '/edir', dir: true, modifiedIndex: 28, createdIndex: 28 },
  });
});

dirs('set replaces a file by a directory but never a directory; update sets a value only on files', () => {
  const store = transcriptStore();
  ok(put(store, '/f2d', 'file', T0));
  assert.equal(body(ok(put(store, '/f2d', undefined, T0, { dir: true }))), {
    action: 'set',
    node: { key: '/f2d', dir: true, modifiedIndex: 5, createdIndex: 5 },
    prevNode: { key: '/f2d', value: 'file', modifiedIndex: 4, createdIndex: 4 },
  });
  assert.equal(failure(put(store, '/f2d', undefined, T0, { dir: true })), { errorCode: 102, message: 'Not a file', cause: '/f2d', index: 5 });
  assert.equal(failure(put(store, '/f2d', 'v', T0, { prevExist: true })), { errorCode: 102, message: 'Not a file', cause: '/f2d', index: 5 });
  assert.is(ok(put(store, '/f2d/x', 'v', T0)).index, 6);
  assert.is(ok(put(store, '/f2d/x', 'w', T0, { prevExist: true, dir: true })).node.value, 'w');
});

dirs('implicit parents take the index of the write; a directory is untouched by its children', () => {
  const store = transcriptStore();
  ok(put(store, '/a/b/c', '1', T0));
  const listing = ok(store.get('/', { recursive: true }, T0)).node;
  assert.equal(listing.nodes, [
    {
      key: '/a',
      dir: true,
      nodes: [{ key: '/a/b', dir: true, nodes: [{ key: '/a/b/c', value: '1', modifiedIndex: 4, createdIndex: 4 }], modifiedIndex: 4, createdIndex: 4 }],
      modifiedIndex: 4,
      createdIndex: 4,
    },
  ]);
  ok(put(store, '/a/b/d', '2', T0));
  ok(del(store, '/a/b/c', T0));
  assert.equal(ok(store.get('/a/b', {}, T0)).node, {
    key: '/a/b',
    dir: true,
    nodes: [{ key: '/a/b/d', value: '2', modifiedIndex: 5, createdIndex: 5 }],
    modifiedIndex: 4,
    createdIndex: 4,
  });
  const empty = ok(put(store, '/empty', undefined, T0, { dir: true, prevExist: false }));
  assert.equal(empty.node, { key: '/empty', dir: true, modifiedIndex: 7, createdIndex: 7 });
  assert.equal(ok(store.get('/empty', { recursive: true }, T0)).node, { key: '/empty', dir: true, modifiedIndex: 7, createdIndex: 7 });
});

dirs('the root is read only', () => {
  const store = transcriptStore();
  const readOnly = { errorCode: 107, message: 'Root is read only', cause: '/', index: 3 };
  assert.equal(failure(put(store, '/', 'x', T0)), readOnly);
  assert.equal(failure(put(store, '', undefined, T0, { dir: true })), readOnly);
  assert.equal(failure(put(store, '/', 'x', T0, { prevExist: true })), readOnly);
  assert.equal(failure(put(store, '/', 'x', T0, { prevExist: false })), readOnly);
  assert.equal(failure(put(store, '/', 'x', T0, { prevValue: 'y' })), readOnly);
  assert.equal(failure(del(store, '/', T0, { recursive: true })), readOnly);
  assert.equal(failure(del(store, '/', T0, { prevValue: 'y' })), readOnly);
  assert.is(store.index, 3);
});

dirs('sorted recursive listings sort every level by key', () => {
  const store = new V2Store({ historySize: 100 });
  for (const key of ['/s/b/z', '/s/b/a', '/s/a', '/s/c/y/2', '/s/c/y/1', '/s/c/x', '/s/B']) ok(put(store, key, key, T0));
  const keysOf = (node: { key: string; nodes?: unknown[] }): unknown =>
    node.nodes ? [node.key, (node.nodes as { key: string; nodes?: unknown[] }[]).map(keysOf)] : node.key;
  assert.equal(keysOf(ok(store.get('/s', { recursive: true, sorted: true }, T0)).node), [
    '/s',
    ['/s/B', '/s/a', ['/s/b', ['/s/b/a', '/s/b/z']], ['/s/c', ['/s/c/x', ['/s/c/y', ['/s/c/y/1', '/s/c/y/2']]]]],
  ]);
  assert.equal(keysOf(ok(store.get('/s', { sorted: true }, T0)).node), ['/s', ['/s/B', '/s/a', '/s/b', '/s/c']]);
  assert.is(ok(store.get('/s/a', { recursive: true, sorted: true }, T0)).node.value, '/s/a');
});

const hidden = suite('v2 store: hidden keys and in-order keys');

hidden('hidden nodes are left out of listings but readable by their path', () => {
  const store = transcriptStore();
  while (store.index < 29) ok(put(store, '/filler', String(store.index), T0));
  assert.equal(ok(put(store, '/_hidden', 'secret', T0)).node, { key: '/_hidden', value: 'secret', modifiedIndex: 30, createdIndex: 30 });
  ok(put(store, '/hd/_h', 'secret', T0));
  ok(put(store, '/hd/visible', 'v', T0));
  assert.equal(body(ok(store.get('/hd', { recursive: true }, T0))), {
    action: 'get',
    node: { key: '/hd', dir: true, nodes: [{ key: '/hd/visible', value: 'v', modifiedIndex: 32, createdIndex: 32 }], modifiedIndex: 31, createdIndex: 31 },
  });
  assert.equal(body(ok(store.get('/hd/_h', {}, T0))), { action: 'get', node: { key: '/hd/_h', value: 'secret', modifiedIndex: 31, createdIndex: 31 } });
  const rootKeys = ok(store.get('/', { recursive: true, sorted: true }, T0)).node.nodes!.map((n) => n.key);
  assert.equal(rootKeys, ['/filler', '/hd']);
  ok(put(store, '/_dir/inner', 'x', T0));
  assert.is(ok(store.get('/_dir', { recursive: true }, T0)).node.nodes!.length, 1);
});

hidden('a directory holding only hidden children is not empty', () => {
  const store = transcriptStore();
  ok(put(store, '/only/_h', 'x', T0));
  assert.equal(ok(store.get('/only', {}, T0)).node, { key: '/only', dir: true, modifiedIndex: 4, createdIndex: 4 });
  assert.equal(failure(del(store, '/only', T0, { dir: true })), { errorCode: 108, message: 'Directory not empty', cause: '/only', index: 4 });
});

hidden('POST creates a child named by the new index, zero-padded to 20 digits', () => {
  const store = transcriptStore();
  while (store.index < 32) ok(put(store, '/filler', String(store.index), T0));
  const first = ok(store.apply({ op: 'createInOrder', dir: '/queue', value: 'Job1', time: T0 }));
  assert.equal(body(first), { action: 'create', node: { key: '/queue/00000000000000000033', value: 'Job1', modifiedIndex: 33, createdIndex: 33 } });
  const second = ok(store.apply({ op: 'createInOrder', dir: 'queue', value: 'Job2', ttl: 60, time: T0 }));
  assert.equal(body(second), {
    action: 'create',
    node: { key: '/queue/00000000000000000034', value: 'Job2', expiration: '2026-11-25T04:06:04Z', ttl: 60, modifiedIndex: 34, createdIndex: 34 },
  });
  assert.equal(body(ok(store.get('/queue', { recursive: true, sorted: true }, T0 + 1))), {
    action: 'get',
    node: {
      key: '/queue',
      dir: true,
      nodes: [
        { key: '/queue/00000000000000000033', value: 'Job1', modifiedIndex: 33, createdIndex: 33 },
        { key: '/queue/00000000000000000034', value: 'Job2', expiration: '2026-11-25T04:06:04Z', ttl: 60, modifiedIndex: 34, createdIndex: 34 },
      ],
      modifiedIndex: 33,
      createdIndex: 33,
    },
  });
  ok(put(store, '/cas2', 'file', T0));
  assert.equal(failure(store.apply({ op: 'createInOrder', dir: '/cas2', value: 'x', time: T0 })), {
    errorCode: 104,
    message: 'Not a directory',
    cause: '/cas2',
    index: 35,
  });
  assert.is(ok(store.apply({ op: 'createInOrder', dir: '/', value: 'top', time: T0 })).node.key, '/00000000000000000036');
});

const etcdctl = suite('v2 store: the etcdctl capture');

etcdctl('mk, mkdir, setdir, updatedir, update, swaps, ls and rm as etcdctl drives them', () => {
  const store = transcriptStore();
  while (store.index < 1173) ok(put(store, '/filler', String(store.index), T0));
  const t = Date.parse('2026-11-25T04:06:20.634Z');
  ok(put(store, '/ctl/a', 'hello', t));
  assert.equal(body(ok(put(store, '/ctl/b', 'v', t, { prevExist: false }))), { action: 'create', node: { key: '/ctl/b', value: 'v', modifiedIndex: 1175, createdIndex: 1175 } });
  assert.equal(failure(put(store, '/ctl/b', 'v', t, { prevExist: false })), { errorCode: 105, message: 'Key already exists', cause: '/ctl/b', index: 1175 });
  assert.equal(body(ok(store.apply({ op: 'createInOrder', dir: '/ctl/q', value: 'job1', time: t }))), {
    action: 'create',
    node: { key: '/ctl/q/00000000000000001176', value: 'job1', modifiedIndex: 1176, createdIndex: 1176 },
  });
  assert.equal(body(ok(put(store, '/ctl/d', undefined, t, { dir: true, prevExist: false }))), { action: 'create', node: { key: '/ctl/d', dir: true, modifiedIndex: 1177, createdIndex: 1177 } });
  assert.equal(failure(put(store, '/ctl/d', undefined, t, { dir: true, prevExist: false })), { errorCode: 105, message: 'Key already exists', cause: '/ctl/d', index: 1177 });
  assert.equal(body(ok(put(store, '/ctl/d2', undefined, t, { dir: true }))), { action: 'set', node: { key: '/ctl/d2', dir: true, modifiedIndex: 1178, createdIndex: 1178 } });
  assert.equal(body(ok(put(store, '/ctl/d2', undefined, t, { dir: true, prevExist: true, ttl: 60 }))), {
    action: 'update',
    node: { key: '/ctl/d2', dir: true, expiration: '2026-11-25T04:07:20.634Z', ttl: 60, modifiedIndex: 1179, createdIndex: 1178 },
    prevNode: { key: '/ctl/d2', dir: true, modifiedIndex: 1178, createdIndex: 1178 },
  });
  assert.equal(body(ok(put(store, '/ctl/a', 'newval', t, { prevExist: true }))), {
    action: 'update',
    node: { key: '/ctl/a', value: 'newval', modifiedIndex: 1180, createdIndex: 1174 },
    prevNode: { key: '/ctl/a', value: 'hello', modifiedIndex: 1174, createdIndex: 1174 },
  });
  assert.equal(failure(put(store, '/ctl/zz', 'x', t, { prevExist: true })), { errorCode: 100, message: 'Key not found', cause: '/ctl/zz', index: 1180 });
  assert.equal(ok(put(store, '/ctl/t', 'v', t, { ttl: 30 })).node, {
    key: '/ctl/t',
    value: 'v',
    expiration: '2026-11-25T04:06:50.634Z',
    ttl: 30,
    modifiedIndex: 1181,
    createdIndex: 1181,
  });
  assert.equal(body(ok(put(store, '/ctl/a', 'v3', t, { prevValue: 'newval' }))), {
    action: 'compareAndSwap',
    node: { key: '/ctl/a', value: 'v3', modifiedIndex: 1182, createdIndex: 1174 },
    prevNode: { key: '/ctl/a', value: 'newval', modifiedIndex: 1180, createdIndex: 1174 },
  });
  assert.equal(failure(put(store, '/ctl/a', 'v4', t, { prevValue: 'WRONG' })), { errorCode: 101, message: 'Compare failed', cause: '[WRONG != v3]', index: 1182 });
  assert.equal(failure(put(store, '/ctl/a', 'v4', t, { prevIndex: 1 })), { errorCode: 101, message: 'Compare failed', cause: '[1 != 1182]', index: 1182 });
  const listing = ok(store.get('/ctl', { recursive: true, sorted: true }, t + 1500));
  assert.equal(body(listing), {
    action: 'get',
    node: {
      key: '/ctl',
      dir: true,
      nodes: [
        { key: '/ctl/a', value: 'v3', modifiedIndex: 1182, createdIndex: 1174 },
        { key: '/ctl/b', value: 'v', modifiedIndex: 1175, createdIndex: 1175 },
        { key: '/ctl/d', dir: true, modifiedIndex: 1177, createdIndex: 1177 },
        { key: '/ctl/d2', dir: true, expiration: '2026-11-25T04:07:20.634Z', ttl: 59, modifiedIndex: 1178, createdIndex: 1178 },
        { key: '/ctl/q', dir: true, nodes: [{ key: '/ctl/q/00000000000000001176', value: 'job1', modifiedIndex: 1176, createdIndex: 1176 }], modifiedIndex: 1176, createdIndex: 1176 },
        { key: '/ctl/t', value: 'v', expiration: '2026-11-25T04:06:50.634Z', ttl: 29, modifiedIndex: 1181, createdIndex: 1181 },
      ],
      modifiedIndex: 1174,
      createdIndex: 1174,
    },
  });
  assert.is(listing.index, 1182);
  assert.equal(body(ok(del(store, '/ctl/b', t))), {
    action: 'delete',
    node: { key: '/ctl/b', modifiedIndex: 1183, createdIndex: 1175 },
    prevNode: { key: '/ctl/b', value: 'v', modifiedIndex: 1175, createdIndex: 1175 },
  });
  assert.equal(failure(del(store, '/ctl/a', t, { prevValue: 'WRONG' })), { errorCode: 101, message: 'Compare failed', cause: '[WRONG != v3]', index: 1183 });
  assert.is(ok(del(store, '/ctl/d', t, { dir: true })).index, 1184);
  assert.equal(body(ok(del(store, '/ctl/d2', t + 2000, { dir: true }))), {
    action: 'delete',
    node: { key: '/ctl/d2', dir: true, modifiedIndex: 1185, createdIndex: 1178 },
    prevNode: { key: '/ctl/d2', dir: true, expiration: '2026-11-25T04:07:20.634Z', ttl: 58, modifiedIndex: 1178, createdIndex: 1178 },
  });
  assert.equal(body(ok(del(store, '/ctl/q', t, { recursive: true }))), {
    action: 'delete',
    node: { key: '/ctl/q', dir: true, modifiedIndex: 1186, createdIndex: 1176 },
    prevNode: { key: '/ctl/q', dir: true, modifiedIndex: 1176, createdIndex: 1176 },
  });
});

keys.run();
atomic.run();
dirs.run();
hidden.run();
etcdctl.run();
