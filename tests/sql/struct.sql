-- Struct functions: struct names fields c0, c1, ...; named_struct takes constant names; get_field reads one field.
SELECT struct(1, 'a', NULL) AS s, named_struct('x', 1.5, 'y', make_array(1, 2)) AS n, struct(struct(1)) AS nested;

SELECT get_field(named_struct('x', 1, 'y', 'b'), 'y') AS y, get_field(struct(7, 8), 'c1') + 1 AS c1, get_field(NULL, 'x') AS none;

CREATE TABLE st (ts TIMESTAMP TIME INDEX, host STRING PRIMARY KEY, v DOUBLE);

INSERT INTO st VALUES (1, 'a', 1.5), (2, 'b', NULL);

SELECT host, named_struct('host', host, 'v', v) AS s, get_field(named_struct('v', v), 'v') * 2 AS v2 FROM st ORDER BY host;

SELECT named_struct('x', 1, 'y');

SELECT named_struct('x', 1, 'x', 2);

SELECT get_field(struct(1), 'nope');

SELECT get_field(1, 'x');

SELECT struct();

SELECT host, unnest(named_struct('host_upper', upper(host), 'v2', v * 2)) FROM st ORDER BY host;

DROP TABLE st;

SELECT unnest(struct(1, 'a', NULL));

SELECT unnest([1, 2]) AS n, unnest(named_struct('k', 'x'));
