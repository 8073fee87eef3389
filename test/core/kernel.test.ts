import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ConfigError,
  CORE,
  DataDirInUseError,
  Kernel,
  definePlugin,
  inject,
  injectable,
  injectAll,
  PluginGraphError,
  PluginStartError,
  StartAbortedError,
  token,
  type PluginContext,
  type RuntimePlugin,
  type SchedulingConstraint,
} from '../../core/index.js';
import { rejects } from '../support/rejects.js';
import { loadTestNode, startTestNode } from '../support/test-node.js';

const kernel = suite('core: kernel');

type Recorder = string[];

function recordingPlugin(
  events: Recorder,
  id: string,
  options: { dependsOn?: string[]; start?: (ctx: PluginContext<unknown>) => Promise<void> | void; stop?: () => Promise<void> | void; startTimeout?: number; stopTimeout?: number } = {},
): RuntimePlugin<unknown> {
  return definePlugin({
    id,
    dependsOn: options.dependsOn,
    startTimeout: options.startTimeout,
    stopTimeout: options.stopTimeout,
    register: () => void events.push(`register ${id}`),
    start: async (ctx) => {
      events.push(`start ${id}`);
      await options.start?.(ctx);
    },
    stop: async () => {
      events.push(`stop ${id}`);
      await options.stop?.();
    },
  });
}

const enable = (...ids: string[]) => ({ plugins: Object.fromEntries(ids.map((id) => [id, {}])) });

kernel('registers every plugin before starting any, starts in dependency order, stops in reverse', async () => {
  const events: Recorder = [];
  const node = await startTestNode({
    catalog: [
      recordingPlugin(events, 'scheduler', { dependsOn: ['kv', 'units'] }),
      recordingPlugin(events, 'units', { dependsOn: ['journal'] }),
      recordingPlugin(events, 'kv'),
      recordingPlugin(events, 'journal'),
    ],
    config: enable('scheduler', 'units', 'kv', 'journal'),
  });
  assert.is(node.kernel.state, 'running');
  assert.equal(node.kernel.list().map((p) => p.state), ['running', 'running', 'running', 'running']);
  await node.stop();
  assert.equal(events, [
    'register kv', 'register journal', 'register units', 'register scheduler',
    'start kv', 'start journal', 'start units', 'start scheduler',
    'stop scheduler', 'stop units', 'stop journal', 'stop kv',
  ]);
  assert.is(node.kernel.state, 'stopped');
  assert.equal(node.kernel.list().map((p) => p.state), ['stopped', 'stopped', 'stopped', 'stopped']);
});

kernel('a failing start stops what started, in reverse, and names the plugin and the cause', async () => {
  const events: Recorder = [];
  const { kernel: k, cleanup, loaded } = await loadTestNode({
    catalog: [
      recordingPlugin(events, 'a'),
      recordingPlugin(events, 'b', { dependsOn: ['a'] }),
      recordingPlugin(events, 'c', { dependsOn: ['b'], start: () => Promise.reject(new Error('disk is on fire')) }),
      recordingPlugin(events, 'd', { dependsOn: ['c'] }),
    ],
    config: enable('a', 'b', 'c', 'd'),
  });
  try {
    await k.start();
    assert.unreachable('start must fail');
  } catch (error) {
    assert.instance(error, PluginStartError);
    assert.is((error as PluginStartError).pluginId, 'c');
    assert.is((error as Error).message, 'plugin "c" failed to start: disk is on fire');
  }
  assert.equal(events.slice(4), ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  assert.is(k.state, 'failed');
  const states = Object.fromEntries(k.list().map((p) => [p.id, p.state]));
  assert.equal(states, { a: 'stopped', b: 'stopped', c: 'stopped', d: 'registered' });
  assert.not.ok(existsSync(path.join(loaded.config.dataDir, 'LOCK')), 'the data dir lock is released');
  cleanup();
});

kernel('a start that hangs past its timeout fails the node and is aborted', async () => {
  const events: Recorder = [];
  let aborted = false;
  const { kernel: k, cleanup } = await loadTestNode({
    catalog: [
      recordingPlugin(events, 'slow', {
        startTimeout: 100,
        start: (ctx) =>
          new Promise<void>((resolve) => {
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              resolve();
            });
          }),
      }),
    ],
    config: enable('slow'),
  });
  const error = await k.start().then(() => undefined, (e: Error) => e);
  assert.instance(error, PluginStartError);
  assert.match(error!.message, /plugin "slow" failed to start: start of plugin "slow" did not finish within 100 ms/);
  assert.ok(aborted, 'the plugin saw its signal abort');
  assert.equal(events, ['register slow', 'start slow', 'stop slow']);
  cleanup();
});

