import { badRequest } from './fleet-errors.js';
import { decodeUrlBase64, encodeUrlBase64 } from './go-base64.js';

/** fleet's page token: which page, of how many items per page. */
export interface PageToken {
  limit: number;
  page: number;
}

/** Four bytes (limit, then page, both uint16 little-endian) in padded URL-safe base64: limit 2, page 2 → `AgACAA==`. */
export function encodePageToken(token: PageToken): string {
  const bytes = new Uint8Array(4);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, token.limit & 0xffff, true);
  view.setUint16(2, token.page & 0xffff, true);
  return encodeUrlBase64(bytes);
}

/** The token's fields, or fleet's message for why it cannot be read. */
export function decodePageToken(text: string): PageToken {
  let bytes: Uint8Array;
  try {
    bytes = decodeUrlBase64(text);
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  // Go's binary.Read: nothing at all is EOF, a partial struct is "unexpected EOF"; extra bytes are ignored.
  if (bytes.length === 0) throw badRequest('EOF');
  if (bytes.length < 4) throw badRequest('unexpected EOF');
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  return { limit: view.getUint16(0, true), page: view.getUint16(2, true) };
}

/**
 * The page a list request asks for: the first page when it sends no token. A token must carry
 * this server's limit and a page from 1 on, and may appear once.
 */
export function requestedPage(query: URLSearchParams, limit: number): PageToken {
  const values = query.getAll('nextPageToken');
  if (values.length > 1) throw badRequest('too many values for page token');
  if (values.length === 0) return { limit, page: 1 };
  const token = decodePageToken(values[0]!);
  if (token.limit !== limit) throw badRequest(`token limit must be ${limit}`);
  if (token.page === 0) throw badRequest('token page must be greater than zero');
  return token;
}

export interface Page<T> {
  items: T[];
  /** Encoded token for the next page, when there may be one. */
  next?: string;
}

/**
 * Items [(page-1)*limit, page*limit). As in fleet, a page that ends exactly at the last item
 * still points to a next page, which comes back empty.
 */
export function pageOf<T>(all: readonly T[], token: PageToken): Page<T> {
  const start = (token.page - 1) * token.limit;
  const stop = token.page * token.limit;
  if (start >= all.length) return { items: [] };
  if (stop > all.length) return { items: all.slice(start) };
  return { items: all.slice(start, stop), next: encodePageToken({ limit: token.limit, page: token.page + 1 }) };
}
