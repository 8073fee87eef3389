import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnCli } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const cluster = suite<{ dir: { path: string; cleanup(): void } }>('cli: flotilla cluster up / down');

cluster.before((ctx) => {
  ctx.dir = tempDir('flotilla-cluster-cli-');
});

cluster.after(async ({ dir }) => {
  const down = spawnCli(['cluster', 'down', '--dir', dir.path]);
  await down.exited;
  dir.cleanup();
});

async function run(args: string[]) {
  const running = spawnCli(args);
  const exit = await running.exited;
  return { code: exit.code, stdout: running.stdout(), stderr: running.stderr() };
}

interface Record {
  nodes: { name: string; pid: number; apiUrl: string }[];
}

cluster('three processes form one cluster from a discovery token, with fleet and metadata', async ({ dir }) => {
  const up = await run(['cluster', 'up', '--nodes', '3', '--dir', dir.path, '--metadata', 'region=us-east-1,us-west-1']);
  assert.is(up.code, 0, up.stderr);
  assert.match(up.stderr, /discovery token http:\/\/127\.0\.0\.1:\d+\/v2\/keys\/_etcd\/registry\/[0-9a-f]{32}/);
  const record = JSON.parse(readFileSync(path.join(dir.path, 'cluster.json'), 'utf8')) as Record;
  assert.equal(record.nodes.map((n) => n.name), ['m1', 'm2', 'm3']);
  for (const node of record.nodes) assert.match(up.stdout, new RegExp(`^${node.name}\\t${node.apiUrl}\\tpid ${node.pid}`, 'm'));

  const members = (await (await fetch(`${record.nodes[2]!.apiUrl}/v2/members`)).json()) as { members: { name: string }[] };
  assert.equal(members.members.map((m) => m.name).sort(), ['m1', 'm2', 'm3']);
  const put = await fetch(`${record.nodes[0]!.apiUrl}/v2/keys/formed`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'value=yes' });
  assert.is(put.status, 201);
  const read = (await (await fetch(`${record.nodes[1]!.apiUrl}/v2/keys/formed?quorum=true`)).json()) as { node: { value: string } };
  assert.is(read.node.value, 'yes');

  let machines: { name: string; metadata: { region: string[] } }[] = [];
  for (let i = 0; i < 100 && machines.length < 3; i++) {
    machines = ((await (await fetch(`${record.nodes[0]!.apiUrl}/v1/fleet/machines`)).json()) as { machines: typeof machines }).machines;
    if (machines.length < 3) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(
    machines.map((m) => [m.name, m.metadata.region[0]]).sort(),
    [['m1', 'us-east-1'], ['m2', 'us-west-1'], ['m3', 'us-east-1']],
  );
});

cluster('cluster up refuses to start a second copy; down stops the nodes it started; up again restarts from the data dirs', async ({ dir }) => {
  const again = await run(['cluster', 'up', '--nodes', '3', '--dir', dir.path]);
  assert.is(again.code, 1);
  assert.match(again.stderr, /already runs/);

  const before = JSON.parse(readFileSync(path.join(dir.path, 'cluster.json'), 'utf8')) as Record;
  const down = await run(['cluster', 'down', '--dir', dir.path]);
  assert.is(down.code, 0, down.stderr);
  assert.match(down.stdout, /stopped m1, m2, m3/);
  for (const node of before.nodes) {
    assert.throws(() => process.kill(node.pid, 0), 'its process is gone');
  }

  const restarted = await run(['cluster', 'up', '--nodes', '3', '--dir', dir.path]);
  assert.is(restarted.code, 0, restarted.stderr);
  assert.not.match(restarted.stderr, /discovery token/, 'no new token: the members restart from their data dirs');
  const record = JSON.parse(readFileSync(path.join(dir.path, 'cluster.json'), 'utf8')) as Record;
  const read = (await (await fetch(`${record.nodes[2]!.apiUrl}/v2/keys/formed?quorum=true`)).json()) as { node: { value: string } };
  assert.is(read.node.value, 'yes');
});

cluster.run();
