import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORE } from '../../../core/index.js';
import discovery from '../../../plugins/discovery/index.js';
import raftKv from '../../../plugins/raft-kv/index.js';
import { etcdctl, startEtcd, type RealEtcd } from '../../support/etcd.js';
import { freePorts } from '../../support/ports.js';
import { tempDir } from '../../support/temp-dir.js';
import { startTestNode, type TestNode } from '../../support/test-node.js';

const test = suite('discovery: with real etcd 3.4');

async function newToken(node: TestNode, size: number): Promise<string> {
  const response = await fetch(`${node.url}/new?size=${size}`, { method: 'POST' });
  assert.is(response.status, 200);
  return (await response.text()).trim();
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('three etcd members bootstrap through a Flotilla discovery URL and form a healthy cluster', async () => {
  const server = await startTestNode({ catalog: [raftKv, discovery], config: { plugins: { 'raft-kv': { peerPort: 0 }, discovery: {} } } });
  const dir = tempDir('flotilla-etcd-disc-');
  const children: ChildProcess[] = [];
  try {
    const url = await newToken(server, 3);
    const ports = await freePorts(6);
    const clientUrls = [0, 1, 2].map((i) => `http://127.0.0.1:${ports[2 * i]}`);
    for (const i of [0, 1, 2]) {
      const peer = `http://127.0.0.1:${ports[2 * i + 1]}`;
      const child = spawn(
        'etcd',
        [
          '--name', `e${i + 1}`,
          '--data-dir', path.join(dir.path, `e${i + 1}`),
          '--listen-client-urls', clientUrls[i]!,
          '--advertise-client-urls', clientUrls[i]!,
          '--listen-peer-urls', peer,
          '--initial-advertise-peer-urls', peer,
          '--discovery', url,
          '--enable-v2',
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
    }
    const health = await until('a healthy three-member etcd cluster', async () => {
      const ran = await etcdctl(clientUrls[0]!, ['cluster-health']);
      return ran.code === 0 && /cluster is healthy/.test(ran.stdout) ? ran.stdout : undefined;
    }, 60_000);
    assert.is(health.match(/is healthy: got healthy result/g)?.length, 3);
    const set = await etcdctl(clientUrls[0]!, ['set', '/via-discovery', 'yes']);
    assert.is(set.code, 0, set.stderr);
    const got = await etcdctl(clientUrls[2]!, ['get', '/via-discovery']);
    assert.is(got.stdout.trim(), 'yes');
    const registered = (await (await fetch(url)).json()) as { node: { nodes: { key: string; value?: string }[] } };
    assert.equal(registered.node.nodes.filter((n) => !n.key.endsWith('/_config')).map((n) => n.value!.split('=')[0]).sort(), ['e1', 'e2', 'e3']);
  } finally {
    for (const child of children) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await server.stop();
    dir.cleanup();
  }
});

test('Flotilla nodes bootstrap through a real etcd v2 endpoint used as the discovery service', async () => {
  const etcd: RealEtcd = await startEtcd();
  const root = tempDir('flotilla-disc-etcd-');
  const nodes: TestNode[] = [];
  try {
    const token = 'flotilla-test-token';
    const made = await fetch(`${etcd.url}/v2/keys/_etcd/registry/${token}/_config/size`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'value=3',
    });
    assert.is(made.status, 201);
    const url = `${etcd.url}/v2/keys/_etcd/registry/${token}`;
    const ports = await freePorts(3);
    nodes.push(
      ...(await Promise.all(
        [0, 1, 2].map((i) =>
          startTestNode({
            catalog: [raftKv, discovery],
            config: {
              node: { name: `f${i + 1}` },
              dataDir: path.join(root.path, `f${i + 1}`),
              plugins: { 'raft-kv': { peerPort: ports[i], discovery: url, tick: '20ms' }, discovery: { serve: false } },
            },
          }),
        ),
      )),
    );
    await nodes[0]!.kernel.container.resolve(CORE.KvStore).set('/formed', 'through etcd');
    assert.is((await nodes[2]!.kernel.container.resolve(CORE.KvStore).get('/formed')).node.value, 'through etcd');
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
    await etcd.stop();
    root.cleanup();
  }
});

test.run();
