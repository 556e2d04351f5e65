-- Integer types: + - * wrap at their width (DataFusion's wrapping kernels), signed meets unsigned in the narrowest
-- signed type holding both, casts truncate toward zero and refuse what the target cannot hold.
SELECT 127::TINYINT + 1::TINYINT, arrow_typeof(127::TINYINT + 1::TINYINT), 255::TINYINT UNSIGNED + 1::TINYINT UNSIGNED, 100::SMALLINT * 400::SMALLINT, 0::INT UNSIGNED - 1::INT UNSIGNED;

SELECT 1::TINYINT - 2::TINYINT UNSIGNED, arrow_typeof(1::TINYINT - 2::TINYINT UNSIGNED), arrow_typeof(1::SMALLINT UNSIGNED + 1::INT), arrow_typeof(1::INT UNSIGNED * 1::TINYINT), arrow_typeof(1::BIGINT UNSIGNED + 1::INT);

SELECT CAST(3.7 AS INT), CAST(-3.7 AS INT), CAST(-0.5 AS BIGINT), CAST(2.5::FLOAT AS SMALLINT), CAST('42' AS TINYINT UNSIGNED);

SELECT CAST(300 AS TINYINT);

SELECT CAST(-1 AS INT UNSIGNED);

SELECT CAST('3.7' AS INT);

SELECT TRY_CAST(300 AS TINYINT), TRY_CAST(-1 AS INT UNSIGNED), TRY_CAST('x' AS BIGINT), TRY_CAST(1e20 AS BIGINT);

SELECT 7 / 2, -7 / 2, -7 % 3, 7 % -3, arrow_typeof(7 / 2);

SELECT 1 / 0;

SELECT 1.5::FLOAT * 3, 16777217::FLOAT, 0.1::FLOAT + 0.2::FLOAT, CAST(0.1::FLOAT AS DOUBLE), arrow_typeof(1::INT + 1.5::FLOAT);

-- the least value of a signed type divided by -1 has no answer in that type: refused (Arrow's checked div / rem),
-- while the other operators wrap; one more than the least is fine, and a wider type holds the answer
SELECT (-128)::TINYINT / (-1)::TINYINT;

SELECT (-32768)::SMALLINT % (-1)::SMALLINT;

SELECT (-2147483648)::INT / (-1)::INT;

SELECT (-127)::TINYINT / (-1)::TINYINT, (-2147483647)::INT % (-1)::INT, (-128)::TINYINT / -1, (-128)::TINYINT * (-1)::TINYINT;