kernel('a failing register starts nothing', async () => {
  const events: Recorder = [];
  const broken = definePlugin({ id: 'broken', register: () => { throw new Error('bad wiring'); }, start: () => void events.push('start broken') });
  const { kernel: k, cleanup } = await loadTestNode({ catalog: [recordingPlugin(events, 'a'), broken], config: enable('a', 'broken') });
  const error = await rejects(() => k.start(), PluginStartError);
  assert.is(error.message, 'plugin "broken" failed to register: bad wiring');
  assert.equal(events, ['register a']);
  cleanup();
});

kernel('a missing dependency or a cycle fails before anything registers, with the chain', async () => {
  const events: Recorder = [];
  const web = recordingPlugin(events, 'web', { dependsOn: ['kv'] });
  const kv = recordingPlugin(events, 'kv', { dependsOn: ['web'] });
  const configError = await rejects(() => loadTestNode({ catalog: [web, kv], config: enable('web') }), ConfigError);
  assert.match(configError.message, /plugins\.web: plugin "web" depends on "kv", which is not enabled \(web -> kv\)/);
  const cycle = await rejects(() => loadTestNode({ catalog: [web, kv], config: enable('web', 'kv') }), ConfigError);
  assert.match(cycle.message, /plugins\.web: dependency cycle: web -> kv -> web/);
  const { loaded, cleanup } = await loadTestNode();
  assert.throws(
    () => new Kernel({ config: loaded.config, plugins: [{ plugin: web, source: 'built-in' }] }),
    (error: Error) => error instanceof PluginGraphError && error.message.includes('(web -> kv)'),
  );
  cleanup();
  assert.equal(events, []);
});

kernel('a stop that hangs is cut off after its timeout and reported, the others still stop', async () => {
  const events: Recorder = [];
  const node = await startTestNode({
    catalog: [recordingPlugin(events, 'first'), recordingPlugin(events, 'stuck', { stopTimeout: 100, stop: () => new Promise(() => {}) })],
    config: enable('first', 'stuck'),
  });
  const error = await node.stop().then(() => undefined, (e: Error) => e);
  assert.instance(error, AggregateError);
  assert.match(String((error as AggregateError).errors[0]), /stop of plugin "stuck" did not finish within 100 ms/);
  assert.equal(events.slice(-2), ['stop stuck', 'stop first']);
  assert.is(node.kernel.state, 'stopped');
});

const CLOCK = token<{ now(): number }>('test.Clock');
const RULES = CORE.SchedulingConstraint;

@injectable()
class RuleBook {
  constructor(
    @inject(CLOCK) readonly clock: { now(): number },
    @injectAll(RULES, { isOptional: true }) readonly rules: SchedulingConstraint[],
  ) {}
}

const rule = (name: string): SchedulingConstraint => ({ name, filter: () => ({ ok: true }) });

