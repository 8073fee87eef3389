import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  expandSpecifiers,
  SPECIFIER_LETTERS,
  type SpecifierExpansionContext,
  systemdArchitecture,
  UnknownSpecifierError,
} from '../../../../plugins/systemd-unit/unit-file/specifiers.js';

const test = suite('systemd-unit: specifiers');

function context(unitName: string, overrides: Partial<SpecifierExpansionContext> = {}): SpecifierExpansionContext {
  return {
    unitName,
    fragmentPath: '/etc/flotilla/units/x-y\\x2dz@.service',
    hostname: 'node1.example.org',
    machineId: '0123456789abcdef0123456789abcdef',
    bootId: 'fedcba9876543210fedcba9876543210',
    user: { name: 'flotilla', uid: 990, group: 'flotgrp', gid: 980, home: '/var/lib/flotilla', shell: '/bin/sh' },
    runtimeDir: '/run',
    stateDir: '/var/lib',
    cacheDir: '/var/cache',
    logsDir: '/var/log',
    configDir: '/etc',
    kernelRelease: '6.1.0-test',
    architecture: 'x86-64',
    prettyHostname: 'Node One',
    osRelease: { ID: 'debian', VERSION_ID: '12', VARIANT_ID: 'server', BUILD_ID: 'b1', IMAGE_ID: 'img', IMAGE_VERSION: '3' },
    ...overrides,
  };
}

// Instance-name expectations checked against systemd-analyze verify 252 with the same unit name.
test('name specifiers for an instance', () => {
  const ctx = context('x-y\\x2dz@c-d\\x2de.service');
  const cases: [string, string][] = [
    ['%n', 'x-y\\x2dz@c-d\\x2de.service'],
    ['%N', 'x-y\\x2dz@c-d\\x2de'],
    ['%p', 'x-y\\x2dz'],
    ['%P', 'x/y-z'],
    ['%i', 'c-d\\x2de'],
    ['%I', 'c/d-e'],
    ['%j', 'y\\x2dz'],
    ['%J', 'y-z'],
    ['%f', '/c/d-e'],
  ];
  for (const [text, expected] of cases) assert.is(expandSpecifiers(text, ctx), expected, text);
});

test('name specifiers for a plain unit', () => {
  const ctx = context('plain-a\\x2db.service');
  assert.is(expandSpecifiers('%f:%j:%J:%i:%I:%p', ctx), '/plain/a-b:a\\x2db:a-b:::plain-a\\x2db');
  assert.is(expandSpecifiers('%j', context('web.service')), 'web');
  assert.is(expandSpecifiers('%N', context('web.service')), 'web');
});

test('name specifiers for a template', () => {
  const ctx = context('app@.service');
  assert.is(expandSpecifiers('%n|%N|%p|%i|%I|%f', ctx), 'app@.service|app@|app|||/app');
});

test('host, user and directory specifiers', () => {
  const ctx = context('web.service');
  const cases: [string, string][] = [
    ['%H', 'node1.example.org'],
    ['%l', 'node1'],
    ['%q', 'Node One'],
    ['%m', '0123456789abcdef0123456789abcdef'],
    ['%b', 'fedcba9876543210fedcba9876543210'],
    ['%v', '6.1.0-test'],
    ['%a', 'x86-64'],
    ['%u', 'flotilla'],
    ['%U', '990'],
    ['%g', 'flotgrp'],
    ['%G', '980'],
    ['%h', '/var/lib/flotilla'],
    ['%s', '/bin/sh'],
    ['%t', '/run'],
    ['%S', '/var/lib'],
    ['%C', '/var/cache'],
    ['%L', '/var/log'],
    ['%E', '/etc'],
    ['%T', '/tmp'],
    ['%V', '/var/tmp'],
    ['%d', '/run/credentials/web.service'],
    ['%y', '/etc/flotilla/units/x-y\\x2dz@.service'],
    ['%Y', '/etc/flotilla/units'],
  ];
  for (const [text, expected] of cases) assert.is(expandSpecifiers(text, ctx), expected, text);
});

test('os-release specifiers, empty when the field or the file is missing', () => {
  assert.is(expandSpecifiers('%o %w %W %B %M %A', context('a.service')), 'debian 12 server b1 img 3');
  assert.is(expandSpecifiers('[%o][%w]', context('a.service', { osRelease: { ID: 'alpine' } })), '[alpine][]');
  assert.is(expandSpecifiers('[%o]', context('a.service', { osRelease: undefined })), '[]');
});

test('defaults when host facts are not given', () => {
  const ctx = context('a.service', { tmpDir: undefined, varTmpDir: undefined, prettyHostname: undefined, fragmentPath: undefined });
  assert.is(expandSpecifiers('%T %V %q [%y] [%Y]', ctx), '/tmp /var/tmp node1.example.org [] []');
  assert.is(expandSpecifiers('%T', context('a.service', { tmpDir: '/scratch' })), '/scratch');
});

test('%% is a percent sign; a % ending the text stays', () => {
  const ctx = context('a.service');
  assert.is(expandSpecifiers('100%%', ctx), '100%');
  assert.is(expandSpecifiers('%%n', ctx), '%n');
  assert.is(expandSpecifiers('50%', ctx), '50%');
  assert.is(expandSpecifiers('no specifiers', ctx), 'no specifiers');
  assert.is(expandSpecifiers('%n-%i-%%-%p', context('w@1.service')), 'w@1.service-1-%-w');
});

test('an unknown specifier throws, naming it', () => {
  const ctx = context('a.service');
  for (const letter of ['z', 'x', 'Z', 'e', ' ', '{']) {
    try {
      expandSpecifiers(`a %${letter} b`, ctx);
      assert.unreachable(`%${letter} should throw`);
    } catch (error) {
      assert.instance(error, UnknownSpecifierError);
      assert.is((error as UnknownSpecifierError).specifier, letter);
      assert.match((error as Error).message, `'%${letter}'`);
    }
  }
});

test('%f throws when the name does not unescape to a normalized path', () => {
  assert.throws(() => expandSpecifiers('%f', context('a--b.service')), /not a normalized path/);
});

test('the supported letters', () => {
  assert.equal(SPECIFIER_LETTERS.join(''), 'ABCEGHIJLMNPSTUVWYabdfghijlmnopqstuvwy');
});

test('architecture names follow systemd', () => {
  assert.is(systemdArchitecture('x64'), 'x86-64');
  assert.is(systemdArchitecture('ia32'), 'x86');
  assert.is(systemdArchitecture('arm64'), 'arm64');
});

test.run();
