import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** cloud-init's names for each encoding, to the two Flotilla decodes. */
export const ENCODINGS: Readonly<Record<string, 'base64' | 'gzip+base64'>> = {
  b64: 'base64',
  base64: 'base64',
  'gz+b64': 'gzip+base64',
  'gz+base64': 'gzip+base64',
  'gzip+b64': 'gzip+base64',
  'gzip+base64': 'gzip+base64',
};

export type Decoded = { ok: true; bytes: Buffer } | { ok: false; problem: string };

/** The bytes a file's content stands for. */
export function decodeContent(content: string, encoding: string | undefined): Decoded {
  const normalized = encoding === undefined ? undefined : ENCODINGS[encoding];
  if (normalized === undefined) return { ok: true, bytes: Buffer.from(content, 'utf8') };
  const compact = content.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return { ok: false, problem: 'is not valid base64' };
  const bytes = Buffer.from(compact, 'base64');
  if (normalized === 'base64') return { ok: true, bytes };
  try {
    return { ok: true, bytes: gunzipSync(bytes) };
  } catch (error) {
    return { ok: false, problem: `is not gzip data once base64-decoded (${(error as Error).message})` };
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes as text when they are UTF-8 text, so that render shows them as written. */
export function asText(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) && !text.includes('\0') ? text : undefined;
}
