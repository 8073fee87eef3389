/**
 * Decoding as Go's base64.URLEncoding does (padding required, CR and LF skipped), failing with
 * its message and byte offset: fleet answers a bad page token with that text.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Map([...ALPHABET].map((char, i) => [char, i]));

export class Base64Error extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.name = 'Base64Error';
  }
}

export function decodeUrlBase64(text: string): Uint8Array {
  const out: number[] = [];
  let si = 0;
  const skipNewlines = () => {
    while (si < text.length && (text[si] === '\n' || text[si] === '\r')) si++;
  };
  while (si < text.length) {
    const quantum: number[] = [];
    let padded = false;
    while (quantum.length < 4) {
      skipNewlines();
      if (si === text.length) {
        if (quantum.length === 0) return Uint8Array.from(out);
        throw new Base64Error(si - quantum.length);
      }
      const char = text[si++]!;
      if (char === '=') {
        const j = quantum.length;
        if (j < 2) throw new Base64Error(si - 1);
        if (j === 2) {
          skipNewlines();
          if (si === text.length) throw new Base64Error(text.length);
          if (text[si] !== '=') throw new Base64Error(si - 1);
          si++;
        }
        skipNewlines();
        if (si < text.length) throw new Base64Error(si);
        padded = true;
        break;
      }
      const value = VALUE.get(char);
      if (value === undefined) throw new Base64Error(si - 1);
      quantum.push(value);
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    const bytes = [(bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff].slice(0, quantum.length - 1);
    out.push(...bytes);
    if (padded) break;
  }
  return Uint8Array.from(out);
}

export function encodeUrlBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
