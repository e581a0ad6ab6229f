-- One row per (partner, vacancy_id): a later period's row supersedes an earlier open row;
-- rows that come after the period in which the vacancy was first filled are rejected.
CREATE OR REPLACE TEMP TABLE vacancy_history AS
SELECT r.*,
       min(CASE WHEN r.filled_on IS NOT NULL THEN r.period END)
           OVER (PARTITION BY r.partner, r.vacancy_id) AS first_filled_period
FROM raw.vacancy_rows AS r
JOIN clean.periods AS p USING (period);

CREATE OR REPLACE TABLE clean.vacancy_rejections AS
SELECT h.sha256, h.path, h.partner, h.period, 'vacancies' AS kind, h.row_number,
       'vacancy_id' AS "column", CAST(NULL AS VARCHAR) AS source_column, h.vacancy_id AS value,
       'filled_once' AS rule,
       'vacancy_id ' || h.vacancy_id || ' was already filled in ' || h.first_filled_period
           || '; a vacancy is counted once, this later row is not used' AS message
FROM vacancy_history AS h
WHERE h.period > h.first_filled_period
ORDER BY h.path, h.row_number;

CREATE OR REPLACE TABLE clean.vacancies AS
WITH eligible AS (
    SELECT *,
           row_number() OVER (PARTITION BY partner, vacancy_id ORDER BY period DESC) AS recency
    FROM vacancy_history
    WHERE first_filled_period IS NULL OR period <= first_filled_period
)
SELECT e.partner, e.vacancy_id, e.period, e.role, e.opened_on, e.filled_on, e.channel, c.field,
       e.cost, e.hours,
       CASE WHEN e.filled_on IS NULL THEN 'open' ELSE 'filled' END AS status,
       CASE WHEN e.filled_on IS NOT NULL THEN CAST(date_diff('day', e.opened_on, e.filled_on) AS INTEGER) END
           AS days_to_fill,
       e.sha256, e.path, e.row_number
FROM eligible AS e
JOIN clean.channels AS c USING (channel)
WHERE e.recency = 1
ORDER BY e.partner, e.vacancy_id;
