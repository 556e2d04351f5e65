-- A database's WITH options: stored, shown, changed; its tables inherit its TTL while they have none of their own
-- (and follow its changes), and copy its engine options when they are created.
CREATE DATABASE opts WITH (ttl = '1 hour', 'append_mode' = 'true', 'compaction.type' = 'twcs', 'memtable.type' = 'bulk');

SHOW CREATE DATABASE opts;

SHOW FULL DATABASES LIKE 'opt%';

SELECT schema_name, options FROM information_schema.schemata WHERE schema_name = 'opts';

USE opts;

CREATE TABLE inherits (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host));

CREATE TABLE own (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) WITH (ttl = '6 hours', append_mode = 'false');

SHOW CREATE TABLE inherits;

SHOW CREATE TABLE own;

-- the rows are 2 hours old (the clock is at 2024-01-01T00:00:00Z): the database's 1 hour hides them, the table's own 6 hours keeps them
INSERT INTO inherits VALUES ('a', 1, '2023-12-31T22:00:00Z'), ('b', 2, '2023-12-31T23:59:00Z');

INSERT INTO own VALUES ('a', 1, '2023-12-31T22:00:00Z');

SELECT host, v FROM inherits ORDER BY host;

SELECT host, v FROM own ORDER BY host;

ALTER DATABASE opts SET ttl = '1 day';

SHOW CREATE DATABASE opts;

SHOW CREATE TABLE inherits;

SELECT host, v FROM inherits ORDER BY host;

ALTER TABLE own UNSET 'ttl';

SHOW CREATE TABLE own;

ALTER TABLE own SET 'ttl' = '0s';

SHOW CREATE TABLE own;

ALTER DATABASE opts SET ttl = '';

SHOW CREATE DATABASE opts;

ALTER DATABASE opts UNSET 'ttl';

ALTER DATABASE opts UNSET 'compaction.type';

SHOW CREATE DATABASE opts;

SHOW CREATE TABLE inherits;

ALTER DATABASE opts SET ttl = 'instant';

ALTER DATABASE opts SET 'nope' = '1';

ALTER DATABASE opts UNSET 'nope';

ALTER DATABASE missing SET ttl = '1h';

SHOW CREATE DATABASE missing;

CREATE DATABASE bad WITH (ttl = 'instant');

USE public;

DROP DATABASE opts;
