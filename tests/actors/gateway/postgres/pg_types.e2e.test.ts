// Types on the PostgreSQL wire through the `pg` driver: Decimal128 as numeric (OID 1700) with every digit of its
// scale, beyond what a double holds; parameters bound into decimal columns. Binary as bytea.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startNode, tempDir } from '../../../harness/index.ts';
import type { EddyNode } from '../../../../actors/node.ts';

let node: EddyNode & { url: string };
let dir: { path: string; cleanup: () => void };
let c: pg.Client;

beforeAll(async () => {
  dir = tempDir();
  node = await startNode({ data: dir.path });
  c = new pg.Client({ host: '127.0.0.1', port: node.postgresAddress!.port, user: 'greptime', database: 'public' });
  await c.connect();
});

afterAll(async () => {
  await c?.end();
  await node?.stop();
  dir?.cleanup();
});

describe('pg driver: bytea', () => {
  it('sends Binary as bytea (OID 17) in hex text, which the driver turns into a Buffer', async () => {
    await c.query('CREATE TABLE blobs (k STRING, b VARBINARY, ts TIMESTAMP TIME INDEX, PRIMARY KEY (k))');
    await c.query("INSERT INTO blobs VALUES ('x', X'00ff7f', 1), ('t', 'hé', 2), ('n', NULL, 3)");
    const r = await c.query('SELECT k, b, length(b) AS n FROM blobs ORDER BY ts');
    expect(r.fields.map((f) => [f.name, f.dataTypeID])).toEqual([['k', 25], ['b', 17], ['n', 23]]);
    expect(r.rows).toEqual([
      { k: 'x', b: Buffer.from([0x00, 0xff, 0x7f]), n: 3 },
      { k: 't', b: Buffer.from('hé', 'utf8'), n: 3 },
      { k: 'n', b: null, n: null },
    ]);
  });
});

describe('pg driver: numeric', () => {
  it('sends Decimal128 as numeric text with its scale, exact beyond 15 digits', async () => {
    const r = await c.query("SELECT '12345678901234567890.123456789'::DECIMAL(38, 9) + 1 AS big, CAST(2.5 AS DECIMAL(10, 3)) AS small, CAST(NULL AS DECIMAL(5, 2)) AS none");
    expect(r.fields.map((f) => [f.name, f.dataTypeID])).toEqual([['big', 1700], ['small', 1700], ['none', 1700]]);
    // the driver leaves numeric as text: every digit arrives
    expect(r.rows).toEqual([{ big: '12345678901234567891.123456789', small: '2.500', none: null }]);
  });

  it('stores and sums a decimal column with parameters', async () => {
    await c.query('CREATE TABLE prices (item STRING, price DECIMAL(12, 2), ts TIMESTAMP TIME INDEX, PRIMARY KEY (item))');
    await c.query('INSERT INTO prices VALUES ($1, $2, $3), ($4, $5, $6)', ['a', '10.05', '2024-01-01 00:00:01', 'b', '0.015', '2024-01-01 00:00:02']);
    const r = await c.query('SELECT item, price FROM prices ORDER BY item');
    expect(r.rows).toEqual([{ item: 'a', price: '10.05' }, { item: 'b', price: '0.02' }]);
    const s = await c.query('SELECT sum(price) AS total, avg(price) AS mean FROM prices');
    expect(s.fields.map((f) => f.dataTypeID)).toEqual([1700, 1700]);
    expect(s.rows).toEqual([{ total: '10.07', mean: '5.035000' }]);
  });

  it('refuses a value beyond the precision or range with 22003 (numeric_value_out_of_range), a malformed one with 22P02', async () => {
    await expect(c.query("SELECT CAST('123456' AS DECIMAL(5, 2))")).rejects.toMatchObject({ code: '22003', message: expect.stringMatching(/too large to store in a Decimal128 of precision 5/) });
    await expect(c.query('SELECT CAST(123.456 AS DECIMAL(4, 2))')).rejects.toMatchObject({ code: '22003' });
    await expect(c.query('SELECT CAST(300 AS TINYINT)')).rejects.toMatchObject({ code: '22003', message: expect.stringMatching(/Cannot cast 300 to value of Int8 type/) });
    await expect(c.query("SELECT CAST('99999' AS SMALLINT)")).rejects.toMatchObject({ code: '22003' });
    await expect(c.query("SELECT CAST('12x' AS SMALLINT)")).rejects.toMatchObject({ code: '22P02' });
    await expect(c.query("SELECT CAST('1.5' AS INT)")).rejects.toMatchObject({ code: '22P02' });
    await c.query('CREATE TABLE small (k SMALLINT, ts TIMESTAMP TIME INDEX)');
    await expect(c.query('INSERT INTO small VALUES (40000, 1)')).rejects.toMatchObject({ code: '22003', message: expect.stringMatching(/Int16 type for column k/) });
    await expect(c.query("INSERT INTO small VALUES ('many', 1)")).rejects.toMatchObject({ code: '22P02' });
  });
});
