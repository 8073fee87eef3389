import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { flotilla } from '../support/cli.js';
import { configFileIn } from '../support/temp-dir.js';

// `flotilla config validate` and `render` on #cloud-config documents.
const cli = suite('cli: config commands on cloud-config documents');

const EXAMPLE = 'config/examples/cloud-config.yaml';

cli('config validate accepts the shipped example and says it is a cloud-config document', async () => {
  const ok = await flotilla(['config', 'validate', EXAMPLE]);
  assert.is(ok.error, undefined);
  assert.match(ok.stdout, /^config\/examples\/cloud-config\.yaml: valid cloud-config \(node cc-1; plugins: raft-kv, discovery, journal, cloud-config, systemd-unit, fleet-scheduler, /);
  const json = JSON.parse((await flotilla(['config', 'validate', EXAMPLE, '--json'])).stdout);
  assert.equal([json.valid, json.format, json.node], [true, 'cloud-config', 'cc-1']);
});

cli('config validate reports each problem with the document, line and key', async () => {
  const dir = configFileIn(
    () =>
      [
        '#cloud-config',
        'ssh_authorized_keys: [ssh-ed25519 AAAA]',
        'coreos:',
        '  units:',
        '    - name: app.service',
        '      command: bounce',
        'write_files:',
        '  - path: /tmp/flotilla-cli-cc/x',
        '    encoding: b64',
        '    content: "not base64"',
        '',
      ].join('\n'),
    'cloud.yaml',
  );
  try {
    const bad = await flotilla(['config', 'validate', dir.file]);
    assert.is(bad.error?.oclif?.exit, 1);
    assert.equal(bad.stderr.trim().split('\n'), [
      `${dir.file}:2:1: ssh_authorized_keys: not supported by Flotilla: SSH keys; Flotilla does not manage logins`,
      `${dir.file}:6:7: coreos.units[0].command: must be one of start, stop, restart, reload, try-restart, reload-or-restart, reload-or-try-restart`,
      `${dir.file}:10:5: write_files[0].content: is not valid base64`,
    ]);
  } finally {
    process.exitCode = 0;
    dir.cleanup();
  }
});

cli('config render prints the effective node config, then the files and units written at boot', async () => {
  const dir = configFileIn(
    (at) =>
      [
        '#cloud-config',
        'hostname: rendered',
        'coreos:',
        '  units:',
        '    - name: app.service',
        '      enable: true',
        '      command: start',
        '      content: |',
        '        [Service]',
        '        ExecStart=/bin/sleep 1000',
        '      drop-ins:',
        '        - name: 10-env.conf',
        '          content: |',
        '            [Service]',
        '            Environment=A=1',
        'write_files:',
        '  - path: /tmp/flotilla-cli-cc/motd',
        '    permissions: 0600',
        '    content: hi',
        'flotilla:',
        `  dataDir: ${at}/data`,
        '',
      ].join('\n'),
    'cloud.yaml',
  );
  try {
    const yaml = await flotilla(['config', 'render', dir.file, '--set', 'api.port=4100']);
    assert.is(yaml.error, undefined);
    const effective = parse(yaml.stdout);
    assert.equal([effective.node.name, effective.api.port], ['rendered', 4100]);
    assert.equal(effective.plugins['cloud-config'].files.map((f: { path: string; content: string; permissions: string }) => [f.path, f.content, f.permissions]), [
      ['/tmp/flotilla-cli-cc/motd', 'hi', '0600'],
    ]);
    const unitDir = path.join(dir.path, 'data/plugins/systemd-unit/units');
    const summary = yaml.stdout.slice(yaml.stdout.indexOf('# cloud-config:')).trim().split('\n');
    assert.equal(summary, [
      '# cloud-config: what this node writes and does at boot',
      '# files, written before any unit starts:',
      `#   /tmp/flotilla-cli-cc/motd (0600, 2 bytes, sha256 8f434346648f…)`,
      '# units, applied in order once the node runs:',
      `#   app.service: writes ${unitDir}/app.service, writes ${unitDir}/app.service.d/10-env.conf, enable, start`,
    ]);
    const json = JSON.parse((await flotilla(['config', 'render', dir.file, '--format', 'json'])).stdout);
    assert.equal(json.plugins['cloud-config'].units[0].dropIns, [{ name: '10-env.conf', content: '[Service]\nEnvironment=A=1\n' }]);
  } finally {
    dir.cleanup();
  }
});

cli.run();
