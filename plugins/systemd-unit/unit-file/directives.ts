import type { UnitDiagnostic, UnitSection } from './definition.js';
import type { UnitType } from './unit-name.js';

/**
 * The section and key names systemd 252 knows, per unit type (systemd.directives(7); the same list
 * `systemd --dump-configuration-items` prints). Names only: knowing a key does not mean we
 * implement it. Used to warn about unknown keys and sections exactly where systemd would.
 */

/** What follows `Condition` (and, but for `Firmware`, `Assert`) in [Unit]. */
const CONDITION_KIND_NAMES = [
  'ACPower', 'Architecture', 'CPUFeature', 'CPUPressure', 'CPUs', 'Capability', 'ControlGroupController',
  'Credential', 'DirectoryNotEmpty', 'Environment', 'FileIsExecutable', 'FileNotEmpty', 'Firmware',
  'FirstBoot', 'Group', 'Host', 'IOPressure', 'KernelCommandLine', 'KernelVersion', 'Memory',
  'MemoryPressure', 'NeedsUpdate', 'OSRelease', 'PathExists', 'PathExistsGlob', 'PathIsDirectory',
  'PathIsEncrypted', 'PathIsMountPoint', 'PathIsReadWrite', 'PathIsSymbolicLink', 'Security', 'User',
  'Virtualization',
];

/** [Unit] keys other than conditions and asserts (systemd.unit(5)); every unit type has them. */
const UNIT_KEYS = [
  'After', 'AllowIsolate', 'Before', 'BindTo', 'BindsTo', 'CollectMode', 'Conflicts', 'DefaultDependencies',
  'Description', 'Documentation', 'FailureAction', 'FailureActionExitStatus', 'IgnoreOnIsolate',
  'JobRunningTimeoutSec', 'JobTimeoutAction', 'JobTimeoutRebootArgument', 'JobTimeoutSec',
  'JoinsNamespaceOf', 'OnFailure', 'OnFailureIsolate', 'OnFailureJobMode', 'OnSuccess', 'OnSuccessJobMode',
  'PartOf', 'PropagateReloadFrom', 'PropagateReloadTo', 'PropagatesReloadTo', 'PropagatesStopTo',
  'RebootArgument', 'RefuseManualStart', 'RefuseManualStop', 'ReloadPropagatedFrom', 'Requires',
  'RequiresMountsFor', 'RequiresOverridable', 'Requisite', 'RequisiteOverridable', 'SourcePath',
  'StartLimitAction', 'StartLimitBurst', 'StartLimitInterval', 'StartLimitIntervalSec', 'StopPropagatedFrom',
  'StopWhenUnneeded', 'SuccessAction', 'SuccessActionExitStatus', 'Upholds', 'Wants',
];

/** [Install] (systemd.unit(5)): read by enable and disable only. */
const INSTALL_KEYS = [
  'Alias', 'Also', 'DefaultInstance', 'RequiredBy', 'WantedBy',
];

