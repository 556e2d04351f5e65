CREATE TABLE logs_json (
    host STRING,
    attrs JSON,
    ts TIMESTAMP TIME INDEX,
    PRIMARY KEY(host)
) WITH (append_mode = 'true');

INSERT INTO logs_json VALUES
    ('a', '{"level":"error","code":500,"latency":1.5,"ok":false,"tags":["x","y"],"user":{"id":7,"name":"ann"}}', 1),
    ('b', '{"level":"info","code":200,"latency":0.25,"ok":true,"tags":[],"user":{"id":8}}', 2),
    ('c', '[1,2,3]', 3),
    ('d', '"plain"', 4),
    ('e', NULL, 5);

DESC TABLE logs_json;

SELECT host, attrs FROM logs_json ORDER BY host;

SELECT host, json_get_string(attrs, 'level') AS level, json_get_int(attrs, 'code') AS code, json_get_float(attrs, 'latency') AS latency, json_get_bool(attrs, 'ok') AS ok FROM logs_json ORDER BY host;

SELECT host, json_get_int(attrs, 'user.id') AS uid, json_get_string(attrs, '$.user.name') AS name, json_get_string(attrs, 'tags[1]') AS tag1 FROM logs_json ORDER BY host;

SELECT host FROM logs_json WHERE json_get_string(attrs, 'level') = 'error';

SELECT json_get_string(attrs, 'level') AS level, count(*) AS n FROM logs_json GROUP BY level ORDER BY level;

SELECT host, json_is_object(attrs) AS o, json_is_array(attrs) AS a, json_is_string(attrs) AS s, json_is_null(attrs) AS nul FROM logs_json ORDER BY host;

SELECT host, json_path_exists(attrs, '$.user.name') AS has_name, json_path_match(attrs, '$.code >= 500') AS bad FROM logs_json ORDER BY host;

SELECT host, json_to_string(attrs) AS t FROM logs_json WHERE host = 'b';

SELECT json_get_int(parse_json('{"a":{"b":[10,20]}}'), 'a.b[-1]') AS last;

SELECT json_is_int(parse_json('3')) AS i, json_is_float(parse_json('3.5')) AS f, json_is_bool(parse_json('true')) AS b;

SELECT parse_json('{not json') AS bad;

-- json_get_string prints scalars as their JSON text; a JSON null, an object or an array is not a string (NULL), as GreptimeDB answers; NULL in gives NULL out
SELECT json_get_string(parse_json('{"a":null,"o":{"b":[1,true]}}'), 'a') AS n, json_get_string(parse_json('{"a":null,"o":{"b":[1,true]}}'), 'o') AS o, json_get_string(NULL, 'a') AS nul, parse_json(NULL) AS pnull;

-- an invalid path is NULL for the getters, an error for json_path_exists
SELECT json_get_int(parse_json('{"a":1}'), '$[') AS bad_path;

SELECT json_path_exists(parse_json('{"a":1}'), '$[');

-- the path operators: last, last - n, ranges, unions, ':' keys, filters on the current item and in brackets, descendants
SELECT json_get_int(parse_json('[1,2,3]'), '$[last]') AS l, json_get_int(parse_json('[1,2,3]'), '$[last - 1]') AS l1, json_get_int(parse_json('[1,2,3]'), '$[1 to last]') AS r, json_get_int(parse_json('{"a":5}'), '$:a') AS colon, json_get_int(parse_json('[10,20,30]'), '$[2, 0]') AS u;

SELECT json_get_int(parse_json('{"items":[{"p":5,"id":1},{"p":20,"id":2}]}'), '$.items[*] ? (@.p > 10).id') AS f1, json_get_int(parse_json('{"items":[{"p":5,"id":1},{"p":20,"id":2}]}'), '$.items[?(@.p < 10)].id') AS f2, json_get_int(parse_json('{"x":{"y":{"z":7}}}'), '$..z') AS d;

SELECT json_path_exists(parse_json('{"a":[1,5]}'), '$.a ? (@ > 3)') AS yes, json_path_exists(parse_json('{"a":[1,2]}'), '$.a ? (@ > 3)') AS no;

-- json_path_match: exists(), string literals, NULL in gives NULL out
SELECT json_path_match(parse_json('{"a":[1,5]}'), 'exists($.a ? (@ > 3))') AS e, json_path_match(parse_json('{"a":"x"}'), '$.a == "x" && !($.a == "y")') AS s, json_path_match(NULL, '$.a == 1') AS n;

-- Bytes into a JSON column: UTF-8 JSON text becomes that value; other bytes are kept as given (GreptimeDB's JSON is a
-- binary column and takes them unchecked) and show as their text.
CREATE TABLE json_bytes (j JSON, ts TIMESTAMP TIME INDEX);

INSERT INTO json_bytes VALUES (X'7b2261223a5b312c325d7d', 1), ('\x01\x02'::BYTEA, 2);

SELECT j, json_get_int(j, 'a[1]') FROM json_bytes ORDER BY ts;

DELETE FROM json_bytes;
