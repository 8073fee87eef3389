import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORE, definePlugin, PluginStartError, type PluginContext, type RuntimePlugin } from '../../core/index.js';
import { rejects } from '../support/rejects.js';
import { loadTestNode } from '../support/test-node.js';

// The optional `ready` hook: after every start and after the API listens, in start order.
const test = suite('core: kernel ready hook');

function plugin(
  events: string[],
  id: string,
  options: { startsAfter?: string[]; ready?: (ctx: PluginContext<unknown>) => Promise<void> | void; startTimeout?: number } = {},
): RuntimePlugin<unknown> {
  return definePlugin({
    id,
    startsAfter: options.startsAfter,
    startTimeout: options.startTimeout,
    register: () => undefined,
    start: () => void events.push(`start ${id}`),
    ...(options.ready ? { ready: async (ctx: PluginContext<unknown>) => {
      events.push(`ready ${id}`);
      await options.ready!(ctx);
    } } : {}),
    stop: () => void events.push(`stop ${id}`),
  });
}

const enable = (...ids: string[]) => ({ plugins: Object.fromEntries(ids.map((id) => [id, {}])) });

test('ready runs in start order once every plugin started and the API listens', async () => {
  const events: string[] = [];
  let urlInReady: string | undefined;
  const { kernel, cleanup } = await loadTestNode({
    catalog: [
      plugin(events, 'writer', {
        ready: (ctx) => {
          urlInReady = ctx.container.resolve(CORE.ApiEndpoint).url;
        },
      }),
      plugin(events, 'runner', { startsAfter: ['writer'] }),
      plugin(events, 'late', { startsAfter: ['runner'], ready: () => undefined }),
    ],
    config: enable('late', 'runner', 'writer'),
  });
  try {
    await kernel.start();
    assert.equal(events, ['start writer', 'start runner', 'start late', 'ready writer', 'ready late']);
    assert.match(urlInReady ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.is(kernel.state, 'running');
  } finally {
    await kernel.stop();
    cleanup();
  }
});

test('a failing ready stops the node like a failing start', async () => {
  const events: string[] = [];
  const { kernel, cleanup } = await loadTestNode({
    catalog: [
      plugin(events, 'a'),
      plugin(events, 'b', { startsAfter: ['a'], ready: () => Promise.reject(new Error('cannot apply')) }),
      plugin(events, 'c', { startsAfter: ['b'], ready: () => undefined }),
    ],
    config: enable('a', 'b', 'c'),
  });
  try {
    const error = await rejects(() => kernel.start(), PluginStartError);
    assert.is(error.message, 'plugin "b" failed in ready: cannot apply');
    assert.is(error.phase, 'ready');
    assert.equal(events, ['start a', 'start b', 'start c', 'ready b', 'stop c', 'stop b', 'stop a']);
    assert.is(kernel.state, 'failed');
    assert.is(kernel.apiUrl, undefined);
    assert.equal(Object.fromEntries(kernel.list().map((p) => [p.id, p.state])), { a: 'stopped', b: 'stopped', c: 'stopped' });
  } finally {
    cleanup();
  }
});

test('a ready that runs past the start timeout is aborted and fails the node', async () => {
  const events: string[] = [];
  let aborted = false;
  const { kernel, cleanup } = await loadTestNode({
    catalog: [
      plugin(events, 'slow', {
        startTimeout: 100,
        ready: (ctx) => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => ((aborted = true), resolve()))),
      }),
    ],
    config: enable('slow'),
  });
  try {
    const error = await rejects(() => kernel.start(), PluginStartError);
    assert.match(error.message, /plugin "slow" failed in ready: ready of plugin "slow" did not finish within 100 ms/);
    assert.ok(aborted);
  } finally {
    cleanup();
  }
});

test.run();
