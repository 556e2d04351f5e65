-- regexp_* functions: flags, capture groups, positions, Rust regex spellings, NULLs and argument errors.
SELECT regexp_match('Köln 2024-03', '(\d{4})-(\d{2})') AS a, regexp_match('abc', 'b') AS b, regexp_match('abc', 'x') AS c, regexp_match('aBc', 'b', 'i') AS d;

SELECT regexp_like('Hello', '^h') AS a, regexp_like('Hello', '^h', 'i') AS b, regexp_like('Hello', '(?i)^h') AS c, regexp_like('a1', '^[[:alpha:]][[:digit:]]$') AS d;

SELECT regexp_replace('aBcB', 'b', 'x') AS a, regexp_replace('aBcB', 'b', 'x', 'gi') AS b, regexp_replace('2024-03-05', '(\d+)-(\d+)-(\d+)', '\3/\2/\1') AS c;

SELECT regexp_count('abcabc', 'b') AS a, regexp_count('abcABC', 'b', 1, 'i') AS b, regexp_count('abcabc', 'b', 3) AS c;

SELECT regexp_instr('abcabc', 'c') AS a, regexp_instr('abcabc', 'c', 4) AS b, regexp_instr('abcabc', 'c', 1, 2) AS c, regexp_instr('xyz', 'c') AS d, regexp_instr('ab12cd', '([a-z])(\d)', 1, 1, '', 2) AS e;

SELECT regexp_instr('äöü-x', 'x') AS a, regexp_like('line1\nline2', '\Aline1') AS b, regexp_like('ab', 'a\z') AS c;

SELECT regexp_match(NULL, 'a') AS a, regexp_like('a', NULL) AS b, regexp_instr(NULL, 'a') AS c, regexp_count('a', NULL) AS d;

SELECT regexp_match('abc', '(');

SELECT regexp_like('abc', 'a', 'g');

SELECT regexp_instr('abc', 'a', 0);

SELECT regexp_match('abc');
