-- Scalar functions by family: math, strings, hashing and encodings, IP addresses, vectors; NULLs in, NULLs out; wrong arity refused.
SELECT factorial(0), factorial(5), factorial(20), cot(1), asinh(0), acosh(1), atanh(0);

SELECT clamp(10, 1, 3), clamp(-4, 1, 3), clamp(2.5, 1, 3), clamp_min(0, 1), clamp_max(10, 3), clamp(NULL, 1, 3);

SELECT nanvl(CAST('NaN' AS DOUBLE), 2), nanvl(1.5, 2), nanvl(NULL, 2);

SELECT factorial(21);

SELECT clamp(5, 3, 1);

SELECT contains('observability', 'serv'), contains('abc', 'z'), find_in_set('cpu', 'mem,cpu,disk'), find_in_set('net', 'mem,cpu'), levenshtein('flaw', 'lawn');

SELECT substring_index('a.b.c.d', '.', 2), substring_index('a.b.c.d', '.', -1), substring_index('a.b', '.', 0), overlay('2024-xx-01', '06', 6, 2), regexp_count('ab12cd345', '[0-9]');

-- regular expressions: flags as PostgreSQL's (i, s, m; g only for regexp_replace); a pattern that does not compile is a 400
SELECT regexp_like('Abc', '^a'), regexp_like('Abc', '^a', 'i'), regexp_replace('a1b22', '[0-9]+', 'N'), regexp_replace('a1b22', '[0-9]+', 'N', 'g'), 'Abc' ~* '^a', 'Abc' !~ 'z';

SELECT 'abc' ~ '(';

SELECT regexp_like('abc', 'a[');

SELECT regexp_like('abc', 'a', 'g');

SELECT regexp_count('abc', 'b', 1, 'x');

SELECT nvl2(NULL, 'set', 'unset'), nvl2(0, 'set', 'unset'), contains(NULL, 'a'), levenshtein('a', NULL);

SELECT md5('eddy'), sha224('eddy'), sha256('eddy'), arrow_typeof(sha512('eddy'));

SELECT digest('eddy', 'sha384') = sha384('eddy'), encode('time series', 'base64'), decode('dGltZSBzZXJpZXM=', 'base64'), encode('ab', 'hex'), decode('6162', 'hex');

SELECT encode('x', 'rot13');

SELECT length(uuid()), uuid() = uuid();

SELECT ipv4_num_to_string(167772161), ipv4_string_to_num('10.0.0.1'), ipv4_to_cidr('172.16.33.7', 12), ipv4_in_range('172.31.0.1', '172.16.0.0/12'), ipv4_in_range('172.32.0.1', '172.16.0.0/12');

SELECT ipv6_to_cidr('fe80::1:2:3:4', 64), ipv6_in_range('fe80::abcd', 'fe80::/10'), ipv6_string_to_num('::1'), ipv6_num_to_string('00000000000000000000ffffc0a80001'), ipv6_num_to_string(ipv6_string_to_num('2001:0db8:0000:0000:0000:0000:0000:0001'));

SELECT ipv4_string_to_num('10.0.0.256');

SELECT vec_to_string(parse_vec('[0.5, 1, -2]')), vec_dim('[1,2,3,4]'), vec_elem_sum('[1,2,3]'), vec_elem_product('[1,2,3,4]'), vec_kth_elem('[7,8,9]', 2);

SELECT vec_dot_product('[1,2,3]', '[1,1,1]'), vec_l2sq_distance('[0,0]', '[3,4]'), vec_cos_distance('[1,1]', '[2,2]'), vec_cos_distance('[1,0]', '[-1,0]');

SELECT vec_to_string(vec_sub('[5,5]', '[1,2]')), vec_to_string(vec_mul('[1,2]', '[3,4]')), vec_to_string(vec_div('[1,2]', '[4,8]')), vec_to_string(vec_scalar_mul(2, '[1,1.5]')), vec_to_string(vec_scalar_add(-1, '[1,2]')), vec_to_string(vec_norm('[0,5]')), vec_to_string(vec_subvector('[1,2,3,4,5]', 1, 4));

