// Statement parser: one test per statement kind, with the fields a planner or the HTTP layer needs.
import { describe, expect, it } from 'vitest';
import { parseSql, type Statement } from '../../../core/sql/index.ts';

function one(sql: string): Statement {
  const s = parseSql(sql);
  expect(s).toHaveLength(1);
  return s[0]!;
}

describe('parseSql: statement list and spans', () => {
  it('splits on ; and skips empty statements', () => {
    const s = parseSql(';; SELECT 1;\n\n;SELECT 2 ;');
    expect(s.map((x) => x.span.text)).toEqual(['SELECT 1', 'SELECT 2']);
  });
  it('records start/end offsets of each statement', () => {
    const text = 'USE db;  SHOW TABLES';
    const [a, b] = parseSql(text);
    expect(a!.span).toEqual({ start: 0, end: 6, text: 'USE db' });
    expect(b!.span).toMatchObject({ start: 9, end: 20 });
    expect(b!.pos).toEqual({ offset: 9, line: 1, column: 10 });
  });
  it('returns [] for blank input and comments only', () => {
    expect(parseSql('')).toEqual([]);
    expect(parseSql('  -- nothing\n /* at all */ ')).toEqual([]);
  });
});

describe('SELECT', () => {
  it('projection, aliases, wildcards, FROM, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET', () => {
    const s = one('SELECT DISTINCT t.*, a AS x, b y, count(*) FROM db.t AS t WHERE a > 1 GROUP BY a, 2 HAVING count(*) > 1 ORDER BY x DESC NULLS FIRST, 2 LIMIT 10 OFFSET 5');
    expect(s).toMatchObject({
      type: 'query',
      query: {
        body: {
          type: 'select',
          distinct: true,
          projection: [{ expr: { type: 'wildcard' } }, { alias: { value: 'x' } }, { alias: { value: 'y' } }, { expr: { type: 'function' } }],
          from: [{ type: 'table', name: [{ value: 'db' }, { value: 't' }], alias: { name: { value: 't' } } }],
          where: { type: 'binary' },
          groupBy: [{ type: 'column' }, { type: 'number', value: '2' }],
          having: { type: 'binary' },
        },
        orderBy: [{ asc: false, nullsFirst: true }, { expr: { type: 'number' } }],
        limit: { value: '10' },
        offset: { value: '5' },
      },
    });
  });
  it('WITH CTEs, subqueries in FROM, UNION [ALL]', () => {
    const s = one('WITH a AS (SELECT 1 AS x), b (y) AS (SELECT 2) SELECT * FROM (SELECT x FROM a) s UNION ALL SELECT y FROM b UNION SELECT 3 ORDER BY 1');
    expect(s).toMatchObject({
      query: {
        with: { ctes: [{ name: { value: 'a' } }, { name: { value: 'b' }, columns: [{ value: 'y' }] }] },
        body: { type: 'set_op', op: 'UNION', all: false, left: { type: 'set_op', all: true, left: { from: [{ type: 'derived', alias: { name: { value: 's' } } }] } } },
        orderBy: [{}],
      },
    });
  });
  it('joins: INNER, LEFT, RIGHT, FULL, CROSS with ON and USING', () => {
    const s = one('SELECT * FROM a JOIN b ON a.id = b.id LEFT OUTER JOIN c USING (id) RIGHT JOIN d ON true FULL JOIN e ON true CROSS JOIN f');
    const kinds: string[] = [];
    let t = s.type === 'query' && s.query.body.type === 'select' ? s.query.body.from[0] : undefined;
    while (t?.type === 'join') {
      kinds.unshift(t.kind);
      t = t.left;
    }
    expect(kinds).toEqual(['INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS']);
    expect(JSON.stringify(s)).toContain('"using":[{"value":"id"');
  });
  it('range query: RANGE/FILL per item and ALIGN .. TO .. BY .. FILL', () => {
    const s = one("SELECT ts, host, min(val) RANGE '5s' FILL PREV, max(val) RANGE '1m' FROM host ALIGN '1m' TO '2024-01-01T00:00:00Z' BY (host, 1) FILL LINEAR ORDER BY host, ts");
    expect(s).toMatchObject({
      query: {
        body: {
          projection: [{}, {}, { expr: { type: 'range', fill: 'PREV', range: { value: '5s' } } }, { expr: { type: 'range', range: { value: '1m' } } }],
          align: { align: { type: 'string', value: '1m' }, to: { type: 'string' }, by: [{ type: 'column' }, { type: 'number' }], fill: 'LINEAR' },
        },
      },
    });
    expect(one("SELECT min(v) RANGE '5s' FROM t ALIGN '20s' BY () ORDER BY ts")).toMatchObject({ query: { body: { align: { by: [] } } } });
    expect(one("SELECT min(v) RANGE '1d' FROM t ALIGN '1d' TO CALENDAR")).toMatchObject({ query: { body: { align: { to: { type: 'column', path: [{ value: 'calendar' }] } } } } });
    expect(one("SELECT min(v) RANGE '5s' FROM t WHERE a > 1 ALIGN '5s' FILL 6")).toMatchObject({ query: { body: { where: {}, align: { fill: '6' } } } });
  });
  it('accepts a trailing comma before FROM (as GreptimeDB does)', () => {
    expect(one('SELECT a, b, FROM t')).toMatchObject({ query: { body: { projection: [{}, {}] } } });
  });
});

