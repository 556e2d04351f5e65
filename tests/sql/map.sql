-- Map values (DataFusion's map functions): built from two lists, one pair, or make_map's pairs; read by key, as
-- lists of keys, values or entries; printed as Arrow prints a map; NULL maps give NULL; bad keys are refused.
SELECT map(['cpu', 'mem'], [0.5, 0.25]) AS m, map('region', 'eu-west') AS one, make_map(10, 'ten', 20, NULL) AS ints;

SELECT map_extract(make_map('a', 1, 'b', 2), 'b') AS hit, map_extract(make_map('a', 1), 'zz') AS miss, element_at(make_map(1, 'x'), 1) AS by_int;

SELECT map_keys(make_map('k1', true, 'k2', false)) AS ks, map_values(make_map('k1', 1, 'k2', NULL)) AS vs, map_entries(map(['p', 'q'], [7, 8])) AS es;

SELECT make_map('a', 1, 'b', 2)['b'] AS b, make_map('a', 1)['nope'] AS none, cardinality(make_map('a', 1, 'b', 2, 'c', 3)) AS entries;

CREATE TABLE hosts (ts TIMESTAMP TIME INDEX, host STRING PRIMARY KEY, cpu DOUBLE, mem DOUBLE);

INSERT INTO hosts VALUES (1, 'h1', 0.5, NULL), (2, 'h2', 0.75, 0.125), (3, 'h3', NULL, NULL);

SELECT host, map(['cpu', 'mem'], [cpu, mem]) AS usage, map(['cpu', 'mem'], [cpu, mem])['cpu'] * 100 AS pct FROM hosts ORDER BY host;

SELECT host, map_keys(CASE WHEN cpu > 0.6 THEN make_map('hot', host) END) AS hot FROM hosts ORDER BY host;

SELECT map_extract(NULL, 'a') AS n1, map_keys(NULL) AS n2, cardinality(NULL) AS n3;

SELECT [make_map('a', 1), make_map('b', 2)] AS list_of_maps, named_struct('tags', make_map('env', 'prod')) AS in_struct;

SELECT map(['a', 'b', 'a'], [1, 2, 3]);

SELECT map(['a', NULL], [1, 2]);

SELECT map(['a', 'b'], [1]);

SELECT make_map('a', 1, 'b');

SELECT map_values([1, 2]);

SELECT map_keys(make_map('a', 1), 'extra');

-- DataFusion's map literal: MAP {key: value, ...} is map([keys], [values]); values keep their type
SELECT MAP {'a': 1.0, 'b': 2} AS m, MAP {'a': 1.0, 'b': 2}['b'] AS b, MAP {} AS empty;

SELECT map_keys(MAP {1: 'x', 2: 'y'}) AS k, map_values(MAP {'t': arrow_cast(1, 'Timestamp(Second, None)')}) AS v;

SELECT MAP {'k': 1, 'k': 2};

SELECT MAP {'k' 1};
