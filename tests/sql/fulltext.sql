-- Full-text functions: matches_term / @@ (GreptimeDB's term-boundary rule) and matches(): each word or phrase a
-- case-sensitive substring (GreptimeDB's LIKE '%w%'), and on a FULLTEXT INDEX column also a match of the analyzer's tokens.
CREATE TABLE logs (ts TIMESTAMP TIME INDEX, message STRING, cs STRING FULLTEXT INDEX WITH (case_sensitive = 'true'), zh STRING FULLTEXT INDEX WITH (analyzer = 'Chinese'));

INSERT INTO logs VALUES (1, 'An error occurred!', 'Error Here', '系统发生错误'), (2, 'Critical error: system failure', 'error here', '网络正常'), (3, 'error-prone', 'ERROR', '错误'), (4, 'errors', 'nothing', NULL), (5, 'error123', 'x', '发生'), (6, 'errorLogs', 'x', 'x'), (7, 'GET /app/start', 'x', 'x'), (8, 'start/stop', 'x', 'x'), (9, 'Alert: system failure detected', 'x', 'x'), (10, 'system-failure', 'x', 'x'), (11, NULL, 'x', 'x');

SELECT ts, message FROM logs WHERE matches_term(message, 'error') ORDER BY ts;

SELECT ts, message FROM logs WHERE message @@ '/start' ORDER BY ts;

SELECT ts, message FROM logs WHERE message @@ 'system failure' ORDER BY ts;

SELECT ts, matches_term(message, 'Error'), lower(message) @@ 'error' FROM logs WHERE ts <= 4 OR ts = 11 ORDER BY ts;

SELECT ts, message FROM logs WHERE matches(message, 'ERROR OR start') ORDER BY ts;

SELECT ts, message FROM logs WHERE matches(message, '"system failure" -critical') ORDER BY ts;

SELECT ts, message FROM logs WHERE matches(message, 'system AND (alert OR critical)') ORDER BY ts;

SELECT ts, cs FROM logs WHERE matches(cs, 'error') ORDER BY ts;

SELECT ts, zh FROM logs WHERE matches(zh, '错误') ORDER BY ts;

SELECT ts, zh FROM logs WHERE matches(zh, '发生错误') ORDER BY ts;

SELECT message FROM logs WHERE matches(message, 'a AND');

SELECT message FROM logs WHERE matches(message, 'x "unterminated');

SELECT message FROM logs WHERE matches(message, '(a OR b');

SELECT message FROM logs WHERE matches(message, '--- OR a');

CREATE TABLE docs (ts TIMESTAMP TIME INDEX, plain STRING, indexed STRING FULLTEXT INDEX);

INSERT INTO docs VALUES (1, 'errors here', 'errors here'), (2, 'an error', 'an error'), (3, 'Error', 'Error'), (4, '错误发生', '错误发生');

SELECT ts, matches(plain, 'error'), matches(indexed, 'error'), matches(plain, '错误 -警告'), matches(plain, 'rror') FROM docs ORDER BY ts;

-- matches_term on mixed scripts (GreptimeDB's fulltext_index_pruning cases): a class change cuts an ASCII term
-- ('error' in '错误error日志', '18888888888' after '手机号'), a term holding Han is a substring.
CREATE TABLE mixed (ts TIMESTAMP TIME INDEX, msg STRING FULLTEXT INDEX WITH (analyzer = 'Chinese'));

INSERT INTO mixed VALUES (1, 'hello_world'), (2, 'trace_id=abc'), (3, '错误error日志'), (4, '登录手机号18888888888的动态key'), (5, '中国农业银行'), (6, '连接timeout.5次'), (7, '用户user-123登录'), (8, 'criticalerrors'), (9, '口café>');

SELECT ts, msg @@ 'world' AS w, msg @@ 'id' AS i, msg @@ 'error' AS e, msg @@ '手机号' AS a, msg @@ '机号1888' AS b, msg @@ '18888888888' AS n, msg @@ '农业' AS c, msg @@ 'timeout' AS t, msg @@ 'user' AS u, msg @@ 'café' AS f FROM mixed ORDER BY ts;

SELECT ts, matches(msg, 'error'), matches(msg, '手机号') FROM mixed ORDER BY ts;
