-- Scalar functions at their edges: NULL arguments, the SQL keyword forms, argument counts DataFusion refuses.
SELECT overlay('Txxxxas' PLACING 'hom' FROM 2 FOR 4) AS a, overlay('Txxxxas' PLACING 'hom' FROM 2) AS b, overlay(NULL PLACING 'x' FROM 1) AS c;

SELECT to_hex(255) AS a, to_hex(-1) AS b, to_hex(9223372036854775807) AS c, to_hex(NULL) AS d;

SELECT greatest(1, NULL, 3) AS a, least(NULL, NULL) AS b, coalesce(NULL, 2, 3) AS c, concat('a', NULL, 'b') AS d, concat_ws(NULL, 'a', 'b') AS e, concat_ws('-', 'a', NULL, 'b') AS f;

SELECT substr('abcdef', 0, 3) AS a, substr('abcdef', -1, 3) AS b, left('abc', -1) AS c, right('abc', -1) AS d, repeat('ab', -1) AS e, lpad('abc', 2) AS f;

SELECT build() LIKE 'branch: main%' AS b, (SELECT pkg_version FROM information_schema.build_info) = substr(build(), strpos(build(), 'version: ') + 9) AS same_version;

SELECT coalesce();

SELECT concat();

SELECT concat_ws(',');

SELECT greatest();

SELECT to_hex('ff');

SELECT build(1);
