-- unnest of a struct at the root of a select item spreads its fields into columns (one row each);
-- beside a list unnest the struct repeats on every row the list makes.
SELECT unnest(struct(7, 'seven', 7.5));

SELECT unnest(named_struct('host', 'web-1', 'cpu', 0.25)) ORDER BY 1;

SELECT unnest(named_struct('k', 10)), unnest([1, 2, 3]);

CREATE TABLE probes (host STRING, load DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host));

INSERT INTO probes VALUES ('a', 0.5, 1000), ('b', NULL, 2000);

SELECT ts, unnest(named_struct('who', host, 'load', load)) FROM probes ORDER BY ts;

-- inside an expression there are no columns to spread into
SELECT unnest(struct(1, 2)) + 1;

SELECT upper(unnest(named_struct('x', 'a')));

-- a field keeps its own type: the DOUBLE 2.0 stays a double
SELECT unnest(struct(CAST(2 AS DOUBLE), arrow_typeof(CAST(2 AS DOUBLE))));
