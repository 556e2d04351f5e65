// Write subjects: eddy.write.<db>[.<table>] and its per-server twin eddy.write_at.<server>.<db>[.<table>] name the same
// database and table for any names (tokens carry every character), and other subjects are not taken for writes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Subjects, parseWriteSubject } from '../../core/index.ts';

const name = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'Z', '0', '_', '-', '.', '*', '>', ' ', '~', 'é', '😀') });

describe('write subjects', () => {
  it('eddy.write_at.<server>.<db>[.<table>] parses as eddy.write.<db>[.<table>], whatever the names', () => {
    fc.assert(fc.property(name, name, name, (server, db, table) => {
      expect(parseWriteSubject(Subjects.writeAt(server, db))).toEqual({ kind: 'write', db });
      expect(parseWriteSubject(Subjects.writeAtTable(server, db, table))).toEqual({ kind: 'write', db, table });
      expect(parseWriteSubject(Subjects.writeAt(server, db))).toEqual(parseWriteSubject(Subjects.write(db)));
      expect(parseWriteSubject(Subjects.writeTable(db, table))).toEqual({ kind: 'write', db, table });
      // a server's subscription covers its own subjects only
      const all = Subjects.writeAtAll(server).slice(0, -1);
      expect(Subjects.writeAtTable(server, db, table).startsWith(all)).toBe(true);
    }));
  });

  it('refuses subjects that are not writes or have the wrong number of tokens', () => {
    for (const s of ['eddy.write_at.s1', 'eddy.write_at', 'eddy.write_at.s1.db.t.x', 'eddy.write', 'eddy.logs.db.t', 'other.write.db']) {
      expect(parseWriteSubject(s), s).toBeNull();
    }
    expect(parseWriteSubject('eddy.ingest.db.t')).toEqual({ kind: 'ingest', db: 'db', table: 't' });
  });
});