/** The execution environment (systemd.exec(5)): [Service], [Socket], [Mount], [Swap]. */
const EXEC_KEYS = [
  'AmbientCapabilities', 'AppArmorProfile', 'BindPaths', 'BindReadOnlyPaths', 'CPUAffinity',
  'CPUSchedulingPolicy', 'CPUSchedulingPriority', 'CPUSchedulingResetOnFork', 'CacheDirectory',
  'CacheDirectoryMode', 'CapabilityBoundingSet', 'ConfigurationDirectory', 'ConfigurationDirectoryMode',
  'CoredumpFilter', 'DynamicUser', 'Environment', 'EnvironmentFile', 'ExecPaths', 'ExecSearchPath',
  'ExtensionDirectories', 'ExtensionImages', 'Group', 'IOSchedulingClass', 'IOSchedulingPriority',
  'IPCNamespacePath', 'IgnoreSIGPIPE', 'InaccessibleDirectories', 'InaccessiblePaths', 'KeyringMode',
  'LimitAS', 'LimitCORE', 'LimitCPU', 'LimitDATA', 'LimitFSIZE', 'LimitLOCKS', 'LimitMEMLOCK',
  'LimitMSGQUEUE', 'LimitNICE', 'LimitNOFILE', 'LimitNPROC', 'LimitRSS', 'LimitRTPRIO', 'LimitRTTIME',
  'LimitSIGPENDING', 'LimitSTACK', 'LoadCredential', 'LoadCredentialEncrypted', 'LockPersonality',
  'LogExtraFields', 'LogLevelMax', 'LogNamespace', 'LogRateLimitBurst', 'LogRateLimitIntervalSec',
  'LogsDirectory', 'LogsDirectoryMode', 'MemoryDenyWriteExecute', 'MountAPIVFS', 'MountFlags', 'MountImages',
  'NUMAMask', 'NUMAPolicy', 'NetworkNamespacePath', 'Nice', 'NoExecPaths', 'NoNewPrivileges',
  'OOMScoreAdjust', 'PAMName', 'PassEnvironment', 'Personality', 'PrivateDevices', 'PrivateIPC',
  'PrivateMounts', 'PrivateNetwork', 'PrivateTmp', 'PrivateUsers', 'ProcSubset', 'ProtectClock',
  'ProtectControlGroups', 'ProtectHome', 'ProtectHostname', 'ProtectKernelLogs', 'ProtectKernelModules',
  'ProtectKernelTunables', 'ProtectProc', 'ProtectSystem', 'ReadOnlyDirectories', 'ReadOnlyPaths',
  'ReadWriteDirectories', 'ReadWritePaths', 'RemoveIPC', 'RestrictAddressFamilies', 'RestrictFileSystems',
  'RestrictNamespaces', 'RestrictRealtime', 'RestrictSUIDSGID', 'RootDirectory', 'RootHash',
  'RootHashSignature', 'RootImage', 'RootImageOptions', 'RootVerity', 'RuntimeDirectory',
  'RuntimeDirectoryMode', 'RuntimeDirectoryPreserve', 'SELinuxContext', 'SecureBits', 'SetCredential',
  'SetCredentialEncrypted', 'SmackProcessLabel', 'StandardError', 'StandardInput', 'StandardInputData',
  'StandardInputText', 'StandardOutput', 'StateDirectory', 'StateDirectoryMode', 'SupplementaryGroups',
  'SyslogFacility', 'SyslogIdentifier', 'SyslogLevel', 'SyslogLevelPrefix', 'SystemCallArchitectures',
  'SystemCallErrorNumber', 'SystemCallFilter', 'SystemCallLog', 'TTYColumns', 'TTYPath', 'TTYReset',
  'TTYRows', 'TTYVHangup', 'TTYVTDisallocate', 'TemporaryFileSystem', 'TimerSlackNSec', 'UMask',
  'UnsetEnvironment', 'User', 'UtmpIdentifier', 'UtmpMode', 'WorkingDirectory',
];

/** Process killing (systemd.kill(5)): [Service], [Socket], [Mount], [Swap], [Scope]. */
const KILL_KEYS = [
  'FinalKillSignal', 'KillMode', 'KillSignal', 'RestartKillSignal', 'SendSIGHUP', 'SendSIGKILL',
  'WatchdogSignal',
];

