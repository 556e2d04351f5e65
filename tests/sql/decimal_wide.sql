-- Decimals wider than a double's 15 digits keep every digit in a table (stored as their exact text), and the
-- arithmetic on them takes Arrow's result types: / keeps the dividend's scale plus 4, precision capped at 38.
CREATE TABLE ledger (ts TIMESTAMP TIME INDEX, acct STRING PRIMARY KEY, amount DECIMAL(38, 10), fee DECIMAL(20, 4));

INSERT INTO ledger VALUES (1, 'a', 12345678901234567890.0123456789, 0.0001), (2, 'b', '-98765432109876543.21', 12345678901234.5678), (3, 'c', 0.1, 0.00005), (4, 'd', NULL, NULL), (5, 'e', -0.00000000005, -0.00005);

SELECT acct, amount, fee FROM ledger ORDER BY acct;

DESC TABLE ledger;

SELECT acct FROM ledger ORDER BY amount, acct;

SELECT acct FROM ledger ORDER BY fee DESC, acct;

SELECT sum(amount), min(amount), max(amount), count(amount), arrow_typeof(sum(amount)) FROM ledger;

SELECT sum(fee), avg(fee), arrow_typeof(avg(fee)) FROM ledger;

SELECT acct FROM ledger WHERE amount > '12345678901234567890.0123456788' ORDER BY acct;

SELECT acct, amount + fee, amount - fee, arrow_typeof(amount + fee) FROM ledger ORDER BY acct;

SELECT acct, fee * 3, arrow_typeof(fee * 3), fee / 3, arrow_typeof(fee / 3), fee % 7 FROM ledger ORDER BY acct;

SELECT amount * fee FROM ledger WHERE acct = 'a';

SELECT amount * amount FROM ledger WHERE acct = 'a';

SELECT CAST(amount AS VARCHAR), CAST(amount AS DOUBLE), CAST(fee AS BIGINT) FROM ledger WHERE acct = 'b';

-- a value beyond the column's precision is refused, as a cast to it would be
INSERT INTO ledger VALUES (6, 'f', 1, 12345678901234567.1);

SELECT CAST(10 AS DECIMAL(10, 2)) / 4, arrow_typeof(CAST(10 AS DECIMAL(10, 2)) / 4), arrow_typeof(CAST(7 AS DECIMAL(38, 36)) / 3);

-- the dividend is scaled up before dividing: past 38 digits that overflows, as in Arrow
SELECT CAST(7 AS DECIMAL(38, 36)) / CAST(3 AS DECIMAL(38, 0));

SELECT acct FROM ledger WHERE amount = 12345678901234567890.0123456789 OR fee = '12345678901234.5678' ORDER BY acct;

-- values a double cannot tell apart stay apart in groups, DISTINCT and joins
CREATE TABLE near (ts TIMESTAMP TIME INDEX, d DECIMAL(30, 2));

INSERT INTO near VALUES (1, '1234567890123456789.01'), (2, '1234567890123456789.02'), (3, '1234567890123456789.01');

SELECT d, count(*) FROM near GROUP BY d ORDER BY d;

SELECT count(DISTINCT d) FROM near;

SELECT count(DISTINCT CAST(d AS DOUBLE)) AS as_doubles FROM near;

SELECT a.ts, b.ts FROM near a JOIN near b ON a.d = b.d WHERE a.ts < b.ts;
