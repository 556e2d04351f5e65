// Compression codecs for Arrow IPC bodies: registers zstd and lz4 with apache-arrow's compression registry.
import { compressionRegistry, CompressionType } from 'apache-arrow';
import zstd from 'zstd-napi';
import lz4 from 'lz4-napi';
import type { Compression } from './types.ts';

// The registry holds one codec per type for the whole process, so the zstd level is a module setting that a
// writer sets just before its synchronous write (writes never interleave: JS runs them to completion).
let zstdLevel = 3;

export function setZstdLevel(level: number): void {
  zstdLevel = level;
}

export function zstdDecode(data: Uint8Array): Uint8Array {
  return zstd.decompress(data);
}

export function lz4Decode(data: Uint8Array): Uint8Array {
  return lz4.decompressFrameSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

let registered = false;

/** Registers both codecs once; every module that reads or writes IPC calls this first. */
export function registerCodecs(): void {
  if (registered) return;
  registered = true;
  compressionRegistry.set(CompressionType.ZSTD, {
    encode: (data) => zstd.compress(data, { compressionLevel: zstdLevel }),
    decode: zstdDecode,
  });
  compressionRegistry.set(CompressionType.LZ4_FRAME, {
    encode: (data) => lz4.compressFrameSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
    decode: lz4Decode,
  });
}

export function compressionTypeOf(c: Compression): CompressionType | null {
  return c === 'zstd' ? CompressionType.ZSTD : c === 'lz4' ? CompressionType.LZ4_FRAME : null;
}

export function decoderOf(type: CompressionType): (data: Uint8Array) => Uint8Array {
  return type === CompressionType.ZSTD ? zstdDecode : lz4Decode;
}