/** Resource control (systemd.resource-control(5)): the sections above and [Slice]. */
const RESOURCE_CONTROL_KEYS = [
  'AllowedCPUs', 'AllowedMemoryNodes', 'BPFProgram', 'BlockIOAccounting', 'BlockIODeviceWeight',
  'BlockIOReadBandwidth', 'BlockIOWeight', 'BlockIOWriteBandwidth', 'CPUAccounting', 'CPUQuota',
  'CPUQuotaPeriodSec', 'CPUShares', 'CPUWeight', 'DefaultMemoryLow', 'DefaultMemoryMin', 'Delegate',
  'DeviceAllow', 'DevicePolicy', 'DisableControllers', 'IOAccounting', 'IODeviceLatencyTargetSec',
  'IODeviceWeight', 'IOReadBandwidthMax', 'IOReadIOPSMax', 'IOWeight', 'IOWriteBandwidthMax',
  'IOWriteIOPSMax', 'IPAccounting', 'IPAddressAllow', 'IPAddressDeny', 'IPEgressFilterPath',
  'IPIngressFilterPath', 'ManagedOOMMemoryPressure', 'ManagedOOMMemoryPressureLimit', 'ManagedOOMPreference',
  'ManagedOOMSwap', 'MemoryAccounting', 'MemoryHigh', 'MemoryLimit', 'MemoryLow', 'MemoryMax', 'MemoryMin',
  'MemorySwapMax', 'RestrictNetworkInterfaces', 'Slice', 'SocketBindAllow', 'SocketBindDeny',
  'StartupAllowedCPUs', 'StartupAllowedMemoryNodes', 'StartupBlockIOWeight', 'StartupCPUShares',
  'StartupCPUWeight', 'StartupIOWeight', 'TasksAccounting', 'TasksMax',
];

/** [Service] keys of its own (systemd.service(5)). */
const SERVICE_KEYS = [
  'BusName', 'ExecCondition', 'ExecReload', 'ExecStart', 'ExecStartPost', 'ExecStartPre', 'ExecStop',
  'ExecStopPost', 'ExitType', 'FailureAction', 'FileDescriptorStoreMax', 'GuessMainPID', 'NonBlocking',
  'NotifyAccess', 'OOMPolicy', 'PIDFile', 'PermissionsStartOnly', 'RebootArgument', 'RemainAfterExit',
  'Restart', 'RestartForceExitStatus', 'RestartPreventExitStatus', 'RestartSec', 'RootDirectoryStartOnly',
  'RuntimeMaxSec', 'RuntimeRandomizedExtraSec', 'Sockets', 'StartLimitAction', 'StartLimitBurst',
  'StartLimitInterval', 'SuccessExitStatus', 'TimeoutAbortSec', 'TimeoutCleanSec', 'TimeoutSec',
  'TimeoutStartFailureMode', 'TimeoutStartSec', 'TimeoutStopFailureMode', 'TimeoutStopSec', 'Type',
  'USBFunctionDescriptors', 'USBFunctionStrings', 'WatchdogSec',
];

/** [Socket] keys of its own (systemd.socket(5)). */
const SOCKET_KEYS = [
  'Accept', 'Backlog', 'BindIPv6Only', 'BindToDevice', 'Broadcast', 'DeferAcceptSec', 'DirectoryMode',
  'ExecStartPost', 'ExecStartPre', 'ExecStopPost', 'ExecStopPre', 'FileDescriptorName', 'FlushPending',
  'FreeBind', 'IPTOS', 'IPTTL', 'KeepAlive', 'KeepAliveIntervalSec', 'KeepAliveProbes', 'KeepAliveTimeSec',
  'ListenDatagram', 'ListenFIFO', 'ListenMessageQueue', 'ListenNetlink', 'ListenSequentialPacket',
  'ListenSpecial', 'ListenStream', 'ListenUSBFunction', 'Mark', 'MaxConnections', 'MaxConnectionsPerSource',
  'MessageQueueMaxMessages', 'MessageQueueMessageSize', 'NoDelay', 'PassCredentials', 'PassPacketInfo',
  'PassSecurity', 'PipeSize', 'Priority', 'ReceiveBuffer', 'RemoveOnStop', 'ReusePort',
  'SELinuxContextFromNet', 'SendBuffer', 'Service', 'SmackLabel', 'SmackLabelIPIn', 'SmackLabelIPOut',
  'SocketGroup', 'SocketMode', 'SocketProtocol', 'SocketUser', 'Symlinks', 'TCPCongestion',
  'TimeoutCleanSec', 'TimeoutSec', 'Timestamping', 'Transparent', 'TriggerLimitBurst',
  'TriggerLimitIntervalSec', 'Writable',
];