describe('DML', () => {
  it('INSERT VALUES with columns, several rows and a trailing comma in a row', () => {
    expect(one("INSERT INTO t (host, ts) VALUES ('a', 1), ('b', 2,)")).toMatchObject({
      type: 'insert',
      table: [{ value: 't' }],
      columns: [{ value: 'host' }, { value: 'ts' }],
      source: { body: { type: 'values', rows: [[{}, {}], [{}, {}]] } },
    });
    expect(one('INSERT INTO TABLE t VALUES (1)')).toMatchObject({ type: 'insert', columns: [] });
  });
  it('INSERT ... SELECT', () => {
    expect(one('INSERT INTO t SELECT * FROM s WHERE a = 1')).toMatchObject({ type: 'insert', source: { body: { type: 'select' } } });
  });
  it('DELETE FROM .. WHERE', () => {
    expect(one("DELETE FROM monitor WHERE host = 'h' AND ts = 1")).toMatchObject({ type: 'delete', table: [{ value: 'monitor' }], where: { op: 'AND' } });
  });
});

describe('DDL', () => {
  it('CREATE DATABASE [IF NOT EXISTS] name [WITH (...)]', () => {
    expect(one("CREATE DATABASE IF NOT EXISTS mydb WITH (ttl = '1h', 'memtable.type'='bulk')")).toMatchObject({
      type: 'create_database', ifNotExists: true, name: [{ value: 'mydb' }], options: { ttl: '1h', 'memtable.type': 'bulk' },
    });
  });
  it('CREATE TABLE with column options, constraints, engine, partitions and options', () => {
    const s = one(`CREATE TABLE IF NOT EXISTS "Cpu" (
      host STRING NOT NULL COMMENT 'the host' INVERTED INDEX,
      region STRING NULL DEFAULT 'eu' SKIPPING INDEX WITH (granularity = 8192),
      msg TEXT FULLTEXT INDEX WITH (analyzer = 'English'),
      usage DOUBLE DEFAULT 0,
      n BIGINT UNSIGNED,
      ts TIMESTAMP(9) DEFAULT CURRENT_TIMESTAMP(),
      TIME INDEX (ts),
      PRIMARY KEY (host, region),
    ) ENGINE=mito PARTITION ON COLUMNS (host) (host < 'm', host >= 'm') WITH (ttl = '7d', append_mode = 'true')`);
    expect(s).toMatchObject({
      type: 'create_table',
      ifNotExists: true,
      name: [{ value: 'Cpu', quote: '"' }],
      timeIndex: { value: 'ts' },
      primaryKey: [{ value: 'host' }, { value: 'region' }],
      engine: 'mito',
      partitions: { columns: [{ value: 'host' }], rules: [{ op: '<' }, { op: '>=' }] },
      options: { ttl: '7d', append_mode: 'true' },
    });
    if (s.type !== 'create_table') throw new Error();
    expect(s.columns.map((c) => c.dataType.name)).toEqual(['STRING', 'STRING', 'STRING', 'FLOAT64', 'UINT64', 'TIMESTAMP']);
    expect(s.columns[0]).toMatchObject({ nullable: false, comment: 'the host', indexes: [{ kind: 'INVERTED' }] });
    expect(s.columns[1]).toMatchObject({ nullable: true, default: { value: 'eu' }, indexes: [{ kind: 'SKIPPING', options: { granularity: '8192' } }] });
    expect(s.columns[5]).toMatchObject({ dataType: { precision: 9 }, default: { type: 'function' } });
  });
  it('CREATE TABLE with inline TIME INDEX / PRIMARY KEY and every type name', () => {
    const types = 'STRING TEXT VARCHAR DOUBLE FLOAT FLOAT64 FLOAT32 BIGINT INT INTEGER SMALLINT TINYINT INT64 INT32 INT16 INT8 UINT8 UINT16 UINT32 UINT64 BOOLEAN BOOL DATE DATETIME INTERVAL BINARY VARBINARY JSON TIMESTAMP_S TIMESTAMP_MS TIMESTAMP_US TIMESTAMP_NS TimestampSecond TimestampMillisecond TimestampMicrosecond TimestampNanosecond'.split(' ');
    const cols = types.map((t, i) => `c${i} ${t}`).join(', ');
    const s = one(`CREATE TABLE t (ts TIMESTAMP TIME INDEX, h STRING PRIMARY KEY, d DECIMAL(10, 2), ${cols})`);
    expect(s).toMatchObject({ type: 'create_table', timeIndex: { value: 'ts' }, primaryKey: [{ value: 'h' }] });
    if (s.type === 'create_table') expect(s.columns).toHaveLength(types.length + 3);
  });
  it('CREATE TABLE .. LIKE', () => {
    expect(one('CREATE TABLE b LIKE a')).toMatchObject({ type: 'create_table', like: [{ value: 'a' }] });
  });
  it('CREATE [OR REPLACE] FLOW [IF NOT EXISTS] .. SINK TO .. EXPIRE AFTER .. COMMENT .. AS SELECT', () => {
    const s = one("CREATE OR REPLACE FLOW IF NOT EXISTS f SINK TO out EXPIRE AFTER '1h' COMMENT 'c' AS SELECT count(*) FROM t GROUP BY date_bin(INTERVAL '1 minute', ts)");
    expect(s).toMatchObject({ type: 'create_flow', orReplace: true, ifNotExists: true, sink: [{ value: 'out' }], expireAfter: { value: '1h' }, comment: 'c', query: { type: 'query' } });
    expect(one("CREATE FLOW f SINK TO o EVAL INTERVAL '1m' AS SELECT 1")).toMatchObject({ evalInterval: { type: 'string', value: '1m' } });
    expect(one("CREATE FLOW f SINK TO o EXPIRE AFTER (INTERVAL '1 hour') AS SELECT 1")).toMatchObject({ expireAfter: { type: 'interval' } });
    expect(one("CREATE FLOW f SINK TO o AS TQL EVAL (0, 10, '5s') sum(rate(x[1m]))")).toMatchObject({ query: { type: 'tql', kind: 'EVAL', promql: 'sum(rate(x[1m]))' } });
  });
  it('CREATE TASK .. WINDOW_SIZE = "5m" AS SELECT (roadmap syntax)', () => {
    expect(one('CREATE TASK t1 WINDOW_SIZE = "5m" AS SELECT avg(v) FROM m GROUP BY host')).toMatchObject({ type: 'create_task', windowSize: '5m', query: { type: 'query' } });
  });
  it('CREATE VIEW', () => {
    expect(one('CREATE OR REPLACE VIEW v AS SELECT 1')).toMatchObject({ type: 'create_view', orReplace: true });
  });
  it('DROP TABLE|DATABASE|FLOW [IF EXISTS] names', () => {
    expect(one('DROP TABLE IF EXISTS a, db.b')).toMatchObject({ type: 'drop', object: 'TABLE', ifExists: true, names: [[{ value: 'a' }], [{}, { value: 'b' }]] });
    expect(one('DROP DATABASE d')).toMatchObject({ object: 'DATABASE', ifExists: false });
    expect(one('DROP FLOW IF EXISTS f')).toMatchObject({ object: 'FLOW' });
  });
  it('ALTER TABLE: ADD COLUMN, DROP COLUMN, RENAME, MODIFY COLUMN, SET/UNSET options', () => {
    expect(one("ALTER TABLE t ADD COLUMN IF NOT EXISTS k STRING DEFAULT 'x' PRIMARY KEY AFTER j, ADD COLUMN z INT FIRST")).toMatchObject({
      type: 'alter_table',
      actions: [
        { kind: 'add_column', ifNotExists: true, column: { name: { value: 'k' }, primaryKey: true }, location: { after: { value: 'j' } } },
        { kind: 'add_column', location: { first: true } },
      ],
    });
    expect(one('ALTER TABLE t DROP COLUMN k')).toMatchObject({ actions: [{ kind: 'drop_column', name: { value: 'k' } }] });
    expect(one('ALTER TABLE t RENAME TO t2')).toMatchObject({ actions: [{ kind: 'rename', newName: { value: 't2' } }] });
    expect(one('ALTER TABLE t RENAME "New"')).toMatchObject({ actions: [{ kind: 'rename', newName: { value: 'New' } }] });
    expect(one('ALTER TABLE t MODIFY COLUMN i STRING')).toMatchObject({ actions: [{ kind: 'modify_type', dataType: { name: 'STRING' } }] });
    expect(one('ALTER TABLE t MODIFY COLUMN i SET DEFAULT 1')).toMatchObject({ actions: [{ kind: 'set_default' }] });
    expect(one("ALTER TABLE t MODIFY COLUMN m SET FULLTEXT INDEX WITH (analyzer = 'Chinese')")).toMatchObject({ actions: [{ kind: 'set_index', index: 'FULLTEXT', options: { analyzer: 'Chinese' } }] });
    expect(one("ALTER TABLE t SET 'ttl' = '1d', 'compaction.type' = 'twcs'")).toMatchObject({ actions: [{ kind: 'set_options', options: { ttl: '1d', 'compaction.type': 'twcs' } }] });
    expect(one("ALTER TABLE t UNSET 'ttl'")).toMatchObject({ actions: [{ kind: 'unset_options', keys: ['ttl'] }] });
  });
  it('ALTER DATABASE SET/UNSET', () => {
    expect(one("ALTER DATABASE d SET 'ttl'='1h'")).toMatchObject({ type: 'alter_database', set: { ttl: '1h' } });
    expect(one("ALTER DATABASE d UNSET 'ttl'")).toMatchObject({ type: 'alter_database', unset: ['ttl'] });
  });
  it('TRUNCATE [TABLE] t', () => {
    expect(one('TRUNCATE TABLE t')).toMatchObject({ type: 'truncate', table: [{ value: 't' }] });
    expect(one('TRUNCATE "T"')).toMatchObject({ type: 'truncate', table: [{ value: 'T' }] });
  });
});

