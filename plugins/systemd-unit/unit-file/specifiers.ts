import { arch, release } from 'node:os';
import { dirname } from 'node:path';
import type { SpecifierContext } from './definition.js';
import { parseUnitName, unescapeUnitNamePart, unescapeUnitPath, unitNameWithoutSuffix } from './unit-name.js';

/** Host facts some specifiers need; when absent they are read from Node or take systemd's defaults. */
export interface HostFacts {
  /** `%v`, default os.release(). */
  kernelRelease?: string;
  /** `%a` in systemd's spelling (`x86-64`, `arm64`), default from process.arch. */
  architecture?: string;
  /** `%q`, default the hostname. */
  prettyHostname?: string;
  /** `%T`, default `/tmp`. */
  tmpDir?: string;
  /** `%V`, default `/var/tmp`. */
  varTmpDir?: string;
  /** Fields of /etc/os-release for `%o %w %W %B %M %A`; a missing field expands to nothing. */
  osRelease?: Readonly<Record<string, string>>;
}

export type SpecifierExpansionContext = { unitName: string; fragmentPath?: string } & SpecifierContext & HostFacts;

/** A `%` followed by a letter systemd does not define (systemd refuses the whole setting). */
export class UnknownSpecifierError extends Error {
  constructor(
    readonly specifier: string,
    readonly text: string,
  ) {
    super(`unknown specifier '%${specifier}' in '${text}'`);
    this.name = 'UnknownSpecifierError';
  }
}

type Resolver = (ctx: SpecifierExpansionContext) => string;

const OS_RELEASE_FIELDS: Record<string, string> = {
  o: 'ID',
  w: 'VERSION_ID',
  W: 'VARIANT_ID',
  B: 'BUILD_ID',
  M: 'IMAGE_ID',
  A: 'IMAGE_VERSION',
};

const RESOLVERS: Record<string, Resolver> = {
  n: (ctx) => ctx.unitName,
  N: (ctx) => unitNameWithoutSuffix(ctx.unitName),
  p: (ctx) => parseUnitName(ctx.unitName).prefix,
  P: (ctx) => unescapeUnitNamePart(parseUnitName(ctx.unitName).prefix),
  i: (ctx) => parseUnitName(ctx.unitName).instance ?? '',
  I: (ctx) => unescapeUnitNamePart(parseUnitName(ctx.unitName).instance ?? ''),
  j: (ctx) => lastDashComponent(parseUnitName(ctx.unitName).prefix),
  J: (ctx) => unescapeUnitNamePart(lastDashComponent(parseUnitName(ctx.unitName).prefix)),
  f: (ctx) => {
    const parsed = parseUnitName(ctx.unitName);
    return unescapeUnitPath(parsed.instance || parsed.prefix);
  },
  H: (ctx) => ctx.hostname,
  l: (ctx) => ctx.hostname.split('.')[0]!,
  q: (ctx) => ctx.prettyHostname ?? ctx.hostname,
  m: (ctx) => ctx.machineId,
  b: (ctx) => ctx.bootId,
  v: (ctx) => ctx.kernelRelease ?? release(),
  a: (ctx) => ctx.architecture ?? systemdArchitecture(arch()),
  u: (ctx) => ctx.user.name,
  U: (ctx) => String(ctx.user.uid),
  g: (ctx) => ctx.user.group,
  G: (ctx) => String(ctx.user.gid),
  h: (ctx) => ctx.user.home,
  s: (ctx) => ctx.user.shell,
  t: (ctx) => ctx.runtimeDir,
  S: (ctx) => ctx.stateDir,
  C: (ctx) => ctx.cacheDir,
  L: (ctx) => ctx.logsDir,
  E: (ctx) => ctx.configDir,
  T: (ctx) => ctx.tmpDir ?? '/tmp',
  V: (ctx) => ctx.varTmpDir ?? '/var/tmp',
  d: (ctx) => `${ctx.runtimeDir}/credentials/${ctx.unitName}`,
  y: (ctx) => ctx.fragmentPath ?? '',
  Y: (ctx) => (ctx.fragmentPath ? dirname(ctx.fragmentPath) : ''),
  ...Object.fromEntries(
    Object.entries(OS_RELEASE_FIELDS).map(([letter, field]) => [letter, (ctx: SpecifierExpansionContext) => ctx.osRelease?.[field] ?? '']),
  ),
};

/** The letters expandSpecifiers knows, for documentation and `verify`. */
export const SPECIFIER_LETTERS: readonly string[] = Object.keys(RESOLVERS).sort();

/**
 * Replaces `%x` specifiers (systemd.unit "Specifiers"); `%%` is a literal `%` and a `%` ending
 * the text stays as it is. Throws UnknownSpecifierError for a letter systemd does not define,
 * and a RangeError when `%f` cannot be derived from the unit name.
 */
export function expandSpecifiers(text: string, ctx: SpecifierExpansionContext): string {
  if (!text.includes('%')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    if (i + 1 >= text.length) {
      out += '%';
      break;
    }
    const letter = text[++i]!;
    if (letter === '%') {
      out += '%';
      continue;
    }
    const resolve = Object.hasOwn(RESOLVERS, letter) ? RESOLVERS[letter] : undefined;
    if (!resolve) throw new UnknownSpecifierError(letter, text);
    out += resolve(ctx);
  }
  return out;
}

/** `%j`: the part of the prefix after its last `-`, or the whole prefix. */
function lastDashComponent(prefix: string): string {
  const dash = prefix.lastIndexOf('-');
  return dash < 0 ? prefix : prefix.slice(dash + 1);
}

/** Node's process.arch in the spelling systemd uses for `%a` and ConditionArchitecture=. */
export function systemdArchitecture(nodeArch: string): string {
  const names: Record<string, string> = {
    x64: 'x86-64',
    ia32: 'x86',
    arm64: 'arm64',
    arm: 'arm',
    ppc64: 'ppc64-le',
    ppc: 'ppc',
    s390x: 's390x',
    s390: 's390',
    riscv64: 'riscv64',
    loong64: 'loongarch64',
    mips: 'mips',
    mipsel: 'mips-le',
    mips64el: 'mips64-le',
  };
  return names[nodeArch] ?? nodeArch;
}
