-- Binary (VARBINARY, BYTEA, BLOB): bytes shown as lower-case hex; text cast to bytes is its UTF-8.
CREATE TABLE blobs (k STRING, b VARBINARY, ts TIMESTAMP TIME INDEX, PRIMARY KEY (k));

INSERT INTO blobs VALUES ('text', 'héllo', 1), ('hex', X'00FF10', 2), ('empty', ''::BYTEA, 3), ('none', NULL, 4);

SELECT k, b, length(b), octet_length(b), arrow_typeof(b) FROM blobs ORDER BY ts;

SELECT k FROM blobs WHERE b = X'00ff10' OR b = 'héllo' ORDER BY k;

SELECT CAST(b AS STRING) FROM blobs WHERE k = 'text';

SELECT X'48690a', CAST(X'4869' AS VARCHAR), 'abc'::BLOB, CAST(NULL AS BYTEA);

SELECT CAST(X'ff' AS STRING);

SELECT TRY_CAST(X'ff' AS STRING);

SELECT X'abc';

SELECT X'zz';

SELECT CAST(42 AS VARBINARY);