/** [Mount] keys of its own (systemd.mount(5)). */
const MOUNT_KEYS = [
  'DirectoryMode', 'ForceUnmount', 'LazyUnmount', 'Options', 'ReadWriteOnly', 'SloppyOptions',
  'TimeoutCleanSec', 'TimeoutSec', 'Type', 'What', 'Where',
];

/** [Swap] keys of its own (systemd.swap(5)). */
const SWAP_KEYS = [
  'Options', 'Priority', 'TimeoutCleanSec', 'TimeoutSec', 'What',
];

/** [Scope] keys of its own (systemd.scope(5)). */
const SCOPE_KEYS = [
  'OOMPolicy', 'RuntimeMaxSec', 'RuntimeRandomizedExtraSec', 'TimeoutStopSec',
];

/** [Timer] (systemd.timer(5)). */
const TIMER_KEYS = [
  'AccuracySec', 'FixedRandomDelay', 'OnActiveSec', 'OnBootSec', 'OnCalendar', 'OnClockChange',
  'OnStartupSec', 'OnTimezoneChange', 'OnUnitActiveSec', 'OnUnitInactiveSec', 'Persistent',
  'RandomizedDelaySec', 'RemainAfterElapse', 'Unit', 'WakeSystem',
];

/** [Path] (systemd.path(5)). */
const PATH_KEYS = [
  'DirectoryMode', 'DirectoryNotEmpty', 'MakeDirectory', 'PathChanged', 'PathExists', 'PathExistsGlob',
  'PathModified', 'TriggerLimitBurst', 'TriggerLimitIntervalSec', 'Unit',
];

/** [Automount] (systemd.automount(5)). */
const AUTOMOUNT_KEYS = [
  'DirectoryMode', 'ExtraOptions', 'TimeoutIdleSec', 'Where',
];


/** Keys newer than systemd 252 that settings we implement depend on. */
const NEWER_SERVICE_KEYS = [
  // Type=notify-reload (253) sends it.
  'ReloadSignal',
];

/** Sections systemd does not read but runtimes do: Podman Quadlet's [Container] (podman-systemd.unit(5)). */
export const RUNTIME_SECTIONS: readonly string[] = ['Container'];

/** Every `Condition…=` kind systemd 252 knows (ConditionFirmware= has no Assert twin). */
export const CONDITION_KINDS: readonly string[] = CONDITION_KIND_NAMES;

const CONDITION_KEYS = [
  ...CONDITION_KIND_NAMES.map((kind) => `Condition${kind}`),
  ...CONDITION_KIND_NAMES.filter((kind) => kind !== 'Firmware').map((kind) => `Assert${kind}`),
];

/** The section named after each type, with its keys. Targets and devices have a section with no keys. */
const TYPE_SECTIONS: Record<UnitType, { section: string; keys: readonly string[] }> = {
  service: { section: 'Service', keys: [...SERVICE_KEYS, ...NEWER_SERVICE_KEYS, ...EXEC_KEYS, ...KILL_KEYS, ...RESOURCE_CONTROL_KEYS] },
  socket: { section: 'Socket', keys: [...SOCKET_KEYS, ...EXEC_KEYS, ...KILL_KEYS, ...RESOURCE_CONTROL_KEYS] },
  mount: { section: 'Mount', keys: [...MOUNT_KEYS, ...EXEC_KEYS, ...KILL_KEYS, ...RESOURCE_CONTROL_KEYS] },
  swap: { section: 'Swap', keys: [...SWAP_KEYS, ...EXEC_KEYS, ...KILL_KEYS, ...RESOURCE_CONTROL_KEYS] },
  scope: { section: 'Scope', keys: [...SCOPE_KEYS, ...KILL_KEYS, ...RESOURCE_CONTROL_KEYS] },
  slice: { section: 'Slice', keys: RESOURCE_CONTROL_KEYS },
  timer: { section: 'Timer', keys: TIMER_KEYS },
  path: { section: 'Path', keys: PATH_KEYS },
  automount: { section: 'Automount', keys: AUTOMOUNT_KEYS },
  target: { section: 'Target', keys: [] },
  device: { section: 'Device', keys: [] },
};

