-- String functions: the keyword call forms (POSITION .. IN, TRIM .. FROM, SUBSTRING .. FROM .. FOR), the MySQL family
-- GreptimeDB adds (locate, elt, field, insert, space, ucase / lcase / mid, FORMAT), regexp_extract and string_to_array.
SELECT POSITION('ser' IN 'observer'), POSITION('zz' IN 'observer'), POSITION('' IN 'abc'), POSITION(NULL IN 'abc');

SELECT TRIM('-' FROM '--gauge--'), TRIM(LEADING '-' FROM '--gauge--'), TRIM(TRAILING '-' FROM '--gauge--'), TRIM(BOTH FROM '  pad  ');

SELECT SUBSTRING('telemetry' FROM 5), SUBSTRING('telemetry' FROM 2 FOR 3), SUBSTRING('telemetry', 1, 4);

CREATE TABLE sensors(host STRING, note STRING, ts TIMESTAMP TIME INDEX, PRIMARY KEY(host));

INSERT INTO sensors VALUES ('edge-1', 'disk: warn', 1000), ('core-7', 'cpu: ok; disk: ok', 2000), ('edge-22', NULL, 3000);

SELECT host, POSITION('-' IN host) AS dash, TRIM('e' FROM host) AS trimmed FROM sensors ORDER BY ts;

-- locate counts characters from 1; the optional third argument is where the search starts
SELECT locate('ok', 'cpu: ok; disk: ok'), locate('ok', 'cpu: ok; disk: ok', 7), locate('zz', 'abc'), locate('', 'abc'), locate('界', '世界'), locate(NULL, 'a');

SELECT host, locate('disk', note) AS at_disk FROM sensors ORDER BY ts;

-- elt picks the k-th argument (NULL outside 1..n); field gives the index of the first equal argument (0 when none)
SELECT elt(2, 'low', 'mid', 'high'), elt(4, 'low', 'mid', 'high'), elt(0, 'x'), elt(NULL, 'x');

SELECT field('mid', 'low', 'mid', 'high'), field('MID', 'low', 'mid'), field(NULL, 'a'), field(3, 1, 2, 3), field(7, '7.0', 8), field(5, 'x5', 5);

-- insert(s, pos, len, new) replaces len characters at pos; a pos outside s leaves s alone
SELECT insert('timeseries', 5, 6, '-db'), insert('abc', 2, 100, 'Z'), insert('abc', 0, 1, 'Z'), insert('abc', 4, 1, 'Z'), insert('日本語', 2, 1, 'x');

SELECT concat('[', space(3), ']'), space(0), space(-2), space(NULL), ucase('Mixed'), lcase('Mixed'), mid('observability', 3, 4);

-- FORMAT(number, decimals): rounded, with thousands separators
SELECT format(9876543.2109, 2), format(9876543.5, 0), format(-0.125, 2), format(42, 3), format(NULL, 1);

-- FORMAT(template, ...): {} positional, {name} by a following (name, value) pair, {{ }} literal braces
SELECT format('{} of {}', 3, 7), format('host={host} cpu={}', 'host', 'edge-1', 0.5), format('{{{}}}', 'x'), format('{} {}', 'only');

SELECT format('{} has note {}', host, note) FROM sensors ORDER BY ts;

SELECT regexp_extract('build 2024.11.3 done', '[0-9]+\.[0-9]+\.[0-9]+'), regexp_extract('no digits', '[0-9]+'), regexp_extract('k=v', '(\w)=(\w)', 2);

SELECT string_to_array('a,b,,c', ','), string_to_array('abc', NULL), string_to_array('abc', ''), string_to_array('', ','), string_to_array(NULL, ',');

SELECT replace('abc', '', 'x'), replace('a-b-c', '-', '+'), initcap('élan vital über'), initcap('ice-cream 2go');

SELECT rand() >= 0 AND rand() < 1;

-- mod is the % operator: an integer divided by zero is an error
SELECT mod(17, 5), mod(-17, 5), mod(17.5, 5);

SELECT mod(1, 0);

SELECT locate('a');

DROP TABLE sensors;
