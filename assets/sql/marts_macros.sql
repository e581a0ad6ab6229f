-- Exact division for the marts. DuckDB divides DECIMALs in DOUBLE, so a quotient is computed on
-- HUGEINT "units" (the value times 10^scale) with integer division and rounded half away from
-- zero to the scale of the result: no binary float ever touches a figure. Overflow raises an
-- error (inputs must stay below 10^14 in absolute value), it never wraps silently.
CREATE SCHEMA IF NOT EXISTS marts;

CREATE OR REPLACE TEMP MACRO units4(x) AS
    CAST(CAST(x AS DECIMAL(38,4)) * 10000 AS HUGEINT);

CREATE OR REPLACE TEMP MACRO units12(x) AS
    CAST(CAST(x AS DECIMAL(38,12)) * 1000000000000 AS HUGEINT);

-- n / d for HUGEINTs, rounded half away from zero; NULL when d = 0.
CREATE OR REPLACE TEMP MACRO rounded_quotient(n, d) AS
    CASE WHEN d <> 0 THEN sign(n) * sign(d) * ((abs(n) + abs(d) // 2) // abs(d)) END;

-- a / b rounded to 2, 4 or 10 decimals; NULL when b = 0.
CREATE OR REPLACE TEMP MACRO quotient2(a, b) AS
    CAST(CAST(rounded_quotient(units12(a) * 100, units12(b)) AS DECIMAL(38,0)) * 0.01
         AS DECIMAL(38,2));

CREATE OR REPLACE TEMP MACRO quotient4(a, b) AS
    CAST(CAST(rounded_quotient(units12(a) * 10000, units12(b)) AS DECIMAL(38,0)) * 0.0001
         AS DECIMAL(38,4));

CREATE OR REPLACE TEMP MACRO quotient10(a, b) AS
    CAST(CAST(rounded_quotient(units12(a) * 10000000000, units12(b)) AS DECIMAL(38,0))
         * 0.0000000001 AS DECIMAL(38,10));

-- One stage's warnings are gathered here and then replace that stage's rows in marts.warnings.
CREATE TABLE IF NOT EXISTS marts.warnings (
    scope VARCHAR NOT NULL,     -- partner id or 'programme'
    period VARCHAR,             -- quarter, year, or NULL for a programme-wide parameter
    figure VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    stage VARCHAR NOT NULL      -- the mart that raised it: a rebuild replaces only its own rows
);

CREATE OR REPLACE TEMP TABLE stage_warnings (
    scope VARCHAR NOT NULL, period VARCHAR, figure VARCHAR NOT NULL, rule VARCHAR NOT NULL,
    message VARCHAR NOT NULL
);