describe('SHOW, DESCRIBE, USE, EXPLAIN, ADMIN, SET, TQL', () => {
  const cases: [string, object][] = [
    ['SHOW DATABASES', { kind: 'DATABASES' }],
    ["SHOW DATABASES LIKE '%p%'", { kind: 'DATABASES', like: '%p%' }],
    ['SHOW TABLES FROM db', { kind: 'TABLES', database: [{ value: 'db' }] }],
    ["SHOW TABLES WHERE Tables = 'x'", { kind: 'TABLES', where: { type: 'binary' } }],
    ['SHOW FULL TABLES', { kind: 'TABLES', full: true }],
    ['SHOW CREATE TABLE t', { kind: 'CREATE TABLE', target: [{ value: 't' }] }],
    ['SHOW CREATE FLOW f', { kind: 'CREATE FLOW', target: [{ value: 'f' }] }],
    ['SHOW FLOWS', { kind: 'FLOWS' }],
    ['SHOW COLUMNS FROM t', { kind: 'COLUMNS', target: [{ value: 't' }] }],
    ['SHOW INDEX FROM t IN public', { kind: 'INDEX', target: [{ value: 't' }], database: [{ value: 'public' }] }],
  ];
  for (const [sql, want] of cases) it(sql, () => expect(one(sql)).toMatchObject({ type: 'show', ...want }));
  it('DESCRIBE / DESC [TABLE]', () => {
    expect(one('DESCRIBE t')).toMatchObject({ type: 'describe', table: [{ value: 't' }] });
    expect(one('DESC TABLE `T`')).toMatchObject({ type: 'describe', table: [{ value: 'T' }] });
  });
  it('USE db', () => expect(one('USE public')).toMatchObject({ type: 'use', database: { value: 'public' } }));
  it('EXPLAIN [ANALYZE] stmt', () => {
    expect(one('EXPLAIN SELECT 1')).toMatchObject({ type: 'explain', analyze: false, statement: { type: 'query', span: { text: 'SELECT 1' } } });
    expect(one('EXPLAIN ANALYZE VERBOSE SELECT 1')).toMatchObject({ analyze: true, verbose: true });
  });
  it('ADMIN func(args)', () => {
    expect(one("ADMIN flush_table('t')")).toMatchObject({ type: 'admin', call: { name: [{ value: 'flush_table' }], args: [{ value: 't' }] } });
  });
  it('SET name = value', () => {
    expect(one("SET time_zone = 'UTC'")).toMatchObject({ type: 'set', name: [{ value: 'time_zone' }], value: [{ value: 'UTC' }] });
  });
  it('TQL keeps PromQL as text', () => {
    expect(one("TQL EVAL (0, 10, '5s') sum by (host) (rate(cpu{a=~\"x\"}[1m]))")).toMatchObject({
      type: 'tql', kind: 'EVAL', params: [{}, {}, {}], promql: 'sum by (host) (rate(cpu{a=~"x"}[1m]))',
    });
  });
});

