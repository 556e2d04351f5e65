// Reusable memory for large temporaries: first touch of freshly allocated memory costs ~2.7 ms/MB on these VMs.
import { ScratchPool as CorePool, type DataType } from '../core/index.ts';
import type { ColumnData } from './types.ts';

/** core's ScratchPool (its contract) with the storage column types. */
export class ScratchPool extends CorePool {
  /** Values of a column type (zeroed is not guaranteed). */
  typed(type: DataType, n: number): ColumnData['values'] {
    switch (type) {
      case 'float64': return this.f64(n);
      case 'int64': case 'timestamp': return this.i64(n);
      case 'uint64': return new BigUint64Array(this.bytes(n * 8), 0, n);
      case 'boolean': return new Uint8Array(this.bytes(n), 0, n);
      case 'string': return this.i32(n);
    }
  }
}
