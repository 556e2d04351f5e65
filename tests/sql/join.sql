CREATE TABLE l (id STRING PRIMARY KEY, v DOUBLE, ts TIMESTAMP TIME INDEX);

CREATE TABLE r (id STRING PRIMARY KEY, w STRING, ts TIMESTAMP TIME INDEX);

INSERT INTO l VALUES ('a', 1, 0), ('b', 2, 0), ('c', 3, 0);

INSERT INTO r VALUES ('a', 'x', 0), ('b', 'y', 0), ('d', 'z', 0);

SELECT l.id, l.v, r.w FROM l JOIN r ON l.id = r.id ORDER BY l.id;

SELECT l.id, r.w FROM l LEFT JOIN r ON l.id = r.id ORDER BY l.id;

SELECT l.id, r.id, r.w FROM l RIGHT JOIN r ON l.id = r.id ORDER BY r.id;

SELECT l.id, r.id FROM l FULL OUTER JOIN r ON l.id = r.id ORDER BY l.id NULLS LAST, r.id;

SELECT count(*) FROM l CROSS JOIN r;

SELECT l.id, r.w FROM l, r WHERE l.id = r.id AND l.v > 1;

SELECT a.id, b.id FROM l a JOIN l b ON a.v < b.v ORDER BY a.id, b.id;

SELECT id FROM l JOIN r ON l.id = r.id;
