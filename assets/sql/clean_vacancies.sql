-- One row per (partner, vacancy_id): a later period's row supersedes an earlier open row;
-- rows that come after the period in which the vacancy was first filled are rejected.
-- The row kept is the one of the first period in which the vacancy is reported filled, or, while
-- it is open, of the last period that reports it. (A narrow group-by on the keys and a join
-- rather than a window over every raw row with all its columns: several times less work on a
-- sector's millions of rows. A partner sends one vacancy file per period and a vacancy_id once
-- per file, so partner, vacancy_id and period find one row; the blocking check on
-- clean.vacancies holds that. Rows are not stored in key order: every published table is written
-- ORDER BY its key.)
--
-- Over the temp view vacancy_rows_to_clean: every raw vacancy row, or (see
-- assets/clean.py, build_clean_vacancies) every raw row of the vacancies that a changed period
-- touches. A vacancy's clean row and rejections depend on its own rows only, so the views below
-- give those vacancies' rows exactly as over all rows; the caller creates or replaces the tables
-- from them, or replaces those vacancies' rows in them.
CREATE OR REPLACE TEMP TABLE vacancy_periods AS
SELECT r.partner, r.vacancy_id,
       min(r.period) FILTER (WHERE r.filled_on IS NOT NULL) AS first_filled_period,
       max(r.period) AS last_period
FROM vacancy_rows_to_clean AS r
JOIN clean.periods AS p USING (period)
GROUP BY r.partner, r.vacancy_id;

CREATE OR REPLACE TEMP VIEW cleaned_vacancy_rejections AS
SELECT h.sha256, h.path, h.partner, h.period, 'vacancies' AS kind, h.row_number,
       'vacancy_id' AS "column", CAST(NULL AS VARCHAR) AS source_column, h.vacancy_id AS value,
       'filled_once' AS rule,
       'vacancy_id ' || h.vacancy_id || ' was already filled in ' || v.first_filled_period
           || '; a vacancy is counted once, this later row is not used' AS message
FROM vacancy_rows_to_clean AS h
JOIN vacancy_periods AS v USING (partner, vacancy_id)
WHERE v.last_period > v.first_filled_period AND h.period > v.first_filled_period;

CREATE OR REPLACE TEMP VIEW cleaned_vacancies AS
SELECT r.partner, r.vacancy_id, r.period, r.role, r.opened_on, r.filled_on, r.channel, c.field,
       r.cost, r.hours,
       CASE WHEN r.filled_on IS NULL THEN 'open' ELSE 'filled' END AS status,
       CASE WHEN r.filled_on IS NOT NULL THEN CAST(date_diff('day', r.opened_on, r.filled_on) AS INTEGER) END
           AS days_to_fill,
       r.sha256, r.path, r.row_number
FROM vacancy_rows_to_clean AS r
JOIN vacancy_periods AS v
  ON v.partner = r.partner AND v.vacancy_id = r.vacancy_id
 AND r.period = coalesce(v.first_filled_period, v.last_period)
JOIN clean.channels AS c USING (channel);