CREATE TABLE embeddings (ts TIMESTAMP TIME INDEX, doc STRING PRIMARY KEY, v STRING);

INSERT INTO embeddings VALUES (1, 'a', '[1,0,0]'), (2, 'b', '[0,1,0]'), (3, 'c', '[0.9,0.1,0]'), (4, 'd', NULL);

SELECT doc, vec_cos_distance(v, '[1,0,0]') AS d FROM embeddings ORDER BY d, doc;

SELECT doc, vec_l2sq_distance(v, '[1,0,0]') AS d FROM embeddings WHERE v IS NOT NULL ORDER BY d LIMIT 2;

SELECT vec_dot_product('[1,2]', '[1,2,3]');

SELECT parse_vec('[1, two]');

SELECT vec_kth_elem('[1,2]', 5);

SELECT abs(1, 2);

SELECT sha256();

SELECT clamp(1, 2);

SELECT date_add('2024-01-31 10:00:00'::TIMESTAMP, INTERVAL '1 month'), date_sub('2024-03-01'::DATE, INTERVAL '1 day'), date_add(NULL::TIMESTAMP, INTERVAL '1 day'), make_date(2024, 2, 29);

SELECT make_date(2023, 2, 29);

SELECT date_add('2024-01-01'::DATE);

-- CASE evaluates a branch only on the rows that choose it: the division and the IPv6 function never see the rows
-- another branch takes
SELECT x, CASE WHEN x = 0 THEN 0 ELSE 10 / x END AS q FROM (VALUES (0), (2), (5)) AS t(x) ORDER BY x;

SELECT a, CASE WHEN a LIKE '%:%' THEN ipv6_to_cidr(a, 64) ELSE ipv4_to_cidr(a, 24) END AS net FROM (VALUES ('10.1.2.3'), ('fe80::1'), (NULL)) AS t(a) ORDER BY a;

SELECT CASE x WHEN 1 THEN 'one' WHEN 2 THEN 'two' END FROM (VALUES (1), (2), (3)) AS t(x) ORDER BY x;

SELECT CASE WHEN x > 0 THEN 1 / 0 ELSE 0 END FROM (VALUES (1)) AS t(x);

SELECT inet_ntoa(3232235777), inet_aton('10.0.0.1'), inet_ntoa(NULL);

-- DataFusion's other spellings of a function call it and are named by it; their arity is the function's
SELECT position('hello world', 'o'), instr('hello world', 'w'), substr_index('a.b.c', '.', 2), char_length('héllo'), pow(2, 10), ifnull(NULL, 3);

SELECT datetrunc('hour');

SELECT ipv4_to_cidr('192.168.7.0') AS by_zeros, ipv4_to_cidr('10.0.0.0') AS a8, ipv4_to_cidr('172.16') AS two_parts, ipv4_to_cidr('9') AS one_part, ipv4_to_cidr('10.1.2.3') AS host, ipv4_to_cidr('0.0.0.0') AS all4;

SELECT ipv6_to_cidr('2001:db8::') AS by_groups, ipv6_to_cidr('2001:db8') AS partial, ipv6_to_cidr('2001:db9:ab00::') AS half_group, ipv6_to_cidr('fd00::1:2') AS host, ipv6_to_cidr('::') AS all6, ipv6_to_cidr('::ffff:10.1.2.3', 120) AS mapped;

SELECT ipv4_to_cidr('1.2.3.4.5');

SELECT ipv6_to_cidr('fe80::1') AS link_local, ipv6_to_cidr('fe80::a:b:c:d') AS link_local_host, ipv6_to_cidr('2001:db8:1::1') AS documentation, ipv6_to_cidr('2001:db9::1') AS other, ipv6_to_cidr('::1') AS loopback;
