// Payload codecs by content type: the one place a write or ingest payload format is registered and chosen.
import { InternalError, InvalidArgumentError } from '../errors.ts';
import type { WriteBatch } from '../batch.ts';
import type { TimeUnit } from '../schema.ts';
import { parseLineProtocol, SeriesCache } from './line_protocol/index.ts';
import { parseJsonRows } from './json_rows.ts';
import { decodeBatches } from './wal_batch.ts';
import { decodeRemoteWrite } from './prometheus/remote_write.ts';

/** What a decoder may need besides the bytes. */
export interface DecodeContext {
  /** The table named by the transport (the subject's `.<table>` suffix, a URL parameter). */
  table?: string;
  precision: TimeUnit;
  /** Time of rows that carry none. */
  defaultTimeNs: bigint;
  /** Series keys parsed before, kept by the caller across payloads. */
  seriesCache?: SeriesCache;
  /** The target table's time index and tag columns, when the table exists (looked up when `wantsSchema`). */
  schema?: { timeColumn: string; tagColumns: string[] };
}

export interface PayloadCodec {
  /** Short name for messages and logs. */
  name: string;
  /** Media types it answers to (lower case, no parameters); `type/*` takes a whole family. */
  contentTypes: readonly string[];
  /** The payload does not name its table: the transport must (JSON rows on eddy.write.<db>.<table>). */
  needsTable?: boolean;
  /** The decoder wants the existing table's time index and tags (DecodeContext.schema). */
  wantsSchema?: boolean;
  /**
   * Names a transport may give in an `Eddy-Format` header to pick this codec among several sharing a media type
   * (`application/x-protobuf` carries more than one message family).
   */
  formats?: readonly string[];
  decode(data: Uint8Array, ctx: DecodeContext): WriteBatch[];
}

/** The media type of a Content-Type header value: lower case, parameters (`; charset=utf-8`) dropped. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export class CodecRegistry {
  private readonly exact = new Map<string, PayloadCodec>();
  private readonly families = new Map<string, PayloadCodec>();
  private readonly byFormat = new Map<string, PayloadCodec>();
  private fallback: PayloadCodec | null = null;

  /** Registers a codec; `isDefault` makes it the one used when no Content-Type is given. */
  register(codec: PayloadCodec, isDefault = false): this {
    for (const t of codec.contentTypes) {
      const target = t.endsWith('/*') ? this.families : this.exact;
      const key = t.endsWith('/*') ? t.slice(0, -1) : t;
      if (target.has(key)) throw new InternalError(`content type ${t} is registered twice`);
      target.set(key, codec);
    }
    for (const f of codec.formats ?? []) {
      for (const t of codec.contentTypes) {
        const key = `${t}#${f.toLowerCase()}`;
        if (this.byFormat.has(key)) throw new InternalError(`format ${f} of ${t} is registered twice`);
        this.byFormat.set(key, codec);
      }
    }
    if (isDefault) this.fallback = codec;
    return this;
  }

  /** The codec of a Content-Type and an `Eddy-Format` header (the format picks among codecs of one media type). */
  forMessage(contentType: string | undefined, format: string | undefined): PayloadCodec {
    if (!format) return this.forContentType(contentType);
    const mt = mediaType(contentType) || 'application/x-protobuf';
    const c = this.byFormat.get(`${mt}#${format.trim().toLowerCase()}`);
    if (c) return c;
    throw new InvalidArgumentError(`unsupported Eddy-Format '${format}' for Content-Type '${mt}'`);
  }

  /** The codec of a Content-Type header; no header means the default. A type nobody registered is the caller's mistake. */
  forContentType(contentType: string | undefined): PayloadCodec {
    const mt = mediaType(contentType);
    if (mt === '' && this.fallback) return this.fallback;
    const c = this.exact.get(mt) ?? this.families.get(mt.slice(0, mt.indexOf('/') + 1));
    if (c) return c;
    throw new InvalidArgumentError(`unsupported Content-Type '${contentType}': use one of ${this.describe()}`);
  }

  /** `text/plain (line protocol), application/json (JSON rows), ...` for error messages and help. */
  describe(): string {
    const seen = new Map<PayloadCodec, string[]>();
    for (const [t, c] of this.exact) seen.set(c, [...(seen.get(c) ?? []), t]);
    return [...seen].map(([c, ts]) => `${ts[0]} (${c.name})`).join(', ');
  }
}

export const ContentTypes = {
  lineProtocol: 'text/plain',
  jsonRows: 'application/json',
  walBatch: 'application/vnd.eddy.wal-batch',
  protobuf: 'application/x-protobuf',
} as const;

export const lineProtocolCodec: PayloadCodec = {
  name: 'line protocol',
  // InfluxDB clients send text/plain; some send octet-stream; any other text/ type is read as line protocol too.
  contentTypes: [ContentTypes.lineProtocol, 'application/octet-stream', 'text/*'],
  decode: (data, ctx) => parseLineProtocol(data, {
    precision: ctx.precision, defaultTimeNs: ctx.defaultTimeNs, ...(ctx.seriesCache ? { seriesCache: ctx.seriesCache } : {}),
  }),
};

export const jsonRowsCodec: PayloadCodec = {
  name: 'JSON rows',
  contentTypes: [ContentTypes.jsonRows],
  needsTable: true,
  wantsSchema: true,
  decode: (data, ctx) => [parseJsonRows(ctx.table!, data, {
    defaultTimeNs: ctx.defaultTimeNs,
    ...(ctx.schema ? { timeColumn: ctx.schema.timeColumn, tagColumns: ctx.schema.tagColumns } : {}),
  })],
};

/** The WAL's own binary batch encoding: a producer that already holds columns skips text parsing. */
export const walBatchCodec: PayloadCodec = {
  name: 'EddyDB WAL batch',
  contentTypes: [ContentTypes.walBatch],
  decode: (data) => decodeBatches(data),
};

/**
 * Prometheus remote write 1.0: a snappy-compressed WriteRequest (Prometheus always snappy-frames it, so the codec
 * undoes that itself rather than relying on a Content-Encoding header NATS does not have). Today the only protobuf
 * payload, so it also answers `application/x-protobuf` without an `Eddy-Format`.
 */
export const prometheusRemoteWriteCodec: PayloadCodec = {
  name: 'Prometheus remote write',
  contentTypes: [ContentTypes.protobuf],
  formats: ['prometheus'],
  decode: (data) => decodeRemoteWrite(data).batches,
};

/** Every payload format the write path and NATS ingest take; later Prometheus remote write, OTLP, Loki, syslog. */
export const payloadCodecs = new CodecRegistry()
  .register(lineProtocolCodec, true)
  .register(jsonRowsCodec)
  .register(walBatchCodec)
  .register(prometheusRemoteWriteCodec);
