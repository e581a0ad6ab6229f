-- History, never overwrite: every partner figure as first computed and every later change.
-- this_run (a temp table with run_id): the Dagster run recording the change.
CREATE SCHEMA IF NOT EXISTS history;

CREATE TABLE IF NOT EXISTS history.figure_versions (
    version INTEGER NOT NULL, partner VARCHAR NOT NULL, period VARCHAR NOT NULL,
    figure VARCHAR NOT NULL, value VARCHAR, run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS history.restatements (
    version INTEGER NOT NULL, period VARCHAR NOT NULL, partner VARCHAR NOT NULL,
    figure VARCHAR NOT NULL, old_value VARCHAR, new_value VARCHAR,
    reason_file VARCHAR, run_id VARCHAR NOT NULL
);

CREATE OR REPLACE TEMP TABLE current_figures AS
SELECT partner, period, figure, value
FROM (
    UNPIVOT (
        SELECT partner, period,
               CAST(contribution AS VARCHAR) AS contribution,
               CAST(driving_hires AS VARCHAR) AS driving_hires,
               CAST(hunting_hires AS VARCHAR) AS hunting_hires,
               CAST(own_driving_cost AS VARCHAR) AS own_driving_cost,
               CAST(counterfactual_cost AS VARCHAR) AS counterfactual_cost,
               CAST(cost_savings AS VARCHAR) AS cost_savings,
               CAST(days_saved AS VARCHAR) AS days_saved,
               CAST(time_savings AS VARCHAR) AS time_savings,
               CAST(gross_benefit AS VARCHAR) AS gross_benefit,
               CAST(benefit AS VARCHAR) AS benefit,
               CAST(net_benefit AS VARCHAR) AS net_benefit
        FROM marts.partner_period
    ) ON COLUMNS(* EXCLUDE (partner, period)) INTO NAME figure VALUE value
);

CREATE OR REPLACE TEMP TABLE latest_figures AS
SELECT partner, period, figure, value
FROM history.figure_versions
QUALIFY row_number() OVER (PARTITION BY partner, period, figure ORDER BY version DESC) = 1;

CREATE OR REPLACE TEMP TABLE changed_figures AS
SELECT c.partner, c.period, c.figure, l.value AS old_value, c.value AS new_value,
       l.partner IS NOT NULL AS was_published
FROM current_figures AS c
LEFT JOIN latest_figures AS l USING (partner, period, figure)
WHERE l.partner IS NULL OR l.value IS DISTINCT FROM c.value;

-- the file(s) that replaced an earlier one for this partner and period
CREATE OR REPLACE TEMP TABLE resubmissions AS
SELECT s.partner, s.period, string_agg(DISTINCT s.path, ', ' ORDER BY s.path) AS reason_file
FROM raw.submissions AS s
WHERE s.superseded_by IS NULL
  AND EXISTS (SELECT 1 FROM raw.submissions AS old WHERE old.superseded_by = s.sha256)
GROUP BY ALL;

INSERT INTO history.restatements
SELECT (SELECT coalesce(max(version), 0) + 1 FROM history.figure_versions),
       c.period, c.partner, c.figure, c.old_value, c.new_value, r.reason_file, (SELECT run_id FROM this_run)
FROM changed_figures AS c
LEFT JOIN resubmissions AS r USING (partner, period)
WHERE c.was_published
ORDER BY c.period, c.partner, c.figure;

INSERT INTO history.figure_versions
SELECT (SELECT coalesce(max(version), 0) + 1 FROM history.figure_versions),
       partner, period, figure, new_value, (SELECT run_id FROM this_run)
FROM changed_figures
ORDER BY period, partner, figure;

CREATE OR REPLACE TABLE marts.restatements AS
SELECT * FROM history.restatements ORDER BY version, period, partner, figure;
