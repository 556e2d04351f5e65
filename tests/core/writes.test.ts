// Schema on write: columns a write adds are stamped with the version that adds them, like ALTER TABLE ADD COLUMN.
import { describe, expect, it } from 'vitest';
import { withColumns, type TableSchema } from '../../core/index.ts';

describe('withColumns', () => {
  it('stamps added columns with the new version, so a name dropped before comes back as a new column', () => {
    const s: TableSchema = {
      db: 'public', name: 'cpu', id: 1, version: 4, timeIndex: 'ts', primaryKey: ['host'], regions: 1, createdAt: 0, options: {},
      columns: [{ name: 'host', type: 'string', semantic: 'tag', nullable: true }, { name: 'ts', type: 'timestamp', semantic: 'timestamp', nullable: false }],
    };
    const next = withColumns(s, [{ name: 'usage', type: 'float64', semantic: 'field', nullable: true }]);
    expect(next.version).toBe(5);
    expect(next.columns.at(-1)).toEqual({ name: 'usage', type: 'float64', semantic: 'field', nullable: true, since: 5 });
  });
});
