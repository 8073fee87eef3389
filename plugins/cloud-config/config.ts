import path from 'node:path';
import { z } from 'zod';
import { asText, decodeContent, ENCODINGS, sha256Hex } from './file-content.js';
import { DEFAULT_MODE, formatMode, parsePermissions } from './file-mode.js';
import { resolveOwner } from './owner.js';
import { isTemplateName, unitNameProblem } from './unit-name.js';
import { unitTextProblem } from './unit-text.js';

export const UNIT_COMMANDS = ['start', 'stop', 'restart', 'reload', 'try-restart', 'reload-or-restart', 'reload-or-try-restart'] as const;
export type UnitCommand = (typeof UNIT_COMMANDS)[number];

/**
 * Where an entry is written in a cloud-config document ("FILE:LINE:COLUMN: write_files[0]"); the
 * translation sets it, so that problems found at boot name the document's key.
 */
const origin = z.string().optional();

/** A file as it will be written: content decoded (base64 only when it is not text), mode and owner resolved. */
export interface FileSettings {
  path: string;
  content: string;
  encoding?: 'base64';
  /** '0644' */
  permissions: string;
  /** As written, with the ids it names. */
  owner?: string;
  uid?: number;
  gid?: number;
  sha256: string;
  size: number;
  origin?: string;
}

const unitText = (text: string, ctx: z.RefinementCtx) => {
  const problem = unitTextProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

const fileSchema = z
  .strictObject({
    /** Absolute; missing directories are made (0755). */
    path: z.string().refine((p) => path.isAbsolute(p) && p !== '/' && !p.endsWith('/'), 'must be the absolute path of a file, like /etc/motd'),
    content: z.string({ error: 'must be text (quote it, or give bytes as !!binary)' }).default(''),
    /** b64 or base64, or gzip+base64 (also gz+b64 …): how content is written. */
    encoding: z.string().optional(),
    /** An octal string ('0644'); 0644 when absent. */
    permissions: z.union([z.string(), z.number()]).optional(),
    /** chown's form: user, user:group, user: or :group; unchanged when absent. */
    owner: z.string().optional(),
    /** The SHA-256 of the decoded content, in hex: the node refuses to start when it differs. */
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits').optional(),
    origin,
  })
  .transform((file, ctx): FileSettings => {
    const issue = (at: string, message: string) => ctx.addIssue({ code: 'custom', path: [at], message });
    if (file.encoding !== undefined && !Object.hasOwn(ENCODINGS, file.encoding)) {
      const gzip = file.encoding === 'gzip' || file.encoding === 'gz';
      issue('encoding', gzip ? 'gzip content is given as !!binary, or as base64 with encoding gzip+base64' : `must be one of ${Object.keys(ENCODINGS).join(', ')}`);
      return z.NEVER;
    }
    const decoded = decodeContent(file.content, file.encoding);
    if (!decoded.ok) issue('content', decoded.problem);
    const sha256 = decoded.ok ? sha256Hex(decoded.bytes) : '';
    if (decoded.ok && file.sha256 !== undefined && file.sha256.toLowerCase() !== sha256) {
      issue('sha256', `the content's SHA-256 is ${sha256}, not ${file.sha256.toLowerCase()}`);
    }
    const mode = file.permissions === undefined ? DEFAULT_MODE : parsePermissions(file.permissions);
    if (mode === undefined) issue('permissions', "must be an octal mode such as '0644'");
    const owner = file.owner === undefined ? undefined : resolveOwner(file.owner);
    if (owner && !owner.ok) issue('owner', owner.problem);
    if (!decoded.ok || mode === undefined || (owner && !owner.ok)) return z.NEVER;
    const text = asText(decoded.bytes);
    return {
      path: path.normalize(file.path),
      ...(text !== undefined ? { content: text } : { content: decoded.bytes.toString('base64'), encoding: 'base64' as const }),
      permissions: formatMode(mode),
      ...(owner?.ok ? { owner: file.owner!.trim(), ...owner.owner } : {}),
      sha256,
      size: decoded.bytes.length,
      ...(file.origin ? { origin: file.origin } : {}),
    };
  });

const dropInSchema = z.strictObject({
  name: z.string().regex(/^[^/\\]+\.conf$/, 'a drop-in is named like 10-limits.conf'),
  content: z.string().superRefine(unitText),
});

const unitSchema = z
  .strictObject({
    name: z.string().superRefine((name, ctx) => {
      const problem = unitNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    /** The whole unit file; without it the unit must exist already (its drop-ins, enable and command still apply). */
    content: z.string().superRefine(unitText).optional(),
    /** Run after the unit is written and enabled; none when absent. */
    command: z.enum(UNIT_COMMANDS, { error: `must be one of ${UNIT_COMMANDS.join(', ')}` }).optional(),
    /** Make the links the unit's [Install] section asks for. */
    enable: z.boolean().default(false),
    /** `<name>.d/<drop-in name>` files. */
    dropIns: z
      .array(dropInSchema)
      .default([])
      .superRefine((dropIns, ctx) => {
        dropIns.forEach((dropIn, i) => {
          if (dropIns.findIndex((d) => d.name === dropIn.name) < i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${dropIn.name} is given twice` });
        });
      }),
    origin,
  })
  .superRefine((unit, ctx) => {
    if (unit.command !== undefined && isTemplateName(unit.name)) {
      ctx.addIssue({ code: 'custom', path: ['command'], message: `${unit.name} is a template; a command needs an instance (like ${unit.name.replace('@.', '@1.')})` });
    }
  });

export const cloudConfigSchema = z.strictObject({
  /** Files written, in order, before the unit manager starts; each only when it differs. */
  files: z
    .array(fileSchema)
    .default([])
    .superRefine((files, ctx) => {
      files.forEach((file, i) => {
        const first = files.findIndex((f) => f.path === file.path);
        if (first < i) ctx.addIssue({ code: 'custom', path: [i, 'path'], message: `${file.path} is written by an earlier entry too` });
      });
    }),
  /** Units written and acted on, in order, once the node runs. */
  units: z
    .array(unitSchema)
    .default([])
    .superRefine((units, ctx) => {
      units.forEach((unit, i) => {
        const first = units.findIndex((u) => u.name === unit.name);
        if (first < i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${unit.name} is given by an earlier entry too` });
      });
    }),
});

export type CloudConfigSettings = z.output<typeof cloudConfigSchema>;
export type UnitSettings = CloudConfigSettings['units'][number];