const KEYS_BY_SECTION = new Map<string, ReadonlySet<string>>([
  ['Unit', new Set([...UNIT_KEYS, ...CONDITION_KEYS])],
  ['Install', new Set(INSTALL_KEYS)],
  ...Object.values(TYPE_SECTIONS).map(({ section, keys }) => [section, new Set(keys)] as const),
]);

/** The sections a unit of this type reads: [Unit], its own, [Install]. */
export function sectionsOfType(type: UnitType): readonly string[] {
  return ['Unit', TYPE_SECTIONS[type].section, 'Install'];
}

/** `X-` sections and keys are the user's own: kept, never warned about. */
export function isExtensionName(name: string): boolean {
  return name.startsWith('X-');
}

export type SectionClass = 'known' | 'extension' | 'runtime' | 'unknown';

/** How a unit of `type` treats a section: one it reads, an `X-` one, one a runtime reads, or unknown (warned about). */
export function classifySection(type: UnitType, section: string): SectionClass {
  if (sectionsOfType(type).includes(section)) return 'known';
  if (isExtensionName(section)) return 'extension';
  if (RUNTIME_SECTIONS.includes(section)) return 'runtime';
  return 'unknown';
}

/** True when systemd knows `key` in `section` (one of a unit type's own sections), or it is an `X-` key. */
export function isKnownKey(section: string, key: string): boolean {
  if (isExtensionName(key)) return true;
  return KEYS_BY_SECTION.get(section)?.has(key) ?? false;
}

/** The keys systemd knows in a section, or undefined for a section it does not read. */
export function knownKeys(section: string): ReadonlySet<string> | undefined {
  return KEYS_BY_SECTION.get(section);
}

/** Where a `[Name]` header is: parsed sections do not keep it. */
export interface SectionHeader {
  section: string;
  file: string;
  line: number;
}

/**
 * Warnings systemd prints while loading a unit of `type`: each header of a section it does not
 * read (`X-` and runtime sections excepted), and each key it does not know in one it reads.
 */
export function directiveWarnings(
  type: UnitType,
  sections: readonly UnitSection[],
  headers: readonly SectionHeader[],
): UnitDiagnostic[] {
  const warnings: UnitDiagnostic[] = [];
  for (const header of headers) {
    if (classifySection(type, header.section) !== 'unknown') continue;
    warnings.push({ severity: 'warning', file: header.file, line: header.line, section: header.section, message: `Unknown section '${header.section}'. Ignoring.` });
  }
  for (const section of sections) {
    if (classifySection(type, section.name) !== 'known') continue;
    for (const entry of section.entries) {
      if (isKnownKey(section.name, entry.key)) continue;
      warnings.push({
        severity: 'warning',
        file: entry.file,
        line: entry.line,
        section: section.name,
        key: entry.key,
        message: `unknown key in section [${section.name}], ignoring`,
      });
    }
  }
  return warnings;
}

/** The `[Name]` header lines of a unit file's text. */
export function sectionHeaders(file: string, text: string): SectionHeader[] {
  const headers: SectionHeader[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line.length > 2 && line.startsWith('[') && line.endsWith(']')) headers.push({ file, line: index + 1, section: line.slice(1, -1) });
  });
  return headers;
}
