// Request bodies of the shipper protocols: Content-Encoding (gzip, deflate, identity) undone with a bound on the
// inflated size, so a small bomb cannot take the node's memory.
import { gunzipSync, inflateSync } from 'node:zlib';
import { InvalidArgumentError, PayloadTooLargeError } from '../../../core/index.ts';
import type { IncomingMessage } from 'node:http';

/** Decodes the body per its Content-Encoding; inflated bodies are held to `limit` bytes like raw ones. */
export function decodedBody(req: IncomingMessage, raw: Buffer, limit: number): Buffer {
  const enc = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return raw;
  if (enc !== 'gzip' && enc !== 'x-gzip' && enc !== 'deflate') throw new InvalidArgumentError(`unsupported Content-Encoding '${enc}': use gzip, deflate or none`);
  try {
    return enc === 'deflate' ? inflateSync(raw, { maxOutputLength: limit }) : gunzipSync(raw, { maxOutputLength: limit });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw new PayloadTooLargeError(limit + 1, limit);
    throw new InvalidArgumentError(`body is not valid ${enc}: ${(e as Error).message}`);
  }
}

/** A header's value when given and not empty. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s !== '' ? s : undefined;
}
