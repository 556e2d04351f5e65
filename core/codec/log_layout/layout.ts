// The fixed column layouts of the shipper protocols (Loki, OTLP logs, syslog), written as pipelines: a protocol's
// default table is what its built-in pipeline makes, and a user's pipeline (x-greptime-pipeline-name) replaces it.
import { compilePipeline, type CompiledPipeline } from '../../pipeline/index.ts';

export type LayoutType = 'string' | 'json' | 'int32' | 'uint32' | 'int64' | 'boolean' | 'time';
export interface LayoutColumn {
  name: string;
  type: LayoutType;
  index?: 'timestamp' | 'tag' | 'fulltext' | 'inverted' | 'skipping';
}

/** A version 2 pipeline (fields it does not name are kept) with one transform entry per column. */
export function layoutPipeline(name: string, columns: readonly LayoutColumn[]): CompiledPipeline {
  const lines = ['version: 2', 'transform:'];
  for (const c of columns) {
    lines.push(`  - field: ${JSON.stringify(c.name)}`, `    type: ${c.type}`);
    if (c.index) lines.push(`    index: ${c.index}`);
  }
  return compilePipeline(name, lines.join('\n') + '\n');
}

/** Layouts keyed by a variable part (Loki's label names): compiled once each, the least recently used dropped past `max`. */
export class LayoutCache {
  private readonly map = new Map<string, CompiledPipeline>();
  constructor(private readonly make: (key: string) => CompiledPipeline, private readonly max = 256) {}

  get(key: string): CompiledPipeline {
    let p = this.map.get(key);
    if (p) {
      this.map.delete(key);
      this.map.set(key, p);
      return p;
    }
    p = this.make(key);
    this.map.set(key, p);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return p;
  }
}