kernel('extension points collect every contribution; each kernel has its own container', async () => {
  const withRules = (clockValue: number, ...names: string[]) =>
    definePlugin({
      id: `rules-${clockValue}`,
      register({ container }) {
        container.register(CLOCK, { useValue: { now: () => clockValue } });
        for (const name of names) container.register(RULES, { useValue: rule(name) });
      },
    });
  const one = await startTestNode({ catalog: [withRules(1, 'conflicts', 'metadata')], config: enable('rules-1') });
  const two = await startTestNode({ catalog: [withRules(2, 'global')], config: enable('rules-2') });
  try {
    const bookOne = one.kernel.container.resolve(RuleBook);
    const bookTwo = two.kernel.container.resolve(RuleBook);
    assert.equal(bookOne.rules.map((r) => r.name), ['conflicts', 'metadata']);
    assert.equal(bookTwo.rules.map((r) => r.name), ['global']);
    assert.is(bookOne.clock.now(), 1);
    assert.is(bookTwo.clock.now(), 2);
  } finally {
    await one.stop();
    await two.stop();
  }
});

kernel('plugins get their parsed config, a data dir of their own and the node identity', async () => {
  const { z } = await import('zod');
  const SETTINGS = token<{ interval: number }>('test.Settings');
  let seen: PluginContext<{ interval: number }> | undefined;
  const configured = definePlugin({
    id: 'configured',
    config: z.strictObject({ interval: z.number().int().default(5) }),
    configToken: SETTINGS,
    register(ctx) {
      seen = ctx;
    },
  });
  const node = await startTestNode({ catalog: [configured], config: { node: { name: 'n1', metadata: { region: 'us-east-1' } }, plugins: { configured: { interval: 9 } } } });
  try {
    assert.equal(seen!.config, { interval: 9 });
    assert.equal(node.kernel.container.resolve(SETTINGS), { interval: 9 });
    assert.is(seen!.node.name, 'n1');
    assert.equal(seen!.node.metadata, { region: ['us-east-1'] });
    assert.match(seen!.node.machineId, /^[0-9a-f]{32}$/);
    assert.is(seen!.dataDir, path.join(node.loaded.config.dataDir, 'plugins', 'configured'));
    assert.ok(existsSync(seen!.dataDir));
    assert.is(readFileSync(path.join(node.loaded.config.dataDir, 'machine-id'), 'utf8').trim(), seen!.node.machineId);
  } finally {
    await node.stop();
  }
});

kernel('the machine id survives a restart; a second node on the same data dir is refused', async () => {
  const first = await startTestNode();
  const dataDir = first.loaded.config.dataDir;
  const id = first.kernel.node!.machineId;
  const { kernel: rival } = await loadTestNode({ config: { dataDir } });
  await rejects(() => rival.start(), DataDirInUseError);
  await first.kernel.stop();
  const again = await startTestNode({ config: { dataDir } });
  assert.is(again.kernel.node!.machineId, id);
  await again.stop();
});

kernel('a stop during start lets the current plugin finish, starts no more, and undoes the rest', async () => {
  const events: Recorder = [];
  let releaseSecond!: () => void;
  const { kernel: k, cleanup } = await loadTestNode({
    catalog: [
      recordingPlugin(events, 'first'),
      recordingPlugin(events, 'second', { start: () => new Promise<void>((resolve) => (releaseSecond = resolve)) }),
      recordingPlugin(events, 'third'),
    ],
    config: enable('first', 'second', 'third'),
  });
  const starting = k.start();
  while (!events.includes('start second')) await new Promise((resolve) => setTimeout(resolve, 5));
  const stopping = k.stop();
  releaseSecond();
  await rejects(() => starting, StartAbortedError);
  await stopping;
  assert.equal(events.slice(3), ['start first', 'start second', 'stop second', 'stop first']);
  assert.is(k.apiAddress, undefined);
  assert.is(k.state, 'stopped');
  assert.equal(k.list().map((p) => p.state), ['stopped', 'stopped', 'registered']);
  cleanup();
});

kernel('stop is idempotent and a kernel starts only once', async () => {
  const node = await startTestNode();
  await Promise.all([node.kernel.stop(), node.kernel.stop()]);
  await node.kernel.stop();
  await rejects(() => node.kernel.start(), /starts once/);
  await node.stop();
});

kernel.run();