describe('COPY', () => {
  it('a table or a query, TO or FROM a quoted path, WITH and CONNECTION options (keys lower-cased)', () => {
    const [a] = parseSql("COPY TABLE db.t TO '/tmp/t.csv' WITH (FORMAT = 'csv', START_TIME = '2024-01-01 00:00:00')");
    expect(a).toMatchObject({ type: 'copy', direction: 'TO', table: [{ value: 'db' }, { value: 't' }], path: '/tmp/t.csv', options: { format: 'csv', start_time: '2024-01-01 00:00:00' }, connection: {} });
    const [b] = parseSql("COPY t FROM 's3://b/x/' WITH (format = 'json') CONNECTION (REGION = 'us-west-2')");
    expect(b).toMatchObject({ type: 'copy', direction: 'FROM', path: 's3://b/x/', connection: { region: 'us-west-2' } });
    const [c] = parseSql("COPY (SELECT a FROM t) TO 'q.json'");
    expect(c).toMatchObject({ type: 'copy', direction: 'TO', query: { type: 'query' }, options: {} });
  });
  it('refuses a missing direction, an unquoted path and a query copied FROM a file, with positions', () => {
    expect(() => parseSql("COPY t INTO '/x'")).toThrow(/TO or FROM.*line 1, column 8/);
    expect(() => parseSql('COPY t TO /x')).toThrow(/a file path in quotes after TO/);
    expect(() => parseSql("COPY (SELECT 1) FROM '/x'")).toThrow(/a query can only be copied to a file/);
  });
});
