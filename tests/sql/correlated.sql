-- Correlated subqueries: EXISTS, NOT EXISTS, IN, NOT IN and scalar subqueries naming the outer query's columns.
CREATE TABLE pupils (pid INT, nick STRING, house STRING, ts TIMESTAMP TIME INDEX);

CREATE TABLE marks (pid INT, subject STRING, score INT, ts TIMESTAMP TIME INDEX);

INSERT INTO pupils VALUES (1, 'ada', 'red', 1), (2, 'bo', 'blue', 2), (3, 'cy', 'red', 3), (4, 'di', NULL, 4);

INSERT INTO marks VALUES (1, 'maths', 9, 1), (1, 'art', 4, 2), (2, 'maths', 6, 3), (2, 'art', NULL, 4), (5, 'maths', 7, 5);

SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid) ORDER BY nick;

SELECT nick FROM pupils p WHERE NOT EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid) ORDER BY nick;

SELECT nick FROM pupils p WHERE EXISTS (SELECT * FROM marks m WHERE m.pid = p.pid AND score > 8) OR nick = 'cy' ORDER BY nick;

SELECT nick, EXISTS (SELECT 1 FROM marks WHERE marks.pid = pupils.pid AND subject = 'art') AS has_art FROM pupils ORDER BY nick;

SELECT nick, (SELECT max(score) FROM marks m WHERE m.pid = p.pid) AS best FROM pupils p ORDER BY nick;

SELECT nick, (SELECT count(*) FROM marks m WHERE m.pid = p.pid) AS n, (SELECT count(score) FROM marks m WHERE m.pid = p.pid) AS scored FROM pupils p ORDER BY nick;

SELECT nick FROM pupils p WHERE (SELECT sum(score) FROM marks m WHERE m.pid = p.pid) > 7 ORDER BY nick;

SELECT m.pid, m.subject, m.score FROM marks m WHERE m.score = (SELECT max(score) FROM marks m2 WHERE m2.subject = m.subject) ORDER BY subject;

SELECT nick FROM pupils p WHERE 'art' IN (SELECT subject FROM marks m WHERE m.pid = p.pid) ORDER BY nick;

SELECT nick, 6 IN (SELECT score FROM marks m WHERE m.pid = p.pid) AS six, 6 NOT IN (SELECT score FROM marks m WHERE m.pid = p.pid) AS not_six FROM pupils p ORDER BY nick;

SELECT nick FROM pupils p WHERE pid IN (SELECT pid FROM marks m WHERE m.score > p.pid * 3) ORDER BY nick;

SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid AND m.score < p.pid * 3) ORDER BY nick;

SELECT nick, (SELECT max(score) FROM marks m WHERE m.pid <> p.pid) AS others FROM pupils p ORDER BY nick;

SELECT nick FROM pupils p WHERE EXISTS (SELECT subject FROM marks m WHERE m.pid = p.pid GROUP BY subject HAVING count(score) > 0 AND subject = 'art') ORDER BY nick;

SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid LIMIT 1) ORDER BY nick;

SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid LIMIT 0) ORDER BY nick;

SELECT nick, (SELECT count(*) FROM marks m WHERE m.pid = p.pid HAVING count(*) > 1) AS many FROM pupils p ORDER BY nick;

SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid AND EXISTS (SELECT 1 FROM marks m2 WHERE m2.subject = m.subject AND m2.pid <> m.pid AND m2.score > m.score)) ORDER BY nick;

SELECT house, count(*) FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid) GROUP BY house ORDER BY house;

SELECT * FROM pupils p WHERE NOT EXISTS (SELECT 1 FROM marks WHERE marks.pid = p.pid) ORDER BY pid;

SELECT nick FROM pupils p WHERE EXISTS (SELECT count(*) FROM marks m WHERE m.pid = p.pid) ORDER BY nick;

SELECT nick, (SELECT score FROM marks m WHERE m.pid = p.pid) FROM pupils p;

SELECT nick, (SELECT max(score) FROM marks m WHERE m.pid = p.pid GROUP BY subject) FROM pupils p;

