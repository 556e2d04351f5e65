-- Joins and set operations over timestamps of two units: the keys meet in the coarser unit, as `=` compares them
-- (a millisecond reading of 12:00:05.250 joins the second it falls in), and a UNION / INTERSECT / EXCEPT of two
-- units has the coarser one as its column type.
CREATE TABLE beats (at TIMESTAMP_S TIME INDEX, label STRING);

CREATE TABLE ticks (at TIMESTAMP_MS TIME INDEX, v DOUBLE);

INSERT INTO beats VALUES ('2021-06-01 12:00:05', 'five'), ('2021-06-01 12:00:06', 'six'), ('2021-06-01 12:00:09', 'nine');

INSERT INTO ticks VALUES ('2021-06-01 12:00:05.250', 1.5), ('2021-06-01 12:00:05.999', 2.5), ('2021-06-01 12:00:06', 3.5), ('2021-06-01 12:00:07.001', 4.5);

SELECT b.label, t.at, t.v FROM beats b JOIN ticks t ON b.at = t.at ORDER BY t.at;

SELECT b.label, t.v FROM beats b LEFT JOIN ticks t ON t.at = b.at ORDER BY b.at, t.v;

SELECT b.label, t.v FROM beats b, ticks t WHERE b.at = t.at AND t.v > 2 ORDER BY t.v;

SELECT label FROM beats b WHERE EXISTS (SELECT 1 FROM ticks t WHERE t.at = b.at) ORDER BY label;

SELECT at FROM beats UNION SELECT at FROM ticks ORDER BY at;

SELECT arrow_typeof(at) FROM (SELECT at FROM ticks UNION ALL SELECT at FROM beats) LIMIT 1;

SELECT at FROM ticks INTERSECT SELECT at FROM beats ORDER BY at;

SELECT at FROM ticks EXCEPT SELECT at FROM beats ORDER BY at;

SELECT at FROM ticks INTERSECT ALL SELECT at FROM beats ORDER BY at;

SELECT at FROM beats INTERSECT SELECT at FROM ticks ORDER BY at;

SELECT at FROM beats EXCEPT SELECT at FROM ticks ORDER BY at;