SELECT house, (SELECT count(*) FROM marks m WHERE m.pid = p.pid) FROM pupils p GROUP BY house;

SELECT nick FROM pupils p ORDER BY (SELECT count(*) FROM marks m WHERE m.pid = p.pid) DESC, nick LIMIT 3;

SELECT DISTINCT house FROM pupils p WHERE NOT EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid AND m.score IS NULL) ORDER BY house NULLS LAST;

SELECT nick FROM pupils p WHERE pid = (SELECT min(pid) FROM pupils q WHERE q.house = p.house) ORDER BY nick;

SELECT nick FROM (SELECT nick, pid FROM pupils) AS sub WHERE EXISTS (SELECT 1 FROM marks WHERE marks.pid = sub.pid AND marks.subject = 'maths') ORDER BY nick;

SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid AND EXISTS (SELECT 1 FROM marks m2 WHERE m2.pid = p.pid AND m2.subject = 'art'));

SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.nosuch);

SELECT nick FROM pupils p WHERE p.pid IN (SELECT pid, score FROM marks m WHERE m.pid = p.pid);

SELECT nick FROM pupils p WHERE EXISTS (SELECT m.pid FROM marks m WHERE m.pid = p.pid GROUP BY p.house);

-- a LIMIT given by a scalar subquery inside a correlated subquery
SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid LIMIT (SELECT 0)) ORDER BY nick;

-- correlated two and three levels up: the inner subquery names the outermost query's columns
CREATE TABLE subjects (subject STRING, head STRING, ts TIMESTAMP TIME INDEX);

INSERT INTO subjects VALUES ('maths', 'ada', 1), ('art', 'bo', 2);

SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid AND EXISTS (SELECT 1 FROM subjects s WHERE s.subject = m.subject AND s.head = p.nick)) ORDER BY nick;

SELECT nick, (SELECT count(*) FROM marks m WHERE m.score > 5 AND EXISTS (SELECT 1 FROM subjects s WHERE s.subject = m.subject AND s.head = p.nick)) AS led FROM pupils p ORDER BY nick;

SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE m.pid = p.pid AND EXISTS (SELECT 1 FROM subjects s WHERE s.subject = m.subject AND EXISTS (SELECT 1 FROM pupils q WHERE q.nick = s.head AND q.house = p.house))) ORDER BY nick;

-- the subquery's own columns shadow the outer query's: pid here is m.pid, nick is p.nick
SELECT nick FROM pupils p WHERE EXISTS (SELECT 1 FROM marks m WHERE EXISTS (SELECT 1 FROM subjects s WHERE s.subject = m.subject AND s.head = nick AND pid = 5)) ORDER BY nick;

-- in an aggregate query: over the groups, naming group keys; inside an aggregate's argument, over the rows
SELECT house, count(*) AS n, (SELECT count(*) FROM pupils q WHERE q.house = p.house AND q.pid > 1) AS later FROM pupils p GROUP BY house ORDER BY house;

SELECT house, count(*) FROM pupils p GROUP BY house HAVING count(*) < (SELECT count(*) FROM marks m WHERE m.pid IN (SELECT pid FROM pupils q WHERE q.house = p.house)) ORDER BY house;

SELECT house, sum((SELECT count(*) FROM marks m WHERE m.pid = p.pid)) AS marked FROM pupils p GROUP BY house ORDER BY house;

SELECT house FROM pupils p GROUP BY house ORDER BY (SELECT max(score) FROM marks m WHERE m.pid IN (SELECT pid FROM pupils q WHERE q.house = p.house)) NULLS FIRST, house;

-- a subquery's own WITH is in scope inside it, also when its columns share names with the outer query's
CREATE TABLE tallies (score INT, ts TIMESTAMP TIME INDEX);

INSERT INTO tallies VALUES (42, 1), (7, 2);

WITH best AS (SELECT score AS s FROM tallies) SELECT * FROM best WHERE s = (WITH top AS (SELECT max(s) AS s FROM best) SELECT s FROM top);
